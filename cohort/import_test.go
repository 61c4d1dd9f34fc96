package cohort_test

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"carimpi/cohort"
	"carimpi/record"
)

func load(t *testing.T, in string, opts cohort.Options) (*cohort.Cohort, *cohort.Report) {
	t.Helper()
	c, rep, err := cohort.Load(strings.NewReader(in), "t.csv", opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if rep.Rows != rep.Accepted+len(rep.Excluded) || rep.Accepted != c.Len() {
		t.Fatalf("rows %d accepted %d excluded %d records %d: a row went missing", rep.Rows, rep.Accepted, len(rep.Excluded), c.Len())
	}
	return c, rep
}

// problem finds the first problem about field (in row, 0 = any row).
func problem(rep *cohort.Report, row int, field string) *cohort.Problem {
	for i, p := range rep.Problems {
		if p.Field == field && (row == 0 || p.Row == row) {
			return &rep.Problems[i]
		}
	}
	return nil
}

func TestRoundTripCSV(t *testing.T) {
	want := cohort.Default()
	var b bytes.Buffer
	if err := want.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), cohort.DefaultCSV()) {
		t.Fatal("CSV -> record -> CSV changed the bytes")
	}
	got, rep := load(t, b.String(), cohort.Options{})
	if len(rep.Problems) != 0 || !rep.Simulated {
		t.Fatalf("problems %v simulated %v", rep.Problems, rep.Simulated)
	}
	sameRecords(t, got, want)
}

