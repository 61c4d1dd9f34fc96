package cox

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Residuals are the residuals of a fitted model, as R's residuals.coxph.
// Per-observation slices are in input order; Schoenfeld residuals have one
// row per event, ordered by stratum, then time, then input order (as R).
// A Sorted.Fit gives each row the residuals of one of its copies (NaN for
// the rows of count 0) and one Schoenfeld row per row with an event.
type Residuals struct {
	// Martingale: delta_i - exp(eta_i) (H0(t_i) - H0(start_i)), H0 the
	// baseline cumulative hazard of the tie rule (type = "martingale").
	Martingale []float64
	// Deviance: sign(m) sqrt(-2 (m + delta log(delta - m))) (type = "deviance").
	Deviance []float64
	// Score[i][j]: observation i's contribution to the score of column j
	// at the estimate (type = "score").
	Score [][]float64
	// DFBeta[i][j]: the approximate change in coefficient j when
	// observation i is left out, w_i (Score_i V) with V the model-based
	// variance (type = "dfbeta", weighted as R's default).
	DFBeta [][]float64
	// Schoenfeld rows: the event's time, its observation (input index),
	// and x_i - xbar(t_i) (for tied Efron deaths xbar is the mean over the
	// Efron steps), type = "schoenfeld".
	SchoenfeldTime []float64
	SchoenfeldObs  []int
	Schoenfeld     [][]float64
}

// Residuals computes every residual type of the fit in O(n p^2). Aliased
// columns get NaN in the column-wise residuals.
func (m *Model) Residuals() Residuals {
	f := m.fit
	pr := f.pr
	p, n := pr.p, pr.n
	r := m.residuals()
	out := Residuals{
		Martingale: make([]float64, f.in), Deviance: make([]float64, f.in),
		Score: make([][]float64, f.in), DFBeta: make([][]float64, f.in),
	}
	if f.in != n {
		// rows a frequency fit left out
		for i := range out.Martingale {
			out.Martingale[i], out.Deviance[i] = math.NaN(), math.NaN()
			out.Score[i], out.DFBeta[i] = nanRow(p), nanRow(p)
		}
	}
	v := m.NaiveVar
	if v == nil {
		v = m.Var
	}
	for k, i := range f.order {
		mr := r.mart[k]
		out.Martingale[i] = mr
		d := 0.0
		if pr.status[k] {
			d = 1
		}
		dev := -2 * mr
		if d == 1 {
			dev = -2 * (mr + math.Log(d-mr))
		}
		out.Deviance[i] = math.Copysign(math.Sqrt(dev), mr)
		sc := make([]float64, p)
		for j := range sc {
			sc[j] = r.score[k*p+j] / f.scale[j]
			if m.Aliased[j] {
				sc[j] = math.NaN()
			}
		}
		out.Score[i] = sc
		db := make([]float64, p)
		w := pr.weight(k)
		if pr.freq {
			w = 1 // the dfbeta of one copy of the row
		}
		for c := range db {
			if m.Aliased[c] {
				db[c] = math.NaN()
				continue
			}
			var s float64
			for j := range sc {
				if !m.Aliased[j] {
					s += sc[j] * v[j][c]
				}
			}
			db[c] = w * s
		}
		out.DFBeta[i] = db
	}
	// Schoenfeld: deaths by stratum, then increasing time, tied deaths in
	// input order, as residuals.coxph orders them (order(strata, time,
	// -status), a stable sort). The sorted order is decreasing time within
	// a stratum, ties in no particular order, so each stratum's deaths are
	// collected and then stably sorted.
	for s := 0; s+1 < len(pr.starts); s++ {
		var deaths []int
		for k := pr.starts[s+1] - 1; k >= pr.starts[s]; k-- {
			if pr.status[k] {
				deaths = append(deaths, k)
			}
		}
		slices.SortStableFunc(deaths, func(a, b int) int {
			return cmp.Or(cmp.Compare(pr.time[a], pr.time[b]), cmp.Compare(f.order[a], f.order[b]))
		})
		for _, k := range deaths {
			row := make([]float64, p)
			for j := range row {
				row[j] = (pr.x[k*p+j] - r.xm[k][j]) / f.scale[j]
				if m.Aliased[j] {
					row[j] = math.NaN()
				}
			}
			out.SchoenfeldTime = append(out.SchoenfeldTime, pr.time[k])
			out.SchoenfeldObs = append(out.SchoenfeldObs, f.order[k])
			out.Schoenfeld = append(out.Schoenfeld, row)
		}
	}
	return out
}

// ResidualTypes are the names R's residuals.coxph gives the types.
var ResidualTypes = []string{"martingale", "deviance", "score", "schoenfeld", "dfbeta"}

// CheckResidualType returns an error unless t is one of ResidualTypes.
func CheckResidualType(t string) error {
	for _, r := range ResidualTypes {
		if t == r {
			return nil
		}
	}
	return fmt.Errorf("unknown residual type %q (use martingale, deviance, score, schoenfeld or dfbeta)", t)
}

func nanRow(p int) []float64 {
	r := make([]float64, p)
	for j := range r {
		r[j] = math.NaN()
	}
	return r
}
