package study

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"carimpi/cohort"
	"carimpi/internal/browsertest"
	"carimpi/scores"
)

// externalFixture validates the study fixture's model on its validation
// cohort.
func externalFixture(t *testing.T, opt ExternalOptions) (*External, *Output) {
	t.Helper()
	out := runFixture(t, 0)
	var buf bytes.Buffer
	if err := scores.Save(&buf, out.Model); err != nil {
		t.Fatal(err)
	}
	m, err := scores.Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	co, rep, err := cohort.LoadFile("../testdata/study/cohort-seed7.csv", cohort.Options{ExcludeTopMTV: 0.025})
	if err != nil {
		t.Fatal(err)
	}
	opt.Cohort = "validation"
	x, err := Validate(co, rep, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	return x, out
}

// TestExternalReportInBrowser loads the validate-model report in headless
// Chromium: no console error, every figure drawn, the sections present.
func TestExternalReportInBrowser(t *testing.T) {
	x, _ := externalFixture(t, ExternalOptions{Bootstrap: 20, Seed: 5, Recalibrate: "baseline", Software: "test"})
	dir := t.TempDir()
	if _, err := x.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	// The browser's clock starts once the report (SVG, PNG and PDF of each
	// figure) is written.
	ctx := browsertest.Start(t, 60*time.Second)
	if len(x.Figures) != 4+2*3 {
		t.Errorf("%d figures, want 4 Kaplan-Meier + 2 per horizon", len(x.Figures))
	}
	checkReport(t, ctx, dir, "CAR-IMPI external validation report", x.Figures)
	checkFigures(t, ctx, dir, x.Figures)
}

func TestExternalPage(t *testing.T) {
	x, _ := externalFixture(t, ExternalOptions{Endpoint: "os", Times: []float64{12, 24}, Recalibrate: "slope", Software: "test"})
	var page bytes.Buffer
	x.WriteHTML(&page)
	for _, want := range []string{Notice, "Simulated data", "External validation of CAR-IMPI", "Calibration slope", "O/E", "Recalibrated by carimpi validate-model --recalibrate slope", "model-recalibrated.json"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if x.Results.Prediction.Endpoint != "os" || x.Recalibrated == nil || x.Recalibrated.Centre == x.Results.Model.Centre {
		t.Errorf("endpoint %s, recalibrated %v", x.Results.Prediction.Endpoint, x.Recalibrated != nil)
	}
	if _, err := Validate(nil, nil, &scores.CoxModel{}, ExternalOptions{}); err == nil || !strings.Contains(err.Error(), "coefficients") {
		t.Errorf("model without coefficients: %v", err)
	}
}
