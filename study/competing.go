package study

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/survival"
	"carimpi/survival/compete"
)

// CompetingRisks is the cumulative incidence of relapse or progression
// (CIR) and of non-relapse mortality (NRM: death without progression) by
// CAR-IMPI median group in one cohort, from pfs_cause (0 censored, 1
// progression, 2 death without progression): Aalen-Johansen estimates
// with cmprsk::cuminc's variance at 12 months (95% CI on the log(-log)
// scale) and Gray's test per cause (compete.CumInc, compete.Gray).
type CompetingRisks struct {
	Groups     []string     `json:"groups"`
	N          []int        `json:"n"`
	Relapses   []int        `json:"relapses"`
	NRMEvents  []int        `json:"nrm_events"`
	CIR12      jsonx.Floats `json:"cir_12"`
	CIR12Lower jsonx.Floats `json:"cir_12_lower"`
	CIR12Upper jsonx.Floats `json:"cir_12_upper"`
	NRM12      jsonx.Floats `json:"nrm_12"`
	NRM12Lower jsonx.Floats `json:"nrm_12_lower"`
	NRM12Upper jsonx.Floats `json:"nrm_12_upper"`
	GrayCIR    jsonx.Float  `json:"gray_cir_chisq"`
	GrayCIRP   jsonx.Float  `json:"gray_cir_p"`
	GrayNRM    jsonx.Float  `json:"gray_nrm_chisq"`
	GrayNRMP   jsonx.Float  `json:"gray_nrm_p"`
	// Excluded counts patients with PFS but no usable pfs_cause (missing,
	// or disagreeing with pfs_event).
	Excluded int `json:"excluded"`
}

// competingRisks adds CIR and NRM by median group for each cohort whose
// records carry pfs_cause, with a figure per cohort; cohorts without it
// get a note.
func (out *Output) competingRisks(p *patients, cohorts []string, median float64) {
	res := out.Results
	cause := p.c.Column("pfs_cause")
	for _, name := range cohorts {
		var tm []float64
		var status, group []int
		cr := &CompetingRisks{Groups: []string{"low", "high"}}
		any := false
		for _, i := range p.subset(name) {
			t, e, c := p.pfs.time(i), p.pfs.event(i), cause(i)
			if math.IsNaN(t) || math.IsNaN(e) {
				continue
			}
			if math.IsNaN(c) || (c > 0) != (e == 1) || (c != 0 && c != 1 && c != 2) {
				cr.Excluded++
				any = any || !math.IsNaN(c)
				continue
			}
			any = true
			tm = append(tm, t)
			status = append(status, int(c))
			group = append(group, medianGroup(p.score[i], median))
		}
		if !any {
			res.Notes = append(res.Notes, fmt.Sprintf("%s cohort: no pfs_cause column (0 censored, 1 progression, 2 death without progression); relapse and non-relapse mortality not analysed.", name))
			continue
		}
		if cr.Excluded > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%s cohort: %d patients without a usable pfs_cause (missing, or not matching pfs_event) left out of the competing-risks analysis.", name, cr.Excluded))
		}
		curves, err := compete.CumInc(tm, status, group, 2)
		if err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("%s cohort: competing risks: %v", name, err))
			continue
		}
		cr.N = make([]int, 2)
		cr.Relapses, cr.NRMEvents = make([]int, 2), make([]int, 2)
		// A group without patients in this cohort has no curve: its
		// estimates stay NaN (null), one per group of Groups.
		cr.CIR12, cr.CIR12Lower, cr.CIR12Upper = nanSlice(2), nanSlice(2), nanSlice(2)
		cr.NRM12, cr.NRM12Lower, cr.NRM12Upper = nanSlice(2), nanSlice(2), nanSlice(2)
		for _, c := range curves {
			est, lo, up := &cr.CIR12, &cr.CIR12Lower, &cr.CIR12Upper
			events := cr.Relapses
			if c.Cause == 2 {
				est, lo, up = &cr.NRM12, &cr.NRM12Lower, &cr.NRM12Upper
				events = cr.NRMEvents
			}
			_, f, v := c.At([]float64{12})
			l, u := compete.ConfInt(f[0], v[0], survival.ConfLogLog, 0.95)
			(*est)[c.Group], (*lo)[c.Group], (*up)[c.Group] = f[0], l, u
			events[c.Group] = c.Events
			cr.N[c.Group] = c.N
		}
		inset := []string{}
		for k, into := range []struct {
			stat *jsonx.Float
			p    *jsonx.Float
			name string
		}{{&cr.GrayCIR, &cr.GrayCIRP, "relapse"}, {&cr.GrayNRM, &cr.GrayNRMP, "NRM"}} {
			*into.stat, *into.p = jsonx.Float(math.NaN()), jsonx.Float(math.NaN())
			if g, err := compete.Gray(tm, status, group, nil, k+1, 0); err == nil {
				*into.stat, *into.p = jsonx.Float(g.Statistic), jsonx.Float(g.P)
				inset = append(inset, "Gray's test, "+into.name+": "+render.PInline(g.P))
			}
		}
		if res.CompetingRisks == nil {
			res.CompetingRisks = map[string]*CompetingRisks{}
		}
		res.CompetingRisks[name] = cr
		out.addCIF(fmt.Sprintf("cir-nrm-%s", slug(name)), fmt.Sprintf("Relapse and non-relapse mortality by CAR-IMPI median group, %s cohort", name), tm, group, curves, inset)
	}
}

