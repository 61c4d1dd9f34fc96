package scores_test

import (
	"math"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/scores"
)

const refDir = "../testdata/reference/"

// derivationPatients reshapes the long-format InflaMix derivation labs
// (lab, raw, uln, day, record_id) into patients, in order of first
// appearance. The file calls alp "alk" and tbili "tbr"; alt is not a
// model lab and creatinine is kept (it does not enter InflaMix).
func derivationPatients(t testing.TB) (ids []string, pats map[string]*scores.Patient) {
	tab := reftest.Table(t, refDir+"data/inflamix_derivation_labs.csv")
	labs, _ := tab.Strings("lab")
	recs, _ := tab.Strings("record_id")
	days, _ := tab.Strings("day")
	raw, err := tab.Floats("raw")
	if err != nil {
		t.Fatal(err)
	}
	uln, err := tab.Floats("uln")
	if err != nil {
		t.Fatal(err)
	}
	rename := map[string]string{"alk": "alp", "tbr": "tbili"}
	pats = map[string]*scores.Patient{}
	for i, lab := range labs {
		if days[i] != "d0" {
			continue
		}
		p, ok := pats[recs[i]]
		if !ok {
			np := scores.NewPatient(recs[i])
			p = &np
			pats[recs[i]] = p
			ids = append(ids, recs[i])
		}
		if r, ok := rename[lab]; ok {
			lab = r
		}
		f, ok := scores.FieldByName(lab)
		if !ok {
			continue // alt
		}
		p.Set(f, raw[i])
		if u, ok := scores.FieldByName(lab + "_uln"); ok {
			p.Set(u, uln[i])
		}
	}
	return ids, pats
}

// withRequired adds the fields every scored patient needs (they do not
// enter InflaMix).
func withRequired(p scores.Patient) scores.Patient {
	p.Set(scores.Age, 60)
	p.Set(scores.Stage, 3)
	p.Set(scores.MTV, 100)
	return p
}

func TestInflaMixDerivation(t *testing.T) {
	var ref struct {
		Expected struct {
			RecordID  []string  `json:"record_id"`
			Posterior []float64 `json:"posterior_inflammatory_recomputed"`
		} `json:"expected"`
	}
	reftest.Load(t, refDir+"expected/inflamix-derivation.json", &ref)
	_, pats := derivationPatients(t)
	s := scores.NewScorer()
	if len(ref.Expected.RecordID) != 149 {
		t.Fatalf("%d reference patients", len(ref.Expected.RecordID))
	}
	for i, id := range ref.Expected.RecordID {
		p := withRequired(*pats[id])
		row := s.Row(&p)
		want := ref.Expected.Posterior[i]
		if math.Abs(row.InflaMixProb-want) > 1e-9 || row.InflaMixLabs != 14 {
			t.Errorf("%s: posterior %v (%d labs), want %v", id, row.InflaMixProb, row.InflaMixLabs, want)
		}
		if wantCl := map[bool]string{true: "inflamed", false: "non-inflamed"}[want > 0.5]; row.InflaMixCluster != wantCl {
			t.Errorf("%s: cluster %q", id, row.InflaMixCluster)
		}
	}
}

func TestInflaMixPartial(t *testing.T) {
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
		} `json:"expected"`
	}
	reftest.Load(t, refDir+"expected/inflamix-partial.json", &ref)
	_, pats := derivationPatients(t)
	s := scores.NewScorer()
	model := map[string]string{"alk": "alp", "tbr": "tbili"}
	keep := func(p scores.Patient, labs []string) scores.Patient {
		q := scores.NewPatient(p.ID)
		for _, l := range labs {
			if r, ok := model[l]; ok {
				l = r
			}
			f, _ := scores.FieldByName(l)
			u, _ := scores.FieldByName(l + "_uln")
			q.Set(f, p.Get(f))
			q.Set(u, p.Get(u))
		}
		return withRequired(q)
	}
	all := []string{"albumin", "alk", "ast", "ferritin", "hb", "ldh", "plt", "tbr", "il10", "il6", "tnfa", "crp", "ddimer", "wbc"}
	for _, tc := range []struct {
		name string
		labs []string
		want []float64
	}{
		{"all14", all, ref.Expected.All14},
		{"panel6", ref.Inputs.Panel6, ref.Expected.Panel6},
		{"crp+ldh", ref.Inputs.Panel2, ref.Expected.CRPLDH},
	} {
		for i, id := range ref.Expected.RecordID {
			p := keep(*pats[id], tc.labs)
			row := s.Row(&p)
			if math.Abs(row.InflaMixProb-tc.want[i]) > 1e-9 || row.InflaMixLabs != len(tc.labs) {
				t.Errorf("%s %s: posterior %v (%d labs), want %v", tc.name, id, row.InflaMixProb, row.InflaMixLabs, tc.want[i])
			}
		}
	}
}
