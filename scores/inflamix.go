package scores

import (
	"carimpi/internal/jsonx"
	"carimpi/record"

	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"
)

// InflaMixNotInstalled is the note of every InflaMix result when no model
// is installed. The official model is under the MSK InflaMix Terms of Use
// (no redistribution), so carimpi does not ship it: the user brings their
// own copy.
const InflaMixNotInstalled = "InflaMix model not installed: obtain model.RData from the official InflaMix calculator under its terms of use, then run carimpi models import-inflamix FILE"

// NumLabs is the number of InflaMix labs.
const NumLabs = 14

// inflamixModelNames are the model's names of its 14 labs (the R objects'
// row names without "d0_"), and inflamixFields the data dictionary field
// of each (the model calls alp "alk" and tbili "tbr").
var (
	inflamixModelNames = [NumLabs]string{"albumin", "alk", "ast", "ferritin", "hb", "ldh", "plt", "tbr", "il10", "il6", "tnfa", "crp", "ddimer", "wbc"}
	inflamixFields     = [NumLabs]record.Field{record.Albumin, record.ALP, record.AST, record.Ferritin, record.Hb, record.LDH, record.Plt, record.TBili, record.IL10, record.IL6, record.TNFa, record.CRP, record.DDimer, record.WBC}
)

// inflamixField returns the data dictionary field of a model lab name.
func inflamixField(name string) (record.Field, bool) {
	for i, n := range inflamixModelNames {
		if n == name {
			return inflamixFields[i], true
		}
	}
	return 0, false
}