// addCIF draws the cumulative incidence curves of relapse (solid) and NRM
// (dashed) by median group with a number-at-risk table.
func (out *Output) addCIF(name, title string, tm []float64, group []int, curves []compete.Curve, inset []string) {
	plot := render.CIFPlot{Title: title, XLabel: "Months since infusion", YLabel: "Cumulative incidence",
		Causes: []string{"relapse/progression", "non-relapse mortality"}, Inset: inset, Bands: out.bands}
	for g, label := range []string{"low", "high"} {
		var ts []float64
		for i, t := range tm {
			if group[i] == g {
				ts = append(ts, t)
			}
		}
		cg := render.CIFGroup{Name: riskLabel(label), N: len(ts)}
		slices.Sort(ts)
		for k, t := range ts {
			if k == 0 || t != ts[k-1] {
				cg.Time = append(cg.Time, t)
				cg.NRisk = append(cg.NRisk, len(ts)-k)
			}
		}
		plot.Groups = append(plot.Groups, cg)
	}
	for _, c := range curves {
		cc := render.CIFCurve{Group: c.Group, Cause: c.Cause - 1, Time: c.Time, Est: c.Est}
		if out.bands {
			for i := range c.Est {
				l, u := compete.ConfInt(c.Est[i], c.Var[i], survival.ConfLogLog, 0.95)
				cc.Lower, cc.Upper = append(cc.Lower, l), append(cc.Upper, u)
			}
		}
		plot.Curves = append(plot.Curves, cc)
	}
	out.plan(name, title, func() *render.Drawing {
		return plot.Drawing()
	})
}

// competingHTML is the report's competing-risks section body.
func (out *Output) competingHTML(b *htmlBuf, cohorts []string) {
	res := out.Results
	for _, c := range cohorts {
		cr := res.CompetingRisks[c]
		if cr == nil {
			continue
		}
		var parts []string
		for g, name := range cr.Groups {
			parts = append(parts, fmt.Sprintf("%s: relapse %s (%s–%s), NRM %s (%s–%s)", name,
				render.Percent(cr.CIR12[g]), render.Percent(cr.CIR12Lower[g]), render.Percent(cr.CIR12Upper[g]),
				render.Percent(cr.NRM12[g]), render.Percent(cr.NRM12Lower[g]), render.Percent(cr.NRM12Upper[g])))
		}
		b.p("%s cohort, cumulative incidence at 12 months by CAR-IMPI median group (Aalen-Johansen, 95%% CI): %s. Gray's test: relapse %s, NRM %s.",
			c, strings.Join(parts, "; "), render.PInline(float64(cr.GrayCIRP)), render.PInline(float64(cr.GrayNRMP)))
		b.fig(out, fmt.Sprintf("cir-nrm-%s", slug(c)))
	}
}
