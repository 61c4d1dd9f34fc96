package main

import (
	"fmt"

	"carimpi/render"
	"carimpi/survival/maxstat"
)

// scanPlot is the figure of a cut-point scan (the CAR-IMPI paper's Fig S2B):
// the standardized log-rank statistic against the cut point, with the
// chosen cut point marked.
func scanPlot(x string, r *maxstat.Result, dropped int) render.LinePlot {
	p := "no p-value"
	if r.Method != maxstat.None {
		p = fmt.Sprintf("p = %s (%s)", render.FormatP(r.P), r.Method)
	}
	return render.LinePlot{
		Title:  fmt.Sprintf("Maximally selected log-rank statistics: %s", x),
		XLabel: x + " (cut point; groups x <= cut and x > cut)",
		YLabel: "Standardized log-rank statistic",
		Series: []render.Series{{Name: "statistic", X: r.Cuts, Y: r.Stats}},
		Markers: []render.Marker{{X: r.Cutpoint,
			Label: fmt.Sprintf("cut point %.4g, M = %.2f", r.Cutpoint, r.Statistic)}},
		Note: fmt.Sprintf("n = %d (%d dropped), %d cuts; %s. Research use only.", r.N, dropped, len(r.Cuts), p),
	}
}
