package scores_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"carimpi/record"
	"carimpi/scores"
)

// TestNothingInherited: a model file without cutoffs scores without risk
// groups and says so; "winkelmann-2025" names the published cutoffs; null
// declares none; a file without a source is hand-entered, with a warning;
// every warning reaches the result.
func TestNothingInherited(t *testing.T) {
	drop := func(src, s string) string {
		out := strings.Replace(src, s, "", 1)
		if out == src {
			t.Fatalf("%q not in the model", s)
		}
		return out
	}
	noCut := drop(testModel, `"cutoffs": {"median": 1.35, "terciles": [1.07, 1.58]},`)
	p := patient(map[record.Field]float64{record.Age: 64, record.Stage: 3, record.MTV: 120})
	for _, tc := range []struct {
		name, src       string
		groups, warning bool
		source          string
	}{
		{"cutoffs given", testModel, true, false, "hand-entered"},
		{"no cutoffs", noCut, false, true, "hand-entered"},
		{"cutoffs null", strings.Replace(testModel, `{"median": 1.35, "terciles": [1.07, 1.58]}`, "null", 1), false, false, "hand-entered"},
		{"published by name", strings.Replace(testModel, `{"median": 1.35, "terciles": [1.07, 1.58]}`, `"winkelmann-2025"`, 1), true, false, "hand-entered"},
		{"no source", drop(testModel, `"source": "hand-entered",`), true, true, "hand-entered"},
		{"published source", strings.Replace(testModel, `"source": "hand-entered"`, `"source": "published"`, 1), true, false, "published"},
	} {
		m, err := scores.Load(strings.NewReader(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		s := scores.NewScorer()
		if err := s.Use(m); err != nil {
			t.Fatal(err)
		}
		r := s.Score(&p)
		if math.IsNaN(r.CARIMPI.Value) || (len(r.CARIMPI.Groups) > 0) != tc.groups || (len(m.Provenance.Warnings) > 0) != tc.warning || m.Provenance.Source != tc.source {
			t.Errorf("%s: value %v groups %v warnings %v source %q", tc.name, r.CARIMPI.Value, r.CARIMPI.Groups, m.Provenance.Warnings, m.Provenance.Source)
		}
		if tc.groups && m.Cutoffs != scores.PublishedCARIMPICutoffs() {
			t.Errorf("%s: cutoffs %+v", tc.name, m.Cutoffs)
		}
		if got := len(r.Warnings); got != len(m.Provenance.Warnings) {
			t.Errorf("%s: result warnings %v, model warnings %v", tc.name, r.Warnings, m.Provenance.Warnings)
		}
		if row := r.Row(); (row.CARIMPIMedianGroup != "") != tc.groups || row.CombinedHematotoxGroup != "" && !tc.groups {
			t.Errorf("%s: row groups %q %q", tc.name, row.CARIMPIMedianGroup, row.CombinedHematotoxGroup)
		}
	}
	// A schema version 1 file (provenance object, no source) still reads,
	// as hand-entered.
	v1 := strings.Replace(strings.Replace(testModel, `"schema_version": 2`, `"schema_version": 1`, 1),
		`"source": "hand-entered", "citation": "test fit (made-up coefficients)",`,
		`"provenance": {"citation": "old file", "doi": "", "fitted_on": "", "date": "", "software": ""},`, 1)
	m, err := scores.Load(strings.NewReader(v1))
	if err != nil || m.Provenance.Source != scores.SourceHandEntered || len(m.Provenance.Warnings) != 1 || m.Citations[0].Text != "old file" {
		t.Errorf("version 1 file: %v %+v", err, m.Provenance)
	}
}

// fittedModel is a model as "carimpi study" writes it from simulated data.
const fittedModel = `{
  "schema": "carimpi-model", "schema_version": 2,
  "id": "car-impi", "name": "CAR-IMPI", "version": "fitted by carimpi on sim.csv (SIMULATED data)",
  "source": "fitted",
  "fitted_on": {"simulated": true, "data": "sim.csv", "cohorts": ["development"], "n": 256, "events": 170,
    "sha256": "00", "carimpi_version": "test", "method": "Cox PH"},
  "citation": "method of Winkelmann et al. 2025; coefficients fitted by carimpi on SIMULATED data: sim.csv", "doi": "",
  "knot": 44.3,
  "coefficients": {"mtv": 0.0111, "mtv_above_knot": -0.0111, "age": 0.0111, "stage2": 0.111, "stage3": 0.222, "stage4": 0.333},
  "cutoffs": {"median": 1.11, "terciles": [0.99, 1.22]}
}`

// TestSimulatedFlag: a model fitted on simulated data is flagged in the
// model, the scorer and every scored result; Save keeps the provenance
// and is byte-stable.
func TestSimulatedFlag(t *testing.T) {
	m, err := scores.Load(strings.NewReader(fittedModel))
	if err != nil {
		t.Fatal(err)
	}
	s := scores.NewScorer()
	if s.Simulated() {
		t.Error("published models flagged simulated")
	}
	s.Use(m)
	if !m.Provenance.Simulated() || !s.Simulated() || m.Citations[0].DOI != "" || !strings.HasPrefix(m.Citations[0].Text, "method of Winkelmann et al. 2025; coefficients fitted by carimpi") {
		t.Errorf("provenance %+v, citations %+v", m.Provenance, m.Citations)
	}
	p := patient(map[record.Field]float64{record.Age: 64, record.Stage: 3, record.MTV: 120})
	row := s.Row(&p)
	if len(row.Warnings) != 1 || !strings.Contains(row.Warnings[0], scores.SimulatedWarning) {
		t.Errorf("row warnings %q", row.Warnings)
	}
	var a, b bytes.Buffer
	if err := scores.Save(&a, m); err != nil {
		t.Fatal(err)
	}
	m2, err := scores.Load(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	scores.Save(&b, m2)
	if !bytes.Equal(a.Bytes(), b.Bytes()) || !strings.Contains(a.String(), `"simulated": true`) || strings.Contains(a.String(), `"date"`) {
		t.Errorf("save is not stable or lost the flag:\n%s\n%s", a.String(), b.String())
	}
}
