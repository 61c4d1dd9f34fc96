// Package table reads delimited text files (CSV) into named string columns
// and converts cells to numbers with errors that name the file, the line,
// the column and the offending value.
//
// It accepts what spreadsheets export in practice: a UTF-8 byte-order mark,
// comma or semicolon separators (a semicolon file is read with decimal
// commas, as European exports are written), CRLF line ends, and the usual
// spellings of a missing cell ("", "NA", "N/A", "NaN", "null", ".").
package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Table is a delimited file held as rows of strings under a header.
type Table struct {
	// Source names the file in error messages.
	Source string
	// Header holds the column names in file order.
	Header []string
	// Rows holds the data rows; each has len(Header) cells.
	Rows [][]string
	// DecimalComma is true when numbers use ',' as the decimal mark.
	DecimalComma bool

	index map[string]int
}

// CellError reports a problem with one cell.
type CellError struct {
	Source string
	Line   int // 1-based line in the file; the header is line 1
	Column string
	Value  string
	Msg    string
}

func (e *CellError) Error() string {
	return fmt.Sprintf("%s: line %d, column %q: value %q %s", e.Source, e.Line, e.Column, e.Value, e.Msg)
}

// ReadFile reads the delimited file at path.
func ReadFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, filepath.Base(path))
}

// Read reads a delimited table from r; source names it in error messages.
// The separator is ';' when the header line holds more semicolons than
// commas, else ','.
func Read(r io.Reader, source string) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: the file is empty; it needs a header line and at least one row", source)
	}
	first := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		first = data[:i]
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	t := &Table{Source: source}
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
		t.DecimalComma = true
	}
	records, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	t.Header = records[0]
	for i := range t.Header {
		t.Header[i] = strings.TrimSpace(t.Header[i])
	}
	t.index = make(map[string]int, len(t.Header))
	for i, h := range t.Header {
		if h == "" {
			return nil, fmt.Errorf("%s: line 1: column %d has an empty name; give every column a header", source, i+1)
		}
		if _, dup := t.index[h]; dup {
			return nil, fmt.Errorf("%s: line 1: column %q appears twice; rename one of them", source, h)
		}
		t.index[h] = i
	}
	for i, rec := range records[1:] {
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(t.Header) {
			return nil, fmt.Errorf("%s: line %d has %d fields but the header has %d; fix the ragged row", source, i+2, len(rec), len(t.Header))
		}
		t.Rows = append(t.Rows, rec)
	}
	return t, nil
}

// Has reports whether the table has a column called name.
func (t *Table) Has(name string) bool {
	_, ok := t.index[name]
	return ok
}

// ColumnIndex returns the position of the named column, or an error that
// lists the columns the file does have.
func (t *Table) ColumnIndex(name string) (int, error) {
	if i, ok := t.index[name]; ok {
		return i, nil
	}
	return -1, fmt.Errorf("%s: no column %q; the columns are: %s", t.Source, name, strings.Join(t.Header, ", "))
}

// Line returns the file line of data row i (0-based).
func (t *Table) Line(i int) int { return i + 2 }

// IsMissing reports whether a cell holds one of the spellings of a missing
// value.
func IsMissing(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "na", "n/a", "nan", "null", ".", "<na>":
		return true
	}
	return false
}

// Strings returns the named column's cells, trimmed of surrounding space.
func (t *Table) Strings(name string) ([]string, error) {
	j, err := t.ColumnIndex(name)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(t.Rows))
	for i, row := range t.Rows {
		out[i] = strings.TrimSpace(row[j])
	}
	return out, nil
}

// ErrNotNumber is wrapped by the CellError of a cell that is not a number.
var ErrNotNumber = errors.New("is not a number")

// ParseFloat converts one cell to a number. A missing cell gives NaN and no
// error. With decimalComma, "1,5" reads as 1.5.
func ParseFloat(s string, decimalComma bool) (float64, error) {
	s = strings.TrimSpace(s)
	if IsMissing(s) {
		return math.NaN(), nil
	}
	if decimalComma {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, ErrNotNumber
	}
	return v, nil
}

// Floats returns the named column as numbers; missing cells are NaN. The
// first cell that is neither a number nor missing gives a *CellError.
func (t *Table) Floats(name string) ([]float64, error) {
	j, err := t.ColumnIndex(name)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(t.Rows))
	for i, row := range t.Rows {
		v, err := ParseFloat(row[j], t.DecimalComma)
		if err != nil {
			return nil, &CellError{Source: t.Source, Line: t.Line(i), Column: name, Value: row[j],
				Msg: "is not a number; write a plain number such as 12.5, or leave the cell empty if it is missing"}
		}
		out[i] = v
	}
	return out, nil
}
