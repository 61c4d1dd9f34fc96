package suv

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cornerstoneInstance is one instance of a cornerstone calculate-suv
// fixture, in cornerstone's naming.
type cornerstoneInstance struct {
	SeriesDate, SeriesTime, PatientSex          string
	PatientWeight, PatientSize                  float64
	AcquisitionDate, AcquisitionTime            string
	FrameReferenceTime, ActualFrameDuration     float64
	DecayCorrection, Units                      string
	RadionuclideTotalDose, RadionuclideHalfLife float64
	RadiopharmaceuticalStartTime                string
	RadiopharmaceuticalStartDateTime            string
	CorrectedImage                              []string
	PhilipsPETPrivateGroup                      struct {
		SUVScaleFactor                   string
		ActivityConcentrationScaleFactor string
	}
}

// header adapts the fixture's instances to a Header.
func (c cornerstoneInstance) header(all []cornerstoneInstance) Header {
	h := Header{Units: c.Units, DecayCorrection: c.DecayCorrection, CorrectedImage: c.CorrectedImage, HasCorrected: c.CorrectedImage != nil,
		PatientSex: c.PatientSex, PatientWeight: c.PatientWeight, PatientSize: c.PatientSize, SeriesDate: c.SeriesDate, SeriesTime: c.SeriesTime,
		StartDateTime: c.RadiopharmaceuticalStartDateTime, StartTime: c.RadiopharmaceuticalStartTime,
		TotalDose: c.RadionuclideTotalDose, HalfLife: c.RadionuclideHalfLife}
	h.PhilipsSUV, _ = strconv.ParseFloat(strings.TrimSpace(c.PhilipsPETPrivateGroup.SUVScaleFactor), 64)
	h.PhilipsActConc, _ = strconv.ParseFloat(strings.TrimSpace(c.PhilipsPETPrivateGroup.ActivityConcentrationScaleFactor), 64)
	for _, s := range all {
		h.Slices = append(h.Slices, Slice{AcquisitionDate: s.AcquisitionDate, AcquisitionTime: s.AcquisitionTime,
			FrameReferenceTime: s.FrameReferenceTime, ActualFrameDuration: s.ActualFrameDuration})
	}
	return h
}

// TestCornerstone checks the SUVbw factor of the 8 cornerstone
// calculate-suv fixtures (MIT) to 1e-6 relative, and the oracle's decay
// time and rule.
func TestCornerstone(t *testing.T) {
	dir := filepath.Join("testdata", "cornerstone")
	var exp struct {
		Fixtures map[string]struct {
			File        string   `json:"file"`
			Factor      float64  `json:"suvbw_factor"`
			OracleRule  string   `json:"oracle_rule"`
			OracleDecay *float64 `json:"oracle_decay_time_s"`
		} `json:"fixtures"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "expected_factors.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp.Fixtures) != 8 {
		t.Fatalf("%d fixtures, want 8", len(exp.Fixtures))
	}
	for name, fx := range exp.Fixtures {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, fx.File))
			if err != nil {
				t.Fatal(err)
			}
			var inst []cornerstoneInstance
			if err := json.Unmarshal(b, &inst); err != nil {
				t.Fatal(err)
			}
			r, err := Compute(inst[0].header(inst))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.Factor-fx.Factor) > 1e-6*fx.Factor {
				t.Errorf("factor %.17g, want %.17g", r.Factor, fx.Factor)
			}
			if r.Rule != fx.OracleRule {
				t.Errorf("rule %q, want %q", r.Rule, fx.OracleRule)
			}
			if fx.OracleDecay != nil && math.Abs(r.DecayTime-*fx.OracleDecay) > 1e-6 {
				t.Errorf("decay time %v, want %v", r.DecayTime, *fx.OracleDecay)
			}
		})
	}
}

// TestRefusals: inputs SUV cannot be computed from give an error naming why.
func TestRefusals(t *testing.T) {
	base := Header{Units: "BQML", DecayCorrection: "START", CorrectedImage: []string{"ATTN", "DECY"}, HasCorrected: true,
		PatientWeight: 70, SeriesDate: "20250101", SeriesTime: "110000", StartTime: "100000", TotalDose: 3.7e8, HalfLife: 6586.2,
		Slices: []Slice{{AcquisitionDate: "20250101", AcquisitionTime: "110000"}}}
	if _, err := Compute(base); err != nil {
		t.Fatalf("base header: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(*Header)
	}{
		{"no weight", func(h *Header) { h.PatientWeight = 0 }},
		{"no dose", func(h *Header) { h.TotalDose = 0 }},
		{"no half-life", func(h *Header) { h.HalfLife = 0 }},
		{"no attenuation correction", func(h *Header) { h.CorrectedImage = []string{"DECY"} }},
		{"no decay correction", func(h *Header) { h.CorrectedImage = []string{"ATTN"} }},
		{"CNTS without Philips factors", func(h *Header) { h.Units = "CNTS" }},
		{"unknown units", func(h *Header) { h.Units = "PROPCNTS" }},
		{"GML LBM without height", func(h *Header) { h.Units, h.SUVType, h.PatientSex = "GML", "LBM", "M" }},
		{"GML unknown type", func(h *Header) { h.Units, h.SUVType = "GML", "XYZ" }},
		{"no injection time", func(h *Header) { h.StartTime = "" }},
		{"unknown decay correction", func(h *Header) { h.DecayCorrection = "LATER" }},
	} {
		h := base
		c.edit(&h)
		if _, err := Compute(h); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestMomentFormat(t *testing.T) {
	for _, c := range []struct {
		m    Moment
		want string
	}{
		{Moment{0, 0}, "1970-01-01T00:00:00.000000"},
		{Moment{20089, 36000.25}, "2025-01-01T10:00:00.250000"},
		{Moment{20089, -1}, "2024-12-31T23:59:59.000000"},
		{Moment{20089, 86400.0000004}, "2025-01-02T00:00:00.000000"},
	} {
		if got := c.m.Format(); got != c.want {
			t.Errorf("%+v: %s, want %s", c.m, got, c.want)
		}
	}
}
