// Command concordance times survival/concordance.Harrell on CSV files
// (columns time, event, score; written by bench/concordance.sh) and prints
// one line per file: n, best elapsed seconds of 3 runs, C and its se.
//
//	go run ./bench/concordance FILE...
package main

import (
	"fmt"
	"os"
	"time"

	"carimpi/survival/concordance"
	"carimpi/table"
)

func main() {
	for _, path := range os.Args[1:] {
		if err := run(path); err != nil {
			fmt.Fprintln(os.Stderr, "concordance bench:", err)
			os.Exit(1)
		}
	}
}

func run(path string) error {
	tab, err := table.ReadFile(path)
	if err != nil {
		return err
	}
	var cols [3][]float64
	for k, name := range []string{"time", "event", "score"} {
		if cols[k], err = tab.Floats(name); err != nil {
			return err
		}
	}
	event := make([]bool, len(cols[1]))
	for i, e := range cols[1] {
		event[i] = e == 1
	}
	best := time.Duration(1 << 62)
	var r concordance.Result
	for range 3 {
		start := time.Now()
		r = concordance.Harrell(cols[0], event, cols[2], nil, nil)
		best = min(best, time.Since(start))
	}
	fmt.Printf("go n=%d seconds=%.4f C=%.10f se=%.10f\n", len(event), best.Seconds(), r.C, r.SE)
	return nil
}
