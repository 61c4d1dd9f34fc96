package study

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"carimpi/cohort"
	"carimpi/internal/jsonx"
	"carimpi/record"
	"carimpi/scores"
)

// runFixture runs the study on testdata/study/cohort-seed7.csv, a cohort
// made by "carimpi simulate --seed 7" and analysed independently in R by
// testdata/study/check-study.R (R 4.2.2, survival 3.5.3, maxstat 0.7.25).
func runFixture(t *testing.T, boot int) *Output {
	t.Helper()
	co, rep, err := cohort.LoadFile("../testdata/study/cohort-seed7.csv", cohort.Options{ExcludeTopMTV: 0.025})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(co, rep, Options{Bootstrap: boot, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStudyAgainstR compares every number of results.json that R's
// check-study.R computes: inclusion, cutpoint, model, cutoffs, the KM,
// log-rank and Cox blocks of both cohorts, multivariable Cox and toxicity.
// The second cohort ("carimpi simulate --seed 11", 300 + 200 patients) has
// about 4% of ldh, crp, ecog, product, pfs_months, os_event and crs_grade
// and 2% of pfs_event blanked at random, so rows drop out per analysis as
// R's na.omit drops them. The third (testdata/study/make-messy.R, 46 + 40
// patients) is messy: tied times, rounded labs, blanks in 13 columns, a rare
// level, groups under 50, so that the Table S1-S5 tests take every path of
// R's rules (exact and normal Wilcoxon, Kruskal-Wallis with ties, chi-square
// and Fisher); follow-up times must equal R's exactly. The last two are
// compared with check-issue15.R, an outside audit's R of issue 15's
// statistics (Table S1, the tests of Tables S2/S3, Fig S4, Table S5, the
// Fig 3 grade tests) written from the paper and README alone: on
// survival::lung (real ties and gaps, no labs, times in days, events coded
// 1/2) and on a simulated cohort in a ';' file with decimal commas, CRP in
// mg/L, Hb in g/L, trade names, a center of two and a third cohort.
func TestStudyAgainstR(t *testing.T) {
	for _, tc := range []struct {
		data, expected string
		units          record.Units
		dev, val       string // cohort names as in the data ("" = the defaults)
		min            int    // numbers compared at least
	}{
		{"cohort-seed7.csv", "expected-seed7.json", nil, "", "", 300},
		{"cohort-seed11-missing.csv", "expected-seed11-missing.json", nil, "", "", 300},
		{"cohort-seed33-messy.csv", "expected-seed33-messy.json", nil, "", "", 300},
		{"cohort-lung.csv", "expected-lung-issue15.json", record.Units{record.PFSMonths: "days", record.OSMonths: "days"}, "", "", 200},
		{"cohort-seed777-messy.csv", "expected-seed777-messy-issue15.json", record.Units{record.CRP: "mg/L", record.Hb: "g/L"}, "Development", "VALIDATION", 800},
	} {
		t.Run(tc.data, func(t *testing.T) {
			opt := cohort.Options{ExcludeTopMTV: 0.025}
			opt.Units = tc.units
			co, rep, err := cohort.LoadFile("../testdata/study/"+tc.data, opt)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Run(co, rep, Options{Develop: tc.dev, Validate: tc.val})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := jsonx.Write(&buf, out.Results); err != nil {
				t.Fatal(err)
			}
			var got, want map[string]any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile("../testdata/study/" + tc.expected)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			delete(want, "versions")
			compared := compareTree(t, "", want, got)
			t.Logf("compared %d numbers with R", compared)
			if compared < tc.min {
				t.Errorf("only %d numbers compared", compared)
			}
		})
	}
}

// compareMonteCarlo checks a Fisher p-value that R's FEXACT cannot compute
// (check-study.R kept R's Monte Carlo estimate from b random tables
// instead): carimpi's p, exact or itself a Monte Carlo estimate
// (monte_carlo {b}), must lie within 4 standard errors of R's, the
// variance p(1-p)/b summed over the estimates (with R's +1 in numerator
// and denominator).
func compareMonteCarlo(t *testing.T, path string, mc, got map[string]any) int {
	t.Helper()
	want, _ := mc["p"].(float64)
	b, _ := mc["b"].(float64)
	p, ok := got["p"].(float64)
	if !ok || b < 1 {
		t.Errorf("%s: got p %v, want one to compare with R's Monte Carlo %v", path, got["p"], mc)
		return 0
	}
	mean := (1 + b*p) / (b + 1)
	v := b * p * (1 - p) / ((b + 1) * (b + 1))
	if own, ok := got["monte_carlo"].(map[string]any); ok {
		ob, _ := own["b"].(float64)
		v += p * (1 - p) / ob
	}
	if d := math.Abs(want - mean); d > 4*math.Sqrt(v)+1e-12 {
		t.Errorf("%s: p = %.6g, R's Monte Carlo (B = %g) %.6g: %.1f standard errors apart", path, p, b, want, d/math.Sqrt(v))
	}
	return 1
}

// compareTree checks every leaf of want against got and returns how many
// numbers it compared. Cutpoint, cutoffs, medians and counts must agree to
// 1e-9 relative, everything else (Cox, p-values) to 1e-6 relative.
func compareTree(t *testing.T, path string, want, got any) int {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %T, want an object", path, got)
			return 0
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			if k != "r_monte_carlo" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		n := 0
		if mc, ok := w["r_monte_carlo"].(map[string]any); ok {
			n += compareMonteCarlo(t, path, mc, g)
		}
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				t.Errorf("%s.%s: missing", path, k)
				continue
			}
			n += compareTree(t, path+"."+k, w[k], gv)
		}
		return n
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want %v", path, got, want)
			return 0
		}
		n := 0
		for i := range w {
			n += compareTree(t, fmt.Sprintf("%s[%d]", path, i), w[i], g[i])
		}
		return n
	case float64:
		g, ok := got.(float64)
		if !ok {
			t.Errorf("%s: got %v, want %v", path, got, w)
			return 0
		}
		tol := 1e-6
		if strings.Contains(path, "cutpoint") || strings.Contains(path, "cutoffs") || strings.Contains(path, "median") ||
			strings.HasSuffix(path, ".n") || strings.Contains(path, ".n[") || strings.Contains(path, "events") || strings.Contains(path, "inclusion") {
			tol = 1e-9
		}
		if strings.Contains(path, "followup") && !strings.HasSuffix(path, "logrank_p") {
			tol = 0 // follow-up times: exactly R's
		}
		if math.Abs(g-w) > tol*math.Max(math.Abs(w), 1e-300) && !(w == 0 && math.Abs(g) < 1e-12) {
			t.Errorf("%s: got %.12g, want %.12g (R)", path, g, w)
		}
		return 1
	case string:
		g, _ := got.(string)
		if strings.ReplaceAll(g, "=", "") != w {
			t.Errorf("%s: got %q, want %q", path, g, w)
		}
		return 0
	case nil:
		if got != nil {
			t.Errorf("%s: got %v, want null (R: NA)", path, got)
		}
		return 0
	}
	t.Errorf("%s: unexpected type %T", path, want)
	return 0
}

