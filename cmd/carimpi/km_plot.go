package main

import (
	"flag"
	"fmt"
	"math"
	"strings"

	"carimpi/internal/outfile"
	"carimpi/render"
	"carimpi/survival"
)

// kmPlotFlags are km's figure flags.
type kmPlotFlags struct {
	file, labels string
	breakTime    float64
	ci, median   bool
}

func (p *kmPlotFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.file, "plot", "", "also draw the curves into `file` (.svg, .png at 300 dpi, or .pdf)")
	fs.Float64Var(&p.breakTime, "break-time", 0, "with --plot: step between time ticks and number-at-risk columns (0: automatic)")
	fs.StringVar(&p.labels, "labels", "", "with --plot: comma-separated group `names` in group order, replacing col=value")
	fs.BoolVar(&p.ci, "plot-ci", false, "with --plot: draw the pointwise confidence bands")
	fs.BoolVar(&p.median, "median-line", false, "with --plot: dashed lines at S = 0.5 and down from each median")
}

// write draws the fitted curves as the study draws its Kaplan-Meier
// figures and writes them to the --plot file.
func (p *kmPlotFlags) write(f kmFlags, d *survData, strata []int, curves []survival.KMCurve, names []string) error {
	if p.breakTime < 0 || math.IsNaN(p.breakTime) || math.IsInf(p.breakTime, 0) {
		return usagef("--break-time %v: use a positive step, or 0 for automatic", p.breakTime)
	}
	labels := names
	if p.labels != "" {
		labels = strings.Split(p.labels, ",")
		if len(labels) != len(names) {
			return usagef("--labels has %d names for %d groups (%s)", len(labels), len(names), strings.Join(names, ", "))
		}
	}
	if err := outfile.CheckInputs(p.file, f.data); err != nil {
		return err
	}
	var groups []render.KMGroup
	for s := range curves {
		c := &curves[s]
		g := render.KMGroup{Name: strings.TrimSpace(labels[s]), N: c.N, Time: c.Time, NRisk: c.NRisk, NCensor: c.NCensor, Surv: c.Surv}
		if p.ci {
			g.Lower, g.Upper = c.Lower, c.Upper
		}
		groups = append(groups, g)
	}
	inset := ""
	if len(curves) > 1 {
		if lr, err := survival.LogRank(d.time, d.event, strata, nil, 0); err == nil {
			inset = "Log-rank " + render.PInline(lr.P)
		}
	}
	title := "Kaplan-Meier estimate of " + f.time
	if f.group != "" {
		title += " by " + f.group
	}
	fig := render.KMPlot{Title: title, XLabel: f.time, YLabel: "Survival probability", Groups: groups, Inset: inset,
		Bands: p.ci, BreakTime: p.breakTime, MedianLine: p.median}
	data, err := render.Encode(fig.Drawing(), p.file)
	if err != nil {
		return usagef("--plot %v", err)
	}
	if err := outfile.WriteFile(p.file, data, f.data); err != nil {
		return fmt.Errorf("--plot: %w", err)
	}
	return nil
}
