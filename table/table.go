// Package table is the one CSV layer: it reads delimited text files into
// named string columns (Read), or streams them row by row (Reader.Scan)
// reading only the cells a caller asks for, straight into numbers
// (Reader.Float) and small integer codes (Codes), with errors that name the
// file, the line, the column and the offending value.
//
// It accepts what spreadsheets export in practice: a UTF-8 byte-order mark,
// comma or semicolon separators (a semicolon file is read with decimal
// commas, as European exports are written), CRLF line ends, and the usual
// spellings of a missing cell ("", "NA", "N/A", "NaN", "null", ".").
package table

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Table is a delimited file held as rows of strings under a header.
type Table struct {
	// Source names the file in error messages.
	Source string
	// Header holds the column names in file order; the first may be
	// empty (R's write.csv row names), and no name reads it.
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
	rd, err := NewReader(r, source)
	if err != nil {
		return nil, err
	}
	t := &Table{Source: source, Header: rd.Header, DecimalComma: rd.DecimalComma}
	t.index = make(map[string]int, len(t.Header))
	for i, h := range t.Header {
		if h != "" {
			t.index[h] = i
		}
	}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, rec)
	}
}

// Reader reads a delimited table one row at a time, so that a file too
// large to hold in memory can be streamed; Read is built on it. It applies
// the same rules as Read (byte-order mark, separator, blank lines, ragged
// rows).
//
// Rows come in two ways from the one record splitter: Next returns a row
// as strings; Scan advances without allocating, and Field, Float and
// Missing read the current row's cells in place, so that a large file is
// read straight into numbers (see Codes for text columns).
//
// Records without a quote character, the common case, are split directly;
// a record with quotes (possibly spanning lines) is handed to encoding/csv,
// so both read exactly as encoding/csv reads them.
type Reader struct {
	// Source names the file in error messages.
	Source string
	// Header holds the column names in file order, trimmed of space. The
	// first may be empty (R's write.csv row names); no name reads it.
	Header []string
	// DecimalComma is true when numbers use ',' as the decimal mark.
	DecimalComma bool
	// ReuseRecord lets Next return a slice that the following call
	// overwrites (the cell strings themselves stay valid), saving an
	// allocation per row.
	ReuseRecord bool
	// AllowRagged makes Next and Scan accept rows with the wrong number of
	// fields instead of failing, for callers that report such a row and go
	// on.
	AllowRagged bool

	br    *bufio.Reader
	sep   byte
	buf   []byte   // text of a record that spans reads or lines
	qbuf  []byte   // the unquoted fields of a quoted record, end to end
	cur   []byte   // the current record's fields: cur[bounds[2j]:bounds[2j+1]]
	bound []int    // field boundaries in cur
	rec   []string // reused record
	next  int      // line number of the next line to read
	line  int      // line of the record returned last
	err   error    // Scan's error
	lim   Limits
}

// Limits bound what a Reader holds for one record, so that memory stays
// bounded whatever the input: a record with more cells, or longer (a
// quote never closed makes the rest of the file one record), is an error
// naming its line.
type Limits struct {
	Columns     int // cells in a record (the header included)
	RecordBytes int // bytes of one record's text
}

// DefaultLimits are NewReader's: 4,096 columns, 4 MiB a record.
var DefaultLimits = Limits{Columns: 4096, RecordBytes: 4 << 20}

// NewReader reads the header line of the table in r and checks the column
// names (none empty, none twice), within DefaultLimits.
func NewReader(r io.Reader, source string) (*Reader, error) {
	return NewReaderLimits(r, source, DefaultLimits)
}

// NewReaderLimits is NewReader with other limits (a zero field takes
// DefaultLimits').
func NewReaderLimits(r io.Reader, source string, lim Limits) (*Reader, error) {
	if lim.Columns <= 0 {
		lim.Columns = DefaultLimits.Columns
	}
	if lim.RecordBytes <= 0 {
		lim.RecordBytes = DefaultLimits.RecordBytes
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	first, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	rd := &Reader{Source: source, br: br, sep: ',', next: 1, lim: lim}
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		rd.sep = ';'
		rd.DecimalComma = true
	}
	err := rd.record()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: the file is empty; it needs a header line and at least one row", source)
	}
	if err != nil {
		return nil, err
	}
	header := rd.strings(nil)
	seen := make(map[string]bool, len(header))
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
		h := header[i]
		if h == "" && i == 0 {
			continue // R's write.csv row names: read by no name
		}
		if h == "" {
			return nil, fmt.Errorf("%s: line 1: column %d has an empty name; give every column but an R row-names first column a header", source, i+1)
		}
		if seen[h] {
			return nil, fmt.Errorf("%s: line 1: column %q appears twice; rename one of them", source, h)
		}
		seen[h] = true
	}
	rd.Header = header
	return rd, nil
}

