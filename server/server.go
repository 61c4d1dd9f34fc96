// Package server is carimpi's HTTP API and web calculator: a thin layer over
// package scores, so that the API, "carimpi score" and "carimpi batch" can
// never disagree.
//
// Routes (the OpenAPI 3 description of the API is served at
// /api/v1/openapi.json):
//
//	POST /api/v1/score         one patient → every applicable index, survival at 6/12/24 months
//	POST /api/v1/batch         CSV or JSON lines in, the "carimpi batch" document out, streamed
//	GET  /api/v1/models        the loaded models with provenance
//	GET  /api/v1/openapi.json  this API's OpenAPI 3 document
//	GET  /healthz              liveness
//	GET  /                     the web calculator (embedded, works offline)
//
// New returns an http.Handler: a ServeMux wrapped, from the outside in, by
// the access log, the research-notice header, CORS (off unless configured),
// the bearer token check (off unless configured) and JSON 404/405 answers. NewHTTPServer sets the
// timeouts. Request bodies are capped (413 past the cap), request content
// types are checked (415), and the access log holds method, path, status
// and latency only: never a body or a patient value.
//
// For research use only; not a medical device.
package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"carimpi/record"
	"carimpi/scores"
)

// DefaultMaxBodyBytes is the default cap on a request body: ample for a
// batch of tens of thousands of patients, small enough to bound memory.
const DefaultMaxBodyBytes = 32 << 20

// Timeouts of NewHTTPServer.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 60 * time.Second
	WriteTimeout      = 120 * time.Second
	IdleTimeout       = 120 * time.Second
)

// Config configures New. The zero value of every field but Scorer is valid.
type Config struct {
	// Scorer scores patients; it carries the loaded models.
	Scorer *scores.Scorer
	// Token, when set, is required as "Authorization: Bearer <Token>" on
	// every /api/ request.
	Token string
	// CORSOrigin, when set, is the one origin allowed to call the API
	// from a browser; CORS is off otherwise.
	CORSOrigin string
	// MaxBodyBytes caps request bodies (DefaultMaxBodyBytes when 0).
	MaxBodyBytes int64
	// Log receives the access log (slog.Default() when nil).
	Log *slog.Logger
}

//go:embed web
var webFS embed.FS

// route is one registered endpoint.
type route struct {
	Method, Path string
	handler      http.HandlerFunc
}

// api holds the state shared by the handlers; it is read-only after New, so
// the handlers are safe for concurrent use.
type api struct {
	sc      *scores.Scorer
	maxBody int64
	// readTimeout and writeTimeout are the bases of a batch's paced
	// deadlines (ReadTimeout and WriteTimeout; shorter in tests).
	readTimeout, writeTimeout time.Duration
	page                      []byte
	routes                    []route
	// refsJSON is the provenance of the models in use, encoded once.
	refsJSON json.RawMessage
	// batchSlots bounds the batch requests served at once (each holds a
	// few chunks of rows), so that memory stays bounded under many clients.
	batchSlots chan struct{}
}

// MaxConcurrentBatches is how many /api/v1/batch requests are served at
// once; one more waits up to BatchWait for a slot, then gets 503.
const MaxConcurrentBatches = 8

// BatchWait is how long a batch request waits for a slot.
var BatchWait = 10 * time.Second

