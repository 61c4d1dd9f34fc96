package record_test

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"carimpi/record"
)

// TestTable: each Field constant names the column it says, every field
// is documented in the package documentation, and the ranges are sane.
func TestTable(t *testing.T) {
	for f, name := range map[record.Field]string{
		record.PatientID: "patient_id", record.Age: "age", record.Stage: "stage", record.MTV: "mtv_ml", record.LDHULN: "ldh_uln",
		record.ANC: "anc", record.Albumin: "albumin", record.TBiliULN: "tbili_uln", record.Creatinine: "creatinine", record.DDimerULN: "ddimer_uln",
		record.PFSMonths: "pfs_months", record.OSEvent: "os_event", record.PFSCause: "pfs_cause", record.Corticosteroids: "corticosteroids",
		record.Simulated: "simulated",
	} {
		if f.Name() != name {
			t.Errorf("Field %d is %s, want %s", f, f.Name(), name)
		}
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range record.Infos() {
		if !strings.Contains(string(doc), strings.TrimSuffix(in.Name, "_uln")) {
			t.Errorf("%s is not documented in doc.go", in.Name)
		}
		if in.Description == "" {
			t.Errorf("%s has no description", in.Name)
		}
		if in.Kind == record.Number {
			if !(in.Min <= in.PlausibleMin && in.PlausibleMin <= in.PlausibleMax && in.PlausibleMax <= in.Max) || in.Units[0].Name != in.Unit {
				t.Errorf("%s: ranges %g <= %g <= %g <= %g, units %v", in.Name, in.Min, in.PlausibleMin, in.PlausibleMax, in.Max, in.Units)
			}
		}
		if f, _ := record.Lookup(in.Name); strings.HasSuffix(in.Name, "_uln") {
			if l, ok := f.Lab(); !ok || l.Name()+"_uln" != in.Name {
				t.Errorf("%s: lab %v", in.Name, l)
			}
		}
	}
}

// TestParse reads one value of each convention through Field.Parse (the
// reading of flags, API values and file cells alike).
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		field, value, units string
		want                float64 // NaN: left missing
		severity, message   string
	}{
		{"stage", "IIIB", "", 3, "note", `stage "IIIB" read as 3: the suffix B is dropped`},
		{"stage", "IVE", "", 4, "note", "suffix E"},
		{"stage", "II X", "", 2, "note", "suffix X"},
		{"stage", "iv a", "", 4, "note", "suffix A"},
		{"stage", "Stage 2E", "", 2, "note", ""},
		{"stage", "3", "", 3, "", ""},
		{"stage", "0", "", math.NaN(), "error", "stage 0 is outside the possible range 1-4"},
		{"stage", "V", "", math.NaN(), "error", "not an Ann Arbor stage"},
		{"stage", "2.5", "", math.NaN(), "error", "not a whole number"},
		{"mtv_ml", "0", "", 0, "", ""},
		{"mtv_ml", "-5", "", math.NaN(), "error", "mtv_ml -5 mL is outside the possible range 0-100000 mL"},
		{"mtv_ml", "0.12", "L", 120, "", ""},
		{"age", "1_200", "", math.NaN(), "error", `age "1_200" is not a number`},
		{"age", "0x1p4", "", math.NaN(), "error", "is not a number"},
		{"age", "Inf", "", math.NaN(), "error", "is not a number"},
		{"age", "NA", "", math.NaN(), "", ""},
		{"age", "12", "", 12, "warning", "outside the plausible range 18-100 years"},
		{"plt", "165000", "", math.NaN(), "error", "if it is in /uL, that is 165 10^9/L"},
		{"plt", "165000", "/uL", 165, "", ""},
		{"plt", "165", "Gpt/L", 165, "", ""},
		{"plt", "165", "/nL", 165, "", ""},
		{"crp", "45", "", 45, "warning", "if it is in mg/L, that is 4.5 mg/dL"},
		{"crp", "45", "mg/L", 4.5, "", ""},
		{"hb", "6.5", "mmol/L", 6.5 * 1.6114, "", ""},
		{"ldh_uln", "0", "", math.NaN(), "error", "ldh_uln 0 U/L is outside the possible range above 0"},
		{"pfs_event", "TRUE", "", 1, "", ""},
		{"pfs_event", "dead", "", 1, "", ""},
		{"os_event", "alive", "", 0, "", ""},
		{"pfs_event", "2", "", 2, "", ""}, // resolved per column (ResolveEvents)
		{"pfs_event", "3", "", math.NaN(), "error", "--event-value"},
		{"bridging", "yes", "", 1, "", ""},
		{"bridging", "2", "", math.NaN(), "error", "not a 0/1 value"},
		{"ecog", "1.5", "", math.NaN(), "error", "not a whole number"},
	} {
		f, ok := record.Lookup(tc.field)
		if !ok {
			t.Fatal(tc.field)
		}
		units := record.Units{}
		if tc.units != "" {
			units[f] = tc.units
		}
		r := record.New("")
		is := f.Parse(&r, tc.value, units)
		got := f.Float(&r)
		if is.Severity != tc.severity || !strings.Contains(is.Text(), tc.message) ||
			!(math.Abs(got-tc.want) < 1e-12 || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("%s %q (%s): %v, %+v; want %v, %s %q", tc.field, tc.value, tc.units, got, is, tc.want, tc.severity, tc.message)
		}
		if is.Severity != "" && (is.Field != tc.field || !strings.Contains(is.Message, tc.field)) {
			t.Errorf("%s %q: the issue does not name its field: %+v", tc.field, tc.value, is)
		}
	}
	r := record.New("")
	for value, want := range map[string]string{"F": "female", "männlich": "", "m": "male", "Yescarta": "axi-cel"} {
		f := record.Sex
		if value == "Yescarta" {
			f = record.Product
		}
		f.Parse(&r, value, nil)
		if want != "" && f.Str(&r) != want {
			t.Errorf("%s %q: %q, want %q", f.Name(), value, f.Str(&r), want)
		}
	}
}

