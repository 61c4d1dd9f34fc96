package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"carimpi/cohort"
	"carimpi/internal/reftest"
	"carimpi/stattest"
)

// TestStudyOutlierQuantileAnalysedCohorts: the study takes the MTV outlier
// quantile over the cohorts it analyses. A third cohort in the file (40
// rows of cohort "external" with MTVs of 9000 mL and more) neither moves
// the threshold from that of the development and validation rows nor
// loses rows to the rule, and the cohort flow names the cohorts.
func TestStudyOutlierQuantileAnalysedCohorts(t *testing.T) {
	skipShort(t)
	csv := string(cohort.DefaultCSV())
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	header := strings.Split(lines[0], ",")
	id, name, mtv := slices.Index(header, "patient_id"), slices.Index(header, "cohort"), slices.Index(header, "mtv_ml")
	var b strings.Builder
	b.WriteString(csv)
	for k, line := range lines[1:41] {
		f := strings.Split(line, ",")
		f[id], f[name], f[mtv] = fmt.Sprintf("X%03d", k), "external", fmt.Sprint(9000+k)
		b.WriteString(strings.Join(f, ",") + "\n")
	}
	data := writeFile(t, "three-cohorts.csv", b.String())
	// The default file holds only the development and validation cohorts.
	two, _, err := cohort.Load(bytes.NewReader(cohort.DefaultCSV()), "default.csv", cohort.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if names := two.Names(); !slices.Equal(names, []string{"development", "validation"}) {
		t.Fatalf("default cohorts %v", names)
	}
	want := stattest.Quantile(two.Floats("mtv_ml"), 1-0.025)

	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "study", "--data", data, "--out", dir+"/r", "--bootstrap", "0", "--quiet"); code != 0 {
		t.Fatalf("study: %d %s", code, errOut)
	}
	var res struct {
		Inclusion struct {
			Threshold float64        `json:"mtv_outlier_threshold"`
			Cohorts   []string       `json:"mtv_outlier_cohorts"`
			Outliers  int            `json:"excluded_outliers"`
			ByCohort  map[string]int `json:"by_cohort"`
		} `json:"inclusion"`
	}
	reftest.Load(t, dir+"/r/results.json", &res)
	inc := res.Inclusion
	if inc.Threshold != want || !slices.Equal(inc.Cohorts, []string{"development", "validation"}) || inc.ByCohort["external"] != 40 {
		t.Errorf("threshold %v (want %v, the quantile of the development and validation rows), cohorts %v, external rows kept %d of 40",
			inc.Threshold, want, inc.Cohorts, inc.ByCohort["external"])
	}
	html, err := os.ReadFile(dir + "/r/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if s := "quantile of MTV in the cohorts analysed (development, validation)."; !strings.Contains(string(html), s) {
		t.Errorf("index.html does not say %q", s)
	}
}
