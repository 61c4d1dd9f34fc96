package cohort_test

import (
	"math"
	"slices"
	"testing"

	"carimpi/cohort"
	"carimpi/scores"
	"carimpi/stattest"
)

// target is one calibrated figure of the paper with its tolerance at
// n = 25,000 per cohort (the standard error of a share is then at most
// 0.3 points and that of a median about 1-2%).
type target struct {
	name      string
	got, want float64
	tol       float64 // absolute
}

func share(c *cohort.Cohort, name string, pred func(float64) bool) float64 {
	n, k := 0, 0
	for _, v := range c.Floats(name) {
		if math.IsNaN(v) {
			continue
		}
		n++
		if pred(v) {
			k++
		}
	}
	return float64(k) / float64(n)
}

func textShare(c *cohort.Cohort, name, level string) float64 {
	k := 0
	for _, s := range c.Texts(name) {
		if s == level {
			k++
		}
	}
	return float64(k) / float64(c.Len())
}

func missingCount(c *cohort.Cohort, name string) float64 {
	k := 0
	for _, v := range c.Floats(name) {
		if math.IsNaN(v) {
			k++
		}
	}
	return float64(k) / float64(c.Len())
}

func quart(c *cohort.Cohort, name string) []float64 {
	return stattest.Quantiles(c.Floats(name), 0.25, 0.5, 0.75)
}

// calibration returns every Table 1 target (the patients' characteristics
// by cohort) for a simulated cohort. The outcome targets (survival,
// follow-up, score cutoffs, toxicity, the combined groups) are numbers the
// study computes: study's TestSimulatorCalibration checks them through
// the study itself.
func calibration(t *testing.T, c *cohort.Cohort) []target {
	dev, val := c.Subset("development"), c.Subset("validation")
	var ts []target
	add := func(name string, got, want, tol float64) { ts = append(ts, target{name, got, want, tol}) }
	type q3 struct{ q1, med, q3 float64 }
	for _, g := range []struct {
		c                                                 *cohort.Cohort
		tag                                               string
		age, mtv, ldh, hb, plt, anc, ferritin, crp        q3
		female, ecog2, axi, liso, tisa                    float64
		bridging, primRef, bulky, autoHCT, trans, stage34 float64
		hematotox3                                        float64
	}{
		{dev, "D", q3{57, 64, 70}, q3{12, 68, 306}, q3{211, 275, 455}, q3{9.3, 10.6, 11.8}, q3{108, 165, 219}, q3{1.7, 2.8, 4.4},
			q3{211, 447, 1026}, q3{0.4, 1.3, 4.0}, 0.39, 0.14, 0.61, 0.074, 0.32, 0.75, 0.39, 0.11, 0.23, 0.27, 0.77, 0.30},
		{val, "V", q3{56, 66, 73}, q3{1, 24, 156}, q3{185, 230, 362}, q3{9.1, 10.5, 11.9}, q3{114, 169, 219}, q3{2.15, 3.4, 4.8},
			q3{74, 226, 549}, q3{0.4, 0.8, 3.0}, 0.36, 0.14, 0.52, 0.21, 0.27, 0.79, 0.41, 0.093, 0.21, 0.37, 0.70, 0.23},
	} {
		for _, v := range []struct {
			name string
			want q3
			rel  float64
		}{{"age", g.age, 0.02}, {"mtv_ml", g.mtv, 0.05}, {"ldh", g.ldh, 0.03}, {"hb", g.hb, 0.02}, {"plt", g.plt, 0.03},
			{"anc", g.anc, 0.03}, {"ferritin", g.ferritin, 0.04}, {"crp", g.crp, 0.05}} {
			got := quart(g.c, v.name)
			for k, w := range []float64{v.want.q1, v.want.med, v.want.q3} {
				add(g.tag+" "+v.name+[]string{" Q1", " median", " Q3"}[k], got[k], w, math.Max(v.rel*w, 0.06))
			}
		}
		add(g.tag+" female", textShare(g.c, "sex", "female"), g.female, 0.01)
		add(g.tag+" ECOG > 1", share(g.c, "ecog", func(v float64) bool { return v > 1 }), g.ecog2, 0.01)
		add(g.tag+" axi-cel", textShare(g.c, "product", "axi-cel"), g.axi, 0.01)
		add(g.tag+" liso-cel", textShare(g.c, "product", "liso-cel"), g.liso, 0.01)
		add(g.tag+" tisa-cel", textShare(g.c, "product", "tisa-cel"), g.tisa, 0.01)
		add(g.tag+" prior lines median", quart(g.c, "prior_lines")[1], 2, 0)
		add(g.tag+" bridging", share(g.c, "bridging", one), g.bridging, 0.01)
		add(g.tag+" primary refractory", share(g.c, "primary_refractory", one), g.primRef, 0.01)
		add(g.tag+" bulky", share(g.c, "bulky", one), g.bulky, 0.01)
		add(g.tag+" prior auto HCT", share(g.c, "prior_auto_hct", one), g.autoHCT, 0.01)
		add(g.tag+" transformed", share(g.c, "transformed", one), g.trans, 0.01)
		add(g.tag+" stage 3-4", share(g.c, "stage", func(v float64) bool { return v >= 3 }), g.stage34, 0.01)
		sc := scores.NewScorer()
		var ht, n float64
		for _, r := range g.c.All() {
			res := sc.Score(&r)
			if v := res.Hematotox.Value; !math.IsNaN(v) {
				n++
				if v >= 3 {
					ht++
				}
			}
		}
		add(g.tag+" CAR-HEMATOTOX >= 3", ht/n, g.hematotox3, 0.03)
	}
	add("D missing CRP", missingCount(dev, "crp"), 5.0/256, 0.005)
	add("D missing double hit", missingCount(dev, "double_hit"), 119.0/256, 0.01)

	return ts
}

