package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"carimpi/server"
)

// TestAdversarialUnder512MB runs hostile requests at once against a server
// held to a 512 MB memory limit: 33 MB of empty rows (chunked), a header of
// a million columns, a deep JSON body, oversized headers and slow clients.
// Every answer must be complete or visibly failed, the heap must stay under
// 512 MB (sampled throughout) and /healthz must keep answering.
func TestAdversarialUnder512MB(t *testing.T) {
	if testing.Short() {
		t.Skip("sends about 50 MB")
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20))
	srv := httptest.NewServer(newHandler(t, server.Config{}))
	defer srv.Close()
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	fail := make(chan string, 100)
	run := func(name string, f func() string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if msg := f(); msg != "" {
				fail <- name + ": " + msg
			}
		}()
	}
	url := srv.URL + "/api/v1/batch"
	run("33 MB of empty rows", func() string {
		body := "age,stage,mtv_ml\n" + strings.Repeat(",,\n", 11<<20)
		resp, b, err := post(t, url, "text/csv", "application/json", chunked{strings.NewReader(body)})
		if err != nil {
			return err.Error()
		}
		if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"error":{"status":413`)) {
			return fmt.Sprintf("%d, ends %q", resp.StatusCode, b[max(0, len(b)-200):])
		}
		return ""
	})
	run("a million columns", func() string {
		var h strings.Builder
		h.WriteString("age,stage,mtv_ml")
		for range 1 << 20 {
			h.WriteString(",c")
		}
		resp, b, err := post(t, url, "text/csv", "", chunked{strings.NewReader(h.String() + "\n")})
		// Refused at the line-length limit (2 MiB) before the column count.
		if err != nil || resp.StatusCode != 400 || !bytes.Contains(b, []byte("at most 1048576 bytes a row")) {
			return fmt.Sprintf("%v %v %.200s", resp, err, b)
		}
		return ""
	})
	run("deep JSON", func() string {
		resp, _, err := post(t, srv.URL+"/api/v1/score", "application/json", "", strings.NewReader(strings.Repeat("[", 32000)+strings.Repeat("]", 32000)))
		if err != nil || resp.StatusCode != 400 {
			return fmt.Sprintf("%v %v", resp, err)
		}
		return ""
	})
	run("deep JSON lines", func() string {
		line := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000) + "\n"
		resp, b, err := post(t, url, "application/x-ndjson", "", strings.NewReader(strings.Repeat(line, 10)))
		if err != nil || resp.StatusCode != 200 || !bytes.HasSuffix(b, []byte("}\n")) {
			return fmt.Sprintf("%v %v", resp, err)
		}
		return ""
	})
	run("oversized header", func() string {
		req, _ := http.NewRequest("GET", srv.URL+"/healthz", nil)
		req.Header.Set("X-Big", strings.Repeat("x", 2<<20))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "" // the server may cut the connection: fine
		}
		resp.Body.Close()
		if resp.StatusCode != 431 {
			return fmt.Sprintf("status %d", resp.StatusCode)
		}
		return ""
	})
	// Slow clients: each sends its headers and a little body, then stalls.
	var conns []net.Conn
	for range 200 {
		c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST /api/v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nage,stage,mtv_ml\n\r\n")
		conns = append(conns, c)
	}
	// /healthz answers throughout.
	for range 20 {
		start := time.Now()
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz: %v %v", resp, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("healthz took %v", d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	for _, c := range conns {
		c.Close()
	}
	close(stop)
	<-sampled
	close(fail)
	for msg := range fail {
		t.Error(msg)
	}
	t.Logf("peak heap %d MB", peak>>20)
	if peak > 512<<20 {
		t.Errorf("peak heap %d MB, over 512 MB", peak>>20)
	}
}
