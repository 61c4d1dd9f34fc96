package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"carimpi/server"
)

// chunked is a request body of unknown length: the client sends it with
// chunked transfer encoding, no Content-Length.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

// csvRows is a CSV batch of n identical scorable rows.
func csvRows(n int) string {
	var b strings.Builder
	b.WriteString("patient_id,age,stage,mtv_ml,crp\n")
	for i := range n {
		fmt.Fprintf(&b, "p%d,60,3,100,2\n", i)
	}
	return b.String()
}

func post(t *testing.T, url, ctype, accept string, body io.Reader) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest("POST", url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := oneShot.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// oneShot opens a connection per request: these tests stream bodies that
// cannot be replayed, and a pooled connection the server closed after an
// earlier refusal would fail such a request with "server closed idle
// connection" before it reaches the handler.
var oneShot = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// TestBatchNeverTruncatesSilently sends batches past the body cap and the
// line limit through a real HTTP client: a declared length is refused with
// 413 before anything is read; past the cap mid-stream, JSON ends with an
// "error" object and CSV is an incomplete transfer the client sees.
func TestBatchNeverTruncatesSilently(t *testing.T) {
	const limit = 64 << 10
	srv := httptest.NewServer(newHandler(t, server.Config{MaxBodyBytes: limit}))
	defer srv.Close()
	url := srv.URL + "/api/v1/batch"
	big := csvRows(20000) // ~ 400 KB
	small := csvRows(10)

	// Declared length past the cap: 413, nothing streamed. The client
	// waits for the server's go-ahead before sending the body, as curl does
	// for large bodies: otherwise a refusal before the body is read can
	// reach it as a connection reset mid-upload (seen under load).
	req, err := http.NewRequest("POST", url, strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Expect", "100-continue")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, ExpectContinueTimeout: 10 * time.Second}}
	resp, err := client.Do(req)
	var b []byte
	if err == nil {
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err != nil || resp.StatusCode != 413 || !strings.Contains(string(b), "larger than 64 KiB") {
		t.Fatalf("declared length: %v %v %s", resp, err, b)
	}

	// CSV answer, chunked body past the cap: the transfer is cut.
	resp, b, err = post(t, url, "text/csv", "text/csv", chunked{strings.NewReader(big)})
	if err == nil {
		t.Fatalf("chunked CSV past the cap read as complete: status %d, %d lines", resp.StatusCode, bytes.Count(b, []byte("\n")))
	}

	// JSON answer, same body: a well-formed document ending in "error".
	resp, b, err = post(t, url, "text/csv", "application/json", chunked{strings.NewReader(big)})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("chunked JSON: %v %v", resp, err)
	}
	var doc struct {
		Rows  []map[string]any `json:"rows"`
		Error *struct {
			Status   int    `json:"status"`
			Message  string `json:"message"`
			Rows     int    `json:"rows_written"`
			Complete bool   `json:"complete"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("JSON answer not well-formed: %v\n%s", err, b[len(b)-200:])
	}
	if doc.Error == nil || doc.Error.Status != 413 || doc.Error.Complete || doc.Error.Rows != len(doc.Rows) || len(doc.Rows) >= 20000 {
		t.Fatalf("no error object for a truncated batch: %+v rows %d", doc.Error, len(doc.Rows))
	}

	// A body within the cap is whole, and no error object.
	resp, b, err = post(t, url, "text/csv", "application/json", chunked{strings.NewReader(small)})
	if err != nil || resp.StatusCode != 200 || bytes.Contains(b, []byte(`"error":`)) || !bytes.HasSuffix(b, []byte("]}\n")) {
		t.Fatalf("small batch: %v %v %s", resp, err, b)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	resp, _, err = post(t, url, "text/csv", "text/csv", chunked{strings.NewReader(small)})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("small CSV batch: %v %v", resp, err)
	}
}

// TestBatchLineLimits checks the JSON-lines limit (1 MiB a line) and the
// CSV row limits (1,024 columns, 1 MiB a line) from a real client.
func TestBatchLineLimits(t *testing.T) {
	srv := httptest.NewServer(newHandler(t, server.Config{MaxBodyBytes: 8 << 20}))
	defer srv.Close()
	url := srv.URL + "/api/v1/batch"
	line := `{"age":60,"stage":3,"mtv_ml":100}` + "\n"
	long := `{"age":60,"stage":3,"mtv_ml":100,"patient_id":"` + strings.Repeat("x", 2<<20) + `"}` + "\n"
	ndjson := strings.Repeat(line, 10) + long + strings.Repeat(line, 10)

	resp, b, err := post(t, url, "application/x-ndjson", "application/json", chunked{strings.NewReader(ndjson)})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not well-formed: %v", err)
	}
	e, _ := doc["error"].(map[string]any)
	if e == nil || !strings.Contains(fmt.Sprint(e["message"]), "line 11 is longer than 1 MiB") {
		t.Fatalf("error object: %v", doc["error"])
	}
	if _, _, err := post(t, url, "application/x-ndjson", "text/csv", chunked{strings.NewReader(ndjson)}); err == nil {
		t.Fatal("CSV answer to an over-long line read as complete")
	}

	// A header of 2,000 columns: 400 naming the limit.
	wide := "age,stage,mtv_ml"
	for i := range 2000 {
		wide += fmt.Sprintf(",c%d", i)
	}
	resp, b, _ = post(t, url, "text/csv", "", strings.NewReader(wide+"\n60,3,100\n"))
	if resp.StatusCode != 400 || !strings.Contains(string(b), "at most 1024 columns") {
		t.Fatalf("wide header: %d %s", resp.StatusCode, b)
	}
	// A row of a million cells under a narrow header: the answer fails
	// visibly at that line.
	resp, b, _ = post(t, url, "text/csv", "", strings.NewReader("age,stage,mtv_ml\n60,3,100\n"+strings.Repeat(",", 1<<20)+"\n"))
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"error":`)) || !bytes.Contains(b, []byte("line 3")) {
		t.Fatalf("wide row: %d %s", resp.StatusCode, b)
	}
	// Ignored columns: the header is bounded.
	many := "age,stage,mtv_ml"
	for i := range 1000 {
		many += fmt.Sprintf(",%s%d", strings.Repeat("z", 500), i)
	}
	resp, _, _ = post(t, url, "text/csv", "", strings.NewReader(many+"\n60,3,100"+strings.Repeat(",", 1000)+"\n"))
	if h := resp.Header.Get("X-Carimpi-Ignored-Columns"); resp.StatusCode != 200 || len(h) > 2000 || !strings.Contains(h, "and 980 more") {
		t.Fatalf("ignored-columns header: %d, %d bytes", resp.StatusCode, len(h))
	}
}

// TestBatchErrorsBounded checks that a batch of rows whose values all
// fail keeps the first errors and counts the rest; every row still says
// why.
func TestBatchErrorsBounded(t *testing.T) {
	h := newHandler(t, server.Config{})
	body := "age,stage,mtv_ml\n" + strings.Repeat("x,y,z\n", 5000)
	rec := do(h, "POST", "/api/v1/batch", "text/csv", body)
	var doc struct {
		Rows    []struct{ Warnings []string } `json:"rows"`
		Errors  []json.RawMessage             `json:"errors"`
		Omitted int                           `json:"errors_omitted"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rows) != 5000 || len(doc.Errors) != 1000 || doc.Omitted != 14000 {
		t.Fatalf("rows %d errors %d omitted %d", len(doc.Rows), len(doc.Errors), doc.Omitted)
	}
	if w := doc.Rows[4999].Warnings; len(w) != 3 || !strings.HasPrefix(w[0], "not used") {
		t.Errorf("last row's warnings %v", w)
	}
}

func TestScoreBodyCapAndNoStore(t *testing.T) {
	h := newHandler(t, server.Config{})
	rec := do(h, "POST", "/api/v1/score", "application/json", `{"age":60,"stage":3,"mtv_ml":100,"patient_id":"`+strings.Repeat("x", 70<<10)+`"}`)
	if rec.Code != 413 {
		t.Fatalf("score body past 64 KiB: %d", rec.Code)
	}
	rec = do(h, "POST", "/api/v1/score", "application/json", `{"age":60,"stage":3,"mtv_ml":100}`)
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	rec = do(h, "POST", "/api/v1/score", "application/json", strings.Repeat("[", 30000)+strings.Repeat("]", 30000))
	if rec.Code != 400 {
		t.Fatalf("deep JSON: %d", rec.Code)
	}
}
