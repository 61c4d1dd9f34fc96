package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"carimpi/internal/outfile"
	"carimpi/internal/textsafe"
	"carimpi/internal/xlsx"
	"carimpi/scores"
	"carimpi/table"
)

func init() { register(newBatchCmd()) }

func newBatchCmd() *Command {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	var mf modelFlags
	mf.register(fs)
	data := fs.String("data", "", "patient table `file` (CSV; data dictionary column names)")
	out := fs.String("out", "", "output `file` (default standard output)")
	format := fs.String("format", "csv", "output `format`: csv or json")
	c := &Command{
		Name:      "batch",
		UsageLine: "batch --data patients.csv [--model model.json] [--units crp=mg/L,...] [--out scored.csv] [--format csv|json]",
		Short:     "score every patient of a table",
		Long: `Batch scores every row of a patient table with the same computation as
"carimpi score" and writes one output row per input row, in the same
order, with the input's patient_id (the row number when the file has no
patient_id column). Columns use the data dictionary names (age, stage,
mtv_ml, ecog, ldh, ldh_uln, crp, ...); other columns are ignored.

A row with an error (missing age, stage or mtv_ml, a value outside its
valid range, a cell that is not a number, a ULN of 0) is written with
empty scores and listed with its row, column, value and message; the
other rows are scored. JSON output is
{"notice", "simulated", "models", "rows": [...], "errors": [...]}; with CSV
output the errors go to standard error. With --out, a sidecar
<out>.provenance.json records the notice, whether a model was fitted on
simulated data, the models' ids, versions and provenance (source, what a
fitted model was fitted on, citation), the model files and the counts.
Every row made with a model fitted on simulated data says so in its
warnings. The file is streamed: memory does not grow
with its length.

An .xlsx file is read from its first sheet (the first non-empty row is the
header); cells are read as stored, so numbers keep their full precision.`,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		defer resetFlags(fs)
		if *data == "" {
			return usagef("--data is required")
		}
		if err := checkFormat(*format, "csv", "json"); err != nil {
			return err
		}
		ext := strings.ToLower(filepath.Ext(*data))
		if ext == ".xls" {
			return fmt.Errorf("%s: the old .xls format is not read; save the sheet as .xlsx or CSV", *data)
		}
		var file *outfile.File
		if *out != "" {
			// Checked and opened before any work: an output that is an
			// input is refused, and a failed run leaves an existing
			// file as it was.
			f, err := outfile.Create(*out, *data, mf.model)
			if err != nil {
				return err
			}
			defer f.Abort()
			file = f
		}
		s, units, err := mf.scorer()
		if err != nil {
			return err
		}
		var src batchSource
		if ext == ".xlsx" {
			src, err = openXLSX(*data)
		} else {
			src, err = openCSV(*data)
		}
		if err != nil {
			return err
		}
		defer src.close()
		w := stdout
		if file != nil {
			w = file
		}
		bw := bufio.NewWriterSize(w, 1<<16)
		opt := scores.BatchOptions{Units: units, Format: *format, Notice: researchNotice, Simulated: s.Simulated(), Models: s.Refs()}
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
		sum, err := s.BatchRows(src.source, src.header, src.decimalComma, src.rows, bw, opt)
		if err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if file != nil {
			if err := file.Commit(); err != nil {
				return err
			}
			if err := writeProvenance(*out, *data, mf, s, sum); err != nil {
				return err
			}
		}
		if s.Simulated() {
			fmt.Fprintf(stderr, "%s: every row's warnings say so\n", scores.SimulatedWarning)
		}
		cols, _ := scores.NewColumns(src.header, units)
		if len(cols.Ignored) > 0 {
			fmt.Fprintf(stderr, "ignored columns (not in the data dictionary): %s\n", textsafe.List(cols.Ignored, ", ", 20))
		}
		if s.CARIMPI.Coef == nil {
			fmt.Fprintln(stderr, "CAR-IMPI and the combined groups are empty: CAR-IMPI needs --model model.json with its coefficients")
		}
		if *format == "csv" {
			for i, e := range sum.Errors {
				if i == maxErrorLines {
					fmt.Fprintf(stderr, "... and %d more errors: the warnings column of each row not scored says why\n", sum.ErrorCount-maxErrorLines)
					break
				}
				fmt.Fprintf(stderr, "row %d, column %s, value %s: %s\n", e.Row, textsafe.Terminal(e.Column), textsafe.Quote(e.Value), textsafe.Terminal(e.Message))
			}
		}
		fmt.Fprintf(stderr, "%d rows; %d errors in %d rows (rows not scored); %d rows with warnings. %s\n", sum.Rows, sum.ErrorCount, sum.ErrorRows, sum.Warnings, researchNotice)
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
func writeProvenance(out, data string, mf modelFlags, s *scores.Scorer, sum scores.BatchSummary) error {
	inflamix := mf.inflamix
	if inflamix == "" {
		inflamix = os.Getenv(inflamixEnv)
	}
	p := batchProvenance{Notice: researchNotice, Simulated: s.Simulated(), Output: filepath.Base(out), Data: filepath.Base(data),
		Models: s.Refs(), ModelFile: mf.model, InflaMix: inflamix, Software: "carimpi " + version, Rows: sum.Rows, Errors: sum.ErrorCount}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return outfile.WriteFile(out+".provenance.json", append(b, '\n'), data, mf.model, inflamix)
}

// maxErrorLines is how many errors batch prints on standard error.
const maxErrorLines = 20

// batchSource is an opened patient table.
type batchSource struct {
	source       string
	header       []string
	decimalComma bool
	rows         scores.RowSource
	close        func() error
}

func openCSV(path string) (batchSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return batchSource{}, err
	}
	rd, err := table.NewReader(f, filepath.Base(path))
	if err != nil {
		f.Close()
		return batchSource{}, err
	}
	rd.ReuseRecord = true
	return batchSource{rd.Source, rd.Header, rd.DecimalComma, rd, f.Close}, nil
}

// xlsxRows streams the rows of one sheet, padded to the header's width (a
// sheet stores no trailing empty cells); empty rows are skipped.
type xlsxRows struct {
	rows  *excelize.Rows
	width int
	line  int
}

func (x *xlsxRows) Next() ([]string, error) {
	for x.rows.Next() {
		x.line++
		cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		if len(cells) == 0 {
			continue
		}
		for len(cells) < x.width {
			cells = append(cells, "")
		}
		return cells, nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

func (x *xlsxRows) Line() int { return x.line }

// openXLSX opens the first sheet of a workbook; its first non-empty row is
// the header.
func openXLSX(path string) (batchSource, error) {
	name := filepath.Base(path)
	in, err := os.Open(path)
	if err != nil {
		return batchSource{}, err
	}
	f, err := xlsx.Open(in, name)
	in.Close()
	if err != nil {
		return batchSource{}, err
	}
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		f.Close()
		return batchSource{}, fmt.Errorf("%s: %v", name, err)
	}
	x := &xlsxRows{rows: rows}
	header, err := x.Next()
	if err != nil {
		rows.Close()
		f.Close()
		if err == io.EOF {
			return batchSource{}, fmt.Errorf("%s: the first sheet is empty; it needs a header row and at least one row", name)
		}
		return batchSource{}, fmt.Errorf("%s: %v", name, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	x.width = len(header)
	closeAll := func() error { rows.Close(); return f.Close() }
	return batchSource{name, header, false, x, closeAll}, nil
}
