// Command kmlogrank times survival.KaplanMeier and survival.LogRank on a
// CSV written by bench/km-logrank.sh, for the Go/R comparison of
// bench/compare-r.sh.
//
//	kmlogrank [-reps 3] F.csv     F has the columns time,status,group (group 1..k)
//
// It prints one line "go_km_seconds=S go_logrank_seconds=S peak_rss_mb=M
// chisq=X medians=a,b,c": the fastest of reps runs of each (reading the CSV
// excluded; KM with one curve per group, log-rank across the groups) and
// the process's peak resident memory (VmHWM), which includes the data.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"carimpi/survival"
)

func main() {
	reps := flag.Int("reps", 3, "runs of each; the fastest is reported")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: kmlogrank [-reps 3] F.csv")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *reps); err != nil {
		fmt.Fprintln(os.Stderr, "kmlogrank:", err)
		os.Exit(1)
	}
}

func run(path string, reps int) error {
	tm, ev, group, err := read(path)
	if err != nil {
		return err
	}
	var curves []survival.KMCurve
	km := best(reps, func() error {
		curves, err = survival.KaplanMeier(tm, ev, group, survival.KMOptions{})
		return err
	})
	var lr *survival.LogRankResult
	lrt := best(reps, func() error {
		lr, err = survival.LogRank(tm, ev, group, nil, 0)
		return err
	})
	if err != nil {
		return err
	}
	med := make([]string, len(curves))
	for i := range curves {
		med[i] = strconv.FormatFloat(curves[i].Median().Estimate, 'g', -1, 64)
	}
	fmt.Printf("go_km_seconds=%.4f go_logrank_seconds=%.4f peak_rss_mb=%s chisq=%.10g medians=%s\n",
		km.Seconds(), lrt.Seconds(), peakRSS(), lr.Statistic, strings.Join(med, ","))
	return nil
}

// best returns the fastest of reps calls of f (any error stops the runs).
func best(reps int, f func() error) time.Duration {
	var b time.Duration
	for r := range reps {
		t0 := time.Now()
		if f() != nil {
			return 0
		}
		if d := time.Since(t0); r == 0 || d < b {
			b = d
		}
	}
	return b
}

// read loads time,status,group; groups 1..k become codes 0..k-1.
func read(path string) (tm []float64, ev []bool, group []int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	line := 1
	for sc.Scan() {
		line++
		parts := strings.Split(sc.Text(), ",")
		if len(parts) != 3 {
			return nil, nil, nil, fmt.Errorf("%s:%d: want 3 fields", path, line)
		}
		t, err1 := strconv.ParseFloat(parts[0], 64)
		s, err2 := strconv.Atoi(parts[1])
		g, err3 := strconv.Atoi(parts[2])
		if err := errors.Join(err1, err2, err3); err != nil || g < 1 {
			return nil, nil, nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		tm, ev, group = append(tm, t), append(ev, s == 1), append(group, g-1)
	}
	return tm, ev, group, sc.Err()
}

// peakRSS reads the process's peak resident set size (VmHWM) in MB.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "NA"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err == nil {
				return fmt.Sprintf("%.1f", float64(kb)/1024)
			}
		}
	}
	return "NA"
}
