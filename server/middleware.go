package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// statusWriter records the status code a handler wrote, for the access log.
// It forwards Flush so that streamed batch responses still stream.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer
// (Flush, SetWriteDeadline).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog wraps h with a structured access log: method, path, status and
// latency only. Bodies, query strings and headers are never logged, so no
// patient value reaches the log.
func accessLog(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		aborted := true
		// A streamed answer that fails midway is aborted with a panic
		// (http.ErrAbortHandler); it is logged too, then re-raised.
		defer func() {
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", sw.status),
				slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
			}
			if aborted {
				attrs = append(attrs, slog.Bool("aborted", true))
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()
		h.ServeHTTP(sw, r)
		aborted = false
	})
}

// requireToken wraps h so that every /api/ request must carry
// "Authorization: Bearer <token>". The comparison is constant-time, of
// SHA-256 digests so that not even the token's length leaks. The page at /
// and /healthz stay open, so a load balancer can probe the service and the
// page can ask the user for the token.
func requireToken(token string, h http.Handler) http.Handler {
	want := sha256.Sum256([]byte("Bearer " + token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") && r.Method != http.MethodOptions {
			got := sha256.Sum256([]byte(r.Header.Get("Authorization")))
			if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="carimpi"`)
				writeError(w, http.StatusUnauthorized, "missing or wrong bearer token", nil)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// cors wraps h to allow cross-origin calls from exactly one origin. Requests
// from other origins get no CORS headers, so browsers refuse them; a preflight
// from the allowed origin is answered here with 204.
func cors(origin string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		if r.Header.Get("Origin") != origin {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", origin)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// headerRecorder captures what ServeMux's own 404 and 405 handlers write,
// so that muxErrors can answer with the same status in JSON.
type headerRecorder struct {
	h      http.Header
	status int
}

func (r *headerRecorder) Header() http.Header         { return r.h }
func (r *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *headerRecorder) WriteHeader(code int)        { r.status = code }

// muxErrors serves requests that match no route: ServeMux decides between
// 404 and 405 (and sets Allow for 405), and this writes that status as the
// JSON error every other handler writes.
func muxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &headerRecorder{h: http.Header{}, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", rec.h.Get("Allow"))
			writeError(w, rec.status, "method "+r.Method+" not allowed on "+r.URL.Path+"; allowed: "+rec.h.Get("Allow"), nil)
		case http.StatusNotFound:
			writeError(w, rec.status, "no such resource: "+r.URL.Path, nil)
		default:
			// A redirect (e.g. a path cleaned of "..") or other answer of
			// the mux itself: let it through unchanged.
			mux.ServeHTTP(w, r)
		}
	})
}
