package scores

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"
)

// inflamixJSON is testdata/reference/models/inflamix.json, unchanged: the
// InflaMix model of Raj et al. (Nat Med 2025) as exported from the
// authors' app_model.RData (github.com/vdblab/InflaMix) with mclust 6.0.0.
//
//go:embed inflamix.json
var inflamixJSON []byte

// inflamixLabs are the 14 model labs in model order, as data dictionary
// fields (the model calls alp "alk" and tbili "tbr").
var inflamixLabs = [NumLabs]Field{Albumin, ALP, AST, Ferritin, Hb, LDH, Plt, Tbili, IL10, IL6, TNFa, CRP, Ddimer, WBC}

var inflamixModelNames = [NumLabs]string{"albumin", "alk", "ast", "ferritin", "hb", "ldh", "plt", "tbr", "il10", "il6", "tnfa", "crp", "ddimer", "wbc"}

// NumLabs is the number of InflaMix labs.
const NumLabs = 14

// InflaMixModel is a two-component Gaussian mixture over 14 standardized
// labs (mclust "VVV", G = 2). Each lab is divided by its upper limit of
// normal, log10-transformed for ferritin and CRP, and standardized with the
// derivation cohort's mean and sd:
//
//	x = raw/uln (log10(raw/uln) for ferritin, crp);  z = (x - mean)/sd
//	P(inflamed | z) = pro_I N(z; mu_I, S_I) / sum_k pro_k N(z; mu_k, S_k)
//
// With missing labs the posterior uses the marginal Gaussian of the labs
// present (drop their rows and columns of mu and S), as the authors'
// assign_clust() does; at least 2 labs are needed. The densities are
// combined in log space, so extreme labs give 0 or 1, never NaN.
//
// The marginal Cholesky factors are computed on first use per subset of
// labs and cached; a model is safe for concurrent use.
type InflaMixModel struct {
	Info
	mean, sd     [NumLabs]float64
	log10        [NumLabs]bool
	logPro       [2]float64
	mu           [2][NumLabs]float64
	sigma        [2]*mat.SymDense
	inflammatory int // 0-based component
	cache        [1 << NumLabs]atomic.Pointer[marginal]
}

// marginal holds, for one subset of labs, each component's mean, packed
// lower Cholesky factor (row-major, n×n, with the reciprocals of its
// diagonal on the diagonal) and log-determinant.
type marginal struct {
	idx    []int
	mu     [2][]float64
	chol   [2][]float64
	logdet [2]float64
}

// inflamixFile is the layout of inflamix.json (the fields used).
type inflamixFile struct {
	Name      string   `json:"name"`
	Reference string   `json:"reference"`
	Model     string   `json:"model"`
	Labs      []string `json:"labs"`
	Transform struct {
		Log10Labs []string `json:"log10_labs"`
	} `json:"transform"`
	Scaling struct {
		Lab  []string  `json:"lab"`
		Mean []float64 `json:"mean"`
		SD   []float64 `json:"sd"`
	} `json:"scaling"`
	Mixing       []float64 `json:"mixing_proportions"`
	Inflammatory int       `json:"inflammatory_component"`
	Components   []struct {
		Mean       []float64   `json:"mean"`
		Covariance [][]float64 `json:"covariance"`
	} `json:"components"`
}

var inflamixOnce = sync.OnceValue(func() *InflaMixModel {
	m, err := parseInflaMix(inflamixJSON)
	if err != nil {
		panic("scores: embedded inflamix.json: " + err.Error())
	}
	return m
})

// InflaMix returns the published InflaMix model (shared, read-only).
func InflaMix() *InflaMixModel { return inflamixOnce() }

func parseInflaMix(b []byte) (*InflaMixModel, error) {
	var f inflamixFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	if len(f.Labs) != NumLabs || len(f.Components) != 2 || len(f.Mixing) != 2 || f.Inflammatory < 1 || f.Inflammatory > 2 {
		return nil, fmt.Errorf("want 14 labs and 2 components")
	}
	m := &InflaMixModel{inflammatory: f.Inflammatory - 1}
	for i, name := range f.Labs {
		if name != inflamixModelNames[i] || f.Scaling.Lab[i] != name {
			return nil, fmt.Errorf("lab %d is %q, want %q", i, name, inflamixModelNames[i])
		}
		m.mean[i], m.sd[i] = f.Scaling.Mean[i], f.Scaling.SD[i]
		for _, l := range f.Transform.Log10Labs {
			m.log10[i] = m.log10[i] || l == name
		}
	}
	for k, c := range f.Components {
		m.logPro[k] = math.Log(f.Mixing[k])
		copy(m.mu[k][:], c.Mean)
		m.sigma[k] = mat.NewSymDense(NumLabs, nil)
		for i := 0; i < NumLabs; i++ {
			for j := i; j < NumLabs; j++ {
				m.sigma[k].SetSym(i, j, c.Covariance[i][j])
			}
		}
	}
	var in []any
	for i, l := range inflamixLabs {
		use := "raw/" + l.Name() + "_uln"
		if m.log10[i] {
			use = "log10(" + use + ")"
		}
		in = append(in, l, use+" (model lab "+inflamixModelNames[i]+")", ulnOf(l), "upper limit of normal (default "+fmt.Sprint(fields[ulnOf(l)].DefaultULN)+")")
	}
	m.Info = Info{
		ID: "inflamix", Name: "InflaMix", Version: "2025 (mclust VVV G=2, MSK derivation n=149)",
		Citations: []Citation{{"Raj SS et al. Nat Med 2025;31:1183. Model: " + f.Reference, "10.1038/s41591-025-03532-x"}},
		Inputs:    inputs(false, in...),
		Rule:      "x = raw/uln (log10 for ferritin, crp); z = (x - mean)/sd; posterior of the inflammatory component of a 2-component Gaussian mixture (" + f.Model + "); with missing labs the marginal Gaussian of the labs present (>= 2 labs)",
		Groups: []Group{
			{"cluster", "non-inflamed", "posterior <= 0.5"},
			{"cluster", "inflamed", "posterior > 0.5"},
		},
		Notes: []string{
			"Model parameters embedded unchanged from inflamix.json (made from the authors' app_model.RData; equal to model/model.RData to 1.3e-14).",
			"Posteriors are computed with the final parameters, as mclust predict(); the fit's stored z differs by up to 0.0101 (mclust keeps the last E-step's z).",
			"Cluster: inflamed when the posterior > 0.5 (the issue's rule; mclust's classification takes >= 0.5, which differs only at exactly 0.5).",
			"With one lab the posterior is not computed (the authors' assign_clust() returns NaN there).",
			"Ferritin or CRP of 0 cannot be log-transformed and is left out with a note; give the assay's detection limit instead.",
			"Each lab uses its own ULN; D-dimer may be in any unit if its ULN is in the same unit (default ULN 0.5 ug/mL FEU).",
			"The source repository showed no LICENSE file: check its terms before redistributing the model parameters outside this project.",
		},
	}
	return m, nil
}

