package cohort

import (
	"bufio"
	"fmt"
	"io"

	"carimpi/internal/xlsx"
	"carimpi/record"
	"carimpi/table"
)

// Presence records which dictionary fields hold a value in some record,
// to choose the export columns of records that are streamed.
type Presence struct{ seen map[record.Field]bool }

// Add notes the fields rec has a value for.
func (p *Presence) Add(rec *record.Record) {
	if p.seen == nil {
		p.seen = map[record.Field]bool{}
	}
	for _, f := range record.Fields() {
		if !p.seen[f] && f.Has(rec) {
			p.seen[f] = true
		}
	}
}

// Has reports whether a record added had a value for the named field.
func (p *Presence) Has(name string) bool {
	f, ok := record.Lookup(name)
	return ok && p.seen[f]
}

// exportFields returns the dictionary fields written on export: the
// required ones, patient_id and every other field for which has is true,
// in dictionary order.
func exportFields(has func(name string) bool) []record.Field {
	var out []record.Field
	for _, f := range record.Fields() {
		if f.Info().Required || f == record.PatientID || has(f.Name()) {
			out = append(out, f)
		}
	}
	return out
}

// Writer writes records one at a time, as CSV or XLSX, under the header of
// the export columns: memory does not grow with the number of records.
type Writer struct {
	cols []record.Field
	bw   *bufio.Writer
	xw   *xlsx.Writer
	b    []byte
	row  []any
}

// NewWriter starts an export to w in format "csv" or "xlsx" whose columns
// are the required fields, patient_id and those for which has is true (a
// Presence's Has, or a Cohort's), in dictionary order. The CSV form has the
// dictionary names as header, ',' separator, '.' decimal mark, numbers in
// the shortest form that reads back to the same float64 and missing values
// as empty cells: the form that R's read.csv and the table package read.
// The XLSX form is one sheet named "cohort" with the same columns, numbers
// as numeric cells that read back exactly. A synthetic cohort carries the
// column simulated = 1.
func NewWriter(w io.Writer, format string, has func(name string) bool) (*Writer, error) {
	cw := &Writer{cols: exportFields(has)}
	switch format {
	case "csv":
		cw.bw = bufio.NewWriterSize(w, 1<<16)
		for j, f := range cw.cols {
			if j > 0 {
				cw.bw.WriteByte(',')
			}
			cw.bw.WriteString(f.Name())
		}
		cw.bw.WriteByte('\n')
	case "xlsx":
		xw, err := xlsx.NewWriter(w, "cohort")
		if err != nil {
			return nil, err
		}
		cw.xw = xw
		cw.row = make([]any, len(cw.cols))
		for j, f := range cw.cols {
			cw.row[j] = f.Name()
		}
		if err := xw.WriteRow(cw.row); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("cohort: export format %q: use csv or xlsx", format)
	}
	return cw, nil
}

// Write writes one record.
func (w *Writer) Write(r *record.Record) error {
	if w.xw != nil {
		for j, f := range w.cols {
			if f.IsText() {
				w.row[j] = f.Str(r)
			} else {
				w.row[j] = f.Float(r)
			}
		}
		return w.xw.WriteRow(w.row)
	}
	b := w.b[:0]
	for j, f := range w.cols {
		if j > 0 {
			b = append(b, ',')
		}
		if f.IsText() {
			b = table.AppendText(b, f.Str(r))
		} else {
			b = f.AppendValue(b, r)
		}
	}
	b = append(b, '\n')
	w.b = b
	_, err := w.bw.Write(b)
	return err
}

// Close ends the export.
func (w *Writer) Close() error {
	if w.xw != nil {
		return w.xw.Close()
	}
	return w.bw.Flush()
}

// write exports the cohort in format.
func (c *Cohort) write(w io.Writer, format string) error {
	cw, err := NewWriter(w, format, c.Has)
	if err != nil {
		return err
	}
	for i := range c.n {
		r := c.Record(i)
		if err := cw.Write(&r); err != nil {
			return err
		}
	}
	return cw.Close()
}

// WriteCSV writes the cohort as CSV (see NewWriter).
func (c *Cohort) WriteCSV(w io.Writer) error { return c.write(w, "csv") }

// WriteXLSX writes the cohort as XLSX (see NewWriter).
func (c *Cohort) WriteXLSX(w io.Writer) error { return c.write(w, "xlsx") }
