package scores

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"carimpi/record"
)

// BatchError is a value of one cell that could not be used: the 1-based
// data row (the first patient is row 1), its file line, the column as
// named in the file, the cell as read, what is wrong with it and the
// likely fix. The row is still scored: only the indices that need that
// field are unavailable. A row with the wrong number of cells has Column
// "" and is not scored.
type BatchError struct {
	Row     int    `json:"row"`
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

// BatchOptions configures Scorer.Batch.
type BatchOptions struct {
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
	Errors     []BatchError // the first MaxErrors values that could not be used
	ErrorCount int          // all of them
	ErrorRows  int          // rows with at least one error
	Warnings   int          // rows with at least one warning
}

// scored is one row's output, made by a worker.
type scored struct {
	out  []byte
	errs []BatchError
	warn bool
}

// Batch reads patients from rd (the one input path of package record: a
// CSV file or an XLSX sheet with its header mapped), scores each as Score
// does and writes one output row per input row (blank rows skipped), in
// input order, to w: CSV with the header RowColumns, or JSON
//
//	{"notice": ..., "models": [...], "rows": [{...}, ...], "errors": [{"row", "line", "column", "value", "message", "fix"}, ...]}
//
// A value that cannot be used is reported in errors and leaves only the
// indices that need it unavailable; a row with the wrong number of cells
// is written with null scores. Rows are converted and scored in parallel
// (record.Stream), so memory does not grow with the file; errors past
// MaxErrors go to Spool or are counted. An error reading the input stops
// the batch.
func (s *Scorer) Batch(rd *record.Reader, w io.Writer, opt BatchOptions) (BatchSummary, error) {
	var sum BatchSummary
	bw := bufio.NewWriterSize(w, 1<<16)
	jsonOut := opt.Format == "json"
	if jsonOut {
		head, _ := json.Marshal(struct {
			Notice    string     `json:"notice"`
			Simulated bool       `json:"simulated"`
			Models    []ModelRef `json:"models"`
		}{opt.Notice, opt.Simulated, opt.Models})
		fmt.Fprintf(bw, "%s,\n\"rows\":[", head[:len(head)-1])
	} else {
		bw.WriteString(strings.Join(RowColumns, ",") + "\n")
	}
	var spoolEnc *json.Encoder
	if opt.Spool != nil && jsonOut {
		spoolEnc = json.NewEncoder(opt.Spool)
	}
	var spoolErr error
	work := func(row *record.Row, o *scored) {
		o.out, o.errs, o.warn = o.out[:0], o.errs[:0], false
		if row.Blank {
			return
		}
		var r Result
		if row.Ragged != "" {
			o.errs = append(o.errs, BatchError{Row: row.Seq, Line: row.Line, Message: row.Ragged,
				Fix: "fix the ragged row: a separator too many or too few, or an unquoted separator inside a value"})
			r = s.NotScored(row.ID(), "not scored: "+row.Ragged)
		} else {
			p := &row.Record
			if p.PatientID == "" {
				p.PatientID = row.ID()
			}
			s.score(p, row.Issues, false, &r)
			for _, is := range row.Issues {
				if is.Severity == record.SeverityError {
					o.errs = append(o.errs, BatchError{Row: row.Seq, Line: row.Line, Column: is.Column, Value: is.Value, Message: is.Message, Fix: is.Fix})
				}
			}
		}
		o.warn = len(r.Warnings) > 0
		res := r.Row()
		if jsonOut {
			o.out = res.AppendJSON(o.out)
		} else {
			o.out = res.AppendCSV(o.out)
		}
	}
	commit := func(row *record.Row, o *scored) error {
		if row.Blank {
			return nil
		}
		if jsonOut {
			if sum.Rows > 0 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
		}
		if _, err := bw.Write(o.out); err != nil {
			return err
		}
		sum.Rows++
		if len(o.errs) > 0 {
			sum.ErrorRows++
			for _, e := range sum.Add(o.errs, opt.MaxErrors) {
				if spoolEnc != nil && spoolErr == nil {
					spoolErr = spoolEnc.Encode(e)
				}
			}
		}
		if o.warn {
			sum.Warnings++
		}
		return nil
	}
	if err := record.Stream(rd, opt.Workers, work, commit); err != nil {
		bw.Flush()
		return sum, err
	}
	if spoolErr != nil {
		return sum, fmt.Errorf("keeping the list of errors: %w", spoolErr)
	}
	if jsonOut {
		if err := FinishBatch(bw, sum, opt.Spool); err != nil {
			return sum, err
		}
	}
	return sum, bw.Flush()
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
