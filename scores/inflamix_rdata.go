package scores

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"carimpi/rdata"
)

// ImportOptions describe an InflaMix model.RData being imported.
type ImportOptions struct {
	// Name is the model's name in listings and results (default
	// "InflaMix (imported from <file name>)").
	Name string
	// Synthetic marks a test stand-in (such as the reference's synthetic
	// model) so that every result says its posteriors are not InflaMix
	// probabilities; the RData objects cannot tell.
	Synthetic bool
}

// inflamixFromR documents, in the model file, which R object each field
// comes from.
var inflamixFromR = map[string]string{
	"labs":                   "sub('^d0_', '', rownames(dev_mu))  (model order = column order of d0clusters$data)",
	"scaling":                "sc_devcoh_d0 (tibble; columns lab, tr_uln_mean, tr_uln_sd; rows in alphabetical lab order) reordered to model order: mean = tr_uln_mean, sd = tr_uln_sd",
	"log10_labs":             "not in the R objects: the app applies log10(raw) - log10(uln) to ferritin and crp",
	"mixing_proportions":     "dev_pro (= d0clusters$parameters$pro)",
	"components":             "component k: mean = dev_mu[, k] (= d0clusters$parameters$mean), covariance = dev_sig[, , k] (= d0clusters$parameters$variance$sigma)",
	"inflammatory_component": "dev_inflammClus (1-based; dev_LEASTinflammClus is the other one)",
	"derivation_fit":         "d0clusters$n, $loglik, $bic, $df",
}