// InflaMixModel is a two-component Gaussian mixture over 14 standardized
// labs (mclust "VVV", G = 2), the structure of InflaMix (Raj et al., Nat
// Med 2025). Each lab is divided by its upper limit of normal,
// log10-transformed for the model's log10 labs (ferritin and CRP), and
// standardized with the derivation cohort's mean and sd:
//
//	x = raw/uln (log10(raw/uln) for ferritin, crp);  z = (x - mean)/sd
//	P(inflamed | z) = pro_I N(z; mu_I, S_I) / sum_k pro_k N(z; mu_k, S_k)
//
// With missing labs the posterior uses the marginal Gaussian of the labs
// present (drop their rows and columns of mu and S), as the authors'
// assign_clust() does; at least 2 labs are needed. The densities are
// combined in log space, so extreme labs give 0 or 1, never NaN.
//
// carimpi ships no InflaMix parameters: a model is read from the user's
// copy of the official calculator's model.RData (ImportInflaMixRData) or
// from carimpi's InflaMix model file (LoadInflaMix). The inflammatory
// component is the file's, never assumed.
//
// The marginal Cholesky factors are computed on first use per subset of
// labs and cached; a model is safe for concurrent use.
type InflaMixModel struct {
	Info
	// File is the model as data (what LoadInflaMix read or the importer
	// made); WriteInflaMix writes it.
	File         *InflaMixFile
	labs         [NumLabs]record.Field // data dictionary field of each model lab, model order
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

// InflaMixFile is carimpi's InflaMix model file: the layout of the
// reference's models/inflamix-synthetic.json, which is also what
// "carimpi models import-inflamix" writes. Labs are in model order;
// scaling is in the same order; components are numbered 1 and 2 as in
// mclust; inflammatory_component is 1-based.
type InflaMixFile struct {
	Name      string          `json:"name"`
	Reference string          `json:"reference"`
	Model     string          `json:"model"`
	Synthetic bool            `json:"synthetic"`
	Source    *InflaMixSource `json:"source,omitempty"`
	Labs      []string        `json:"labs"`
	Transform struct {
		Step1     string   `json:"step1"`
		Step2     string   `json:"step2"`
		Step3     string   `json:"step3"`
		Log10Labs []string `json:"log10_labs"`
	} `json:"transform"`
	Scaling struct {
		Lab  []string  `json:"lab"`
		Mean []float64 `json:"mean"`
		SD   []float64 `json:"sd"`
	} `json:"scaling"`
	Mixing               []float64           `json:"mixing_proportions"`
	Inflammatory         int                 `json:"inflammatory_component"`
	InflammatoryIndexing string              `json:"inflammatory_component_indexing,omitempty"`
	Components           []InflaMixComponent `json:"components"`
	Posterior            string              `json:"posterior,omitempty"`
	DerivationFit        *InflaMixFit        `json:"derivation_fit,omitempty"`
	Versions             map[string]string   `json:"versions,omitempty"`
}

// InflaMixSource says where a model file's numbers come from.
type InflaMixSource struct {
	RData        []string          `json:"rdata,omitempty"`
	SHA256       string            `json:"sha256,omitempty"` // of the RData file imported
	FromRObjects map[string]string `json:"from_r_objects,omitempty"`
}

// InflaMixComponent is one Gaussian component.
type InflaMixComponent struct {
	Component  int         `json:"component"`
	Label      string      `json:"label"`
	Proportion float64     `json:"proportion"`
	Mean       []float64   `json:"mean"`
	Covariance [][]float64 `json:"covariance"`
}

// InflaMixFit is the derivation fit's summary (mclust n, loglik, bic, df).
type InflaMixFit struct {
	N      int     `json:"n"`
	Loglik float64 `json:"loglik"`
	BIC    float64 `json:"bic"`
	DF     int     `json:"df"`
}

// LoadInflaMix reads carimpi's InflaMix model file and checks it.
func LoadInflaMix(r io.Reader) (*InflaMixModel, error) {
	var f InflaMixFile
	if err := jsonx.DecodeStrict(r, &f); err != nil {
		return nil, fmt.Errorf("InflaMix model file: %v", err)
	}
	m, err := NewInflaMix(&f)
	if err != nil {
		return nil, fmt.Errorf("InflaMix model file: %v", err)
	}
	return m, nil
}

// LoadInflaMixFile reads an InflaMix model from a file: the official
// calculator's model.RData (ImportInflaMixRData; recognised by its
// content, not its name) or carimpi's InflaMix model file (JSON).
func LoadInflaMixFile(path string) (*InflaMixModel, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m *InflaMixModel
	if t := bytes.TrimLeft(b, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		m, err = LoadInflaMix(bytes.NewReader(b))
	} else {
		m, err = ImportInflaMixRData(b, path, ImportOptions{})
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, nil
}

// WriteInflaMix writes the model file of m (indented JSON, byte-stable).
func WriteInflaMix(w io.Writer, m *InflaMixModel) error {
	b, err := json.MarshalIndent(m.File, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// NewInflaMix checks an InflaMix model file's shapes, names and numbers
// and returns the model: the 14 model labs (in any order, each once),
// scaling in the same order with sd > 0, two components with 14 means and
// 14×14 symmetric positive definite covariances, mixing proportions > 0
// summing to 1, an inflammatory component of 1 or 2, and log10 labs among
// the labs.
func NewInflaMix(f *InflaMixFile) (*InflaMixModel, error) {
	if len(f.Labs) != NumLabs {
		return nil, fmt.Errorf("labs: %d labs, want the %d InflaMix labs %v", len(f.Labs), NumLabs, inflamixModelNames)
	}
	if len(f.Scaling.Lab) != NumLabs || len(f.Scaling.Mean) != NumLabs || len(f.Scaling.SD) != NumLabs {
		return nil, fmt.Errorf("scaling: want lab, mean and sd for each of the %d labs", NumLabs)
	}
	if len(f.Components) != 2 || len(f.Mixing) != 2 {
		return nil, fmt.Errorf("want 2 components and 2 mixing proportions, have %d and %d", len(f.Components), len(f.Mixing))
	}
	if f.Inflammatory != 1 && f.Inflammatory != 2 {
		return nil, fmt.Errorf("inflammatory_component is %d: want 1 or 2 (1-based)", f.Inflammatory)
	}
	m := &InflaMixModel{File: f, inflammatory: f.Inflammatory - 1}
	seen := map[string]bool{}
	for i, name := range f.Labs {
		fld, ok := inflamixField(name)
		if !ok || seen[name] {
			return nil, fmt.Errorf("labs: %q (position %d) is not one of the InflaMix labs %v, or is repeated", name, i+1, inflamixModelNames)
		}
		seen[name] = true
		if f.Scaling.Lab[i] != name {
			return nil, fmt.Errorf("scaling: lab %d is %q, want %q (scaling must be in model order)", i+1, f.Scaling.Lab[i], name)
		}
		m.labs[i] = fld
		m.mean[i], m.sd[i] = f.Scaling.Mean[i], f.Scaling.SD[i]
		if !finite(m.mean[i]) || !(m.sd[i] > 0) || math.IsInf(m.sd[i], 0) {
			return nil, fmt.Errorf("scaling: %s has mean %g and sd %g; want finite numbers, sd > 0", name, m.mean[i], m.sd[i])
		}
	}
	for _, l := range f.Transform.Log10Labs {
		i := indexOf(f.Labs, l)
		if i < 0 {
			return nil, fmt.Errorf("transform.log10_labs: %q is not a model lab", l)
		}
		m.log10[i] = true
	}
	if s := f.Mixing[0] + f.Mixing[1]; !(f.Mixing[0] > 0 && f.Mixing[1] > 0) || math.Abs(s-1) > 1e-9 {
		return nil, fmt.Errorf("mixing_proportions %v: want two numbers > 0 summing to 1", f.Mixing)
	}
	for k, c := range f.Components {
		if len(c.Mean) != NumLabs || len(c.Covariance) != NumLabs {
			return nil, fmt.Errorf("component %d: want a mean of %d and a %d×%d covariance", k+1, NumLabs, NumLabs, NumLabs)
		}
		m.logPro[k] = math.Log(f.Mixing[k])
		copy(m.mu[k][:], c.Mean)
		m.sigma[k] = mat.NewSymDense(NumLabs, nil)
		for i := 0; i < NumLabs; i++ {
			if len(c.Covariance[i]) != NumLabs || !finite(c.Mean[i]) {
				return nil, fmt.Errorf("component %d: covariance row %d has %d entries, want %d (or a mean is not finite)", k+1, i+1, len(c.Covariance[i]), NumLabs)
			}
			for j := 0; j < NumLabs; j++ {
				a, b := c.Covariance[i][j], c.Covariance[j][i]
				if !finite(a) || math.Abs(a-b) > 1e-12*math.Max(1, math.Abs(a)) {
					return nil, fmt.Errorf("component %d: covariance [%d,%d] = %g is not finite or not symmetric", k+1, i+1, j+1, a)
				}
			}
			for j := i; j < NumLabs; j++ {
				m.sigma[k].SetSym(i, j, c.Covariance[i][j])
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(m.sigma[k]) {
			return nil, fmt.Errorf("component %d: covariance is not positive definite", k+1)
		}
	}
	m.Info = inflamixInfo(f)
	return m, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// inflamixCitation is the InflaMix publication.
var inflamixCitation = Citation{"Raj SS et al. Nat Med 2025;31:1183.", "10.1038/s41591-025-03532-x"}

// inflamixNotInstalledInfo describes InflaMix when no model is installed.
var inflamixNotInstalledInfo = Info{
	ID: IDInflaMix, Name: "InflaMix", Version: "not installed",
	Citations: []Citation{inflamixCitation},
	Inputs:    inflamixInputs(nil),
	Rule:      "posterior of the inflammatory component of a 2-component Gaussian mixture of 14 standardized labs",
	Groups:    inflamixGroupInfo,
	Notes:     []string{InflaMixNotInstalled},
}

var inflamixGroupInfo = []Group{
	{"cluster", "non-inflamed", "posterior <= 0.5", ""},
	{"cluster", "inflamed", "posterior > 0.5", ""},
}

// inflamixInputs lists the 14 labs and their ULNs (log10 marks the
// model's log10 labs; nil for the listing without a model).
func inflamixInputs(log10 *[NumLabs]bool) []Input {
	var in []any
	for i, l := range inflamixFields {
		use := "raw/" + l.Name() + "_uln"
		if log10 != nil && log10[i] {
			use = "log10(" + use + ")"
		}
		u, _ := l.ULN()
		in = append(in, l, use+" (model lab "+inflamixModelNames[i]+")", u, "upper limit of normal (default "+fmt.Sprint(u.Info().DefaultULN)+", the official calculator's)")
	}
	return inputs(false, in...)
}

func inflamixInfo(f *InflaMixFile) Info {
	var log10 [NumLabs]bool
	for _, l := range f.Transform.Log10Labs {
		if i := indexOf(inflamixModelNames[:], l); i >= 0 {
			log10[i] = true
		}
	}
	version := "model file"
	if f.Name != "" {
		version = "model file: " + f.Name
	}
	info := Info{
		ID: IDInflaMix, Name: "InflaMix", Version: version,
		Citations: []Citation{inflamixCitation},
		Inputs:    inflamixInputs(&log10),
		Rule:      "x = raw/uln (log10 for the model's log10 labs); z = (x - mean)/sd; posterior of the inflammatory component (" + fmt.Sprint(f.Inflammatory) + ") of a 2-component Gaussian mixture; with missing labs the marginal Gaussian of the labs present (>= 2 labs)",
		Groups:    inflamixGroupInfo,
		Notes: []string{
			"Model parameters read from the user's model file, not shipped with carimpi (MSK InflaMix Terms of Use: research use only, no redistribution).",
			"Posteriors are computed with the final parameters, as mclust predict() does (mclust's stored z is the last E-step's and can differ slightly).",
			"Cluster: inflamed when the posterior > 0.5 (mclust's classification takes >= 0.5, which differs only at exactly 0.5).",
			"With one lab the posterior is not computed (the authors' assign_clust() returns NaN there).",
			"Ferritin or CRP of 0 cannot be log-transformed and is left out with a note; give the assay's detection limit instead.",
			"Each lab uses its own ULN; D-dimer may be in any unit if its ULN is in the same unit.",
			"The official web calculator passes the IL-10 value as its own ULN (x = 1 for IL-10 whenever it is given); carimpi divides IL-10 by its ULN as the model's derivation did, so with IL-10 given the two can differ.",
		},
	}
	if f.Synthetic {
		info.Version += " (SYNTHETIC)"
		info.Notes = append([]string{"SYNTHETIC model (test stand-in): its posteriors are not InflaMix probabilities."}, info.Notes...)
	}
	if f.Reference != "" {
		info.Notes = append(info.Notes, "Model file reference: "+strings.TrimSpace(f.Reference))
	}
	return info
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
			// A principal submatrix of a positive definite matrix (checked
			// by NewInflaMix) is positive definite.
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
func (m *InflaMixModel) Labs() [NumLabs]record.Field { return m.labs }

// InflaMixLabs returns the 14 InflaMix labs as data dictionary fields (the
// order of the published model), for listings without a model.
func InflaMixLabs() [NumLabs]record.Field { return inflamixFields }
