package study

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestFollowUpAgainstR compares the reverse Kaplan-Meier median follow-up
// and quartiles of Table S1 with R's quantile(survfit(Surv(time, 1 -
// event) ~ 1)) exactly, on the cases of testdata/study/check-followup.R:
// a reverse curve flat at exactly 0.5 (midpoint rule, at the end and
// before a drop), deaths and censorings at one time, no censoring, and a
// messy sample with ties.
func TestFollowUpAgainstR(t *testing.T) {
	b, err := os.ReadFile("../testdata/study/expected-followup.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name           string
		Time, Event    []float64
		Median, Q1, Q3 *float64
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 6 {
		t.Fatalf("%d cases", len(cases))
	}
	for _, c := range cases {
		death := make([]bool, len(c.Event))
		for i, e := range c.Event {
			death[i] = e == 1
		}
		got := followUpQuartiles(c.Time, death)
		for j, want := range []*float64{c.Median, c.Q1, c.Q3} {
			w := math.NaN()
			if want != nil {
				w = *want
			}
			if !(got[j] == w || math.IsNaN(got[j]) && math.IsNaN(w)) {
				t.Errorf("%s: quantile %d = %v, R %v", c.Name, j, got[j], w)
			}
		}
	}
}