// TestDecimalMarks: in a file with decimal commas, 1.200 is refused as
// ambiguous unless the marks are declared.
func TestDecimalMarks(t *testing.T) {
	for _, tc := range []struct {
		in        string
		dec, thou byte
		want      float64 // NaN: refused
		msg       string
	}{
		{"1,5", ',', 0, 1.5, ""},
		{"1.200", ',', 0, math.NaN(), "--decimal , --thousands ."},
		{"1.200", ',', '.', 1200, ""},
		{"1.200,5", ',', '.', 1200.5, ""},
		{"123.456", ',', '.', 123456, ""},
		{"1.5", ',', 0, 1.5, ""}, // a point that cannot group thousands
		{"1.5", ',', '.', math.NaN(), "not a number"},
		{"1,200", '.', 0, math.NaN(), "--decimal , (decimal comma) or --thousands ,"},
		{"12,5", '.', 0, 12.5, ""}, // a comma that cannot group thousands
		{"1.200,5", ',', 0, math.NaN(), "--decimal , --thousands ."},
		{"1,200", '.', ',', 1200, ""},
		{"1.234,5", ',', '.', 1234.5, ""},
	} {
		fm := record.Format{Decimal: tc.dec, Thousands: tc.thou}
		c, _ := record.NewColumn("x", record.Ferritin, "")
		r := record.New("")
		is := c.Read(&r, tc.in, &fm)
		if got := r.Ferritin; !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) || !strings.Contains(is.Text(), tc.msg) {
			t.Errorf("%q (decimal %q, thousands %q): %v %+v; want %v %q", tc.in, tc.dec, tc.thou, got, is, tc.want, tc.msg)
		}
	}
}

