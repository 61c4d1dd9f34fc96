package study

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"carimpi/render"
	"carimpi/scores"
	"carimpi/survival/concordance"
)

// addKM draws one Kaplan-Meier figure of a group comparison; align names
// the groups of the other panels of its multi-panel figure: the figure's
// panel there (Figure.panel) lines up its risk table with theirs, while
// the standalone figure's margin fits its own names.
func (out *Output) addKM(name, title, endpoint string, gs *GroupSurvival, curves []render.KMGroup, align ...string) {
	inset := "Log-rank " + render.PInline(float64(gs.LogrankP))
	ylabel := "Progression-free survival"
	if endpoint == "os" {
		ylabel = "Overall survival"
	}
	km := render.KMPlot{Title: title, XLabel: "Months since infusion", YLabel: ylabel, Groups: curves, Inset: inset, Bands: out.bands}
	f := plannedFigure{name: name, title: title, draw: km.Drawing}
	if len(align) > 0 {
		// The standalone figure fits its own names; its panel of a
		// multi-panel figure fits those of the other panels too.
		panel := km
		panel.AlignNames = align
		f.panel = panel.Drawing
	}
	out.planned = append(out.planned, f)
}

// addToxicity compares CRS and ICANS grade >= 3 and ICU admission between
// the median groups of the pooled cohorts (the paper's Fig 3).
func (out *Output) addToxicity(p *patients, idx []int, median float64) {
	group := func(i int) int { return medianGroup(p.score[i], median) }
	names := []string{"low", "high"}
	col := p.c.Column
	crs, icans, icu := col("crs_grade"), col("icans_grade"), col("icu")
	res := out.Results
	for _, tx := range []struct {
		key   string
		y     func(i int) float64
		label string
	}{{"crs3", func(i int) float64 { return indicator(crs(i), 3) }, "CRS grade >= 3"},
		{"icans3", func(i int) float64 { return indicator(icans(i), 3) }, "ICANS grade >= 3"},
		{"icu", icu, "ICU admission"}} {
		if !slices.ContainsFunc(idx, func(i int) bool { return !math.IsNaN(tx.y(i)) }) {
			res.Notes = append(res.Notes, tx.label+": no data in the cohort; not analysed.")
			continue
		}
		res.Toxicity[tx.key] = binaryTest(tx.y, idx, group, names)
	}
	for _, b := range []struct {
		name, title, key, grades string
		y                        func(i int) float64
		cats                     []string
	}{
		{"toxicity-crs", "CRS grade by CAR-IMPI median group (Fig 3A)", "crs3", "crs_grade", crs, []string{"Grade 0", "Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5"}},
		{"toxicity-icans", "ICANS grade by CAR-IMPI median group (Fig 3B)", "icans3", "icans_grade", icans, []string{"Grade 0", "Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5"}},
		{"toxicity-icu", "ICU admission by CAR-IMPI median group (Fig 3C)", "icu", "", icu, []string{"No ICU", "ICU"}},
	} {
		tx, ok := res.Toxicity[b.key]
		if !ok {
			continue
		}
		counts := make([][]int, len(names))
		for g := range names {
			counts[g] = make([]int, len(b.cats))
		}
		for _, i := range idx {
			if g, v := group(i), b.y(i); g >= 0 && !math.IsNaN(v) && int(v) < len(b.cats) && v >= 0 {
				counts[g][int(v)]++
			}
		}
		foot := fmt.Sprintf("%s: chi-square (Yates) %s, Fisher %s", toxicityLabels[b.key], render.PInline(float64(tx.ChisqP)), render.PInline(float64(tx.FisherP)))
		if g := gradeTest(res.ToxicityGrades, b.grades); g != "" {
			foot += "; all grades: " + g
		}
		var below []string
		if b.grades != "" { // grade >= 3 is what the thin top segments hold
			for g := range names {
				severe, all := 0, 0
				for c, k := range counts[g] {
					all += k
					if c >= 3 {
						severe += k
					}
				}
				below = append(below, "grade ≥ 3: "+render.CountPct(severe, all, 0))
			}
		}
		out.plan(b.name, b.title, func() *render.Drawing {
			return render.StackedBars{Title: b.title, Groups: []string{"Low risk", "High risk"}, Categories: b.cats, Counts: counts, Footnote: foot, Ordinal: true, Below: below}.Drawing()
		})
	}
}