// TestModelRoundTrip saves the fitted model, loads it back and checks that
// it scores every patient identically.
func TestModelRoundTrip(t *testing.T) {
	out := runFixture(t, 0)
	var buf bytes.Buffer
	if err := scores.Save(&buf, out.Model); err != nil {
		t.Fatal(err)
	}
	loaded, err := scores.Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct{ mtv, age, stage float64 }{{0, 60, 1}, {44.3, 70, 3}, {500, 45, 4}, {12.5, 81, 2}} {
		a, _ := out.Model.LP(x.mtv, x.age, x.stage)
		b, _ := loaded.LP(x.mtv, x.age, x.stage)
		if a != b {
			t.Errorf("LP(%v) = %v after reload, %v before", x, b, a)
		}
	}
	if loaded.Cutoffs != out.Model.Cutoffs {
		t.Errorf("cutoffs %v after reload, %v before", loaded.Cutoffs, out.Model.Cutoffs)
	}
}

func TestWriteDir(t *testing.T) {
	out := runFixture(t, 20)
	dir := t.TempDir()
	files, err := out.WriteDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(dir + "/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"For research use only", "Simulated data", "<svg", "Table 1", "Fig S2B", "Fig 4"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if bytes.Contains(html, []byte("NaN")) || bytes.Contains(html, []byte("<script")) || bytes.Contains(html, []byte("http://")) && !bytes.Contains(html, []byte("http://www.w3.org/2000/svg")) {
		t.Error("index.html has NaN, a script or a network reference")
	}
	if len(files) < 20 {
		t.Errorf("wrote %d files", len(files))
	}
	// The segmentation of the MTVs is counted per cohort and shown.
	inc := out.Results.Inclusion
	for c, n := range inc.ByCohort {
		sum := 0
		for _, k := range inc.MTVMethod[c] {
			sum += k
		}
		if sum != n {
			t.Errorf("cohort %s: mtv_method counts %v, %d included", c, inc.MTVMethod[c], n)
		}
	}
	if !bytes.Contains(html, []byte("MTV segmentation (mtv_method)")) {
		t.Error("index.html does not show the MTV segmentation")
	}
	// The combined groups are named for people wherever a reader sees
	// them (text, tables, figures); their codes stay in results.json and
	// in the key column of survival.csv.
	seen := map[string][]byte{"index.html": html}
	for _, pat := range []string{"figures/*.svg", "tables/published_vs_cohort.csv"} {
		names, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			seen[filepath.Base(name)] = b
		}
	}
	for name, b := range seen {
		if m := regexp.MustCompile(`c-(low|high)/`).Find(b); m != nil {
			t.Errorf("%s shows the code %q of a combined group", name, m)
		}
	}
	for _, want := range []string{"CAR-IMPI high / CAR-HEMATOTOX high", "CAR-IMPI low / CAR-HEMATOTOX low"} {
		if !bytes.Contains(html, []byte(want)) || !bytes.Contains(seen["fig4.svg"], []byte(want)) {
			t.Errorf("index.html or Fig 4 B–C lacks %q", want)
		}
	}
	for _, want := range []string{">CAR-IMPI high /<", ">CAR-HEMATOTOX high<"} { // the schema's cells, wrapped
		if !bytes.Contains(seen["combination-schema.svg"], []byte(want)) {
			t.Errorf("the Fig 4A schema lacks %q", want)
		}
	}
	// Every figure in three formats (checkRaster), every file linked.
	for _, f := range out.Figures {
		checkRaster(t, dir, f)
		if _, err := os.Stat(dir + "/figures/" + f.Name + ".svg"); err != nil {
			t.Error(err)
		}
	}
	for _, f := range files {
		rel, err := filepath.Rel(dir, f)
		if err != nil {
			t.Fatal(err)
		}
		if rel != "index.html" && !bytes.Contains(html, []byte(`href="`+filepath.ToSlash(rel)+`"`)) {
			t.Errorf("index.html does not link %s", rel)
		}
	}
	for _, tb := range out.Tables {
		if _, err := os.Stat(dir + "/tables/" + tb.Name + ".xlsx"); err != nil {
			t.Error(err)
		}
	}
	if out.Results.Optimism == nil || out.Results.Optimism.B != 20 || out.Results.Optimism.Seed != 3 {
		t.Errorf("bootstrap not recorded: %+v", out.Results.Optimism)
	}
}

