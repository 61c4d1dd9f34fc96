package cohort

import (
	"io"

	"carimpi/internal/xlsx"
)

// WriteXLSX writes the cohort as one sheet named "cohort" with the
// dictionary names as header (the columns of WriteCSV), numbers as numeric
// cells that read back exactly and missing values as empty cells.
func (c *Cohort) WriteXLSX(w io.Writer) error {
	xw, err := xlsx.NewWriter(w, "cohort")
	if err != nil {
		return err
	}
	cols := c.exportFields()
	row := make([]any, len(cols))
	for j, f := range cols {
		row[j] = f.Name()
	}
	if err := xw.WriteRow(row); err != nil {
		return err
	}
	for i := range c.Records {
		r := &c.Records[i]
		for j, f := range cols {
			if f.IsText() {
				row[j] = f.Str(r)
			} else {
				row[j] = f.Float(r)
			}
		}
		if err := xw.WriteRow(row); err != nil {
			return err
		}
	}
	return xw.Close()
}
