package study

import (
	"fmt"
	"strings"
	"testing"

	"carimpi/cohort"
	"carimpi/render"
)

// outlierCohort is a CSV of 40 patients of the development cohort with
// MTV 10, 20, ..., 400 mL.
func outlierCohort() string {
	var b strings.Builder
	b.WriteString("patient_id,cohort,age,stage,mtv_ml\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "p%d,development,60,3,%d\n", i, i*10)
	}
	return b.String()
}

// The cohort flow gives the outlier rule's fraction as the user gave it:
// results.json's exclude_top_mtv is 0.025, not 1 - (1 - 0.025) =
// 0.025000000000000022, and the text names the quantile and the percentage
// as decimals (0.93, not 0.9299999999999999).
func TestFlowOutlierRuleAsGiven(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want string
	}{
		{0.025, "MTV outlier rule (the top 2.5%): MTV above 390.25 mL, the 0.975 quantile of MTV over every accepted row."},
		{0.07, "MTV outlier rule (the top 7%): MTV above 372.7 mL, the 0.93 quantile of MTV over every accepted row."},
		{0, "no MTV outlier rule (--exclude-top-mtv 0)"},
	} {
		c, rep, err := cohort.Load(strings.NewReader(outlierCohort()), "t.csv", cohort.Options{ExcludeTopMTV: tc.p})
		if err != nil {
			t.Fatal(err)
		}
		inc := inclusion(rep, c)
		if inc.ExcludeTopMTV != tc.p {
			t.Errorf("p %v: exclude_top_mtv %v", tc.p, inc.ExcludeTopMTV)
		}
		out := &Output{Results: &Results{Inclusion: inc}}
		var b htmlBuf
		out.flowSection(&b)
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("p %v: cohort flow %q\nwant %q", tc.p, b.String(), tc.want)
		}
	}
}

// The cohort flow and the exclusion reasons give the outlier threshold
// alike (cohort.FormatMTV): before, the flow rounded it to 373 mL while
// the reasons wrote 372.69999999999993 mL.
func TestFlowThresholdAgrees(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want string
	}{{0.025, "390.25"}, {0.07, "372.7"}} {
		c, rep, err := cohort.Load(strings.NewReader(outlierCohort()), "t.csv", cohort.Options{ExcludeTopMTV: tc.p})
		if err != nil {
			t.Fatal(err)
		}
		out := &Output{Results: &Results{Inclusion: inclusion(rep, c)}}
		var b htmlBuf
		out.flowSection(&b)
		if !strings.Contains(b.String(), "MTV outlier rule (the top") || !strings.Contains(b.String(), "MTV above "+tc.want+" mL,") {
			t.Errorf("p %v: cohort flow %q: want the threshold %s mL", tc.p, b.String(), tc.want)
		}
		if len(out.Results.Inclusion.Excluded) == 0 {
			t.Fatalf("p %v: no outlier excluded", tc.p)
		}
		for _, x := range out.Results.Inclusion.Excluded {
			if !strings.Contains(x.Reason, "of MTV ("+tc.want+" mL)") {
				t.Errorf("p %v: reason %q: want the threshold %s mL as in the flow", tc.p, x.Reason, tc.want)
			}
		}
	}
}

// The CAR-IMPI coefficient table of the report names its terms for people
// (the spline of MTV with its knot, age per year, the stages against stage
// I) and the knot as the formula does, while results.json keeps the term
// names; before, the rows read mtv, mtv_above_knot, age, stage2.
func TestModelTableLabels(t *testing.T) {
	fit := ModelFit{Terms: modelTerms, Knot: 1234.5, Coef: make([]float64, 6), SE: make([]float64, 6), HR: make([]float64, 6), P: make([]float64, 6)}
	out := &Output{Results: &Results{Model: fit}}
	var b htmlBuf
	out.modelSection(&b, "pfs")
	for _, want := range []string{"<td>MTV (per mL, below the 1234.5 mL knot)</td>", "<td>MTV above the 1234.5 mL knot (change of slope, per mL)</td>",
		"<td>Age (per year)</td>", "<td>Ann Arbor stage II (vs I)</td>", "<td>Ann Arbor stage III (vs I)</td>", "<td>Ann Arbor stage IV (vs I)</td>"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("model table lacks %q:\n%s", want, b.String())
		}
	}
	for _, term := range modelTerms {
		if strings.Contains(b.String(), "<td>"+term+"</td>") {
			t.Errorf("model table shows the term name %q", term)
		}
	}
}

// A CAR-T product the dictionary does not know is reported as the data
// write it (it was lower-cased: "relma-cel"), spellings that differ only
// in case being one product; known products by their canonical names.
func TestProductAsWritten(t *testing.T) {
	in := "patient_id,age,stage,mtv_ml,product\na,60,3,100,Relma-cel\nb,61,3,110,RELMA-CEL\nc,62,3,120,Yescarta\nd,63,3,130, Obe-cel \n"
	c, _, err := cohort.Load(strings.NewReader(in), "t.csv", cohort.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &patients{n: c.Len(), c: c}
	product := p.product()
	for i, want := range []struct{ code, label string }{{"Relma-cel", "Relma-cel"}, {"Relma-cel", "Relma-cel"}, {"axi-cel", "Axi-cel"}, {"Obe-cel", "Obe-cel"}} {
		if got := product(i); got != want.code || levelLabel("product", got) != want.label {
			t.Errorf("patient %d: product %q labelled %q, want %q labelled %q", i, got, levelLabel("product", got), want.code, want.label)
		}
	}
}

// A Kaplan-Meier figure that is also a panel of Fig 4 is drawn twice: the
// standalone figure with the margin its own group names need, its panel
// with the margin of the other panels' names too (the risk tables line
// up). Before, one drawing served both and the standalone InflaMix
// figures carried the CAR-HEMATOTOX names' margin.
func TestStandalonePanelMargin(t *testing.T) {
	curves := []render.KMGroup{
		{Name: "CAR-IMPI low / inflamed", N: 2, Time: []float64{0, 1, 2}, NRisk: []float64{2, 2, 1}, NCensor: []float64{0, 0, 1}, Surv: []float64{1, 0.5, 0.5}},
		{Name: "CAR-IMPI high / inflamed", N: 2, Time: []float64{0, 1, 2}, NRisk: []float64{2, 2, 1}, NCensor: []float64{0, 0, 0}, Surv: []float64{1, 0.5, 0}},
	}
	gs := &GroupSurvival{LogrankP: 0.04}
	own, aligned := &Output{}, &Output{}
	own.addKM("km", "PFS", "pfs", gs, curves)
	aligned.addKM("km", "PFS", "pfs", gs, curves, "CAR-IMPI high / CAR-HEMATOTOX high", "CAR-IMPI low / inflamed")
	own.drawFigures()
	aligned.drawFigures()
	alone, panel := own.Figures[0], aligned.Figures[0]
	if panel.panel == nil {
		t.Fatal("the aligned figure has no panel drawing")
	}
	if got, want := panel.Drawing.Width, alone.Drawing.Width; got != want {
		t.Errorf("standalone figure %v wide, want %v as without the other panels' names", got, want)
	}
	if panel.panel.Width <= alone.Drawing.Width {
		t.Errorf("panel %v wide, standalone %v: the panel's margin does not fit the longer names", panel.panel.Width, alone.Drawing.Width)
	}
}
