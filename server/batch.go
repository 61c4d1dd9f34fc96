package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"carimpi/internal/textsafe"
	"carimpi/record"
	"carimpi/scores"
	"carimpi/table"
)

// batchResponse is the answer of POST /api/v1/batch in JSON, the document
// "carimpi batch --format json" writes: rows in input order, then the
// errors that kept rows from being scored. It is streamed, rows first.
type batchResponse struct {
	Notice string              `json:"notice"`
	Models []scores.ModelRef   `json:"models"`
	Rows   []scores.Row        `json:"rows"`
	Errors []scores.BatchError `json:"errors"`
}

// batch serves POST /api/v1/batch. A CSV body goes through scores'
// Scorer.Batch, the code of "carimpi batch" itself; JSON lines are decoded
// as /api/v1/score decodes a patient and scored row by row. The answer is
// JSON, or CSV when the client accepts text/csv and not JSON.
//
// Rows are scored and written while the body is still being read, so a
// problem found mid-stream (a body past the size cap without a
// Content-Length, a line past the limit, a quote never closed) cannot
// change the status any more; the answer is then visibly incomplete (see
// failStream): JSON ends with an "error" object, CSV is aborted. A declared
// Content-Length past the cap is refused with 413 before anything is read.
// A ragged row is an error of that row only.
func (a *api) batch(w http.ResponseWriter, r *http.Request) {
	mt := mediaType(r)
	jsonLines := mt == "application/x-ndjson" || mt == "application/jsonl"
	if mt != "text/csv" && !jsonLines {
		unsupported(w, r, "text/csv, application/x-ndjson")
		return
	}
	if r.ContentLength > a.maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "request body larger than "+byteSize(a.maxBody)+"; split the batch", nil)
		return
	}
	timer := time.NewTimer(BatchWait)
	select {
	case a.batchSlots <- struct{}{}:
		timer.Stop()
		defer func() { <-a.batchSlots }()
	case <-timer.C:
		w.Header().Set("Retry-After", "10")
		writeError(w, http.StatusServiceUnavailable, "too many batches at once; retry in a few seconds", nil)
		return
	case <-r.Context().Done():
		timer.Stop()
		return
	}
	units, fm, ferr := inputQuery(r)
	if ferr != nil {
		writeError(w, http.StatusBadRequest, ferr.Message, []FieldError{*ferr})
		return
	}
	format := "json"
	if acceptsCSV(r.Header.Get("Accept")) {
		format = "csv"
	}
	rc := http.NewResponseController(w)
	p := &pace{rc: rc, start: time.Now(), readBase: a.readTimeout, writeBase: a.writeTimeout}
	body := pacedBody{http.MaxBytesReader(w, r.Body, a.maxBody), p}
	// Read the body while writing the answer (HTTP/1 would otherwise
	// consume the whole body before the first write).
	_ = rc.EnableFullDuplex()
	out := flushWriter{w, p}
	if jsonLines {
		if len(units) > 0 {
			writeError(w, http.StatusBadRequest, "units apply to CSV bodies; JSON lines are in the data dictionary's units", []FieldError{{Field: "units", Message: "not allowed with JSON lines"}})
			return
		}
		setBatchHeaders(w, format)
		a.batchLines(body, out, format, fm)
		return
	}
	rd, err := record.NewCSVReader(body, "request body", record.Options{Units: units, Format: fm, Limits: BatchLimits})
	if err != nil {
		a.bodyError(w, err)
		return
	}
	if len(rd.Header.Ignored) > 0 {
		w.Header().Set("X-Carimpi-Ignored-Columns", textsafe.List(rd.Header.Ignored, ",", maxIgnoredNames))
	}
	setBatchHeaders(w, format)
	sum, err := a.sc.Batch(rd, out, scores.BatchOptions{Format: format, Notice: Notice, Simulated: a.sc.Simulated(), Models: a.sc.Refs()})
	if err != nil {
		failStream(out, format, sum, err)
	}
}

// BatchLimits bound one row of a CSV batch body: 1,024 columns, 1 MiB a
// line. With them and the bounded chunks of scores.Batch, a batch request
// holds a few rows at a time, however large its body.
var BatchLimits = table.Limits{Columns: 1024, RecordBytes: 1 << 20}

// maxIgnoredNames is how many ignored column names the
// X-Carimpi-Ignored-Columns header lists (each cut to 64 characters).
const maxIgnoredNames = 20

