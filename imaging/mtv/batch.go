package mtv

import (
	"fmt"
	"strconv"
	"strings"

	"carimpi/imaging/dicom"
	"carimpi/table"
)

// Columns are the columns of the batch CSV, in order. patient_id, mtv_ml
// and mtv_method are the cohort data dictionary's names; error is empty
// unless the series failed.
var Columns = []string{"patient_id", "mtv_ml", "mtv_method", "tlg", "suvmax", "suvpeak", "n_lesions", "dmax_mm", "series_uid", "error"}

// MethodCode is the data dictionary's mtv_method code of a method: SUV4,
// 41pct, or SUV<threshold> for the other absolute thresholds.
func MethodCode(method string) string {
	switch method {
	case "", "suv4":
		return "SUV4"
	case "pct41":
		return "41pct"
	case "suv2.5":
		return "SUV2.5"
	}
	if x, ok := strings.CutPrefix(method, "abs:"); ok {
		return "SUV" + x
	}
	return method
}

// Row is one series of a batch.
type Row struct {
	PatientID, SeriesUID string
	Result               *Result // nil when Err is set
	Err                  error
}

// Record returns the row's CSV cells in Columns order.
func (r Row) Record(method string) []string {
	rec := []string{r.PatientID, "", MethodCode(method), "", "", "", "", "", r.SeriesUID, ""}
	if r.Err != nil {
		rec[9] = r.Err.Error()
		return rec
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	x := r.Result
	rec[1], rec[3], rec[4], rec[5] = f(float64(x.TMTV)), f(float64(x.TLG)), nullable(float64(x.SUVmax)), nullable(float64(x.SUVpeak))
	rec[6], rec[7] = strconv.Itoa(x.NLesions), f(float64(x.Dmax))
	return rec
}

func nullable(v float64) string {
	if v != v {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// AppendRecord appends the row as one CSV line (formula-safe text cells).
func (r Row) AppendRecord(b []byte, method string) []byte {
	return table.AppendRecord(b, r.Record(method))
}

// BatchSummary counts what a batch found.
type BatchSummary struct {
	Series, Failed, NonPET, OtherFiles int
	// Unreadable lists the DICOM files whose header could not be read (they
	// belong to no series).
	Unreadable []error
}

// Batch finds the PET series under dir (at any depth, grouped by PatientID
// and SeriesInstanceUID, in that order), runs each with opt and hands each
// row to emit as it is done; a failing series becomes a row with its error
// and never stops the batch. start is called once with the number of PET
// series before the first is read.
func Batch(dir string, opt Options, start func(total int), emit func(done int, row Row) error) (BatchSummary, error) {
	var s BatchSummary
	if opt.ExcludeMask != "" || opt.ROIMask != "" || opt.Review != "" {
		return s, fmt.Errorf("masks and reviews belong to one series: run them without --batch")
	}
	groups, other, bad, err := dicom.Scan(dir)
	if err != nil {
		return s, err
	}
	s.OtherFiles, s.Unreadable = other, bad
	var pet []*dicom.Group
	for _, g := range groups {
		if g.Modality == "PT" {
			pet = append(pet, g)
		} else {
			s.NonPET++
		}
	}
	s.Series = len(pet)
	if start != nil {
		start(len(pet))
	}
	for i, g := range pet {
		row := Row{PatientID: g.PatientID, SeriesUID: g.SeriesUID}
		if ser, err := g.Read(); err != nil {
			row.Err = err
		} else if res, _, err := Run(fromSeries(ser), opt); err != nil {
			row.Err = err
		} else {
			row.Result = res
		}
		if row.Err != nil {
			s.Failed++
		}
		if err := emit(i+1, row); err != nil {
			return s, err
		}
	}
	return s, nil
}
