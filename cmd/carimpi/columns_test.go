package main

import (
	"strings"
	"testing"
	"text/tabwriter"
)

// TestWriteRightAligned checks the layout against text/tabwriter's.
func TestWriteRightAligned(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header string
		rows   []string // "" is a row left out
	}{
		{"numbers", "time\tat risk\tCI\t", []string{"1\t100\t0.9 to 1\t", "", "12.5\t7\tNA to NA\t"}},
		{"wide header", "a very wide header\tb\t", []string{"1\t2\t"}},
		{"runes", "Ort\tn\t", []string{"Würzburg\t3\t", "Köln\t12\t"}},
		{"empty cells and a tail", "g\tx\t\t", []string{"A\t\t\ttail text", "B\t1\t\t"}},
		{"no rows", "time\tn\t", nil},
	} {
		var want strings.Builder
		tw := tabwriter.NewWriter(&want, 0, 4, 2, ' ', tabwriter.AlignRight)
		tw.Write([]byte(tc.header + "\n"))
		for _, r := range tc.rows {
			if r != "" {
				tw.Write([]byte(r + "\n"))
			}
		}
		tw.Flush()
		var got strings.Builder
		err := writeRightAligned(&got, tc.header, len(tc.rows), func(i int, dst []byte) ([]byte, bool) {
			return append(dst, tc.rows[i]...), tc.rows[i] != ""
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s:\n%s\nwant (tabwriter):\n%s", tc.name, got.String(), want.String())
		}
	}
}