func TestParseUnits(t *testing.T) {
	u, err := record.ParseUnits("crp=mg/L, hb=g/L,plt=/µL,ldh_uln=ukat/L")
	if err != nil || u.Of(record.CRPULN) != "mg/L" || u.Of(record.LDHULN) != "ukat/L" || u.Of(record.LDH) != "" || u.Of(record.Plt) != "/µL" {
		t.Fatalf("%v %v", u, err)
	}
	for _, bad := range []string{"crp", "crp=furlongs", "tumour=mL", "crp=mg/L,crp=mg/dL", "=x", "sex=kg"} {
		if _, err := record.ParseUnits(bad); err == nil {
			t.Errorf("ParseUnits(%q) accepted", bad)
		}
	}
}

// TestEvents: 0/1, exactly {1, 2} as R's Surv, and anything else refused
// naming the values.
func TestEvents(t *testing.T) {
	nan := math.NaN()
	v := []float64{1, 2, nan, 2, 1}
	if c, err := record.ResolveEvents(record.PFSEvent, v); err != nil || c != record.EventsR12 || v[0] != 0 || v[1] != 1 || !math.IsNaN(v[2]) {
		t.Errorf("1/2: %v %v %v", c, v, err)
	}
	v = []float64{0, 1, 1}
	if c, err := record.ResolveEvents(record.PFSEvent, v); err != nil || c != record.Events01 || v[2] != 1 {
		t.Errorf("0/1: %v %v %v", c, v, err)
	}
	if _, err := record.ResolveEvents(record.OSEvent, []float64{0, 1, 2}); err == nil || !strings.Contains(err.Error(), "0, 1, 2") || !strings.Contains(err.Error(), "--event-value") {
		t.Errorf("0/1/2: %v", err)
	}
}

