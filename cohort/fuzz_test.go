package cohort_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"carimpi/cohort"
)

// FuzzLoad feeds arbitrary bytes to the CSV importer. Properties: no
// panic; every data row is accounted for (accepted or excluded); accepted
// records satisfy the required fields' ranges; and writing the accepted
// records and loading them again gives the same records with no
// problems (export is lossless and clean).
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"patient_id,age,stage,mtv_ml\na,60,3,10\n",
		"\xef\xbb\xbfpatient_id;age;stage;mtv_ml;crp\r\na;60,5;IV;1,5;2,3\r\n",
		"patient_id,age,stage,mtv_ml,pfs_months,pfs_event,os_months,os_event\na,60,3,10,5,1,4,1\nb,,,,,,,\na,1,1,1,1,1,1,1\n",
		"patient_id,age,stage,mtv_ml,sex,product,mtv_method\na,60,IIIB,0,F,Yescarta,41%\nb,61,2,1,x,brexu-cel,SUV 4\n",
		"patient_id,age,stage,mtv_ml,\"x,y\"\n\"a\"\"b\",60,3,1,\"q\n\"\n",
		"patient_id,age,stage,mtv_ml\na,1e308,3,NaN\nb,60,3,Inf\n,,,\n",
		"patient_id,age,stage,mtv_ml,simulated\na,60,3,10,1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, rep, err := cohort.Load(bytes.NewReader(data), "fuzz.csv", cohort.Options{})
		if err != nil {
			return
		}
		if rep.Rows != rep.Accepted+len(rep.Excluded) || c.Len() != rep.Accepted {
			t.Fatalf("rows %d accepted %d excluded %d records %d", rep.Rows, rep.Accepted, len(rep.Excluded), c.Len())
		}
		for _, r := range c.All() {
			if r.PatientID == "" || !(r.Age >= 0 && r.Age <= 120) || !(r.Stage >= 1 && r.Stage <= 4) || !(r.MTV >= 0) || math.IsInf(r.MTV, 0) {
				t.Fatalf("accepted an invalid record %+v", r)
			}
			if r.OSMonths < r.PFSMonths {
				t.Fatalf("accepted os < pfs: %+v", r)
			}
		}
		if c.Len() == 0 {
			return
		}
		var b bytes.Buffer
		if err := c.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		c2, rep2, err := cohort.Load(bytes.NewReader(b.Bytes()), "again.csv", cohort.Options{})
		if err != nil {
			t.Fatalf("reloading the export: %v\n%s", err, b.String())
		}
		if c2.Len() != c.Len() {
			t.Fatalf("reload accepted %d of %d: %+v", c2.Len(), c.Len(), rep2.Excluded)
		}
		var b2 bytes.Buffer
		c2.WriteCSV(&b2)
		if !bytes.Equal(b.Bytes(), b2.Bytes()) {
			t.Fatalf("export not stable:\n%s\n---\n%s", b.String(), b2.String())
		}
		for _, p := range rep2.Problems {
			if p.Severity == cohort.SeverityError {
				t.Fatalf("reload error %+v in\n%s", p, strings.TrimSpace(b.String()))
			}
		}
	})
}
