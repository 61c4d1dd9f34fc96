package cohort

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"carimpi/internal/xlsx"
)

// xlsxSource streams the rows of one sheet. Cells are read raw (numbers as
// stored, not as formatted), so a number keeps its full precision and a
// date cell arrives as its Excel serial day, which date columns accept.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	head []string
	line int
}

func newXLSXSource(r io.Reader, source, sheet string) (*xlsxSource, error) {
	f, err := xlsx.Open(r, source)
	if err != nil {
		return nil, err
	}
	if sheet == "" {
		sheet = f.GetSheetName(0)
	}
	if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		f.Close()
		return nil, fmt.Errorf("%s: no sheet %q; the sheets are: %v", source, sheet, f.GetSheetList())
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	s := &xlsxSource{f: f, rows: rows}
	for s.head == nil {
		cells, _, err := s.next()
		if err == io.EOF {
			s.close()
			return nil, fmt.Errorf("%s: sheet %q is empty; it needs a header row and at least one row", source, sheet)
		}
		if err != nil {
			s.close()
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		if len(cells) > 0 {
			s.head = append([]string(nil), cells...)
		}
	}
	return s, nil
}

func (s *xlsxSource) header() []string   { return s.head }
func (s *xlsxSource) decimalComma() bool { return false }

// next returns the next row padded to the header's width (a sheet stores
// no trailing empty cells); a row longer than the header is passed on for
// the ragged-row check.
func (s *xlsxSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, err
		}
		return nil, 0, io.EOF
	}
	s.line++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, err
	}
	for len(cells) < len(s.head) {
		cells = append(cells, "")
	}
	return cells, s.line, nil
}

func (s *xlsxSource) close() {
	s.rows.Close()
	s.f.Close()
}

// LoadXLSX reads a cohort from an XLSX workbook (the first sheet, or
// Options.Sheet): the first non-empty row is the header.
func LoadXLSX(r io.Reader, source string, opts Options) (*Cohort, *Report, error) {
	src, err := newXLSXSource(r, source, opts.Sheet)
	if err != nil {
		return nil, nil, err
	}
	defer src.close()
	return load(src, source, opts)
}

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
		row[j] = f.Name
	}
	if err := xw.WriteRow(row); err != nil {
		return err
	}
	for i := range c.Records {
		r := &c.Records[i]
		for j, f := range cols {
			if f.str != nil {
				row[j] = *f.str(r)
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