func TestHeader(t *testing.T) {
	h, err := record.NewHeader([]string{"Patient ID", "Age", "stage", "MTV-mL", "CRP ULN", "crp", "note", "mtv_method"},
		record.Options{Units: record.Units{record.CRP: "mg/L"}}, record.Format{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Ignored) != 1 || h.Ignored[0] != "note" || h.Source(record.CRPULN) != "CRP ULN" || !h.Has(record.PatientID) || len(h.Missing) != 0 {
		t.Fatalf("%+v", h)
	}
	var r record.Record
	issues := h.Read([]string{" p1 ", "64", "III", "120", "8", "45", "x", "41%"}, &r, nil)
	if len(issues) != 0 || r.PatientID != "p1" || r.Stage != 3 || r.CRP != 4.5 || r.CRPULN != 0.8 || r.MTVMethod != "41pct" {
		t.Fatalf("%+v %v", r, issues)
	}
	for _, tc := range []struct {
		header []string
		opts   record.Options
		want   string
	}{
		{[]string{"age", "Age"}, record.Options{}, "both map to age"},
		{[]string{"age", ""}, record.Options{}, "empty name"},
		{[]string{"", "age"}, record.Options{Map: map[string]string{"": "age"}}, "not a column of the file"},
		{[]string{"age"}, record.Options{Map: map[string]string{"x": "age"}}, "not a column of the file"},
		{[]string{"age", "x"}, record.Options{Map: map[string]string{"x": "tumour"}}, "not a dictionary name"},
		{[]string{"age"}, record.Options{Units: record.Units{record.CRP: "mg/L"}}, "no column is read into it"},
		{[]string{"age", "death_date"}, record.Options{}, "no infusion_date"},
	} {
		if _, err := record.NewHeader(tc.header, tc.opts, record.Format{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.header, err, tc.want)
		}
	}
}

// TestUnreadableDates: an unreadable progression or death date never
// turns an event into censoring: the endpoint is left missing with the
// reason.
func TestUnreadableDates(t *testing.T) {
	h, err := record.NewHeader([]string{"infusion_date", "progression_date", "death_date", "last_followup_date"}, record.Options{}, record.Format{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cells      []string
		pfs, os    bool // endpoint known
		pfsEv, osE float64
		msg        string
	}{
		{[]string{"2021-01-15", "", "", "2022-01-15"}, true, true, 0, 0, ""},
		{[]string{"2021-01-15", "2021-13-45", "", "2022-01-15"}, false, true, 0, 0, "the progression date cannot be read"},
		{[]string{"2021-01-15", "", "31.02.2022", "2022-01-15"}, false, false, 0, 0, "the death date cannot be read"},
		{[]string{"2021-01-15", "2021-06-01", "", "2022-01-15"}, true, true, 1, 0, ""},
	} {
		var r record.Record
		issues := h.Read(tc.cells, &r, nil)
		text := ""
		for _, is := range issues {
			text += is.Message + "\n"
		}
		if !math.IsNaN(r.PFSMonths) != tc.pfs || !math.IsNaN(r.OSMonths) != tc.os || !strings.Contains(text, tc.msg) ||
			tc.pfs && r.PFSEvent != tc.pfsEv || tc.os && r.OSEvent != tc.osE {
			t.Errorf("%v: pfs %v/%v os %v/%v, issues %s", tc.cells, r.PFSMonths, r.PFSEvent, r.OSMonths, r.OSEvent, text)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"age": 60, "age": 70}`, `duplicate key "age"`},
		{`{"age": 60} {"age": 70}`, "more than one JSON value"},
		{`{"age": 60} x`, "more than one JSON value"},
		{`[1]`, "not a JSON object"},
		{`{"a": {"b": 1, "b": 2}}`, `duplicate key "b" in $.a`},
	} {
		if _, _, _, err := record.DecodeJSON([]byte(tc.body), nil, record.Format{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
	r, issues, keyErrs, err := record.DecodeJSON([]byte(`{"stage": "IIIB", "sex": "F", "bridging": true, "plt": "165000", "patient_id": 7}`), record.Units{record.Plt: "/uL"}, record.Format{})
	if err != nil || r.Stage != 3 || r.Sex != "female" || r.Bridging != 1 || r.Plt != 165 || len(issues) != 1 || len(keyErrs) != 1 || keyErrs[0].Key != "patient_id" {
		t.Errorf("%+v %v %v %v", r, issues, keyErrs, err)
	}
}

// TestUnitsConvertAsR: a value in a unit defined as 1/d of the canonical
// one is divided by d, as an R user converts it (days / 30.4375, mg/L / 10,
// /uL / 1000), bit for bit: multiplying by the rounded 1/d differs in the
// last bit for some values (1690 days), which moved a median follow-up.
func TestUnitsConvertAsR(t *testing.T) {
	for _, tc := range []struct {
		f    record.Field
		unit string
		d    float64
	}{
		{record.OSMonths, "days", record.DaysPerMonth},
		{record.PFSMonths, "days", record.DaysPerMonth},
		{record.CRP, "mg/L", 10},
		{record.Hb, "g/L", 10},
		{record.Plt, "/uL", 1000},
		{record.TBili, "umol/L", 17.104},
		{record.Creatinine, "umol/L", 88.42},
	} {
		units := record.Units{tc.f: tc.unit}
		bad := 0
		for i := 1; i <= 3000; i++ {
			v := float64(i) / 4
			var r record.Record
			if is := tc.f.Parse(&r, strconv.FormatFloat(v, 'g', -1, 64), units); is.Severity == record.SeverityError {
				continue // outside the field's possible range
			}
			got := tc.f.Float(&r)
			if want := v / tc.d; got != want {
				if bad++; bad <= 3 {
					t.Errorf("%s %g %s read as %.17g, want %g / %g = %.17g", tc.f.Name(), v, tc.unit, got, v, tc.d, want)
				}
			}
		}
	}
}

// TestRowNamesColumn: R's write.csv row names, an unnamed first column, are
// read as nothing and not reported as an ignored column.
func TestRowNamesColumn(t *testing.T) {
	h, err := record.NewHeader([]string{"", "age"}, record.Options{}, record.Format{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Ignored) != 0 {
		t.Errorf("ignored %q", h.Ignored)
	}
}
