package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"carimpi/internal/outfile"
	"carimpi/internal/textsafe"
	"carimpi/record"
	"carimpi/scores"
)

func init() { register(newBatchCmd()) }

func newBatchCmd() *Command {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	var mf modelFlags
	mf.register(fs, false)
	var in inputFlags
	in.register(fs)
	out := fs.String("out", "", "output `file` (default standard output)")
	format := fs.String("format", "csv", "output `format`: csv or json")
	c := &Command{
		Name:      "batch",
		UsageLine: "batch --data patients.csv|xlsx [--map map.json] [--units crp=mg/L,...] [--decimal , --thousands .] [--model model.json] [--out scored.csv] [--format csv|json]",
		Short:     "score every patient of a table",
		Long: `Batch scores every row of a patient table with the same computation as
"carimpi score" and writes one output row per input row (blank rows skipped),
in the same order, with the input's patient_id (the row number when the file
has none). The file is read exactly as "carimpi validate" reads it (one input
path: column names of the data dictionary or a --map, --units, --decimal and
--thousands, stage IIIB is 3, ...); columns not in the dictionary are ignored.

Each index is computed from its own inputs: a labs-only row gets
CAR-HEMATOTOX, EASIX and the other lab-based indices. A value that cannot be
used (not a number, outside its possible range) is listed with its row,
line, column, value, message and fix, and makes only the indices that need
it unavailable; each unavailable index is listed in the row's "unavailable"
with its reason. A row with the wrong number of cells is written with empty
scores. JSON output is {"notice", "simulated", "models", "rows": [...],
"errors": [...]}; with CSV output the errors go to standard error. With
--out, a sidecar <out>.provenance.json records the notice, whether a model
was fitted on simulated data, the models' ids, versions and provenance
(source, what a fitted model was fitted on, citation), the model files and
the counts. Every row made with a model fitted on simulated data says so in
its warnings. The file is streamed: memory does not grow with its length.

An .xlsx file is read from its first sheet (or --sheet; the first non-empty
row is the header); cells are read as stored, so numbers keep their full
precision.`,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		defer resetFlags(fs)
		if in.data == "" {
			return usagef("--data is required")
		}
		if err := checkFormat(*format, "csv", "json"); err != nil {
			return err
		}
		var file *outfile.File
		if *out != "" {
			// Checked and opened before any work: an output that is an
			// input is refused, and a failed run leaves an existing
			// file as it was.
			f, err := outfile.Create(*out, append([]string{in.data, in.mapFile}, mf.files()...)...)
			if err != nil {
				return err
			}
			defer f.Abort()
			file = f
		}
		s, _, err := mf.scorer()
		if err != nil {
			return err
		}
		opts, err := in.options()
		if err != nil {
			return err
		}
		rd, err := record.Open(in.data, opts)
		if err != nil {
			return err
		}
		defer rd.Close()
		w := stdout
		if file != nil {
			w = file
		}
		opt := scores.BatchOptions{Format: *format, Notice: researchNotice, Simulated: s.Simulated(), Models: s.Refs()}
		if *format == "json" {
			// The errors past the first thousand wait in a temporary
			// file, so that the "errors" list is whole while memory
			// does not grow with the number of bad rows.
			spool, err := os.CreateTemp("", "carimpi-batch-errors-*.jsonl")
			if err != nil {
				return err
			}
			defer func() { spool.Close(); os.Remove(spool.Name()) }()
			opt.Spool = spool
		}
		sum, err := s.Batch(rd, w, opt)
		if err != nil {
			return err
		}
		if file != nil {
			if err := file.Commit(); err != nil {
				return err
			}
			if err := writeProvenance(*out, in, mf, s, sum); err != nil {
				return err
			}
		}
		if s.Simulated() {
			fmt.Fprintf(stderr, "%s: every row's warnings say so\n", scores.SimulatedWarning)
		}
		if len(rd.Header.Ignored) > 0 {
			fmt.Fprintf(stderr, "ignored columns (not in the data dictionary): %s\n", textsafe.List(rd.Header.Ignored, ", ", 20))
		}
		if s.CARIMPI.Coef == nil {
			fmt.Fprintln(stderr, "CAR-IMPI and the combined groups are empty: CAR-IMPI needs --model model.json with its coefficients")
		}
		if *format == "csv" {
			for i, e := range sum.Errors {
				if i == maxErrorLines {
					fmt.Fprintf(stderr, "... and %d more values not used: the warnings column of each row says which\n", sum.ErrorCount-maxErrorLines)
					break
				}
				fmt.Fprintf(stderr, "row %d, line %d, column %s, value %s: %s\n", e.Row, e.Line, textsafe.Terminal(e.Column), textsafe.Quote(e.Value), textsafe.Terminal(e.Message))
			}
		}
		fmt.Fprintf(stderr, "%d rows; %d values not used in %d rows (see errors; only the indices that need them are unavailable); %d rows with warnings. %s\n",
			sum.Rows, sum.ErrorCount, sum.ErrorRows, sum.Warnings, researchNotice)
		return nil
	}
	return c
}

// batchProvenance is the sidecar <out>.provenance.json of "carimpi batch
// --out": what produced the scores in out.
type batchProvenance struct {
	Notice    string            `json:"notice"`
	Simulated bool              `json:"simulated"`
	Output    string            `json:"output"`
	Data      string            `json:"data"`
	Models    []scores.ModelRef `json:"models"`
	ModelFile string            `json:"model_file"`
	InflaMix  string            `json:"inflamix_model_file"`
	Software  string            `json:"software"`
	Rows      int               `json:"rows"`
	Errors    int               `json:"errors"`
}

// writeProvenance writes out's sidecar <out>.provenance.json (never over
// an input).
func writeProvenance(out string, in inputFlags, mf modelFlags, s *scores.Scorer, sum scores.BatchSummary) error {
	models := mf.files()
	inflamix := models[1]
	p := batchProvenance{Notice: researchNotice, Simulated: s.Simulated(), Output: filepath.Base(out), Data: filepath.Base(in.data),
		Models: s.Refs(), ModelFile: mf.model, InflaMix: inflamix, Software: "carimpi " + version, Rows: sum.Rows, Errors: sum.ErrorCount}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return outfile.WriteFile(out+".provenance.json", append(b, '\n'), append([]string{in.data, in.mapFile}, models...)...)
}

// maxErrorLines is how many errors batch prints on standard error.
const maxErrorLines = 20
