package scores

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"carimpi/table"
)

// Columns maps the header of a patient table to the data dictionary
// fields, with the units the values are given in.
type Columns struct {
	// Ignored lists the header names that are not data dictionary fields.
	Ignored []string
	header  []string
	id      int // column of patient_id, -1 when absent
	cols    []column
}

type column struct {
	field  Field
	index  int
	unit   string
	factor float64
}

// NewColumns maps a header. Names match the data dictionary ignoring case,
// surrounding space, and spaces or dashes for '_' ("LDH ULN" is ldh_uln).
// Columns that are not fields are ignored (and listed in Ignored); a missing required column (age, stage, mtv_ml) is an
// error naming it and the columns the file has.
func NewColumns(header []string, units Units) (*Columns, error) {
	c := &Columns{header: header, id: -1}
	for i, h := range header {
		key := headerKey(h)
		if key == "patient_id" {
			c.id = i
			continue
		}
		f, ok := FieldByName(key)
		if !ok {
			c.Ignored = append(c.Ignored, h)
			continue
		}
		unit := units[f]
		if l := labOf(f); l >= 0 && unit == "" {
			unit = units[l]
		}
		factor, err := f.Convert(1, unit)
		if err != nil {
			return nil, err
		}
		c.cols = append(c.cols, column{f, i, unit, factor})
	}
	var missing []string
	for f := Field(0); f < NumFields; f++ {
		if fields[f].Required && !c.has(f) {
			missing = append(missing, fmt.Sprintf("%q (%s)", fields[f].Name, fields[f].Description))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("required column %s missing; the columns are: %s", strings.Join(missing, ", "), strings.Join(header, ", "))
	}
	return c, nil
}

// headerKey spells a column name as the data dictionary does.
func headerKey(h string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return unicode.ToLower(r)
	}, strings.TrimSpace(h))
}

func (c *Columns) has(f Field) bool {
	for _, col := range c.cols {
		if col.field == f {
			return true
		}
	}
	return false
}

// BatchError is a problem with one cell of a batch: the 1-based data row
// (the first patient is row 1), the column as named in the file, the cell
// as read and what is wrong with it. The row is not scored.
type BatchError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

// Patient reads one row (cells in header order) into a patient in
// canonical units. Cells that are not numbers are returned as errors
// naming the field and the value (the field is then missing).
func (c *Columns) Patient(cells []string, decimalComma bool, row int) (Patient, []Issue) {
	p := NewPatient("")
	if c.id >= 0 {
		p.ID = strings.TrimSpace(cells[c.id])
	}
	if p.ID == "" {
		p.ID = strconv.Itoa(row)
	}
	var errs []Issue
	for _, col := range c.cols {
		cell := cells[col.index]
		v, ok := parseNumber(cell, decimalComma)
		if !ok {
			var err error
			if v, err = ParseValue(col.field, cell, decimalComma); err != nil {
				errs = append(errs, Issue{col.field.Name(), cell, err.Error()})
				continue
			}
		}
		p.Values[col.field] = v * col.factor
	}
	return p, errs
}

// scoreCells scores one table row: parse, check, score; errors carry the raw
// cell.
func (s *Scorer) scoreCells(c *Columns, cells []string, decimalComma bool, row, line int, rowErr string, r *Result) []BatchError {
	p, errs := c.Patient(cells, decimalComma, row)
	if rowErr != "" {
		errs = append([]Issue{{Message: rowErr}}, errs...)
	}
	*r = Result{Errors: errs}
	s.score(&p, false, r)
	if len(r.Errors) == 0 {
		return nil
	}
	out := make([]BatchError, len(r.Errors))
	for i, e := range r.Errors {
		column, value := e.Field, e.Value
		if f, ok := FieldByName(e.Field); ok {
			for _, col := range c.cols {
				if col.field == f {
					column, value = c.header[col.index], cells[col.index]
				}
			}
		}
		out[i] = BatchError{Row: row, Column: column, Value: value, Message: fmt.Sprintf("line %d: %s", line, e.Message)}
	}
	return out
}