// ImportInflaMixRData reads the official InflaMix calculator's model.RData
// (R's save() format, any compression, serialization version 2 or 3):
// the objects dev_mu (14 × 2 component means, row names d0_<lab>),
// dev_sig (14 × 14 × 2 covariances with the same row and column names),
// dev_pro (2 mixing proportions), dev_inflammClus (the inflammatory
// component, 1-based) and sc_devcoh_d0 (a data frame with columns lab,
// tr_uln_mean, tr_uln_sd), and, when present, d0clusters (the mclust fit:
// n, loglik, bic, df). It checks their shapes and lab names and returns
// the model; file names the source in the model file.
func ImportInflaMixRData(b []byte, file string, opt ImportOptions) (*InflaMixModel, error) {
	rf, err := rdata.Read(bytes.NewReader(b), 0)
	if err != nil {
		return nil, err
	}
	if rf.Kind != "RData" {
		return nil, fmt.Errorf("this is an RDS file (saveRDS); want the calculator's model.RData (save())")
	}
	get := func(name string) (*rdata.Value, error) {
		v := rf.Get(name)
		if v == nil {
			return nil, fmt.Errorf("object %s is missing (the file has %s); is this the InflaMix calculator's model.RData?", name, strings.Join(rf.Names(), ", "))
		}
		return v, nil
	}
	mu, err := get("dev_mu")
	if err != nil {
		return nil, err
	}
	if d := mu.Dim(); mu.Type != rdata.Double || len(d) != 2 || d[0] != NumLabs || d[1] != 2 {
		return nil, fmt.Errorf("dev_mu is %s; want a double 14 x 2 matrix", mu.Describe())
	}
	dn := mu.DimNames()
	if len(dn) < 1 || len(dn[0]) != NumLabs {
		return nil, fmt.Errorf("dev_mu has no row names (want d0_albumin, d0_alk, ...)")
	}
	labs := make([]string, NumLabs)
	for i, n := range dn[0] {
		labs[i] = strings.TrimPrefix(n, "d0_")
	}
	sig, err := get("dev_sig")
	if err != nil {
		return nil, err
	}
	if d := sig.Dim(); sig.Type != rdata.Double || len(d) != 3 || d[0] != NumLabs || d[1] != NumLabs || d[2] != 2 {
		return nil, fmt.Errorf("dev_sig is %s; want a double 14 x 14 x 2 array", sig.Describe())
	}
	if sdn := sig.DimNames(); len(sdn) >= 2 && (!equalStrings(sdn[0], dn[0]) || !equalStrings(sdn[1], dn[0])) {
		return nil, fmt.Errorf("dev_sig's row and column names %v / %v differ from dev_mu's %v", sdn[0], sdn[1], dn[0])
	}
	pro, err := get("dev_pro")
	if err != nil {
		return nil, err
	}
	if pro.Type != rdata.Double || pro.Len() != 2 {
		return nil, fmt.Errorf("dev_pro is %s; want 2 mixing proportions", pro.Describe())
	}
	ic, err := get("dev_inflammClus")
	if err != nil {
		return nil, err
	}
	icv := ic.Float64s()
	if len(icv) != 1 || (icv[0] != 1 && icv[0] != 2) {
		return nil, fmt.Errorf("dev_inflammClus is %s %v; want the inflammatory component, 1 or 2", ic.Describe(), icv)
	}
	sc, err := get("sc_devcoh_d0")
	if err != nil {
		return nil, err
	}
	scLab, scMean, scSD := sc.Get("lab"), sc.Get("tr_uln_mean").Float64s(), sc.Get("tr_uln_sd").Float64s()
	if sc.Type != rdata.List || scLab == nil || scLab.Type != rdata.Character || scLab.Len() != NumLabs || len(scMean) != NumLabs || len(scSD) != NumLabs {
		return nil, fmt.Errorf("sc_devcoh_d0 is %s with columns %v; want a data frame of 14 rows with columns lab, tr_uln_mean, tr_uln_sd", sc.Describe(), sc.Names())
	}

	f := &InflaMixFile{
		Name:                 opt.Name,
		Model:                "Gaussian mixture, mclust model 'VVV' (each component has its own full covariance), G = 2",
		Synthetic:            opt.Synthetic,
		Labs:                 labs,
		Mixing:               append([]float64(nil), pro.Doubles...),
		Inflammatory:         int(icv[0]),
		InflammatoryIndexing: "1-based: components are numbered 1 and 2 in the order of 'components' (mclust's order); 'inflammatory' is the component dev_inflammClus names",
		Posterior:            "P(inflammatory | z) = pro_I N(z; mu_I, Sigma_I) / sum_k pro_k N(z; mu_k, Sigma_k); with missing labs use the marginal Gaussian (drop the missing coordinates from mu and Sigma).",
	}
	if f.Name == "" {
		f.Name = "InflaMix (imported from " + filepath.Base(file) + ")"
	}
	sum := sha256.Sum256(b)
	f.Source = &InflaMixSource{RData: []string{filepath.Base(file)}, SHA256: hex.EncodeToString(sum[:]), FromRObjects: inflamixFromR}
	f.Reference = "Imported by carimpi from " + filepath.Base(file) + " (R objects dev_mu, dev_sig, dev_pro, dev_inflammClus, sc_devcoh_d0). InflaMix: Raj SS et al., Nature Medicine 2025. The official model is under the MSK InflaMix Terms of Use: research use only; do not redistribute this file."
	if opt.Synthetic {
		f.Reference = "SYNTHETIC test stand-in with InflaMix's structure, imported by carimpi from " + filepath.Base(file) + "; its posteriors are not InflaMix probabilities."
	}
	f.Transform.Step1 = "x = raw / uln (lab value divided by its upper limit of normal)"
	f.Transform.Step2 = "for the labs in log10_labs: x = log10(raw / uln)"
	f.Transform.Step3 = "z = (x - mean) / sd, with the derivation-cohort mean and sd below (sd with n - 1 denominator)"
	f.Transform.Log10Labs = []string{"ferritin", "crp"}
	f.Scaling.Lab = append([]string(nil), labs...)
	f.Scaling.Mean = make([]float64, NumLabs)
	f.Scaling.SD = make([]float64, NumLabs)
	for i, l := range labs {
		j := indexOf(scLab.Strings, l)
		if j < 0 {
			have := append([]string(nil), scLab.Strings...)
			sort.Strings(have)
			return nil, fmt.Errorf("sc_devcoh_d0 has no row for lab %q (it has %v)", l, have)
		}
		f.Scaling.Mean[i], f.Scaling.SD[i] = scMean[j], scSD[j]
	}
	for k := 0; k < 2; k++ {
		c := InflaMixComponent{Component: k + 1, Label: "non-inflammatory", Proportion: pro.Doubles[k], Mean: make([]float64, NumLabs), Covariance: make([][]float64, NumLabs)}
		if k+1 == f.Inflammatory {
			c.Label = "inflammatory"
		}
		for i := 0; i < NumLabs; i++ {
			c.Mean[i] = mu.Doubles[k*NumLabs+i] // column-major
			c.Covariance[i] = make([]float64, NumLabs)
			for j := 0; j < NumLabs; j++ {
				c.Covariance[i][j] = sig.Doubles[k*NumLabs*NumLabs+j*NumLabs+i]
			}
		}
		f.Components = append(f.Components, c)
	}
	if fit := rf.Get("d0clusters"); fit != nil && fit.Type == rdata.List {
		n, ll, bic, df := fit.Get("n").Float64s(), fit.Get("loglik").Float64s(), fit.Get("bic").Float64s(), fit.Get("df").Float64s()
		if mn := fit.Get("modelName"); mn != nil && mn.Type == rdata.Character && mn.Len() == 1 {
			f.Model = strings.Replace(f.Model, "'VVV'", "'"+mn.Strings[0]+"'", 1)
		}
		if len(n) == 1 && len(ll) == 1 && len(bic) == 1 && len(df) == 1 {
			f.DerivationFit = &InflaMixFit{N: int(n[0]), Loglik: ll[0], BIC: bic[0], DF: int(df[0])}
			what := "patients"
			if opt.Synthetic {
				what = "simulated patients"
			}
			f.Model += fmt.Sprintf(", fitted on %d %s (day-0 labs)", int(n[0]), what)
		}
	}
	f.Versions = map[string]string{"R": rf.WriterVersion + " (wrote " + filepath.Base(file) + ", serialization version " + fmt.Sprint(rf.Version) + ")"}
	return NewInflaMix(f)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