// TestMissingSections removes the validation cohort, the toxicity columns
// and the labs: the study still runs, and says what it left out.
func TestMissingSections(t *testing.T) {
	b, err := os.ReadFile("../testdata/study/cohort-seed7.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header := strings.Split(lines[0], ",")
	drop := map[string]bool{}
	for _, h := range header {
		switch {
		case strings.Contains(h, "grade"), h == "icu", h == "tocilizumab", h == "corticosteroids",
			h == "crp", h == "ferritin", h == "hb", h == "plt", h == "anc", h == "il6", h == "ldh", h == "ldh_uln":
			drop[h] = true
		}
	}
	cohortCol := -1
	for i, h := range header {
		if h == "cohort" {
			cohortCol = i
		}
	}
	var out bytes.Buffer
	for li, l := range lines {
		cells := strings.Split(l, ",")
		if li > 0 && cells[cohortCol] != "development" {
			continue
		}
		var keep []string
		for i, c := range cells {
			if !drop[header[i]] {
				keep = append(keep, c)
			}
		}
		out.WriteString(strings.Join(keep, ",") + "\n")
	}
	co, rep, err := cohort.Load(&out, "reduced.csv", cohort.Options{ExcludeTopMTV: 0.025})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(co, rep, Options{})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(res.Results.Notes, "\n")
	for _, want := range []string{"validation", "CRS", "CAR-HEMATOTOX"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if len(res.Results.KM) != 1 || len(res.Results.Toxicity) != 0 {
		t.Errorf("KM cohorts %d, toxicity %d", len(res.Results.KM), len(res.Results.Toxicity))
	}
	// Table 1 and S2/S3 have no row for a column the data lack (ldh,
	// ldh_high, the labs and CAR-HEMATOTOX), where they had rows of "—".
	for _, ch := range []*Characteristics{res.Results.Table1, res.Results.TableS2["pooled"], res.Results.TableS3["pooled"]} {
		for _, r := range ch.Rows {
			if drop[r.Variable] || r.Variable == "ldh_high" || r.Variable == "car_hematotox" {
				t.Errorf("row %s without data", r.Variable)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := res.WriteDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteHTML(&buf); err != nil || !strings.Contains(buf.String(), "No toxicity data") {
		t.Errorf("HTML lacks the toxicity note (err %v)", err)
	}
}

// BenchmarkStudyDefault runs the whole study on the embedded default
// cohort (504 patients) with B = 200 bootstrap resamples.
func BenchmarkStudyDefault(b *testing.B) {
	for b.Loop() {
		co, rep, err := cohort.Load(bytes.NewReader(cohort.DefaultCSV()), cohort.DefaultFile, cohort.Options{ExcludeTopMTV: 0.025})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(co, rep, Options{Bootstrap: 200, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTinyCohort: a development cohort too small for the cutpoint search
// and the model is refused with how many patients and events remain and
// what the steps need, not with maxstat's "the scores are constant".
func TestTinyCohort(t *testing.T) {
	co, rep, err := cohort.LoadFile("../testdata/study/cohort-seed7.csv", cohort.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tiny := &cohort.Cohort{Source: co.Source}
	for i := range 3 {
		r := co.Record(i)
		tiny.Append(&r)
	}
	co = tiny
	_, err = Run(co, rep, Options{})
	if err == nil || !strings.Contains(err.Error(), "has 3 patients") || !strings.Contains(err.Error(), "need at least 20 patients") {
		t.Errorf("err = %v", err)
	}
	if _, err := Run(co, rep, Options{Bootstrap: -5}); err == nil {
		t.Error("a negative bootstrap count is accepted")
	}
}

// TestTinyValidation: a validation cohort of 3 patients runs, and every
// step too small for it says so: Table 2 prints NE (not a hazard ratio of
// 10^19) with how many patients and events there are and what a Cox model
// needs; the prediction measures say how many they need.
func TestTinyValidation(t *testing.T) {
	co, rep, err := cohort.LoadFile("../testdata/study/cohort-seed7.csv", cohort.Options{ExcludeTopMTV: 0.025})
	if err != nil {
		t.Fatal(err)
	}
	keep := &cohort.Cohort{Source: co.Source}
	nval := 0
	for _, r := range co.All() {
		if r.Cohort == "validation" {
			if nval == 3 {
				continue
			}
			nval++
		}
		keep.Append(&r)
	}
	co = keep
	out, err := Run(co, rep, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tb, ok := out.table("table2")
	if !ok {
		t.Fatal("no Table 2")
	}
	for _, row := range tb.Rows {
		if strings.Contains(row[3], "e+") || len(row[3]) > 24 {
			t.Errorf("Table 2 row %q prints %q", row[0], row[3])
		}
	}
	if tb.Rows[0][3] != "NE" {
		t.Errorf("validation CAR-IMPI HR %q, want NE", tb.Rows[0][3])
	}
	notes := strings.Join(tb.Notes, "\n")
	if !strings.Contains(notes, "Validation: 3 patients with") || !strings.Contains(notes, "about 10 events per coefficient") || !strings.Contains(notes, "NE: not estimable") {
		t.Errorf("Table 2 notes:\n%s", notes)
	}
	if !strings.Contains(strings.Join(out.Results.Notes, "\n"), "validation cohort: 3 patients") {
		t.Errorf("notes: %v", out.Results.Notes)
	}
	if err := jsonx.Write(io.Discard, out.Results); err != nil {
		t.Errorf("results.json: %v", err)
	}
	// A validation cohort of two low-risk patients (stage 1-2, MTV < 10 mL,
	// from the seed-777 fixture, which has pfs_cause): the high group has
	// no competing-risks curve, whose 12-month estimates are null (the
	// report's section had indexed past them and panicked), and Gray's
	// tests have no statistic, null too (a NaN JSON cannot hold, and
	// results.json failed).
	opt := cohort.Options{ExcludeTopMTV: 0.025}
	opt.Units = record.Units{record.CRP: "mg/L", record.Hb: "g/L"}
	co, rep, err = cohort.LoadFile("../testdata/study/cohort-seed777-messy.csv", opt)
	if err != nil {
		t.Fatal(err)
	}
	two := &cohort.Cohort{Source: co.Source}
	nval = 0
	for _, r := range co.All() {
		if r.Cohort == "VALIDATION" {
			if nval == 2 || r.Stage > 2 || r.MTV >= 10 {
				continue
			}
			nval++
		}
		two.Append(&r)
	}
	out, err = Run(two, rep, Options{Develop: "Development", Validate: "VALIDATION"})
	if err != nil {
		t.Fatal(err)
	}
	if err := jsonx.Write(io.Discard, out.Results); err != nil {
		t.Errorf("results.json: %v", err)
	}
	if cr := out.Results.CompetingRisks["VALIDATION"]; cr == nil || cr.N[1] != 0 || len(cr.CIR12) != 2 || len(cr.NRM12Upper) != 2 {
		t.Errorf("competing risks %+v, want both patients low and an estimate (or null) per group", cr)
	}
}
