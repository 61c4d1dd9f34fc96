package cohort

import (
	"bufio"
	"io"

	"carimpi/record"
	"carimpi/table"
)

// exportFields returns the dictionary fields written on export: the
// required ones and every other field that holds a value in some record,
// in dictionary order.
func (c *Cohort) exportFields() []record.Field {
	var out []record.Field
	for _, f := range record.Fields() {
		if f.Info().Required || f == record.PatientID || c.Has(f.Name()) {
			out = append(out, f)
		}
	}
	return out
}

// WriteCSV writes the cohort with the dictionary names as header, ','
// separator, '.' decimal mark, numbers in the shortest form that reads
// back to the same float64 and missing values as empty cells: the form
// that R's read.csv and the table package read. The columns are those of
// exportFields. A synthetic cohort carries the column simulated = 1.
func (c *Cohort) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cols := c.exportFields()
	for j, f := range cols {
		if j > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(f.Name())
	}
	bw.WriteByte('\n')
	var b []byte
	for i := range c.Records {
		b = b[:0]
		for j, f := range cols {
			if j > 0 {
				b = append(b, ',')
			}
			if f.IsText() {
				b = table.AppendText(b, f.Str(&c.Records[i]))
			} else {
				b = f.AppendValue(b, &c.Records[i])
			}
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
