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
// It repeats the operation until 0.3 s have passed (after one untimed
// warm-up call) and prints "op=OP n=N reps=R wall=S cpu=S check=V": wall
// and CPU seconds per call and a number R must agree with.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"syscall"
	"time"

	"carimpi/survival/compete"
	"carimpi/table"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: competebench gen|cif|finegray [flags]")
		os.Exit(2)
	}
	var err error
	if os.Args[1] == "gen" {
		err = gen(os.Args[2:])
	} else {
		err = timeOp(os.Args[1], os.Args[2:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "competebench:", err)
		os.Exit(1)
	}
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	n := fs.Int("n", 100000, "rows")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "CSV file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(*seed, 17))
	fmt.Fprintln(w, "time,status,g,x1,x2,x3")
	for range *n {
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
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func timeOp(op string, args []string) error {
	fs := flag.NewFlagSet(op, flag.ContinueOnError)
	data := fs.String("data", "", "CSV file from gen")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tab, err := table.ReadFile(*data)
	if err != nil {
		return err
	}
	col := func(name string) []float64 {
		v, err := tab.Floats(name)
		if err != nil {
			panic(err)
		}
		return v
	}
	tm, st, g := col("time"), col("status"), col("g")
	x := [][]float64{col("x1"), col("x2"), col("x3")}
	status := make([]int, len(st))
	group := make([]int, len(g))
	for i := range st {
		status[i], group[i] = int(st[i]), int(g[i])
	}
	var call func() float64
	switch op {
	case "cif":
		call = func() float64 {
			if _, err := compete.CumInc(tm, status, group, 0); err != nil {
				panic(err)
			}
			var stat float64
			for c := 1; c <= 2; c++ {
				t, err := compete.Gray(tm, status, group, nil, c, 0)
				if err != nil {
					panic(err)
				}
				if c == 1 {
					stat = t.Statistic
				}
			}
			return stat
		}
	case "finegray":
		call = func() float64 {
			m, err := compete.FineGray(tm, status, x, nil)
			if err != nil {
				panic(err)
			}
			return m.Coef[0]
		}
	default:
		return fmt.Errorf("unknown operation %q", op)
	}
	check := call()
	reps := 0
	cpu0, t0 := cpuTime(), time.Now()
	for {
		call()
		reps++
		if time.Since(t0) >= 300*time.Millisecond {
			break
		}
	}
	wall, cpu := time.Since(t0).Seconds(), cpuTime()-cpu0
	fmt.Printf("op=%s n=%d reps=%d wall=%.6f cpu=%.6f check=%.10g\n", op, len(tm), reps, wall/float64(reps), cpu/float64(reps), check)
	return nil
}

func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
