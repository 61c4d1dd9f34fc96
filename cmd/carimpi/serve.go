package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"carimpi/scores"
	"carimpi/server"
)

func init() { register(newServeCmd()) }

type serveFlags struct {
	addr           string
	models         []string
	inflamix       string
	allowSimulated bool
	token          string
	corsOrigin     string
	maxBody        int64
}

func newServeCmd() *Command {
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen `host:port`")
	fs.Func("model", "load a model `file` (JSON, from 'carimpi study' or written by hand); repeatable", func(s string) error {
		f.models = append(f.models, s)
		return nil
	})
	fs.StringVar(&f.inflamix, "inflamix-model", "", inflamixFlagUsage)
	fs.BoolVar(&f.allowSimulated, "allow-simulated", false, "accept a --model fitted on simulated data (a demonstration: every answer and a red banner on the page say so)")
	fs.StringVar(&f.token, "token", "", "require 'Authorization: Bearer `TOKEN`' on /api/ (default $CARIMPI_TOKEN)")
	fs.StringVar(&f.corsOrigin, "cors-origin", "", "allow cross-origin requests from this one `origin` (default: CORS off)")
	wholeVar(fs, &f.maxBody, "max-body", server.DefaultMaxBodyBytes, 1, maxServeBody, "largest request body in `bytes`; a larger one gets 413")
	return &Command{
		Name:      "serve",
		UsageLine: "serve [--addr 127.0.0.1:8080] [--model model.json ...] [--allow-simulated] [--inflamix-model FILE] [--token T] [--cors-origin URL]",
		Short:     "serve the HTTP API and the web calculator",
		Long: `Serve runs the scoring HTTP API and the web calculator page.

	GET  /                     the web calculator
	POST /api/v1/score         one patient (JSON object keyed by data dictionary columns)
	POST /api/v1/score-with-model  one patient with a CAR-IMPI or IMPI model file sent along: {"model": ..., "patient": ...}
	POST /api/v1/batch         many patients (text/csv or application/x-ndjson), answered as one JSON document streamed row by row (CSV with Accept: text/csv)
	GET  /api/v1/models        the loaded models with citation, inputs, units and cutoffs
	GET  /api/v1/openapi.json  the OpenAPI 3 description of the API
	GET  /healthz              liveness

The score answer carries the fields of a 'carimpi batch --format json' row for
the same patient, plus individualized PFS/OS at 6, 12 and 24 months for each
loaded model that carries a baseline survival, and "simulated": true when a
model was fitted on simulated data. A --model fitted on simulated data is
refused unless --allow-simulated; then every answer says so and the page shows
a red banner. The page works on a phone (one column from 390 px); its CAR-IMPI
panel lets the user choose a model file, which is sent with each calculation
and not kept.

The access log (stderr, JSON) holds method, path, status and latency only,
never request bodies or patient values. With --token (or CARIMPI_TOKEN) every
/api/ request needs the bearer token; the page and /healthz stay open. CORS is
off unless --cors-origin names the one origin to allow. SIGINT or SIGTERM
shuts down gracefully, letting requests in flight finish (at most 10 s).

` + researchNotice,
		Flags: fs,
		Run: func(stdout, stderr io.Writer) error {
			run := f
			f.models = nil // --model appends: start afresh at the next parse
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, run, stderr)
		},
	}
}

// runServe serves until ctx is done, then shuts down gracefully.
func runServe(ctx context.Context, f serveFlags, stderr io.Writer) error {
	if f.token == "" {
		f.token = os.Getenv("CARIMPI_TOKEN")
	}
	if f.corsOrigin != "" && !strings.HasPrefix(f.corsOrigin, "http://") && !strings.HasPrefix(f.corsOrigin, "https://") {
		return usagef("--cors-origin %q: want an origin such as https://example.org", f.corsOrigin)
	}
	sc, err := serveScorer(f.models, f.allowSimulated)
	if err != nil {
		return err
	}
	if sc.InflaMix, err = loadInflaMix(f.inflamix); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	h, err := server.New(server.Config{
		Scorer:       sc,
		Token:        f.token,
		CORSOrigin:   f.corsOrigin,
		MaxBodyBytes: f.maxBody,
		Log:          log,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	srv := server.NewHTTPServer(ln.Addr().String(), h)
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	fmt.Fprintf(stderr, "carimpi serve: listening on http://%s/ (%d model file(s)%s)\n%s\n",
		ln.Addr(), len(f.models), map[bool]string{true: ", bearer token required", false: ""}[f.token != ""], researchNotice)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "carimpi serve: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %v", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// serveScorer returns the published models with the model files installed
// in their slots (impi or car-impi, by the file's id); two files for the
// same slot are an error, not a silent override, and a model fitted on
// simulated data is refused unless allowSimulated.
func serveScorer(paths []string, allowSimulated bool) (*scores.Scorer, error) {
	sc := scores.NewScorer()
	from := map[string]string{}
	for _, p := range paths {
		m, err := scores.LoadFile(p)
		if err != nil {
			return nil, err
		}
		if prev, dup := from[m.ID]; dup {
			return nil, usagef("--model %s and --model %s are both model %q; give one file per model", prev, p, m.ID)
		}
		from[m.ID] = p
		if m.Provenance.Simulated() && !allowSimulated {
			return nil, usagef("--model %s was fitted on simulated data (%s): the calculator would show its scores to clinicians; give a model fitted on patient data, or --allow-simulated for a demonstration (every answer and the page then say so)", p, m.Provenance.FittedOn.Data)
		}
		if err := sc.Use(m); err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
	}
	return sc, nil
}
