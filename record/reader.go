package record

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"carimpi/internal/xlsx"
	"carimpi/table"
)

// Reader streams the rows of a patient file, a CSV file (through package
// table: byte-order mark, ',' or ';' separators, quotes) or an XLSX sheet,
// with its Header. It is the one input path of every command that reads
// patients from a file.
type Reader struct {
	// Source names the file in messages.
	Source string
	Header *Header
	// DecimalComma is true when the file's numbers use ',' as the decimal
	// mark (declared, or implied by a ';' separator).
	DecimalComma bool
	src          rowSource
	close        func() error
}

// rowSource yields raw rows: Next returns the cells (possibly reused by
// the next call) or io.EOF; Line the file line or sheet row of that row.
type rowSource interface {
	Next() ([]string, error)
	Line() int
}

// Open opens a .csv (or other delimited text) or .xlsx file.
func Open(path string, opts Options) (*Reader, error) {
	name := filepath.Base(path)
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".xls", ".ods", ".numbers":
		return nil, fmt.Errorf("%s: this spreadsheet format is not read; save it as .xlsx or .csv", name)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var rd *Reader
	if ext == ".xlsx" {
		rd, err = NewXLSXReader(f, name, opts)
	} else {
		rd, err = NewCSVReader(f, name, opts)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	inner := rd.close
	rd.close = func() error {
		err := inner()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return rd, nil
}

// Close releases the file.
func (rd *Reader) Close() error { return rd.close() }

// csvSource reads a delimited file, reporting a row with the wrong number
// of fields as errRagged so that the row is reported and the read goes on.
type csvSource struct{ rd *table.Reader }

func (s csvSource) Next() ([]string, error) { return s.rd.Next() }
func (s csvSource) Line() int               { return s.rd.Line() }

// NewCSVReader reads a delimited table from r; source names it.
func NewCSVReader(r io.Reader, source string, opts Options) (*Reader, error) {
	trd, err := table.NewReaderLimits(r, source, opts.Limits)
	if err != nil {
		return nil, err
	}
	trd.ReuseRecord = true
	trd.AllowRagged = true
	fm := opts.Format
	if fm.Decimal == 0 && trd.DecimalComma {
		fm.Decimal = ','
	}
	h, err := NewHeader(trd.Header, opts, fm)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return &Reader{Source: source, Header: h, DecimalComma: h.format.Decimal == ',', src: csvSource{trd}, close: func() error { return nil }}, nil
}

// xlsxSource streams the rows of one sheet. Cells are read raw (numbers as
// stored, not as formatted), so a number keeps its full precision and a
// date cell arrives as its Excel serial day, which date columns read.
type xlsxSource struct {
	rows   *excelize.Rows
	source string // names the file in errors, as table.Reader's do
	width  int
	line   int
}

func (x *xlsxSource) Next() ([]string, error) {
	for x.rows.Next() {
		x.line++
		cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", x.source, x.line, err)
		}
		if len(cells) == 0 && x.width == 0 {
			continue // empty rows before the header
		}
		for len(cells) < x.width {
			cells = append(cells, "")
		}
		return cells, nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, fmt.Errorf("%s: %w", x.source, err)
	}
	return nil, io.EOF
}

func (x *xlsxSource) Line() int { return x.line }

// NewXLSXReader reads one sheet (Options.Sheet, or the first) of an XLSX
// workbook; its first non-empty row is the header.
func NewXLSXReader(r io.Reader, source string, opts Options) (*Reader, error) {
	f, err := xlsx.Open(r, source)
	if err != nil {
		return nil, err
	}
	sheet := opts.Sheet
	if sheet == "" {
		sheet = f.GetSheetName(0)
	}
	if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		f.Close()
		return nil, fmt.Errorf("%s: no sheet %q; the sheets are: %s", source, sheet, strings.Join(f.GetSheetList(), ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	closeAll := func() error { rows.Close(); return f.Close() }
	x := &xlsxSource{rows: rows, source: source}
	head, err := x.Next()
	if err != nil {
		closeAll()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: sheet %q is empty; it needs a header row and at least one row", source, sheet)
		}
		return nil, err
	}
	header := make([]string, len(head))
	for i, c := range head {
		header[i] = strings.TrimSpace(c)
	}
	x.width = len(header)
	fm := opts.Format
	h, err := NewHeader(header, opts, fm)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return &Reader{Source: source, Header: h, DecimalComma: h.format.Decimal == ',', src: x, close: closeAll}, nil
}

// Row is one data row, read and converted.
type Row struct {
	// Seq is the 1-based data row (blank rows are not counted); Line the
	// file line or sheet row.
	Seq, Line int
	// Blank marks a row whose cells are all empty: skipped and counted,
	// not numbered.
	Blank bool
	// Ragged, when not empty, says that the row has the wrong number of
	// cells; Record is then empty and Issues nil.
	Ragged string
	Cells  []string
	Record Record
	Issues []Issue
}

// ID returns the row's patient_id, or its row number when it has none.
func (row *Row) ID() string {
	if row.Record.PatientID != "" {
		return row.Record.PatientID
	}
	return fmt.Sprint(row.Seq)
}

// Cell returns the cell of a source column ("" when there is none).
func (row *Row) Cell(h *Header, f Field) string {
	if i := h.field[f]; i >= 0 && i < len(row.Cells) {
		return row.Cells[i]
	}
	return ""
}

// batch is a run of rows handed between the stages of Stream, with its
// per-row work values.
type batch[T any] struct {
	seq   int
	rows  []Row
	work  []T
	arena []string
	err   error // a read error after the rows
}

const batchSize = 256

// Stream reads every row of rd. Rows are split by one goroutine, converted
// (Header.Read) and passed to work by `workers` goroutines (0 means
// GOMAXPROCS; work may be nil), and passed to commit in file order in the
// calling goroutine, so the result is that of a sequential pass. Memory is
// bounded: batches of rows circulate through a free list. A row's slices
// (Cells, Issues) and its T are reused after commit returns. An error from
// commit or reading the file stops the stream.
func Stream[T any](rd *Reader, workers int, work func(*Row, *T), commit func(*Row, *T) error) error {
	if workers <= 0 {
		workers = max(1, runtime.GOMAXPROCS(0))
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(done)
		wg.Wait()
	}()
	nBatch := 2*workers + 2
	free := make(chan *batch[T], nBatch)
	for range nBatch {
		free <- &batch[T]{}
	}
	raw := make(chan *batch[T], nBatch)
	results := make(chan *batch[T], nBatch)
	wg.Add(1)
	go func() {
		defer wg.Done()
		readBatches(rd, free, raw, done)
	}()
	var conv sync.WaitGroup
	for range workers {
		wg.Add(1)
		conv.Add(1)
		go func() {
			defer wg.Done()
			defer conv.Done()
			for b := range raw {
				if len(b.work) < len(b.rows) {
					b.work = make([]T, batchSize)
				}
				for i := range b.rows {
					row := &b.rows[i]
					rd.convert(row)
					if work != nil {
						work(row, &b.work[i])
					}
				}
				select {
				case results <- b:
				case <-done:
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		conv.Wait()
		close(results)
	}()
	pending := map[int]*batch[T]{}
	next := 0
	for b := range results {
		pending[b.seq] = b
		for b := pending[next]; b != nil; b = pending[next] {
			delete(pending, next)
			next++
			for i := range b.rows {
				if err := commit(&b.rows[i], &b.work[i]); err != nil {
					return err
				}
			}
			if b.err == io.EOF {
				return nil
			}
			if b.err != nil {
				return b.err // both sources name the file in their errors
			}
			free <- b
		}
	}
	return errors.New("record: the row reader stopped without the end of the file")
}

// convert fills a row from its cells.
func (rd *Reader) convert(row *Row) {
	row.Issues = row.Issues[:0]
	if row.Blank {
		return
	}
	if n, w := len(row.Cells), len(rd.Header.Columns); n != w {
		row.Record = missing
		row.Ragged = fmt.Sprintf("the row has %d cells but the header has %d", n, w)
		return
	}
	row.Ragged = ""
	row.Issues = rd.Header.Read(row.Cells, &row.Record, row.Issues)
}

// readBatches fills free batches with raw rows and sends them, numbered,
// on raw; it stops at the end or an error (recorded in the last batch), or
// when done is closed.
func readBatches[T any](rd *Reader, free <-chan *batch[T], raw chan<- *batch[T], done <-chan struct{}) {
	defer close(raw)
	rows := 0
	for seq := 0; ; seq++ {
		var b *batch[T]
		select {
		case b = <-free:
		case <-done:
			return
		}
		b.seq, b.rows, b.arena, b.err = seq, b.rows[:0], b.arena[:0], nil
		for len(b.rows) < batchSize {
			cells, err := rd.src.Next()
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) && pe.Err == csv.ErrFieldCount {
					err = nil // a ragged row: kept and reported by convert
				} else {
					b.err = err
					break
				}
			}
			// The source reuses its slice: keep the cells in the arena
			// (earlier rows keep pointing into an old arena if this one
			// grows, which stays valid).
			start := len(b.arena)
			b.arena = append(b.arena, cells...)
			if len(b.rows) < cap(b.rows) {
				b.rows = b.rows[:len(b.rows)+1]
			} else {
				b.rows = append(b.rows, Row{})
			}
			row := &b.rows[len(b.rows)-1]
			row.Cells, row.Line = b.arena[start:len(b.arena):len(b.arena)], rd.src.Line()
			row.Blank = blank(row.Cells)
			if !row.Blank {
				rows++
			}
			row.Seq = rows
		}
		select {
		case raw <- b:
		case <-done:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// blank reports whether every cell is empty or space.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
