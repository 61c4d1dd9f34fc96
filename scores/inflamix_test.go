package scores_test

import (
	"carimpi/record"

	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/scores"
)

const refDir = "../testdata/reference/"

// synthModelPath is the SYNTHETIC InflaMix-structured model of the
// reference (see testdata/reference/README.md): not the official model,
// whose parameters carimpi may not ship.
const synthModelPath = refDir + "models/inflamix-synthetic.json"

// synthModel loads the synthetic InflaMix model.
func synthModel(t testing.TB) *scores.InflaMixModel {
	t.Helper()
	m, err := scores.LoadInflaMixFile(synthModelPath)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// synthScorer is a scorer with the synthetic InflaMix model installed.
func synthScorer(t testing.TB) *scores.Scorer {
	s := scores.NewScorer()
	s.InflaMix = synthModel(t)
	return s
}

// synthPatients reshapes the long-format synthetic labs (lab, raw, uln,
// day, record_id, center) into patients, in order of first appearance.
// The file uses the model's lab names (alk, tbr); alt is not a model lab.
func synthPatients(t testing.TB) (ids []string, pats map[string]*record.Record) {
	tab := reftest.Table(t, refDir+"data/inflamix_synthetic_labs.csv")
	labs, _ := tab.Strings("lab")
	recs, _ := tab.Strings("record_id")
	raw, err := tab.Floats("raw")
	if err != nil {
		t.Fatal(err)
	}
	uln, err := tab.Floats("uln")
	if err != nil {
		t.Fatal(err)
	}
	rename := map[string]string{"alk": "alp", "tbr": "tbili"}
	pats = map[string]*record.Record{}
	for i, lab := range labs {
		p, ok := pats[recs[i]]
		if !ok {
			np := record.New(recs[i])
			p = &np
			pats[recs[i]] = p
			ids = append(ids, recs[i])
		}
		if r, ok := rename[lab]; ok {
			lab = r
		}
		f, ok := record.Lookup(lab)
		if !ok {
			continue // alt
		}
		f.SetFloat(p, raw[i])
		if u, ok := record.Lookup(lab + "_uln"); ok {
			u.SetFloat(p, uln[i])
		}
	}
	return ids, pats
}

// withRequired adds the fields every scored patient needs (they do not
// enter InflaMix).
func withRequired(p record.Record) record.Record {
	record.Age.SetFloat(&p, 60)
	record.Stage.SetFloat(&p, 3)
	record.MTV.SetFloat(&p, 100)
	return p
}

// keepLabs returns the patient with only the given model labs (and their
// ULNs), plus the required fields.
func keepLabs(p record.Record, labs []string) record.Record {
	model := map[string]string{"alk": "alp", "tbr": "tbili"}
	q := record.New(p.PatientID)
	for _, l := range labs {
		if r, ok := model[l]; ok {
			l = r
		}
		f, _ := record.Lookup(l)
		u, _ := record.Lookup(l + "_uln")
		f.SetFloat(&q, f.Float(&p))
		u.SetFloat(&q, u.Float(&p))
	}
	return withRequired(q)
}

const posteriorTol = 1e-12

func TestInflaMixSyntheticDerivation(t *testing.T) {
	var ref struct {
		Expected struct {
			RecordID  []string  `json:"record_id"`
			Posterior []float64 `json:"posterior_inflammatory_recomputed"`
		} `json:"expected"`
	}
	reftest.Load(t, refDir+"expected/inflamix-synthetic-derivation.json", &ref)
	_, pats := synthPatients(t)
	s := synthScorer(t)
	if len(ref.Expected.RecordID) != 200 {
		t.Fatalf("%d reference patients", len(ref.Expected.RecordID))
	}
	for i, id := range ref.Expected.RecordID {
		p := withRequired(*pats[id])
		row := s.Row(&p)
		want := ref.Expected.Posterior[i]
		if math.Abs(row.InflaMixProb-want) > posteriorTol || row.InflaMixLabs != 14 {
			t.Errorf("%s: posterior %v (%d labs), want %v", id, row.InflaMixProb, row.InflaMixLabs, want)
		}
		if wantCl := map[bool]string{true: "inflamed", false: "non-inflamed"}[want > 0.5]; row.InflaMixCluster != wantCl {
			t.Errorf("%s: cluster %q", id, row.InflaMixCluster)
		}
	}
}

func TestInflaMixSyntheticPartial(t *testing.T) {
	var ref struct {
		Inputs struct {
			Panel6 []string `json:"panel_6"`
			Panel2 []string `json:"panel_2"`
		} `json:"inputs"`
		Expected struct {
			RecordID []string  `json:"record_id"`
			All14    []float64 `json:"posterior_all14"`
			Panel6   []float64 `json:"posterior_panel6"`
			CRPLDH   []float64 `json:"posterior_crp_ldh"`
			TwoLab   []struct {
				Labs      []string  `json:"labs"`
				Posterior []float64 `json:"posterior"`
			} `json:"two_lab_panels"`
			Random struct {
				RecordID  []string   `json:"record_id"`
				NLabs     []int      `json:"n_labs"`
				Labs      [][]string `json:"labs"`
				Posterior []float64  `json:"posterior"`
			} `json:"random_subsets"`
		} `json:"expected"`
	}
	reftest.Load(t, refDir+"expected/inflamix-synthetic-partial.json", &ref)
	_, pats := synthPatients(t)
	s := synthScorer(t)
	all := []string{"albumin", "alk", "ast", "ferritin", "hb", "ldh", "plt", "tbr", "il10", "il6", "tnfa", "crp", "ddimer", "wbc"}
	type panel struct {
		name string
		labs []string
		want []float64
	}
	panels := []panel{
		{"all14", all, ref.Expected.All14},
		{"panel6", ref.Inputs.Panel6, ref.Expected.Panel6},
		{"crp+ldh", ref.Inputs.Panel2, ref.Expected.CRPLDH},
	}
	for _, tl := range ref.Expected.TwoLab {
		panels = append(panels, panel{strings.Join(tl.Labs, "+"), tl.Labs, tl.Posterior})
	}
	if len(panels) != 11 {
		t.Fatalf("%d panels", len(panels))
	}
	n := 0
	for _, tc := range panels {
		for i, id := range ref.Expected.RecordID {
			p := keepLabs(*pats[id], tc.labs)
			row := s.Row(&p)
			n++
			if math.Abs(row.InflaMixProb-tc.want[i]) > posteriorTol || row.InflaMixLabs != len(tc.labs) {
				t.Errorf("%s %s: posterior %v (%d labs), want %v", tc.name, id, row.InflaMixProb, row.InflaMixLabs, tc.want[i])
			}
		}
	}
	r := ref.Expected.Random
	for i, id := range r.RecordID {
		p := keepLabs(*pats[id], r.Labs[i])
		row := s.Row(&p)
		n++
		if math.Abs(row.InflaMixProb-r.Posterior[i]) > posteriorTol || row.InflaMixLabs != r.NLabs[i] {
			t.Errorf("random subset %s %v: posterior %v (%d labs), want %v", id, r.Labs[i], row.InflaMixProb, row.InflaMixLabs, r.Posterior[i])
		}
	}
	if n != 2400 {
		t.Errorf("%d posteriors checked", n)
	}
}

// TestInflaMixNotInstalled: without a model every InflaMix field is null
// with the reason, and the combined InflaMix group says why.
func TestInflaMixNotInstalled(t *testing.T) {
	_, pats := synthPatients(t)
	for _, p := range pats {
		q := withRequired(*p)
		r := scores.NewScorer().Score(&q)
		if !math.IsNaN(r.InflaMix.Value) || len(r.InflaMix.Groups) != 0 || r.InflaMix.Note != scores.InflaMixNotInstalled {
			t.Fatalf("no model: %v %v %q", r.InflaMix.Value, r.InflaMix.Groups, r.InflaMix.Note)
		}
		if row := r.Row(); !math.IsNaN(row.InflaMixProb) || row.InflaMixCluster != "" || row.InflaMixLabs != 0 {
			t.Fatalf("row without a model: %+v", row)
		}
		break
	}
	for _, in := range scores.NewScorer().Models() {
		if in.ID == scores.IDInflaMix && (in.Version != "not installed" || in.Notes[0] != scores.InflaMixNotInstalled) {
			t.Errorf("models listing: %+v", in)
		}
	}
}

// TestInflaMixFileChecks: a model file with a wrong shape or name is
// refused with the field named.
func TestInflaMixFileChecks(t *testing.T) {
	good, err := os.ReadFile(synthModelPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`"inflammatory_component": 1`, `"inflammatory_component": 3`, "inflammatory_component"},
		{`"mixing_proportions": [`, `"mixing_proportions": [0.5, `, "mixing"},
		{"\"albumin\",\n    \"alk\"", "\"albumen\",\n    \"alk\"", "albumen"},
	} {
		bad := strings.Replace(string(good), tc.from, tc.to, 1)
		if bad == string(good) {
			t.Fatalf("probe %q not in the model file", tc.from)
		}
		if _, err := scores.LoadInflaMix(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.to, err)
		}
	}
}