// record reads the next non-blank record into rd.cur and rd.bound and sets
// rd.line, or returns io.EOF.
func (rd *Reader) record() error {
	for {
		text, quoted, err := rd.recordText()
		if err != nil {
			return err
		}
		rd.bound = rd.bound[:0]
		if !quoted {
			if n := len(text); n > 0 && text[n-1] == '\n' {
				text = text[:n-1]
			}
			if n := len(text); n > 0 && text[n-1] == '\r' {
				text = text[:n-1]
			}
			if len(text) == 0 {
				continue // encoding/csv skips empty lines
			}
			if n := bytes.Count(text, []byte{rd.sep}) + 1; n > rd.lim.Columns {
				return rd.tooWide(n)
			}
			rd.cur = text
			at := 0
			for {
				i := bytes.IndexByte(text[at:], rd.sep)
				if i < 0 {
					break
				}
				rd.bound = append(rd.bound, at, at+i)
				at += i + 1
			}
			rd.bound = append(rd.bound, at, len(text))
		} else if rd.splitQuoted(text) {
			if n := len(rd.bound) / 2; n > rd.lim.Columns {
				return rd.tooWide(n)
			}
			rd.cur = rd.qbuf
		} else {
			cr := csv.NewReader(bytes.NewReader(text))
			cr.Comma = rune(rd.sep)
			cr.FieldsPerRecord = -1
			rec, err := cr.Read()
			if err == io.EOF {
				continue
			}
			if pe, ok := err.(*csv.ParseError); ok {
				pe.StartLine += rd.line - 1
				pe.Line += rd.line - 1
			}
			if err != nil {
				return fmt.Errorf("%s: %w", rd.Source, err)
			}
			if len(rec) > rd.lim.Columns {
				return rd.tooWide(len(rec))
			}
			rd.qbuf = rd.qbuf[:0]
			for _, f := range rec {
				rd.bound = append(rd.bound, len(rd.qbuf), len(rd.qbuf)+len(f))
				rd.qbuf = append(rd.qbuf, f...)
			}
			rd.cur = rd.qbuf
		}
		if len(rd.bound) == 2 && len(bytes.TrimSpace(rd.cur)) == 0 {
			continue // a blank line
		}
		return nil
	}
}

func (rd *Reader) tooWide(n int) error {
	return fmt.Errorf("%s: line %d has %d cells; at most %d columns are read: remove unused columns (or check the separator)", rd.Source, rd.line, n, rd.lim.Columns)
}

// splitQuoted splits a one-line record with quoted fields (RFC 4180: a
// field in quotes, "" for a quote inside) into rd.qbuf and rd.bound, as
// encoding/csv reads it. It returns false, for encoding/csv to read the
// record (and report its errors), on anything else: a line break or
// carriage return inside the record, a quote inside an unquoted field, or
// text between a closing quote and the separator.
func (rd *Reader) splitQuoted(text []byte) bool {
	text = bytes.TrimSuffix(text, []byte("\n"))
	text = bytes.TrimSuffix(text, []byte("\r"))
	if bytes.IndexByte(text, '\n') >= 0 || bytes.IndexByte(text, '\r') >= 0 {
		return false
	}
	rd.qbuf = rd.qbuf[:0]
	rd.bound = rd.bound[:0]
	for at := 0; ; {
		start := len(rd.qbuf)
		if at < len(text) && text[at] == '"' {
			at++
			for {
				i := bytes.IndexByte(text[at:], '"')
				if i < 0 {
					return false // no closing quote
				}
				rd.qbuf = append(rd.qbuf, text[at:at+i]...)
				at += i + 1
				if at < len(text) && text[at] == '"' {
					rd.qbuf = append(rd.qbuf, '"')
					at++
					continue
				}
				break
			}
			if at < len(text) && text[at] != rd.sep {
				return false // text after the closing quote
			}
		} else {
			i := bytes.IndexByte(text[at:], rd.sep)
			if i < 0 {
				i = len(text) - at
			}
			if bytes.IndexByte(text[at:at+i], '"') >= 0 {
				return false // a quote inside an unquoted field
			}
			rd.qbuf = append(rd.qbuf, text[at:at+i]...)
			at += i
		}
		rd.bound = append(rd.bound, start, len(rd.qbuf))
		if at >= len(text) {
			return true
		}
		at++ // the separator
	}
}

// strings returns the current record's fields as strings, one allocation
// for all of them, in dst (reused when it has the capacity).
func (rd *Reader) strings(dst []string) []string {
	s := string(rd.cur)
	dst = dst[:0]
	for k := 0; k < len(rd.bound); k += 2 {
		dst = append(dst, s[rd.bound[k]:rd.bound[k+1]])
	}
	return dst
}