func TestRoundTripXLSX(t *testing.T) {
	want := cohort.Simulate(60, 40, 3)
	var b bytes.Buffer
	if err := want.WriteXLSX(&b); err != nil {
		t.Fatal(err)
	}
	got, rep, err := cohort.LoadXLSX(bytes.NewReader(b.Bytes()), "t.xlsx", cohort.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != want.Len() || len(rep.Problems) != 0 {
		t.Fatalf("accepted %d problems %v", rep.Accepted, rep.Problems)
	}
	sameRecords(t, got, want)
}

func sameRecords(t *testing.T, got, want *cohort.Cohort) {
	t.Helper()
	if got.Len() != want.Len() {
		t.Fatalf("%d records, want %d", got.Len(), want.Len())
	}
	for i, w := range want.All() {
		g := got.Record(i)
		for _, f := range record.Fields() {
			a, b := f.String(&g), f.String(&w)
			x, y := f.Float(&g), f.Float(&w)
			if a != b || !(x == y || math.IsNaN(x) && math.IsNaN(y)) {
				t.Fatalf("record %d %s: %q, want %q", i, f.Name(), a, b)
			}
		}
	}
}

func TestImportEuropeanBOMAndMap(t *testing.T) {
	in := "\xef\xbb\xbfID;Alter;Stadium;MTV (ml);CRP (mg/l);Hb (g/l);Thrombozyten (/ul);PFS (Tage);PFS-Ereignis\r\n" +
		"p1;64;IIIB;12,5;13,0;106;165000;304,4;1\r\n" +
		"p2;70;2;0;4;98;90000;60;0\r\n"
	ro, err := record.ReadMap(strings.NewReader(`{"columns": {"ID": "patient_id", "Alter": "age", "Stadium": "stage",
		"MTV (ml)": "mtv_ml", "CRP (mg/l)": "crp", "Hb (g/l)": "hb", "Thrombozyten (/ul)": "plt", "PFS (Tage)": "pfs_months",
		"PFS-Ereignis": "pfs_event"}, "units": {"crp": "mg/L", "hb": "g/L", "plt": "/µL", "pfs_months": "days"}}`))
	if err != nil {
		t.Fatal(err)
	}
	c, rep := load(t, in, cohort.Options{Options: ro})
	if c.Len() != 2 {
		t.Fatalf("accepted %d: %+v", c.Len(), rep.Excluded)
	}
	r := c.Record(0)
	for _, x := range []struct {
		name      string
		got, want float64
	}{{"stage", r.Stage, 3}, {"mtv", r.MTV, 12.5}, {"crp", r.CRP, 1.3}, {"hb", r.Hb, 10.6}, {"plt", r.Plt, 165},
		{"pfs", r.PFSMonths, 304.4 / record.DaysPerMonth}} {
		if math.Abs(x.got-x.want) > 1e-12*math.Abs(x.want) {
			t.Errorf("%s = %v, want %v", x.name, x.got, x.want)
		}
	}
}

func TestImportValidationRules(t *testing.T) {
	head := "patient_id,age,stage,mtv_ml,crp,pfs_months,pfs_event,os_months,os_event,sex,ecog,extra\n"
	tests := []struct {
		name     string
		row      string
		field    string
		severity string
		action   string
		fix      string // part of the fix
	}{
		{"missing required", "a,,3,10,,,,,,,,", "age", cohort.SeverityError, cohort.ActionExcluded, "fill in age"},
		{"required spelt NA", "a,60,3,NA,,,,,,,,", "mtv_ml", cohort.SeverityError, cohort.ActionExcluded, "fill in mtv_ml"},
		{"required spelt NaN", "a,NaN,3,10,,,,,,,,", "age", cohort.SeverityError, cohort.ActionExcluded, "fill in age"},
		{"required spelt .", "a,60,.,10,,,,,,,,", "stage", cohort.SeverityError, cohort.ActionExcluded, "fill in stage"},
		{"not a number", "a,sixty,3,10,,,,,,,,", "age", cohort.SeverityError, cohort.ActionExcluded, "plain number"},
		{"impossible age", "a,150,3,10,,,,,,,,", "age", cohort.SeverityError, cohort.ActionExcluded, "correct the value"},
		{"stage 5", "a,60,5,10,,,,,,,,", "stage", cohort.SeverityError, cohort.ActionExcluded, "correct"},
		{"negative MTV", "a,60,3,-1,,,,,,,,", "mtv_ml", cohort.SeverityError, cohort.ActionExcluded, "correct"},
		{"CRP 45 mg/dL", "a,60,3,10,45,,,,,,,", "crp", cohort.SeverityWarning, cohort.ActionKept, "crp=mg/L"},
		{"event without time", "a,60,3,10,,,1,,,,,", "pfs_event", cohort.SeverityError, cohort.ActionMissing, "fill in pfs_months"},
		{"time without event", "a,60,3,10,,5,,,,,,", "pfs_event", cohort.SeverityWarning, cohort.ActionKept, "fill in pfs_event"},
		{"os < pfs", "a,60,3,10,,12,1,6,1,,,", "os_months", cohort.SeverityError, cohort.ActionExcluded, "swapped"},
		{"death not a PFS event", "a,60,3,10,,6,0,6,1,,,", "pfs_event", cohort.SeverityWarning, cohort.ActionKept, "pfs_event to 1"},
		{"bad code", "a,60,3,10,,,,,,x,,", "sex", cohort.SeverityError, cohort.ActionMissing, "female, male"},
		{"ecog not whole", "a,60,3,10,,,,,,,1.5,", "ecog", cohort.SeverityError, cohort.ActionMissing, "whole number"},
		{"ragged row", "a,60,3,10", "", cohort.SeverityError, cohort.ActionExcluded, "ragged"},
	}
	for _, tc := range tests {
		_, rep := load(t, head+tc.row+"\n", cohort.Options{})
		p := problem(rep, 1, tc.field)
		if p == nil {
			t.Errorf("%s: no problem reported for %q: %+v", tc.name, tc.field, rep.Problems)
			continue
		}
		if p.Severity != tc.severity || p.Action != tc.action || !strings.Contains(p.Fix, tc.fix) || p.Line != 2 {
			t.Errorf("%s: got %+v", tc.name, *p)
		}
		if excluded := len(rep.Excluded) == 1; excluded != (tc.action == cohort.ActionExcluded) {
			t.Errorf("%s: excluded %v, action %s", tc.name, rep.Excluded, tc.action)
		}
		if len(rep.Ignored) != 1 || rep.Ignored[0] != "extra" {
			t.Errorf("%s: ignored columns %v", tc.name, rep.Ignored)
		}
	}
}

func TestImportDuplicateIDs(t *testing.T) {
	c, rep := load(t, "patient_id,age,stage,mtv_ml\na,60,3,10\nb,61,2,5\na,62,4,7\n", cohort.Options{})
	if c.Len() != 2 || len(rep.Excluded) != 1 || rep.Excluded[0].Row != 3 || rep.Excluded[0].Line != 4 {
		t.Fatalf("records %d excluded %+v", c.Len(), rep.Excluded)
	}
	if p := problem(rep, 3, "patient_id"); p == nil || !strings.Contains(p.Message, "row 1") {
		t.Fatalf("problem %+v", p)
	}
}

// TestImportCRPUnitSuspected: a CRP column in mg/L declared (by default)
// as mg/dL is flagged by its median, with the fix.
func TestImportCRPUnitSuspected(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient_id,age,stage,mtv_ml,crp\n")
	for i, v := range []float64{4, 13, 25, 8, 40, 12, 30, 9, 16} { // mg/L
		fmt.Fprintf(&b, "p%d,60,3,10,%g\n", i, v)
	}
	_, rep := load(t, b.String(), cohort.Options{})
	p := problem(rep, 0, "crp")
	if p == nil || p.Row != 0 || !strings.Contains(p.Fix, "--units crp=mg/L") || !strings.Contains(p.Message, "looks like mg/L") {
		t.Fatalf("problem %+v in %+v", p, rep.Problems)
	}
	// Declared correctly, nothing is flagged and the values are converted.
	c, rep := load(t, b.String(), unitsOpts(record.Units{record.CRP: "mg/L"}))
	if len(rep.Problems) != 0 || c.Record(1).CRP != 1.3 {
		t.Fatalf("problems %+v crp %v", rep.Problems, c.Record(1).CRP)
	}
	// Hb in g/L and platelets per uL read as the defaults are flagged too.
	_, rep = load(t, "patient_id,age,stage,mtv_ml,hb,plt\na,60,3,1,106,165000\nb,60,3,1,98,201000\nc,60,3,1,121,98000\n", cohort.Options{})
	if problem(rep, 0, "hb") == nil || problem(rep, 0, "plt") == nil {
		t.Fatalf("problems %+v", rep.Problems)
	}
}

func TestImportDates(t *testing.T) {
	m := map[string]string{"inf": record.InfusionDate.String(), "prog": record.ProgressionDate.String(), "death": record.DeathDate.String(), "last": record.LastFollowUpDate.String()}
	in := "patient_id,age,stage,mtv_ml,inf,prog,death,last\n" +
		"a,60,3,10,2021-01-15,15.07.2021,,2023-01-15\n" + // ISO and German dotted
		"b,60,3,10,2021-01-15,,20/03/2022,\n" + // slash date that reads one way only
		"c,60,3,10,2021-01-15,,03/04/2022,\n" + // ambiguous
		"d,60,3,10,2021-01-15,2020-12-01,,\n" // before infusion
	c, rep := load(t, in, mapOpts(m, ""))
	a := c.Record(0)
	if math.Abs(a.PFSMonths-181/record.DaysPerMonth) > 1e-12 || a.PFSEvent != 1 || math.Abs(a.OSMonths-730/record.DaysPerMonth) > 1e-12 || a.OSEvent != 0 {
		t.Fatalf("a: %+v", a)
	}
	b := c.Record(1)
	if math.Abs(b.OSMonths-429/record.DaysPerMonth) > 1e-12 || b.OSEvent != 1 || b.PFSEvent != 1 || b.PFSMonths != b.OSMonths {
		t.Fatalf("b: pfs %v/%v os %v/%v", b.PFSMonths, b.PFSEvent, b.OSMonths, b.OSEvent)
	}
	if p := problem(rep, 3, record.DeathDate.String()); p == nil || !strings.Contains(p.Message, "ambiguous") || !strings.Contains(p.Fix, "dmy") {
		t.Fatalf("ambiguous date: %+v", rep.Problems)
	}
	// A date before the infusion: the endpoints are left missing, with
	// the reason; the patient stays in the analyses without survival.
	if p := problem(rep, 4, record.ProgressionDate.String()); p == nil || !strings.Contains(p.Message, "before the infusion date") ||
		p.Action != cohort.ActionMissing || len(rep.Excluded) != 0 || !math.IsNaN(c.Record(3).PFSMonths) || !math.IsNaN(c.Record(3).OSEvent) {
		t.Fatalf("date before infusion: %+v %+v", rep.Problems, rep.Excluded)
	}
	c, _ = load(t, in, mapOpts(m, record.DateDMY))
	if got := c.Record(2).OSMonths; math.Abs(got-443/record.DaysPerMonth) > 1e-12 { // 2022-04-03
		t.Fatalf("dmy: os %v", got)
	}
}

func TestImportSetupErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		opts cohort.Options
		want string
	}{
		{"patient_id,age,stage,mtv_ml\na,1,1,1\n", unitsOpts(record.Units{record.CRP: "mg/L"}), "no column is read into it"},
		{"patient_id,age,stage,mtv_ml,crp\na,1,1,1,1\n", unitsOpts(record.Units{record.CRP: "furlongs"}), "use one of: mg/dL, mg/L"},
		{"patient_id,age,stage,mtv_ml\na,1,1,1\n", mapOpts(map[string]string{"MTV": "mtv_ml"}, ""), "not a column of the file"},
		{"patient_id,age,stage,mtv_ml,x\na,1,1,1,1\n", mapOpts(map[string]string{"x": "tumour"}, ""), "not a dictionary name"},
		{"patient_id,age,stage,mtv_ml,m\na,1,1,1,1\n", mapOpts(map[string]string{"m": "mtv_ml"}, ""), "both map to mtv_ml"},
		{"patient_id,age,stage,mtv_ml\na,1,1,1\n", cohort.Options{ExcludeTopMTV: 1.5}, "fraction"},
	} {
		_, _, err := cohort.Load(strings.NewReader(tc.in), "t.csv", tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %+v: error %v, want %q", tc.in, tc.opts, err, tc.want)
		}
	}
}

