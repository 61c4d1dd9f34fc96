// Command coxbench generates the data of bench/cox.sh and times cox.Fit on
// it, for the Go/R comparison of bench/compare-r.sh.
//
//	coxbench gen -n 100000 -seed 1 -out F.csv   write time,status,x1..x5,s (s = 1..3)
//	coxbench fit -data F.csv [-strata] [-reps 3] fit Efron, p = 5; print the best wall time
//
// fit prints one line "go_seconds=S peak_rss_mb=M loglik=L": the fastest of
// reps fits (reading the CSV excluded) and the process's peak resident
// memory (VmHWM), which includes the data as read.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"carimpi/survival/cox"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: coxbench gen|fit [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "fit":
		err = fit(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "coxbench:", err)
		os.Exit(1)
	}
}

// gen writes n rows: x1 age-like, x2 and x3 standard normal, x4 0/1, x5 an
// MTV-like log-normal (mL), exponential times in whole days (ties), about
// 30% censored, three strata.
func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int("n", 100000, "rows")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "output CSV")
	fs.Parse(args)
	fmt.Fprintf(os.Stderr, "coxbench gen: n=%d seed=%d\n", *n, *seed)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(*seed, 1))
	fmt.Fprintln(w, "time,status,x1,x2,x3,x4,x5,s")
	for i := 0; i < *n; i++ {
		x1 := 60 + 10*rng.NormFloat64()
		x2, x3 := rng.NormFloat64(), rng.NormFloat64()
		x4 := 0.0
		if rng.Float64() < 0.4 {
			x4 = 1
		}
		x5 := math.Exp(3 + 1.2*rng.NormFloat64())
		s := 1 + rng.IntN(3)
		eta := 0.02*(x1-60) + 0.3*x2 - 0.2*x3 + 0.5*x4 + 0.002*x5
		t := math.Ceil(365 * rng.ExpFloat64() / math.Exp(eta))
		st := 0
		if rng.Float64() < 0.7 {
			st = 1
		}
		fmt.Fprintf(w, "%g,%d,%.6g,%.6g,%.6g,%g,%.6g,%d\n", t, st, x1, x2, x3, x4, x5, s)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func fit(args []string) error {
	fs := flag.NewFlagSet("fit", flag.ExitOnError)
	data := fs.String("data", "", "CSV from gen")
	strata := fs.Bool("strata", false, "stratify by s")
	reps := fs.Int("reps", 3, "fits to time (the fastest is printed)")
	fs.Parse(args)
	f, err := os.Open(*data)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	var tm []float64
	var ev []bool
	x := make([][]float64, 5)
	var st []int
	line := 1
	for sc.Scan() {
		line++
		cells := strings.Split(sc.Text(), ",")
		if len(cells) != 8 {
			return fmt.Errorf("%s:%d: %d cells", *data, line, len(cells))
		}
		var v [8]float64
		for j, c := range cells {
			if v[j], err = strconv.ParseFloat(c, 64); err != nil {
				return fmt.Errorf("%s:%d: %v", *data, line, err)
			}
		}
		tm = append(tm, v[0])
		ev = append(ev, v[1] == 1)
		for j := range x {
			x[j] = append(x[j], v[2+j])
		}
		st = append(st, int(v[7]))
	}
	if err := sc.Err(); err != nil {
		return err
	}
	opt := &cox.Options{}
	if *strata {
		opt.Strata = st
	}
	best := math.Inf(1)
	var m *cox.Model
	for r := 0; r < *reps; r++ {
		start := time.Now()
		m, err = cox.Fit(tm, ev, x, opt, nil)
		if err != nil {
			return err
		}
		best = math.Min(best, time.Since(start).Seconds())
	}
	fmt.Printf("go_seconds=%.4f peak_rss_mb=%.1f loglik=%.10g\n", best, peakRSS(), m.Loglik)
	return nil
}

// peakRSS returns VmHWM from /proc/self/status in MB (NaN if unavailable).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return math.NaN()
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return math.NaN()
}