// recordText returns the text of the next record: one line, or, while
// the quotes are unbalanced, as many lines as it takes; quoted says
// whether it holds a quote. The text is valid until the next call.
func (rd *Reader) recordText() (text []byte, quoted bool, err error) {
	rd.line = rd.next
	rd.buf = rd.buf[:0]
	quotes := 0
	for {
		l, err := rd.br.ReadSlice('\n')
		if len(rd.buf)+len(l) > rd.lim.RecordBytes {
			return nil, false, fmt.Errorf("%s: line %d: a row longer than %d bytes (a quote never closed, or not a table?); at most %d bytes a row are read", rd.Source, rd.line, rd.lim.RecordBytes, rd.lim.RecordBytes)
		}
		if err == bufio.ErrBufferFull {
			quotes += bytes.Count(l, []byte{'"'})
			rd.buf = append(rd.buf, l...)
			continue
		}
		if err != nil && err != io.EOF {
			return nil, false, fmt.Errorf("%s: %w", rd.Source, err)
		}
		if len(l) > 0 && l[len(l)-1] == '\n' {
			rd.next++
		}
		quotes += bytes.Count(l, []byte{'"'})
		if len(rd.buf) == 0 && quotes%2 == 0 && (len(l) > 0 || err == nil) {
			return l, quotes > 0, nil // the common case: one whole line, no copy
		}
		rd.buf = append(rd.buf, l...)
		if quotes%2 == 0 || err == io.EOF {
			if len(rd.buf) == 0 {
				return nil, false, io.EOF
			}
			return rd.buf, quotes > 0, nil
		}
	}
}

// advance reads the next data row and checks its number of fields.
func (rd *Reader) advance() error {
	if err := rd.record(); err != nil {
		return err
	}
	if n := len(rd.bound) / 2; n != len(rd.Header) && !rd.AllowRagged {
		return fmt.Errorf("%s: line %d has %d fields but the header has %d; fix the ragged row", rd.Source, rd.line, n, len(rd.Header))
	}
	return nil
}

// Next returns the next data row (len(Header) cells), skipping blank lines,
// or io.EOF after the last row. A row with the wrong number of fields is an
// error naming its line.
func (rd *Reader) Next() ([]string, error) {
	if err := rd.advance(); err != nil {
		return nil, err
	}
	if !rd.ReuseRecord {
		return rd.strings(nil), nil
	}
	rd.rec = rd.strings(rd.rec)
	return rd.rec, nil
}

// Scan advances to the next data row, whose cells Field, Float and Missing
// then read; it returns false after the last row or on an error, which Err
// returns. Scan allocates nothing for a row without quotes.
func (rd *Reader) Scan() bool {
	if rd.err != nil {
		return false
	}
	rd.err = rd.advance()
	return rd.err == nil
}

// Err returns the error that stopped Scan, or nil at the end of the file.
func (rd *Reader) Err() error {
	if rd.err == io.EOF {
		return nil
	}
	return rd.err
}

// NumFields returns the number of fields of the current row (len(Header)
// unless AllowRagged).
func (rd *Reader) NumFields() int { return len(rd.bound) / 2 }

// Field returns cell j of the current row as it is in the file (quotes
// removed, spaces kept). It is valid until the next call of Scan or Next.
func (rd *Reader) Field(j int) []byte { return rd.cur[rd.bound[2*j]:rd.bound[2*j+1]] }

// Missing reports whether cell j of the current row is missing (IsMissing).
func (rd *Reader) Missing(j int) bool { return isMissing(rd.Field(j)) }

// Float converts cell j of the current row to a number as ParseFloat does
// (missing gives NaN); a cell that is not a number gives a *CellError
// naming the line, the column and the value.
func (rd *Reader) Float(j int) (float64, error) {
	b := rd.Field(j)
	if v, ok := parseDecimal(b); ok {
		return v, nil
	}
	v, err := ParseFloat(string(b), rd.DecimalComma)
	if err != nil {
		return 0, rd.CellError(j, notNumber)
	}
	return v, nil
}

// CellError returns the error msg for cell j of the current row, naming the
// file, the line, the column and the value.
func (rd *Reader) CellError(j int, msg string) *CellError {
	return &CellError{Source: rd.Source, Line: rd.line, Column: rd.Header[j], Value: string(rd.Field(j)), Msg: msg}
}

// RowsHint estimates the number of rows of a file of size bytes from the
// lines already buffered, so that a caller can size its columns once
// instead of growing them; 0 if there is nothing to go on.
func (rd *Reader) RowsHint(size int64) int {
	b, _ := rd.br.Peek(rd.br.Buffered())
	lines := bytes.Count(b, []byte{'\n'})
	if lines == 0 || len(b) == 0 {
		return 0
	}
	return int(float64(size)/float64(len(b))*float64(lines)*1.05) + 16
}