// failStream ends a batch answer whose body could not be read to the end
// (past the size cap, a line past the limit, a broken quote) after the
// status line was sent. JSON ends with an "error" object (and is otherwise
// well-formed, so a client that parses it sees the failure); CSV has no
// place for one, so the transfer is aborted: the connection is cut without
// the chunked terminator and every HTTP client reports an incomplete
// answer.
func failStream(out io.Writer, format string, sum scores.BatchSummary, cause error) {
	status := http.StatusBadRequest
	var mbe *http.MaxBytesError
	if errors.As(cause, &mbe) {
		status = http.StatusRequestEntityTooLarge
		cause = errors.New("request body larger than " + byteSize(mbe.Limit) + "; split the batch")
	}
	if format == "csv" {
		panic(http.ErrAbortHandler)
	}
	_ = scores.WriteBatchFailure(out, sum, status, errors.New(textsafe.Strip(cause.Error())))
}

func setBatchHeaders(w http.ResponseWriter, format string) {
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
}

// acceptsCSV reports whether an Accept header asks for CSV rather than JSON.
func acceptsCSV(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(mt) {
		case "text/csv":
			return true
		case "application/json", "*/*":
			return false
		}
	}
	return false
}

// batchLines scores a body of JSON lines, one patient object a line (blank
// lines skipped), and writes the same document as Scorer.Batch: rows in
// order, a row that cannot be scored written with null scores and its
// problems in "errors" as {row, column, value, message}.
func (a *api) batchLines(body io.Reader, w io.Writer, format string, fm record.Format) {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	bw := bufio.NewWriterSize(w, 32<<10)
	csvOut := format == "csv"
	if csvOut {
		bw.WriteString(strings.Join(scores.RowColumns, ",") + "\n")
	} else {
		head, _ := json.Marshal(struct {
			Notice string            `json:"notice"`
			Models []scores.ModelRef `json:"models"`
		}{Notice, a.sc.Refs()})
		bw.Write(head[:len(head)-1])
		bw.WriteString(",\n\"rows\":[")
	}
	var sum scores.BatchSummary
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		sum.Rows++
		row := sum.Rows
		out, rowErrs := a.scoreLine(text, row, line, fm)
		if len(rowErrs) > 0 {
			sum.ErrorRows++
		}
		sum.Add(rowErrs, 0)
		if csvOut {
			bw.Write(out.AppendCSV(bw.AvailableBuffer()))
		} else {
			if row > 1 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
			bw.Write(out.AppendJSON(bw.AvailableBuffer()))
		}
		if row%256 == 0 && bw.Flush() != nil {
			return
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			err = fmt.Errorf("line %d is longer than %s; one patient a line", line+1, byteSize(maxLineBytes))
		}
		if bw.Flush() == nil {
			failStream(w, format, sum, err)
		}
		return
	}
	if !csvOut {
		scores.FinishBatch(bw, sum, nil)
	}
	bw.Flush()
}

// maxLineBytes is the longest JSON line of a batch body.
const maxLineBytes = 1 << 20

// scoreLine scores one JSON line as /api/v1/score scores a body: values
// that cannot be used are reported (one BatchError each) and make only the
// indices that need them unavailable; a line that is not a JSON object or
// has keys that cannot be read gives a row with null scores.
func (a *api) scoreLine(text []byte, row, line int, fm record.Format) (scores.Row, []scores.BatchError) {
	p, issues, ferrs, err := decodePatient(text, nil, fm)
	var errs []scores.BatchError
	switch {
	case err != nil:
		errs = append(errs, scores.BatchError{Row: row, Line: line, Message: err.Error()})
	case len(ferrs) > 0:
		for _, fe := range ferrs {
			errs = append(errs, scores.BatchError{Row: row, Line: line, Column: fe.Field, Message: fe.Field + ": " + fe.Message})
		}
	default:
		if p.PatientID == "" {
			p.PatientID = strconv.Itoa(row) // as Scorer.Batch names a row without patient_id
		}
		for _, is := range issues {
			if is.Severity == record.SeverityError {
				errs = append(errs, scores.BatchError{Row: row, Line: line, Column: is.Field, Value: is.Value, Message: is.Message, Fix: is.Fix})
			}
		}
		return a.sc.Row(&p, issues...), errs
	}
	id := p.PatientID
	if id == "" {
		id = strconv.Itoa(row)
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Message
	}
	res := a.sc.NotScored(id, "not scored: "+strings.Join(msgs, "; "))
	return res.Row(), errs
}