// BatchOptions configures Scorer.Batch.
type BatchOptions struct {
	Units  Units
	Format string // "csv" (default) or "json"
	// Workers is the number of goroutines scoring; 0 means GOMAXPROCS.
	Workers int
	// Notice, Simulated and Models head the JSON output ("notice",
	// "simulated": a model in use was fitted on simulated data, "models").
	Notice    string
	Simulated bool
	Models    []ModelRef
	// MaxErrors is how many errors BatchSummary.Errors keeps (0 means
	// DefaultMaxErrors): memory does not grow with the number of bad rows.
	// Every error is counted, and every row not scored says why in its own
	// warnings.
	MaxErrors int
	// Spool, when set, receives the errors past MaxErrors so that the JSON
	// "errors" member still lists them all (a temporary file: memory stays
	// bounded). Without it, JSON output lists the first MaxErrors and says
	// how many it left out in "errors_omitted".
	Spool io.ReadWriteSeeker
}

// DefaultMaxErrors is the number of errors a batch keeps in memory.
const DefaultMaxErrors = 1000

// ModelRef names a model, its version and where its numbers come from in
// batch output.
type ModelRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	DOI     string `json:"doi"`
	// Provenance is set for the models whose numbers come from a model
	// file or a publication (IMPI, CAR-IMPI).
	Provenance *Provenance `json:"provenance,omitempty"`
}

// Refs returns the id, name, version and first DOI of each model in use.
func (s *Scorer) Refs() []ModelRef {
	var refs []ModelRef
	for _, in := range s.Models() {
		refs = append(refs, ModelRef{ID: in.ID, Name: in.Name, Version: in.Version, DOI: in.DOI, Provenance: in.Provenance})
	}
	return refs
}

// BatchSummary counts what Batch did.
type BatchSummary struct {
	Rows       int          // data rows read (= rows written)
	Errors     []BatchError // the first MaxErrors cells that kept a row from being scored
	ErrorCount int          // all of them
	ErrorRows  int          // rows not scored
	Warnings   int          // rows with at least one warning
}

// batchChunk is the most rows scored together; batchCells and batchBytes
// bound a chunk's cells and text, so that a wide table or long rows take
// fewer rows a chunk: memory stays bounded whatever the rows.
const (
	batchChunk = 512
	batchCells = 1 << 15
	batchBytes = 1 << 20
)

// chunk is a run of rows scored together; chunks are recycled.
type chunk struct {
	seq   int
	first int      // 1-based row number of the first row
	n     int      // rows in the chunk
	cells []string // n rows × width cells, row-major
	lines []int
	sizes []int // cells each row had in the input (width unless ragged)
	out   []byte
	errs  []BatchError
	warn  int
	bad   int // rows with errors
}

// Batch reads patients from rd, scores each as Row does and writes one
// output row per input row, in input order, to w: CSV with the header
// RowColumns, or JSON
//
//	{"notice": ..., "models": [...], "rows": [{...}, ...], "errors": [{"row", "column", "value", "message"}, ...]}
//
// A row with an error (a bad cell, or the wrong number of cells) is
// written with null scores and reported in errors; the other rows are
// scored. Rows are parsed and scored by Workers
// goroutines in chunks, with a bounded number of chunks in flight, so
// memory does not grow with the file. An error reading the input stops the
// batch.
func (s *Scorer) Batch(rd *table.Reader, w io.Writer, opt BatchOptions) (BatchSummary, error) {
	rd.ReuseRecord = true
	rd.AllowRagged = true
	return s.BatchRows(rd.Source, rd.Header, rd.DecimalComma, rd, w, opt)
}

// RowSource is a table read one row at a time: Next returns the cells of
// the next row (in header order, as many as the header) or io.EOF, Line
// the file line (or sheet row) of that row. *table.Reader is one. A row
// with fewer or more cells than the header is reported as an error of that
// row.
type RowSource interface {
	Next() ([]string, error)
	Line() int
}

