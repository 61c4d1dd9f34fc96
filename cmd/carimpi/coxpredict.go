package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"text/tabwriter"

	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
	"carimpi/survival/cox"
	"carimpi/table"
)

// predictionJSON is one predicted survival curve of cox --predict: a row
// of the --predict file in one stratum, as survfit.coxph gives it.
type predictionJSON struct {
	Row     int            `json:"row"`
	Stratum string         `json:"stratum,omitempty"`
	LP      jsonx.Float    `json:"lp"`
	Time    jsonx.Floats   `json:"time"`
	NRisk   jsonx.Floats   `json:"n_risk"`
	NEvent  jsonx.Floats   `json:"n_event"`
	CumHaz  jsonx.Floats   `json:"cumhaz"`
	Surv    jsonx.Floats   `json:"surv"`
	StdErr  jsonx.Floats   `json:"std_err"`
	Lower   jsonx.Floats   `json:"lower"`
	Upper   jsonx.Floats   `json:"upper"`
	AtTimes *predictAtJSON `json:"at_times,omitempty"`
}

// predictAtJSON is a predicted curve read at the --times.
type predictAtJSON struct {
	Time   jsonx.Floats `json:"time"`
	NRisk  jsonx.Floats `json:"n_risk"`
	CumHaz jsonx.Floats `json:"cumhaz"`
	Surv   jsonx.Floats `json:"surv"`
	StdErr jsonx.Floats `json:"std_err"`
	Lower  jsonx.Floats `json:"lower"`
	Upper  jsonx.Floats `json:"upper"`
}

// predict reads the covariate rows of path and returns the fitted model's
// survival curve for each (one per stratum, or the row's own stratum when
// the file has the strata column), read at times when given.
func predict(path string, f coxFlags, design *cox.Design, m *cox.Model, strataNames []string, times []float64) ([]predictionJSON, error) {
	tab, err := table.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cols []string
	for _, t := range design.Terms {
		if !slices.Contains(cols, t.Var) {
			cols = append(cols, t.Var)
		}
	}
	cells := map[string][]string{}
	for _, c := range cols {
		if cells[c], err = tab.Strings(c); err != nil {
			return nil, fmt.Errorf("--predict: %w", err)
		}
	}
	var strataCells []string
	if f.strata != "" && tab.Has(f.strata) {
		strataCells, _ = tab.Strings(f.strata)
	}
	var out []predictionJSON
	for i := range tab.Rows {
		values := map[string]string{}
		for _, c := range cols {
			values[c] = cells[c][i]
		}
		x, err := design.Row(values)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %v", tab.Source, tab.Line(i), err)
		}
		want := -1
		if strataCells != nil {
			want = slices.Index(strataNames, strataCells[i])
			if want < 0 {
				return nil, fmt.Errorf("%s line %d: %s %q is not a stratum of the fit (strata %v)", tab.Source, tab.Line(i), f.strata, strataCells[i], strataNames)
			}
		}
		for _, c := range m.Survfit(x) {
			if want >= 0 && c.Stratum != want {
				continue
			}
			p := predictionJSON{Row: i + 1, LP: jsonx.Float(m.LP(x)), Time: c.Time, NRisk: c.NRisk, NEvent: c.NEvent,
				CumHaz: c.CumHaz, Surv: c.Surv, StdErr: c.StdErr, Lower: c.Lower, Upper: c.Upper}
			if strataNames != nil {
				p.Stratum = strataNames[c.Stratum]
			}
			if times != nil {
				ts := slices.Clone(times)
				slices.Sort(ts)
				pts := c.At(slices.Compact(ts))
				a := &predictAtJSON{}
				p.AtTimes = a
				for _, pt := range pts {
					a.Time = append(a.Time, pt.Time)
					a.NRisk = append(a.NRisk, pt.NRisk)
					a.CumHaz = append(a.CumHaz, pt.CumHaz)
					a.Surv = append(a.Surv, pt.Surv)
					a.StdErr = append(a.StdErr, pt.StdErr)
					a.Lower = append(a.Lower, pt.Lower)
					a.Upper = append(a.Upper, pt.Upper)
				}
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// writePredictions prints the predicted curves at the requested times (or
// their medians without times).
func writePredictions(w io.Writer, ps []predictionJSON) error {
	fmt.Fprintln(w, "\nPredicted survival (survfit.coxph; 95% CI, log type):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "row\tstratum\ttime\tsurvival\tstd.err\t95% CI\t\n")
	for _, p := range ps {
		if p.AtTimes == nil {
			// the last time of the curve
			k := len(p.Time) - 1
			if k >= 0 {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%.4f\t%.4f\t%s\t\n", p.Row, p.Stratum, kmTime(p.Time[k]), p.Surv[k], p.StdErr[k], kmCI(p.Lower[k], p.Upper[k], kmProb))
			}
			continue
		}
		a := p.AtTimes
		for i := range a.Time {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%.4f\t%.4f\t%s\t\n", p.Row, p.Stratum, kmTime(a.Time[i]), a.Surv[i], a.StdErr[i], kmCI(a.Lower[i], a.Upper[i], kmProb))
		}
	}
	return tw.Flush()
}

// writeResiduals writes one residual type of the fit as CSV: a row per
// observation (line = the data file's line) with one column (martingale,
// deviance) or one per model column (score, dfbeta), or a row per event
// with its time (schoenfeld), numbers in full precision.
func writeResiduals(path, kind string, d *survData, names []string, m *cox.Model, inputs ...string) error {
	r := m.Residuals()
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	return outfile.Write(path, func(w io.Writer) error {
		var buf []byte
		write := func(cells []string) error {
			buf = table.AppendRecord(buf[:0], cells)
			_, err := w.Write(buf)
			return err
		}
		var header []string
		switch kind {
		case "martingale", "deviance":
			header = []string{"line", kind}
		case "schoenfeld":
			header = append([]string{"line", "time"}, names...)
		default:
			header = append([]string{"line"}, names...)
		}
		if err := write(header); err != nil {
			return err
		}
		row := func(obs int, vals ...float64) error {
			rec := []string{strconv.Itoa(int(d.lines[obs]))}
			for _, v := range vals {
				rec = append(rec, num(v))
			}
			return write(rec)
		}
		var err error
		for i := range d.time {
			switch kind {
			case "martingale":
				err = row(i, r.Martingale[i])
			case "deviance":
				err = row(i, r.Deviance[i])
			case "score":
				err = row(i, r.Score[i]...)
			case "dfbeta":
				err = row(i, r.DFBeta[i]...)
			}
			if err != nil {
				return err
			}
		}
		if kind == "schoenfeld" {
			for k, i := range r.SchoenfeldObs {
				if err := row(i, append([]float64{r.SchoenfeldTime[k]}, r.Schoenfeld[k]...)...); err != nil {
					return err
				}
			}
		}
		return nil
	}, inputs...)
}
