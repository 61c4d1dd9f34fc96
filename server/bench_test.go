package server_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"carimpi/server"
)

// BenchmarkScore measures one POST /api/v1/score through the whole handler
// chain (access log discarded), with a full patient.
func BenchmarkScore(b *testing.B) {
	h := newHandler(b, server.Config{})
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/v1/score", strings.NewReader(patient))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