// BatchRows is Batch for any row source (an XLSX sheet, a database
// cursor): source names it in errors, header gives the column names, and
// decimalComma says whether numbers use ',' as the decimal mark. The
// slices Next returns may be reused by the following call.
func (s *Scorer) BatchRows(source string, header []string, decimalComma bool, rows RowSource, w io.Writer, opt BatchOptions) (BatchSummary, error) {
	var sum BatchSummary
	cols, err := NewColumns(header, opt.Units)
	if err != nil {
		return sum, fmt.Errorf("%s: %v", source, err)
	}
	jsonOut := opt.Format == "json"
	if jsonOut {
		head, _ := json.Marshal(struct {
			Notice    string     `json:"notice"`
			Simulated bool       `json:"simulated"`
			Models    []ModelRef `json:"models"`
		}{opt.Notice, opt.Simulated, opt.Models})
		if _, err := fmt.Fprintf(w, "%s,\n\"rows\":[", head[:len(head)-1]); err != nil {
			return sum, err
		}
	} else if _, err := io.WriteString(w, strings.Join(RowColumns, ",")+"\n"); err != nil {
		return sum, err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	todo := make(chan *chunk, workers)
	done := make(chan *chunk, workers)
	free := make(chan *chunk, 3*workers+2)
	width := len(header)
	chunkRows := min(batchChunk, max(1, batchCells/max(width, 1)))
	maxErrs := opt.MaxErrors
	var spoolEnc *json.Encoder
	if opt.Spool != nil && jsonOut {
		spoolEnc = json.NewEncoder(opt.Spool)
	}
	var spoolErr error
	keep := func(errs []BatchError) {
		for _, e := range sum.Add(errs, maxErrs) {
			if spoolEnc != nil && spoolErr == nil {
				spoolErr = spoolEnc.Encode(e)
			}
		}
	}
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r Result
			for ch := range todo {
				out := ch.out[:0]
				for i := 0; i < ch.n; i++ {
					row := ch.first + i
					cells := ch.cells[i*width : (i+1)*width]
					rowErr := ""
					if n := ch.sizes[i]; n != width {
						rowErr = fmt.Sprintf("the row has %d cells but the header has %d; fix the ragged row", n, width)
					}
					errs := s.scoreCells(cols, cells, decimalComma, row, ch.lines[i], rowErr, &r)
					if len(errs) > 0 {
						ch.bad++
						ch.errs = append(ch.errs, errs...)
					}
					res := r.Row()
					if len(r.Warnings) > 0 {
						ch.warn++
					}
					if jsonOut {
						if row > 1 {
							out = append(out, ',')
						}
						out = append(out, '\n')
						out = res.AppendJSON(out)
					} else {
						out = res.AppendCSV(out)
					}
				}
				ch.out = out
				done <- ch
			}
		}()
	}
	// The reader feeds chunks; a collector writes them back in order.
	var readErr error
	go func() {
		defer func() { close(todo); wg.Wait(); close(done) }()
		seq, row, eof := 0, 1, false
		for {
			var ch *chunk
			select {
			case ch = <-free:
			default:
				ch = &chunk{cells: make([]string, 0, chunkRows*width), lines: make([]int, 0, chunkRows), sizes: make([]int, 0, chunkRows)}
			}
			*ch = chunk{seq: seq, first: row, cells: ch.cells[:0], lines: ch.lines[:0], sizes: ch.sizes[:0], out: ch.out[:0], errs: ch.errs[:0]}
			for size := 0; ch.n < chunkRows && size < batchBytes; {
				rec, err := rows.Next()
				if err == io.EOF {
					eof = true
					break
				}
				if err != nil {
					readErr = err
					break
				}
				// A ragged row is kept (padded or cut to the header) and
				// reported as an error of its own.
				ch.sizes = append(ch.sizes, len(rec))
				for len(rec) < width {
					rec = append(rec, "")
				}
				ch.cells = append(ch.cells, rec[:width]...)
				for _, c := range rec[:width] {
					size += len(c)
				}
				ch.lines = append(ch.lines, rows.Line())
				ch.n++
			}
			if ch.n > 0 {
				todo <- ch
				seq++
				row += ch.n
			}
			if eof || readErr != nil {
				return
			}
		}
	}()
	pending := map[int]*chunk{}
	next := 0
	var writeErr error
	for ch := range done {
		pending[ch.seq] = ch
		for c, ok := pending[next]; ok; c, ok = pending[next] {
			delete(pending, next)
			next++
			if writeErr == nil {
				_, writeErr = w.Write(c.out)
			}
			sum.Rows += c.n
			keep(c.errs)
			sum.ErrorRows += c.bad
			sum.Warnings += c.warn
			select {
			case free <- c:
			default:
			}
		}
	}
	if readErr != nil {
		return sum, readErr
	}
	if writeErr != nil {
		return sum, writeErr
	}
	if spoolErr != nil {
		return sum, fmt.Errorf("keeping the list of errors: %w", spoolErr)
	}
	if jsonOut {
		return sum, FinishBatch(w, sum, opt.Spool)
	}
	return sum, nil
}