// Column returns the position of the named column, or an error that lists
// the columns the file does have.
func (rd *Reader) Column(name string) (int, error) {
	if j := slices.Index(rd.Header, name); j >= 0 && name != "" {
		return j, nil
	}
	return -1, fmt.Errorf("%s: no column %q; the columns are: %s", rd.Source, name, strings.Join(rd.Header, ", "))
}

// Codes numbers the distinct values of a text column 0, 1, 2, ... in the
// order they first appear, so that a large file's groups are kept as small
// integers and each distinct text once. Cells are trimmed of space.
type Codes struct {
	// Levels holds the distinct values; code k stands for Levels[k].
	Levels []string
	index  map[string]int32
}

// Code returns the code of a cell, adding it as a new level when unseen.
func (c *Codes) Code(cell []byte) int32 {
	cell = bytes.TrimSpace(cell)
	if k, ok := c.index[string(cell)]; ok { // no allocation for the lookup
		return k
	}
	if c.index == nil {
		c.index = map[string]int32{}
	}
	k := int32(len(c.Levels))
	s := string(cell)
	c.index[s] = k
	c.Levels = append(c.Levels, s)
	return k
}

// Line returns the file line (1-based) of the row Next returned last.
func (rd *Reader) Line() int { return rd.line }

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
func IsMissing(s string) bool { return isMissing(s) }

// isMissing is IsMissing for text or bytes, without allocating.
func isMissing[T string | []byte](s T) bool {
	i, j := 0, len(s)
	for i < j && asciiSpace(s[i]) {
		i++
	}
	for j > i && asciiSpace(s[j-1]) {
		j--
	}
	for k := i; k < j; k++ {
		if s[k] >= 0x80 { // Unicode space or case: the general rule
			switch strings.ToLower(strings.TrimSpace(string(s))) {
			case "", "na", "n/a", "nan", "null", ".", "<na>":
				return true
			}
			return false
		}
	}
	if j-i > 4 {
		return false
	}
	var w [4]byte
	for k := i; k < j; k++ {
		c := s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		w[k-i] = c
	}
	switch string(w[:j-i]) {
	case "", "na", "n/a", "nan", "null", ".", "<na>":
		return true
	}
	return false
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
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

// notNumber is the message of a CellError for a cell that is not a number.
const notNumber = "is not a number; write a plain number such as 12.5, or leave the cell empty if it is missing"

// ErrNotNumber is wrapped by the CellError of a cell that is not a number.
var ErrNotNumber = errors.New("is not a number")

// ParseFloat converts one cell to a number. A missing cell gives NaN and no
// error. With decimalComma, "1,5" reads as 1.5.
func ParseFloat(s string, decimalComma bool) (float64, error) {
	if v, ok := parseDecimal(s); ok {
		return v, nil
	}
	s = strings.TrimSpace(s)
	if IsMissing(s) {
		return math.NaN(), nil
	}
	if decimalComma {
		s = strings.Replace(s, ",", ".", 1)
	}
	if !plainNumber(s) {
		return 0, ErrNotNumber
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, ErrNotNumber
	}
	return v, nil
}

// plainNumber reports whether s holds only what a decimal number in a
// data file is written with: digits, signs, one decimal point and an
// exponent. strconv.ParseFloat also reads Go literals ("1_200",
// "0x1p4", "Inf"), which in a clinical file are typos, not numbers.
func plainNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '+', c == '-', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
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
			return nil, &CellError{Source: t.Source, Line: t.Line(i), Column: name, Value: row[j], Msg: notNumber}
		}
		out[i] = v
	}
	return out, nil
}

// pow10 holds the powers of ten that are exact in float64.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDecimal is ParseFloat's fast path for the common cell of a large
// file, a plain decimal ([+-]digits[.digits], no exponent or spaces) of at
// most 15 significant digits (leading zeros aside, as in R's 15-digit
// "0.612133080176864") and 19 digits in all: the digits form an integer m <
// 10^15 < 2^53 and the value is m / 10^k, one correctly rounded division
// of two exact numbers (Clinger's fast path), so it equals
// strconv.ParseFloat's. ok is false for anything else.
func parseDecimal[T string | []byte](s T) (float64, bool) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		i = 1
	}
	var m uint64
	start := i
	for ; i < len(s); i++ {
		c := s[i] - '0' // wraps above 9 for non-digits
		if c > 9 {
			break
		}
		m = m*10 + uint64(c)
	}
	digits, frac := i-start, 0
	if i < len(s) && s[i] == '.' {
		i++
		start = i
		for ; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				break
			}
			m = m*10 + uint64(c)
		}
		frac = i - start
		digits += frac
	}
	// At most 19 digits cannot overflow m; then m < 1e15 bounds the
	// significant ones.
	if i != len(s) || digits == 0 || digits > 19 || m >= 1e15 || frac >= len(pow10) {
		return 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}
