package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"carimpi/scores"
)

// slowBody sends rows at a given rate, in pieces, for a given time.
type slowBody struct {
	rate  int // bytes a second
	until time.Time
	buf   []byte
}

func (b *slowBody) Read(p []byte) (int, error) {
	if len(b.buf) == 0 {
		if time.Now().After(b.until) {
			return 0, io.EOF
		}
		time.Sleep(50 * time.Millisecond)
		b.buf = []byte(strings.Repeat("61,4,120\n", b.rate/20/9+1))
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

// TestBatchPacedDeadlines: with a read timeout of 1 s, a batch sent for 3 s
// faster than MinBatchRate is answered whole, while one sent at 1 KB/s is
// cut at its deadline.
func TestBatchPacedDeadlines(t *testing.T) {
	if testing.Short() {
		t.Skip("sends for a few seconds")
	}
	a, err := newAPI(Config{Scorer: scores.NewScorer(), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	a.readTimeout, a.writeTimeout = time.Second, time.Second
	srv := httptest.NewUnstartedServer(http.HandlerFunc(a.batch))
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = time.Second, time.Second
	srv.Start()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, c := range []struct {
		rate     int
		complete bool
	}{
		{4 * MinBatchRate, true},
		{1 << 10, false},
	} {
		body := io.MultiReader(strings.NewReader("age,stage,mtv_ml\n"), &slowBody{rate: c.rate, until: time.Now().Add(3 * time.Second)})
		req, _ := http.NewRequest("POST", srv.URL, body)
		req.Header.Set("Content-Type", "text/csv")
		resp, err := client.Do(req)
		var b []byte
		if err == nil {
			b, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		complete := err == nil && resp.StatusCode == 200 && strings.Contains(string(b), `"rows"`) && !strings.Contains(string(b), `"complete":false`) && strings.HasSuffix(strings.TrimSpace(string(b)), "}")
		if complete != c.complete {
			t.Errorf("%d B/s: complete %v, want %v (%v, %s)", c.rate, complete, c.complete, err, tail(b))
		}
	}
}

func tail(b []byte) string {
	return fmt.Sprintf("%q", b[max(0, len(b)-200):])
}