// TestImportInflaMixRData imports both synthetic RData files (gzip,
// serialization version 3, like the official file; xz, version 2) and
// compares the model with the synthetic JSON: every number and lab name
// equal (==), and the same posteriors, bit for bit.
func TestImportInflaMixRData(t *testing.T) {
	want := synthModel(t)
	_, pats := synthPatients(t)
	for _, name := range []string{"inflamix-synthetic.RData", "inflamix-synthetic-v2.RData"} {
		b, err := os.ReadFile(refDir + "models/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m, err := scores.ImportInflaMixRData(b, name, scores.ImportOptions{Synthetic: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		g, w := m.File, want.File
		for _, c := range []struct {
			field     string
			got, want any
		}{
			{"labs", g.Labs, w.Labs}, {"transform", g.Transform, w.Transform}, {"scaling", g.Scaling, w.Scaling},
			{"mixing_proportions", g.Mixing, w.Mixing}, {"inflammatory_component", g.Inflammatory, w.Inflammatory},
			{"components", g.Components, w.Components}, {"derivation_fit", *g.DerivationFit, *w.DerivationFit},
			{"posterior", g.Posterior, w.Posterior}, {"model", g.Model, w.Model}, {"synthetic", g.Synthetic, w.Synthetic},
		} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s: %s differs from the synthetic JSON:\n%v\n%v", name, c.field, c.got, c.want)
			}
		}
		if g.Inflammatory != 1 {
			t.Errorf("%s: inflammatory component %d; the synthetic model's is 1 (read, not assumed)", name, g.Inflammatory)
		}
		s1, s2 := scores.NewScorer(), scores.NewScorer()
		s1.InflaMix, s2.InflaMix = m, want
		for id, p := range pats {
			q := withRequired(*p)
			if a, b := s1.Row(&q).InflaMixProb, s2.Row(&q).InflaMixProb; a != b {
				t.Fatalf("%s %s: posterior %v from the RData, %v from the JSON", name, id, a, b)
			}
		}
	}
	// LoadInflaMixFile recognises an RData file by its content.
	m, err := scores.LoadInflaMixFile(refDir + "models/inflamix-synthetic-v2.RData")
	if err != nil || m.File.Inflammatory != 1 || m.File.Source.SHA256 == "" {
		t.Fatalf("load RData: %v", err)
	}
	wrong, err := os.ReadFile("../rdata/testdata/objects-v3-none.RData") // dev_mu 2 x 2
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scores.ImportInflaMixRData(wrong, "x.RData", scores.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "dev_mu is double [2 x 2]; want a double 14 x 2 matrix") {
		t.Errorf("wrong shape: %v", err)
	}
	for _, bad := range [][]byte{[]byte("X\n"), {0x1f, 0x8b, 0, 0}, nil} {
		if _, err := scores.ImportInflaMixRData(bad, "bad.RData", scores.ImportOptions{}); err == nil {
			t.Errorf("%q imported", bad)
		}
	}
}
