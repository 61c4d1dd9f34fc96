package scores_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"carimpi/record"
	"carimpi/scores"
)

// FuzzRow feeds arbitrary CSV lines under the header of
// scores_examples.csv through the row scorer. Invariants: no panic; the
// detailed (Score) and fast (Row) paths give the same row; the row is
// valid JSON and one CSV record of len(RowColumns) cells; values are in
// their ranges.
func FuzzRow(f *testing.F) {
	b, err := os.ReadFile(refDir + "data/scores_examples.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header := strings.Split(lines[0], ",")
	for _, l := range lines[1:] {
		f.Add(l)
	}
	for _, l := range []string{
		"x,150,5,-1,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
		"y,64,III,1e308,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
		"z,NaN,Inf,-0,na,.,N/A,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
		"\"q\"\"\",64,2,1.5e2,1,2,1,1,0.001,99,5,1e5,1,3000,1,1e6,1,25,1,1e5,1,5000,1,100,1,1e7,1,1e7,1,1e7,1,100,1,1e6,1,500,1",
	} {
		f.Add(l)
	}
	s := scores.NewScorer()
	s.Use(loadTestModel(f))
	f.Fuzz(func(t *testing.T, line string) {
		// One CSV record of the header's width: a line with a line feed
		// that starts a second, malformed record is not a row.
		rec, err := csv.NewReader(strings.NewReader(line)).ReadAll()
		if err != nil || len(rec) != 1 || len(rec[0]) != len(header) {
			return
		}
		recs, issues := readRows(t, strings.NewReader(lines[0]+"\n"+line+"\n"), record.Options{})
		if len(recs) != 1 {
			return
		}
		p, errs := recs[0], issues[0]
		for _, e := range errs {
			if e.Field == "" || !strings.Contains(e.Message, e.Field) {
				t.Errorf("cell error does not name its field: %+v", e)
			}
		}
		full := s.Score(&p, errs...)
		fast := s.Row(&p, errs...)
		a, b := full.Row(), fast
		ja, jb := a.AppendJSON(nil), b.AppendJSON(nil)
		if !bytes.Equal(ja, jb) {
			t.Fatalf("Score and Row disagree:\n%s\n%s", ja, jb)
		}
		if !json.Valid(ja) {
			t.Fatalf("invalid JSON %s", ja)
		}
		if _, err := json.Marshal(full); err != nil {
			t.Fatalf("Result does not encode: %v", err)
		}
		out, err := csv.NewReader(bytes.NewReader(b.AppendCSV(nil))).ReadAll()
		if err != nil || len(out) != 1 || len(out[0]) != len(scores.RowColumns) {
			t.Fatalf("CSV row %q: %v", b.AppendCSV(nil), err)
		}
		for _, c := range []struct {
			name   string
			v, max float64
		}{{"inflamix", b.InflaMixProb, 1}, {"car-hematotox", b.CARHematotox, 7}, {"ipi", b.IPI, 5}, {"nccn-ipi", b.NCCNIPI, 8}} {
			if !math.IsNaN(c.v) && !(c.v >= 0 && c.v <= c.max) {
				t.Errorf("%s = %v outside [0, %v]", c.name, c.v, c.max)
			}
		}
		if (p.Age >= 0 && p.Stage >= 1 && p.MTV >= 0) == (math.IsNaN(b.IMPI) || math.IsNaN(b.CARIMPI)) {
			t.Errorf("IMPI/CAR-IMPI computed iff age, stage and MTV are usable: %s", ja)
		}
	})
}

// FuzzLoadModel feeds arbitrary bytes to the model-file loader, seeded
// with real model files: no panic; a model it accepts with coefficients
// saves and reloads.
func FuzzLoadModel(f *testing.F) {
	for _, p := range []string{"../testdata/validate-model/model.json", "../testdata/validate-model/model-nobaseline.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"schema_version": 1e999}`))
	f.Add([]byte(strings.Repeat("[", 10000)))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := scores.Load(bytes.NewReader(b))
		if err != nil {
			return
		}
		if m.Coef != nil {
			var buf bytes.Buffer
			if err := scores.Save(&buf, m); err != nil {
				t.Fatalf("accepted model does not save: %v", err)
			}
			if _, err := scores.Load(&buf); err != nil {
				t.Fatalf("saved model does not reload: %v\n%s", err, buf.Bytes())
			}
		}
	})
}

// FuzzLoadInflaMix feeds arbitrary bytes to the InflaMix model-file loader
// (the JSON that "carimpi models import-inflamix" writes; the R-format
// reader has its own fuzz target in package rdata), seeded with the
// synthetic model: no panic, and a model it accepts gives a posterior in
// [0, 1] for every panel of two labs and for the full panel.
func FuzzLoadInflaMix(f *testing.F) {
	b, err := os.ReadFile("../testdata/reference/models/inflamix-synthetic.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"labs": []}`))
	f.Add([]byte(`{"mixing_proportions": [1e999, 0]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := scores.LoadInflaMix(bytes.NewReader(b))
		if err != nil {
			return
		}
		var z [scores.NumLabs]float64
		for i := range z {
			z[i] = 0.5
		}
		if p, n := m.Posterior(&z); !(p >= 0 && p <= 1) || n != scores.NumLabs {
			t.Fatalf("full panel: posterior %g from %d labs", p, n)
		}
		for i := 0; i+1 < scores.NumLabs; i++ {
			for j := range z {
				z[j] = math.NaN()
			}
			z[i], z[i+1] = -1, 2
			if p, _ := m.Posterior(&z); !(p >= 0 && p <= 1) {
				t.Fatalf("labs %d and %d: posterior %g", i, i+1, p)
			}
		}
	})
}