func one(v float64) bool { return v == 1 }

// TestSimulateCalibration checks every calibrated target at n = 50,000
// (25,000 per cohort). Its seed is fixed (64, the default cohort's seed
// until issue 15's recalibration), not DefaultSeed, which is chosen for
// its 256 + 248 patients: at this size a wide-spread median such as the
// validation MTV's still moves by about 4% from seed to seed.
func TestSimulateCalibration(t *testing.T) {
	c := analysed(t, cohort.Simulate(25000, 25000, 64), 25000, 25000)
	for _, tg := range calibration(t, c) {
		ok := math.Abs(tg.got-tg.want) <= tg.tol
		if !ok || testing.Verbose() {
			msg := "ok"
			if !ok {
				msg = "OUT OF TOLERANCE"
			}
			t.Logf("%-28s got %8.4g want %8.4g ± %-6.3g %s", tg.name, tg.got, tg.want, tg.tol, msg)
		}
		if !ok {
			t.Fail()
		}
	}
}

// analysed applies the paper's MTV outlier rule (pooled type-7 0.975
// quantile) and checks that exactly nDev and nVal patients remain.
func analysed(t *testing.T, c *cohort.Cohort, nDev, nVal int) *cohort.Cohort {
	t.Helper()
	q := stattest.Quantile(c.Floats("mtv_ml"), 1-cohort.OutlierQuantile)
	kept := &cohort.Cohort{Source: c.Source}
	for _, r := range c.All() {
		if r.MTV <= q {
			kept.Append(&r)
		}
	}
	if d, v := kept.Subset("development").Len(), kept.Subset("validation").Len(); d != nDev || v != nVal {
		t.Fatalf("after the outlier rule %d + %d patients remain, want %d + %d", d, v, nDev, nVal)
	}
	return kept
}

func TestSimulateInvariants(t *testing.T) {
	all := cohort.Simulate(2000, 2000, 7)
	if all.Len() != 4000+103 {
		t.Fatalf("%d rows, want 4000 and 103 outliers", all.Len())
	}
	c := analysed(t, all, 2000, 2000)
	if c.Len() != 4000 || !c.Simulated() || !slices.Equal(c.Names(), []string{"development", "validation"}) {
		t.Fatalf("len %d simulated %v names %v", c.Len(), c.Simulated(), c.Names())
	}
	seen := map[string]bool{}
	for _, r := range c.All() {
		if seen[r.PatientID] {
			t.Fatalf("duplicate id %s", r.PatientID)
		}
		seen[r.PatientID] = true
		if r.OSMonths < r.PFSMonths || r.OSEvent == 1 && r.PFSEvent != 1 {
			t.Fatalf("%s: os %v/%v pfs %v/%v", r.PatientID, r.OSMonths, r.OSEvent, r.PFSMonths, r.PFSEvent)
		}
		if r.Cohort == "validation" && (r.Center != "MSKCC" || r.MTVMethod != "SUV4") ||
			r.Center == "LMU Munich" && r.MTVMethod != "SUV4" || r.Center == "Moffitt" && r.MTVMethod != "41pct" {
			t.Fatalf("%s: center %s method %s", r.PatientID, r.Center, r.MTVMethod)
		}
	}
}