// New returns the API and web page as one http.Handler.
func New(cfg Config) (http.Handler, error) {
	a, err := newAPI(cfg)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, r := range a.routes {
		mux.HandleFunc(r.Method+" "+r.Path, r.handler)
	}
	var h http.Handler = muxErrors(mux)
	if cfg.Token != "" {
		h = requireToken(cfg.Token, h)
	}
	if cfg.CORSOrigin != "" {
		h = cors(cfg.CORSOrigin, h)
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	return accessLog(log, withNotice(h)), nil
}

// withNotice adds the research-use notice to every response's headers, so
// that it travels with answers that have no JSON body for it (CSV batches).
// Answers may hold patient results: no cache (browser, proxy) keeps them
// (Cache-Control: no-store), but for the page's static files.
func withNotice(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Research-Notice", Notice)
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			w.Header().Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

// newAPI sets up the handlers' shared state and the route table.
func newAPI(cfg Config) (*api, error) {
	if cfg.Scorer == nil {
		return nil, errors.New("server: Config.Scorer is nil")
	}
	a := &api{sc: cfg.Scorer, maxBody: cfg.MaxBodyBytes, readTimeout: ReadTimeout, writeTimeout: WriteTimeout, batchSlots: make(chan struct{}, MaxConcurrentBatches)}
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBodyBytes
	}
	page, err := a.renderPage()
	if err != nil {
		return nil, err
	}
	a.page = page
	if a.refsJSON, err = json.Marshal(a.modelRefs()); err != nil {
		return nil, err
	}
	a.routes = []route{
		{"POST", "/api/v1/score", a.score},
		{"POST", "/api/v1/score-with-model", a.scoreWithModel},
		{"POST", "/api/v1/batch", a.batch},
		{"GET", "/api/v1/models", a.models},
		{"GET", "/api/v1/openapi.json", a.openAPI},
		{"GET", "/healthz", a.healthz},
		{"GET", "/{$}", a.index},
		{"GET", "/static/{file}", a.static},
	}
	return a, nil
}

// NewHTTPServer returns an http.Server for h on addr with carimpi's
// timeouts: a slow or stalled client cannot hold a connection open.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}

// MaxScoreBodyBytes caps the body of /api/v1/score (one patient's JSON
// object, a few hundred bytes): many concurrent requests stay small.
const MaxScoreBodyBytes = 64 << 10

// readJSONBody reads the whole JSON request body of one patient, capped at
// MaxScoreBodyBytes (or maxBody when smaller). It answers 415 (not
// application/json), 413 or 400 itself and returns ok == false in that
// case.
func (a *api) readJSONBody(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	if mediaType(r) != "application/json" {
		unsupported(w, r, "application/json")
		return nil, false
	}
	limit := min(a.maxBody, MaxScoreBodyBytes)
	if r.ContentLength > limit {
		a.bodyError(w, &http.MaxBytesError{Limit: limit})
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		a.bodyError(w, err)
		return nil, false
	}
	return body, true
}

// bodyError answers a failed read of the request body: 413 past the cap.
func (a *api) bodyError(w http.ResponseWriter, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeError(w, http.StatusRequestEntityTooLarge, "request body larger than "+byteSize(mbe.Limit)+"; split the batch", nil)
		return
	}
	writeError(w, http.StatusBadRequest, "reading the request body: "+err.Error(), nil)
}

// mediaType returns the request's media type, lower-cased, without
// parameters; "" when there is none or it does not parse.
func mediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// unsupported answers 415 naming the accepted types.
func unsupported(w http.ResponseWriter, r *http.Request, accepted string) {
	got := r.Header.Get("Content-Type")
	if got == "" {
		got = "none"
	}
	w.Header().Set("Accept-Post", accepted)
	writeError(w, http.StatusUnsupportedMediaType, "Content-Type "+got+" not supported; use "+accepted, nil)
}

func (a *api) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, health{"ok", Notice})
}

// health is the answer of GET /healthz.
type health struct {
	Status string `json:"status"`
	Notice string `json:"notice"`
}

// index serves the web calculator.
func (a *api) index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	setPageHeaders(w)
	w.Write(a.page)
}

// static serves the page's script and style sheet from the embedded files.
func (a *api) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := fs.ReadFile(webFS, "web/"+name)
	if err != nil || name == "index.html" {
		writeError(w, http.StatusNotFound, "no such resource: "+r.URL.Path, nil)
		return
	}
	setPageHeaders(w)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// setPageHeaders forbids the page any source but this server: no CDN, no
// inline script, no framing.
func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// renderPage fills the page template once; the page is static afterwards.
func (a *api) renderPage() ([]byte, error) {
	t, err := template.ParseFS(webFS, "web/index.html")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = t.Execute(&b, struct {
		Notice   string
		Sections []formSection
	}{Notice, formSections(func(f record.Field) float64 { return a.sc.DefaultULN[f] })})
	return b.Bytes(), err
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