// Add counts errors and keeps them while fewer than limit
// (DefaultMaxErrors when limit <= 0) are kept; it returns those not kept.
// (ErrorRows is the caller's to count.)
func (sum *BatchSummary) Add(errs []BatchError, limit int) []BatchError {
	if limit <= 0 {
		limit = DefaultMaxErrors
	}
	sum.ErrorCount += len(errs)
	n := min(len(errs), max(0, limit-len(sum.Errors)))
	sum.Errors = append(sum.Errors, errs[:n]...)
	return errs[n:]
}

// FinishBatch ends a JSON batch document whose rows have all been written:
// the "errors" member (see BatchOptions.Spool) and the closing brace.
func FinishBatch(w io.Writer, sum BatchSummary, spool io.ReadWriteSeeker) error {
	if err := writeErrors(w, sum, spool); err != nil {
		return err
	}
	_, err := io.WriteString(w, "}\n")
	return err
}

// writeErrors closes the "rows" array of a JSON batch document and writes
// its "errors" member: the kept errors, then those in spool (JSON lines),
// or, without a spool, "errors_omitted" counting the ones left out. The
// document's closing brace is left to the caller.
func writeErrors(w io.Writer, sum BatchSummary, spool io.ReadWriteSeeker) error {
	errs := sum.Errors
	if errs == nil {
		errs = []BatchError{}
	}
	b, _ := json.Marshal(errs)
	if spool != nil && sum.ErrorCount > len(sum.Errors) {
		if _, err := fmt.Fprintf(w, "\n],\n\"errors\":%s", b[:len(b)-1]); err != nil {
			return err
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return err
		}
		sc := bufio.NewScanner(spool)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			if _, err := fmt.Fprintf(w, ",%s", sc.Bytes()); err != nil {
				return err
			}
		}
		if err := sc.Err(); err != nil {
			return err
		}
		_, err := io.WriteString(w, "]")
		return err
	}
	_, err := fmt.Fprintf(w, "\n],\n\"errors\":%s", b)
	if err == nil && sum.ErrorCount > len(sum.Errors) {
		_, err = fmt.Fprintf(w, ",\n\"errors_omitted\":%d", sum.ErrorCount-len(sum.Errors))
	}
	return err
}

// WriteBatchFailure ends a JSON batch document that stopped short (its
// input could not be read to the end: a body past its size cap, a row past
// the line limit): the rows written so far, the errors kept, and an
// "error" object saying why the document is incomplete. A reader that
// checks for "error" cannot take the partial answer for a whole one.
func WriteBatchFailure(w io.Writer, sum BatchSummary, status int, cause error) error {
	if err := writeErrors(w, sum, nil); err != nil {
		return err
	}
	b, _ := json.Marshal(struct {
		Status   int    `json:"status"`
		Message  string `json:"message"`
		Rows     int    `json:"rows_written"`
		Complete bool   `json:"complete"`
	}{status, cause.Error() + "; the rows above are only those read before the failure: the answer is incomplete", sum.Rows, false})
	_, err := fmt.Fprintf(w, ",\n\"error\":%s}\n", b)
	return err
}