func TestExcludeTopMTV(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient_id,age,stage,mtv_ml\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "p%d,60,3,%d\n", i, i*10)
	}
	c, rep := load(t, b.String(), cohort.Options{ExcludeTopMTV: 0.025})
	// type-7 quantile 0.975 of 10..400: h = 39*0.975 + 1 = 39.025 -> 390 + 0.025*10.
	if float64(rep.MTVThreshold) != 390.25 || rep.ExcludedOutliers != 1 || c.Len() != 39 || !rep.Excluded[0].Outlier || rep.Excluded[0].Row != 40 {
		t.Fatalf("threshold %v outliers %d records %d excluded %+v", rep.MTVThreshold, rep.ExcludedOutliers, c.Len(), rep.Excluded)
	}
}

// rowsReader generates n CSV rows on the fly by cycling through the rows
// of a small simulated cohort (ids made unique with a cycle prefix), so
// that the file is never held in memory.
type rowsReader struct {
	n, i  int
	lines [][]byte // header first
	buf   bytes.Buffer
}

var simLines = func() [][]byte {
	var b bytes.Buffer
	cohort.Simulate(500, 500, 5).WriteCSV(&b)
	return bytes.SplitAfter(bytes.TrimSuffix(b.Bytes(), []byte("\n")), []byte("\n"))
}()

