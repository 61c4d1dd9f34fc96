// Command gocore writes the data of bench/compare-r.sh and times carimpi's
// survival library in-process on it, for the side-by-side comparison with
// R (bench/rcore.R does the same calls in R).
//
//	gocore gen -n 100000 -seed 1 -out F.csv   write time,status,x1..x5,s
//	gocore OP -data F.csv                      time one operation
//
// The data: x1 age-like, x2 and x3 standard normal, x4 0/1, x5 an MTV-like
// log-normal (mL); exponential times in whole days (so there are ties),
// about 30% censored; s = 1..3 (the groups of km and logrank). Operations,
// each on inputs built before the clock starts (as R's on its prebuilt
// ones):
//
//	coxfit       cox.Fit, Efron, p = 5                    (R: coxph.fit)
//	coxcall      cox.Fit + concordance of its lp          (R: coxph())
//	km           KaplanMeier by s                         (R: survfitKM; survfit())
//	logrank      LogRank by s                             (R: survdiff.fit; survdiff())
//	concordance  Harrell's C of x1 with its se            (R: concordancefit)
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
	"carimpi/survival"
	"carimpi/survival/concordance"
	"carimpi/survival/cox"
	"carimpi/table"
)

func main() {
	var d *data
	load := func(path string) (int, error) {
		var err error
		if d, err = read(path); err != nil {
			return 0, err
		}
		return len(d.time), nil
	}
	harness.Command{Name: "gocore", Gen: gen, Load: load, Ops: map[string]harness.Op{
		"coxfit": func() (float64, error) {
			m, err := cox.Fit(d.time, d.event, d.x, nil, nil)
			if err != nil {
				return 0, err
			}
			return m.Loglik, nil
		},
		"coxcall": func() (float64, error) {
			m, err := cox.Fit(d.time, d.event, d.x, nil, nil)
			if err != nil {
				return 0, err
			}
			c := concordance.Harrell(d.time, d.event, m.LinearPredictors(false), nil, nil)
			return c.C, nil
		},
		"km": func() (float64, error) {
			c, err := survival.KaplanMeier(d.time, d.event, d.group, survival.KMOptions{})
			if err != nil {
				return 0, err
			}
			return c[0].Median().Estimate, nil
		},
		"logrank": func() (float64, error) {
			r, err := survival.LogRank(d.time, d.event, d.group, nil, 0)
			if err != nil {
				return 0, err
			}
			return r.Statistic, nil
		},
		"concordance": func() (float64, error) {
			return concordance.Harrell(d.time, d.event, d.x[0], nil, nil).C, nil
		},
	}}.Main()
}

func gen(w *bufio.Writer, n int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	fmt.Fprintln(w, "time,status,x1,x2,x3,x4,x5,s")
	for range n {
		x1 := 60 + 10*rng.NormFloat64()
		x2, x3 := rng.NormFloat64(), rng.NormFloat64()
		x4 := 0.0
		if rng.Float64() < 0.4 {
			x4 = 1
		}
		x5 := math.Exp(3 + 1.2*rng.NormFloat64())
		s := 1 + rng.IntN(3)
		eta := 0.02*(x1-60) + 0.3*x2 - 0.2*x3 + 0.5*x4 + 0.002*x5 + 0.3*float64(s-1)
		t := math.Ceil(365 * rng.ExpFloat64() / math.Exp(eta))
		st := 0
		if rng.Float64() < 0.7 {
			st = 1
		}
		fmt.Fprintf(w, "%g,%d,%.6g,%.6g,%.6g,%g,%.6g,%d\n", t, st, x1, x2, x3, x4, x5, s)
	}
}

// data is the CSV as the library takes it.
type data struct {
	time  []float64
	event []bool
	x     [][]float64 // x1..x5
	group []int       // s - 1
}

func read(path string) (*data, error) {
	tab, err := table.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d := &data{}
	if d.time, err = tab.Floats("time"); err != nil {
		return nil, err
	}
	st, err := tab.Floats("status")
	if err != nil {
		return nil, err
	}
	s, err := tab.Floats("s")
	if err != nil {
		return nil, err
	}
	for i := range st {
		d.event = append(d.event, st[i] == 1)
		d.group = append(d.group, int(s[i])-1)
	}
	for j := 1; j <= 5; j++ {
		col, err := tab.Floats(fmt.Sprintf("x%d", j))
		if err != nil {
			return nil, err
		}
		d.x = append(d.x, col)
	}
	return d, nil
}