// addCombined analyses the combined radio-inflammatory groups of the pooled
// cohorts (the paper's Fig 4), with the groups as the scores package forms
// them. Without an InflaMix model the InflaMix combination is a note that
// says how to install one.
func (out *Output) addCombined(p *patients, idx []int, haveInflaMix bool) {
	res := out.Results
	combos := []struct {
		key    string
		title  string
		labels []string
		of     func(i int) string
		into   map[string]*GroupSurvival
	}{
		{"combined-hematotox", "CAR-IMPI × CAR-HEMATOTOX", []string{"c-low/h-low", "c-low/h-high", "c-high/h-low", "c-high/h-high"},
			func(i int) string { return p.groupNames[p.rows[i].hematotox] }, res.CombinedHematotox},
		{"combined-inflamix", "CAR-IMPI × InflaMix", []string{"c-low/non-inflamed", "c-low/inflamed", "c-high/non-inflamed", "c-high/inflamed"},
			func(i int) string { return p.groupNames[p.rows[i].inflamix] }, res.CombinedInflamix},
	}
	// Fig 4 B–E: the risk tables of the four panels line up.
	var align []string
	for _, c := range combos {
		for _, l := range c.labels {
			align = append(align, groupLabel(l))
		}
	}
	for _, c := range combos {
		if c.key == "combined-inflamix" && !haveInflaMix {
			res.Notes = append(res.Notes, c.title+": "+scores.InflaMixNotInstalled+".")
			continue
		}
		group := make([]int, len(idx))
		any := false
		for k, i := range idx {
			group[k] = -1
			for j, l := range c.labels {
				if c.of(i) == l {
					group[k] = j
					any = true
				}
			}
		}
		if !any {
			res.Notes = append(res.Notes, c.title+": no patient has the inputs of this combination; not analysed.")
			continue
		}
		for _, ep := range []string{"pfs", "os"} {
			gs, curves, err := groupComparison(p.endpoint(ep).pick(idx), group, c.labels)
			if err != nil {
				res.Notes = append(res.Notes, fmt.Sprintf("%s %s: %v", c.title, ep, err))
				continue
			}
			c.into[ep] = gs
			out.addKM(fmt.Sprintf("%s-%s", c.key, ep), fmt.Sprintf("%s by %s, pooled cohorts", strings.ToUpper(ep), c.title), ep, gs, curves, align...)
		}
	}
}

// discrimination computes Harrell's C (95% CI from its infinitesimal
// jackknife SE) and Uno's C truncated at tau months for the patients'
// score (named name), the original IMPI and the IPI, where each can be
// computed.
func discrimination(p *patients, idx []int, endpoint, name string, tau float64) *Discrimination {
	o := p.endpoint(endpoint)
	d := &Discrimination{Endpoint: endpoint, UnoTau: tau}
	for k, ix := range []struct {
		name string
		of   func(i int) float64
	}{
		{name, func(i int) float64 { return p.score[i] }},
		{"IMPI", func(i int) float64 { return p.rows[i].IMPI }},
		{"IPI", func(i int) float64 { return p.rows[i].IPI() }},
	} {
		if k > 0 && ix.name == name {
			continue // the model is IMPI itself
		}
		in := func(i int) bool { return !math.IsNaN(ix.of(i)) && !math.IsNaN(o.time(i)) && !math.IsNaN(o.event(i)) }
		n := 0
		for _, i := range idx {
			if in(i) {
				n++
			}
		}
		t, s, e := make([]float64, 0, n), make([]float64, 0, n), make([]bool, 0, n)
		for _, i := range idx {
			if in(i) {
				t = append(t, o.time(i))
				e = append(e, o.event(i) == 1)
				s = append(s, ix.of(i))
			}
		}
		if len(t) < 2 || !anyTrue(e) {
			continue
		}
		h := concordance.Harrell(t, e, s, nil, nil)
		u := concordance.Uno(t, e, s, d.UnoTau, nil)
		d.Index = append(d.Index, ix.name)
		d.N = append(d.N, len(t))
		d.HarrellC = append(d.HarrellC, h.C)
		d.HarrellSE = append(d.HarrellSE, h.SE)
		d.HarrellLower = append(d.HarrellLower, h.C-z975*h.SE)
		d.HarrellUpper = append(d.HarrellUpper, h.C+z975*h.SE)
		d.UnoC = append(d.UnoC, u.C)
		d.UnoSE = append(d.UnoSE, u.SE)
		d.UnoLower = append(d.UnoLower, u.C-z975*u.SE)
		d.UnoUpper = append(d.UnoUpper, u.C+z975*u.SE)
	}
	return d
}

// z975 is qnorm(0.975).
const z975 = 1.959963984540054

func anyTrue(b []bool) bool {
	for _, v := range b {
		if v {
			return true
		}
	}
	return false
}

// gradeTest names the test of a whole grade distribution and its p-value
// ("Fisher p = 0.012"), "" when there is none.
func gradeTest(ch *Characteristics, variable string) string {
	if ch == nil || variable == "" {
		return ""
	}
	for _, r := range ch.Rows {
		if r.Variable == variable && r.Test != "" && !math.IsNaN(float64(r.P)) {
			name := map[string]string{"chisq": "chi-square", "fisher": "Fisher"}[r.Test]
			if mc := r.MonteCarlo; mc != nil {
				name += fmt.Sprintf(" (Monte Carlo, B = %d, seed %d)", mc.B, mc.Seed)
			}
			return name + " " + render.PInline(float64(r.P))
		}
	}
	return ""
}
