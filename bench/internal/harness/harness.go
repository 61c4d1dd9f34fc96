// Package harness is the scaffolding shared by the benchmark commands that
// bench/*.sh run side by side with R (bench/gocore, bench/competebench):
// the "gen" and "OP" subcommands, the generated CSV file and the timing
// loop with its one-line report.
//
//	NAME gen -n 100000 -seed 1 -out F.csv   write the data
//	NAME OP -data F.csv [-min 0.3]          time one operation
//
// An operation runs once untimed (a warm-up, whose result is the check
// value R must agree with), then again until -min seconds have passed (at
// least once), and the command prints one line
// "op=OP n=N reps=R wall=S cpu=S check=V": wall and CPU (user + system,
// all threads) seconds per call.
package harness

import (
	"bufio"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Op is one timed operation on the loaded data; it returns the check value.
type Op func() (float64, error)

// Command describes a benchmark command.
type Command struct {
	Name string
	// Gen writes the data set of n rows drawn with seed, header included.
	Gen func(w *bufio.Writer, n int, seed uint64)
	// Load reads the CSV written by Gen, before the operation's clock
	// starts, and returns its number of rows.
	Load func(path string) (int, error)
	// Ops are the operations by name; they use what Load read.
	Ops map[string]Op
}

// Main runs the command with os.Args and exits non-zero on an error.
func (c Command) Main() {
	if len(os.Args) < 2 {
		names := slices.Sorted(maps.Keys(c.Ops))
		fmt.Fprintf(os.Stderr, "usage: %s gen|%s [flags]\n", c.Name, strings.Join(names, "|"))
		os.Exit(2)
	}
	var err error
	if os.Args[1] == "gen" {
		err = c.gen(os.Args[2:])
	} else {
		err = c.time(os.Args[1], os.Args[2:])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", c.Name, err)
		os.Exit(1)
	}
}

func (c Command) gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	n := fs.Int("n", 100000, "rows")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "output CSV")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	c.Gen(w, *n, *seed)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (c Command) time(op string, args []string) error {
	call, ok := c.Ops[op]
	if !ok {
		return fmt.Errorf("unknown operation %q", op)
	}
	fs := flag.NewFlagSet(op, flag.ContinueOnError)
	path := fs.String("data", "", "CSV from gen")
	minSec := fs.Float64("min", 0.3, "repeat the call until this many seconds have passed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n, err := c.Load(*path)
	if err != nil {
		return err
	}
	check, err := call() // warm-up, untimed
	if err != nil {
		return err
	}
	reps := 0
	cpu0 := cpuSeconds()
	t0 := time.Now()
	for reps == 0 || time.Since(t0).Seconds() < *minSec {
		if _, err := call(); err != nil {
			return err
		}
		reps++
	}
	wall := time.Since(t0).Seconds() / float64(reps)
	cpu := (cpuSeconds() - cpu0) / float64(reps)
	fmt.Printf("op=%s n=%d reps=%d wall=%.6f cpu=%.6f check=%.10g\n", op, n, reps, wall, cpu, check)
	return nil
}

// cpuSeconds is the process's user + system time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	sec := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return sec(ru.Utime) + sec(ru.Stime)
}
