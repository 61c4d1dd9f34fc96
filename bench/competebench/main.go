// Command competebench writes the competing-risks data of bench/compete.sh
// and times carimpi's competing-risks library in-process on it, for the
// side-by-side comparison with R's cmprsk (bench/rcompete.R does the same
// calls in R).
//
//	competebench gen -n 1000000 -seed 1 -out F.csv   write time,status,g,x1,x2,x3
//	competebench OP -data F.csv                      time one operation
//
// The data: two groups g (0/1), x1 = g, x2 age-like, x3 0..3; cause 1
// (relapse) with hazard 0.04 exp(0.7 g), cause 2 (non-relapse mortality)
// with hazard 0.01 exp(0.03 (age - 60)), uniform censoring on (3, 36)
// months; times rounded to days, so causes tie. Operations:
//
//	cif       CumInc by g (both causes) + Gray's test for each cause   (R: cuminc(time, status, g))
//	finegray  FineGray of cause 1 on x1, x2, x3 with crr's variance    (R: crr(time, status, cbind(x1, x2, x3)))
//
// The subcommands, the timing loop and the output line
// "op=OP n=N reps=R wall=S cpu=S check=V" are bench/internal/harness's.
package main

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"

	"carimpi/bench/internal/harness"
	"carimpi/survival/compete"
	"carimpi/table"
)

func main() {
	var (
		tm            []float64
		status, group []int
		x             [][]float64
	)
	load := func(path string) (int, error) {
		tab, err := table.ReadFile(path)
		if err != nil {
			return 0, err
		}
		cols := map[string][]float64{}
		for _, name := range []string{"time", "status", "g", "x1", "x2", "x3"} {
			if cols[name], err = tab.Floats(name); err != nil {
				return 0, err
			}
		}
		tm, x = cols["time"], [][]float64{cols["x1"], cols["x2"], cols["x3"]}
		status, group = make([]int, len(tm)), make([]int, len(tm))
		for i := range tm {
			status[i], group[i] = int(cols["status"][i]), int(cols["g"][i])
		}
		return len(tm), nil
	}
	harness.Command{Name: "competebench", Gen: gen, Load: load, Ops: map[string]harness.Op{
		"cif": func() (float64, error) {
			if _, err := compete.CumInc(tm, status, group, 0); err != nil {
				return 0, err
			}
			var stat float64
			for c := 1; c <= 2; c++ {
				t, err := compete.Gray(tm, status, group, nil, c, 0)
				if err != nil {
					return 0, err
				}
				if c == 1 {
					stat = t.Statistic
				}
			}
			return stat, nil
		},
		"finegray": func() (float64, error) {
			m, err := compete.FineGray(tm, status, x, nil)
			if err != nil {
				return 0, err
			}
			return m.Coef[0], nil
		},
	}}.Main()
}

func gen(w *bufio.Writer, n int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 17))
	fmt.Fprintln(w, "time,status,g,x1,x2,x3")
	for range n {
		g := r.IntN(2)
		age := math.Round(60 + 10*r.NormFloat64())
		t1 := r.ExpFloat64() / (0.04 * math.Exp(0.7*float64(g)))
		t2 := r.ExpFloat64() / (0.01 * math.Exp(0.03*(age-60)))
		c := 3 + 33*r.Float64()
		t := math.Min(math.Min(t1, t2), c)
		st := 0
		switch t {
		case t1:
			st = 1
		case t2:
			st = 2
		}
		fmt.Fprintf(w, "%.6g,%d,%d,%d,%g,%d\n", math.Max(1, math.Round(t*30.4375))/30.4375, st, g, g, age, r.IntN(4))
	}
}
