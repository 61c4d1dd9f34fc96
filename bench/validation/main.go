// Command validation times survival/validation's AUC and Brier score with
// their standard errors at tau = 1 on CSV files (columns time, event, risk;
// written by bench/validation.sh) and prints one line per file: n, best
// elapsed seconds of 3 runs (AUC and Brier together), AUC and its se,
// Brier and its se.
//
//	go run ./bench/validation FILE...
package main

import (
	"fmt"
	"os"
	"time"

	"carimpi/survival/validation"
	"carimpi/table"
)

func main() {
	for _, path := range os.Args[1:] {
		if err := run(path); err != nil {
			fmt.Fprintln(os.Stderr, "validation bench:", err)
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
	for k, name := range []string{"time", "event", "risk"} {
		if cols[k], err = tab.Floats(name); err != nil {
			return err
		}
	}
	event := make([]bool, len(cols[1]))
	for i, e := range cols[1] {
		event[i] = e == 1
	}
	best := time.Duration(1 << 62)
	var a validation.AUCResult
	var b validation.BrierResult
	for range 3 {
		start := time.Now()
		a = validation.AUC(cols[0], event, cols[2], 1)
		b = validation.Brier(cols[0], event, cols[2], 1)
		best = min(best, time.Since(start))
	}
	fmt.Printf("go n=%d seconds=%.4f AUC=%.10f se=%.10f Brier=%.10f se=%.10f\n", len(event), best.Seconds(), a.Value, a.SE, b.Brier.Value, b.Brier.SE)
	return nil
}