func newRowsReader(n int) *rowsReader { return &rowsReader{n: n, lines: simLines} }

func (r *rowsReader) Read(p []byte) (int, error) {
	for r.buf.Len() < len(p) && r.i <= r.n {
		if r.i == 0 {
			r.buf.Write(r.lines[0])
		} else {
			k := (r.i-1)%(len(r.lines)-1) + 1
			fmt.Fprintf(&r.buf, "c%d-", (r.i-1)/(len(r.lines)-1))
			r.buf.Write(r.lines[k])
			if r.lines[k][len(r.lines[k])-1] != '\n' {
				r.buf.WriteByte('\n')
			}
		}
		r.i++
	}
	if r.buf.Len() == 0 {
		return 0, io.EOF
	}
	return r.buf.Read(p)
}

// TestStreamBoundedMemory streams 100,000 rows (about 35 MB of CSV) and
// requires the live heap to stay far below the file's size.
func TestStreamBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 100,000 rows")
	}
	src := newRowsReader(100000)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	n := 0
	rd, err := record.NewCSVReader(src, "big.csv", record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = record.Stream(rd, 0, nil, func(row *record.Row, _ *struct{}) error {
		if len(row.Issues) == 0 {
			n++
		}
		if n%20000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 100000 {
		t.Fatalf("rows without issues %d", n)
	}
	// Nothing grows with the rows: the batches in flight are recycled.
	if grow := int64(peak) - int64(base); grow > 16<<20 {
		t.Fatalf("live heap grew by %d MB while streaming", grow>>20)
	}
}

// TestLoadBytesPerPatient loads 100,000 rows of the full dictionary and
// requires the cohort to keep under 150 bytes a patient (measured 110:
// the values by field in 1-, 2- or 4-byte codes, the ids, row and line;
// record.Record values took 528 and the rows' text another 220).
func TestLoadBytesPerPatient(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100,000 rows")
	}
	const n = 100000
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	c, _, err := cohort.Load(newRowsReader(n), "big.csv", cohort.Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	per := (float64(ms.HeapAlloc) - float64(base)) / n
	t.Logf("%.0f bytes a patient", per)
	if c.Len() != n || per > 150 {
		t.Fatalf("%d records, %.0f bytes a patient", c.Len(), per)
	}
	runtime.KeepAlive(c)
}

// TestStreamStops: an error from commit stops the stream at once and is
// returned; the reading goroutines are gone when Stream returns.
func TestStreamStops(t *testing.T) {
	stop := fmt.Errorf("enough")
	n := 0
	before := runtime.NumGoroutine()
	rd, err := record.NewCSVReader(newRowsReader(50000), "big.csv", record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = record.Stream(rd, 0, nil, func(*record.Row, *struct{}) error {
		n++
		if n == 1000 {
			return stop
		}
		return nil
	})
	if err != stop || n != 1000 {
		t.Fatalf("err %v after %d rows", err, n)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines before, %d after", before, after)
	}
}

func unitsOpts(u record.Units) cohort.Options {
	var o cohort.Options
	o.Units = u
	return o
}

func mapOpts(m map[string]string, order record.DateOrder) cohort.Options {
	var o cohort.Options
	o.Map = m
	o.Format.DateOrder = order
	return o
}

// TestUnreadableDeathDateIsNotCensoring: a death date that cannot be read
// leaves the patient out of OS and PFS with the reason (never censored at
// the last follow-up), or stops the import under Strict.
func TestUnreadableDeathDateIsNotCensoring(t *testing.T) {
	m := map[string]string{"inf": record.InfusionDate.String(), "prog": record.ProgressionDate.String(),
		"death": record.DeathDate.String(), "last": record.LastFollowUpDate.String()}
	in := "patient_id,age,stage,mtv_ml,inf,prog,death,last\n" +
		"a,60,3,10,2021-01-15,,2021-13-40,2022-01-15\n" +
		"b,60,3,10,2021-01-15,unknown,,2022-01-15\n" +
		"c,60,3,10,2021-01-15,,,2022-01-15\n"
	c, rep := load(t, in, mapOpts(m, ""))
	a, b, cc := c.Record(0), c.Record(1), c.Record(2)
	if !math.IsNaN(a.OSMonths) || !math.IsNaN(a.OSEvent) || !math.IsNaN(a.PFSMonths) || !math.IsNaN(a.PFSEvent) {
		t.Errorf("a: unreadable death date read as %+v", a)
	}
	if !math.IsNaN(b.PFSEvent) || b.OSEvent != 0 || math.IsNaN(b.OSMonths) {
		t.Errorf("b: unreadable progression date: pfs %v/%v os %v/%v", b.PFSMonths, b.PFSEvent, b.OSMonths, b.OSEvent)
	}
	if cc.PFSEvent != 0 || cc.OSEvent != 0 {
		t.Errorf("c: censored patient read as %+v", cc)
	}
	found := false
	for _, p := range rep.Problems {
		found = found || p.Row == 1 && strings.Contains(p.Message, "left out of OS and PFS")
	}
	if !found {
		t.Errorf("no reason for a: %+v", rep.Problems)
	}
	var strict cohort.Options
	strict.Map, strict.Strict = m, true
	if _, _, err := cohort.Load(strings.NewReader(in), "t.csv", strict); err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "--strict") {
		t.Errorf("strict: %v", err)
	}
}

// Cohort.ExcludeTopMTV takes the outlier quantile over the named cohorts
// only: a third cohort of large MTVs neither moves the threshold nor loses
// rows; the rule applies once.
func TestExcludeTopMTVCohorts(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient_id,cohort,age,stage,mtv_ml\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "p%d,development,60,3,%d\n", i, i*10)
	}
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, "x%d,external,60,3,%d\n", i, 5000+i*100)
	}
	c, rep := load(t, b.String(), cohort.Options{})
	if err := c.ExcludeTopMTV(rep, 0.025, "development"); err != nil {
		t.Fatal(err)
	}
	// type-7 quantile 0.975 of 10..400, as in TestExcludeTopMTV; over all
	// 50 rows it would be 5877.5 (h = 49 * 0.975 = 47.775: 5800 + 0.775 * 100).
	if float64(rep.MTVThreshold) != 390.25 || rep.ExcludedOutliers != 1 || c.Len() != 49 || rep.Accepted != 49 ||
		rep.Excluded[0].PatientID != "p40" || !slices.Equal(rep.MTVOutlierCohorts, []string{"development"}) || rep.ExcludeTopMTV != 0.025 {
		t.Fatalf("threshold %v outliers %d records %d accepted %d excluded %+v cohorts %v", rep.MTVThreshold, rep.ExcludedOutliers, c.Len(), rep.Accepted, rep.Excluded, rep.MTVOutlierCohorts)
	}
	if err := c.ExcludeTopMTV(rep, 0.025, "development"); err == nil || !strings.Contains(err.Error(), "applied already") {
		t.Errorf("second application: %v", err)
	}
	// Without names the quantile pools every row, as Options.ExcludeTopMTV.
	c, rep = load(t, b.String(), cohort.Options{})
	if err := c.ExcludeTopMTV(rep, 0.025); err != nil || math.Abs(float64(rep.MTVThreshold)-5877.5) > 1e-9 || rep.MTVOutlierCohorts != nil {
		t.Errorf("pooled: %v threshold %v cohorts %v", err, rep.MTVThreshold, rep.MTVOutlierCohorts)
	}
}

// TestRelease: the fields kept read as before, every other field, id and
// row panics when read (a released value is not a missing one), and the
// memory of the released ones is freed.
func TestRelease(t *testing.T) {
	c := cohort.Simulate(2000, 2000, cohort.DefaultSeed)
	n := c.Len()
	age, center := c.Floats("age"), c.Texts("center")
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	c.Release("age", "center")
	runtime.GC()
	runtime.ReadMemStats(&ms)
	t.Logf("released %.0f bytes a patient", (float64(before)-float64(ms.HeapAlloc))/float64(n))
	if ms.HeapAlloc >= before {
		t.Errorf("heap %d bytes after Release, %d before", ms.HeapAlloc, before)
	}
	if c.Len() != n || !slices.Equal(c.Floats("age"), age) || !slices.Equal(c.Texts("center"), center) {
		t.Fatal("a kept field changed")
	}
	for _, tc := range []struct {
		name string
		read func()
	}{
		{"numeric field", func() { c.Column("ldh")(0) }},
		{"text field", func() { c.Text("sex")(0) }},
		{"record", func() { c.Record(0) }},
		{"patient id", func() { c.Text("patient_id")(0) }},
		{"row", func() { c.Row(0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.read()
		})
	}
}
