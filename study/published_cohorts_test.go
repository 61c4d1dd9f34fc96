package study

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"carimpi/cohort"
)

// TestPublishedComparisonCohortNames: the published-vs-cohort table reads
// the development and validation cohorts by their role, whatever the data
// call them: renaming the cohorts (Munich, MSK) changes none of its
// numbers. It used to look them up as "development" and "validation", so a
// cohort named otherwise (or "Development") showed NA, and NR for medians.
func TestPublishedComparisonCohortNames(t *testing.T) {
	var b bytes.Buffer
	if err := cohort.Simulate(150, 120, 5).WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	run := func(csv, dev, val string) []Published {
		c, rep, err := cohort.Load(strings.NewReader(csv), "sim.csv", cohort.Options{ExcludeTopMTV: cohort.OutlierQuantile})
		if err != nil {
			t.Fatal(err)
		}
		out, err := Run(c, rep, Options{Seed: 1, Develop: dev, Validate: val})
		if err != nil {
			t.Fatal(err)
		}
		return out.Results.PublishedComparison
	}
	want := run(b.String(), "development", "validation")
	renamed := strings.NewReplacer(",development,", ",Munich,", ",validation,", ",MSK,").Replace(b.String())
	got := run(renamed, "Munich", "MSK")
	missing := 0
	for i, p := range got {
		w := float64(want[i].Cohort)
		if math.IsNaN(w) {
			missing++
		}
		if g := float64(p.Cohort); g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("%s: %v with cohorts Munich/MSK, %v with development/validation", p.Name, g, w)
		}
	}
	if missing > 3 {
		t.Errorf("%d of %d published numbers missing in the simulated cohort", missing, len(want))
	}
}