// getMarginal returns the cached marginal for the labs in mask (bit i =
// model lab i present), computing it on first use.
func (m *InflaMixModel) getMarginal(mask uint32) *marginal {
	if g := m.cache[mask].Load(); g != nil {
		return g
	}
	g := &marginal{}
	for i := 0; i < NumLabs; i++ {
		if mask&(1<<i) != 0 {
			g.idx = append(g.idx, i)
		}
	}
	n := len(g.idx)
	for k := 0; k < 2; k++ {
		sub := mat.NewSymDense(n, nil)
		g.mu[k] = make([]float64, n)
		for a, i := range g.idx {
			g.mu[k][a] = m.mu[k][i]
			for b := a; b < n; b++ {
				sub.SetSym(a, b, m.sigma[k].At(i, g.idx[b]))
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(sub) {
			panic("scores: InflaMix covariance submatrix is not positive definite")
		}
		var l mat.TriDense
		ch.LTo(&l)
		g.chol[k] = make([]float64, n*n)
		for a := 0; a < n; a++ {
			for b := 0; b < a; b++ {
				g.chol[k][a*n+b] = l.At(a, b)
			}
			g.chol[k][a*n+a] = 1 / l.At(a, a) // stored inverted: one multiply per row in Posterior
		}
		g.logdet[k] = ch.LogDet()
	}
	m.cache[mask].CompareAndSwap(nil, g)
	return m.cache[mask].Load()
}

// Standardize returns z = (x - mean)/sd of model lab i (0-based, model
// order) from its value and ULN, and false when the value cannot be used
// (missing, or ≤ 0 for a log10 lab).
func (m *InflaMixModel) Standardize(i int, raw, uln float64) (float64, bool) {
	x := raw / uln
	if m.log10[i] {
		if !(x > 0) {
			return 0, false
		}
		x = math.Log10(x)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return (x - m.mean[i]) / m.sd[i], true
}

// Posterior returns the posterior probability of the inflammatory
// component from standardized labs z (model order; NaN = missing) and the
// number of labs used. With fewer than 2 labs it returns NaN.
//
//	l_k = log pro_k - log det(S_k)/2 - (z - mu_k)' S_k^-1 (z - mu_k)/2
//	P = exp(l_I - logsumexp(l_1, l_2))
//
// (the common term -n/2 log 2 pi cancels).
func (m *InflaMixModel) Posterior(z *[NumLabs]float64) (float64, int) {
	var mask uint32
	n := 0
	for i, v := range z {
		if !math.IsNaN(v) {
			mask |= 1 << i
			n++
		}
	}
	if n < 2 {
		return math.NaN(), n
	}
	g := m.getMarginal(mask)
	var l [2]float64
	var y [NumLabs]float64
	for k := 0; k < 2; k++ {
		// Forward substitution L y = z - mu; maha = |y|^2.
		ch, mu := g.chol[k], g.mu[k]
		maha := 0.0
		for a, i := range g.idx {
			s := z[i] - mu[a]
			row := ch[a*n : a*n+a]
			for b, lv := range row {
				s -= lv * y[b]
			}
			y[a] = s * ch[a*n+a]
			maha += y[a] * y[a]
		}
		l[k] = m.logPro[k] - 0.5*g.logdet[k] - 0.5*maha
	}
	d := l[1-m.inflammatory] - l[m.inflammatory] // log odds against
	if d <= 0 {
		return 1 / (1 + math.Exp(d)), n
	}
	e := math.Exp(-d)
	return e / (1 + e), n
}

// Labs returns the 14 model labs as data dictionary fields, in model order.
func (m *InflaMixModel) Labs() [NumLabs]Field { return inflamixLabs }
