package cohort_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"carimpi/cohort"
	"carimpi/record"
)

// TestScanFileMatchesLoadFile validates files with every kind of problem
// both ways: ScanFile (streaming, several passes) must give LoadFile's
// report and records, but for the order of the outliers among the excluded
// rows (listed last when streamed).
func TestScanFileMatchesLoadFile(t *testing.T) {
	var sim bytes.Buffer
	cohort.Simulate(300, 200, 7).WriteCSV(&sim)
	messy := "patient_id,age,stage,mtv_ml,crp,pfs_months,pfs_event,os_months,os_event,sex,ecog,extra\n" +
		"a,,3,10,,,,,,,,\nb,sixty,3,10,,,,,,,,\nc,60,5,10,,,,,,,,\nd,60,3,10,45,,,,,,,\ne,60,3,10,,,1,,,,,\n" +
		"f,60,3,10,,5,,,,,,\ng,60,3,10,,12,1,6,1,,,\nh,60,3,10,,6,0,6,1,,,\ni,60,3,10,,,,,,x,,\nj,60,3,10\n" +
		"a,61,2,12,,,,,,,,\nk,62,2,14,1.2,3,0,4,0,female,1,\n"
	r12 := "patient_id,age,stage,mtv_ml,pfs_months,pfs_event,os_months,os_event\np1,60,3,10,5,2,6,1\np2,61,2,20,7,1,9,2\np3,62,1,30,2,1,2,2\n"
	dir := t.TempDir()
	for i, content := range []string{sim.String(), messy, r12, string(cohort.DefaultCSV())} {
		path := filepath.Join(dir, fmt.Sprintf("f%d.csv", i))
		os.WriteFile(path, []byte(content), 0o644)
		for _, top := range []float64{0, 0.025, 0.2} {
			opts := cohort.Options{ExcludeTopMTV: top}
			c, want, err := cohort.LoadFile(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []record.Record
			rep, err := cohort.ScanFile(path, opts, func(rec *record.Record) error {
				got = append(got, *rec)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []*cohort.Report{want, rep} {
				slices.SortStableFunc(r.Excluded, func(a, b cohort.Exclusion) int { return a.Row - b.Row })
			}
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(rep)
			if string(a) != string(b) {
				t.Errorf("file %d, top %g: reports differ\nload %s\nscan %s", i, top, a, b)
			}
			var recs []record.Record
			for _, r := range c.All() {
				recs = append(recs, r)
			}
			ra, _ := json.Marshal(recs)
			rb, _ := json.Marshal(got)
			if string(ra) != string(rb) {
				t.Errorf("file %d, top %g: records differ", i, top)
			}
		}
	}
}

// TestScanFileBoundedList checks that with MaxListed the report keeps the
// first problems and counts all, and the callbacks see every one.
func TestScanFileBoundedList(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient_id,age,stage,mtv_ml\n")
	for i := range 500 {
		fmt.Fprintf(&b, "p%d,x,3,10\n", i)
	}
	path := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	var probs, excl int
	rep, err := cohort.ScanFile(path, cohort.Options{MaxListed: 10,
		OnProblem:  func(cohort.Problem) { probs++ },
		OnExcluded: func(cohort.Exclusion) { excl++ }}, func(*record.Record) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 10 || rep.ProblemsTotal != 500 || rep.ErrorCount != 500 || len(rep.Excluded) != 10 || rep.ExcludedTotal != 500 ||
		probs != 500 || excl != 500 || rep.Rows != 500 || rep.Accepted != 0 {
		t.Fatalf("listed %d/%d of %d problems, %d/%d of %d excluded; rows %d accepted %d", len(rep.Problems), probs, rep.ProblemsTotal,
			len(rep.Excluded), excl, rep.ExcludedTotal, rep.Rows, rep.Accepted)
	}
}
