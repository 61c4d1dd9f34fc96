package cohort_test

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"carimpi/cohort"
	"carimpi/record"
)

// A center's workbook: its own column names, real date cells (stored as
// Excel serial days), a text date, an empty row, codes in other spellings.
func TestLoadXLSXDatesAndCodes(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"Patient", "Age", "Ann Arbor", "MTV", "Product", "Segmentation", "Sex", "CAR-T", "Death", "Last contact"},
		{"x1", 64, "IVB", 120.5, "Yescarta", "41% SUVmax", "F", time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), nil,
			time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)},
		{},
		{"x2", 70, "II", 3, "brexu-cel", "SUV 4.0", "m", "2021-05-10", "2021-11-10", nil},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	opts := mapOpts(map[string]string{"Patient": "patient_id", "Ann Arbor": "stage", "MTV": "mtv_ml",
		"Segmentation": "mtv_method", "CAR-T": record.InfusionDate.String(), "Death": record.DeathDate.String(), "Last contact": record.LastFollowUpDate.String()}, "")
	c, rep, err := cohort.LoadXLSX(&b, "center.xlsx", opts)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 || rep.BlankRows != 1 {
		t.Fatalf("records %d blank %d excluded %+v", c.Len(), rep.BlankRows, rep.Excluded)
	}
	x1, x2 := c.Record(0), c.Record(1)
	if x1.Stage != 4 || x1.Product != "axi-cel" || x1.MTVMethod != "41pct" || x1.Sex != "female" ||
		math.Abs(x1.OSMonths-365/record.DaysPerMonth) > 1e-12 || x1.OSEvent != 0 {
		t.Fatalf("x1 %+v", x1)
	}
	if x2.Stage != 2 || x2.Product != "brexu-cel" || x2.MTVMethod != "SUV4" || x2.Sex != "male" ||
		math.Abs(x2.OSMonths-184/record.DaysPerMonth) > 1e-12 || x2.OSEvent != 1 || x2.PFSEvent != 1 {
		t.Fatalf("x2 %+v", x2)
	}
	// Row 3 of the file is x2's (the blank row is counted, not numbered).
	if p := problem(rep, 2, "product"); p == nil || p.Severity != cohort.SeverityWarning || p.Line != 4 {
		t.Fatalf("unknown product: %+v", rep.Problems)
	}
}

func TestLoadFileErrors(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"old.xls", "save it as .xlsx"},
		{"missing.csv", "no such file"},
	} {
		if _, _, err := cohort.LoadFile(tc.path, cohort.Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.path, err)
		}
	}
	if _, _, err := cohort.LoadXLSX(strings.NewReader("not a workbook"), "x.xlsx", cohort.Options{}); err == nil {
		t.Error("a text file read as XLSX")
	}
}
