package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
{"notice", "models", "rows": [...], "errors": [...]}; with CSV output the
errors go to standard error. The file is streamed: memory does not grow
with its length.

XLSX input is not supported yet: export the sheet as CSV.`,
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
		if ext := strings.ToLower(filepath.Ext(*data)); ext == ".xlsx" || ext == ".xls" {
			return fmt.Errorf("%s: XLSX input is not supported yet; save the sheet as CSV and run batch on that", *data)
		}
		s, units, err := mf.scorer()
		if err != nil {
			return err
		}
		f, err := os.Open(*data)
		if err != nil {
			return err
		}
		defer f.Close()
		rd, err := table.NewReader(f, filepath.Base(*data))
		if err != nil {
			return err
		}
		w := stdout
		var file *os.File
		if *out != "" {
			if file, err = os.Create(*out); err != nil {
				return err
			}
			defer file.Close()
			w = file
		}
		bw := bufio.NewWriterSize(w, 1<<16)
		sum, err := s.Batch(rd, bw, scores.BatchOptions{Units: units, Format: *format, Notice: researchNotice, Models: s.Refs()})
		if err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if file != nil {
			if err := file.Close(); err != nil {
				return err
			}
		}
		cols, _ := scores.NewColumns(rd.Header, units)
		if len(cols.Ignored) > 0 {
			fmt.Fprintf(stderr, "ignored columns (not in the data dictionary): %s\n", strings.Join(cols.Ignored, ", "))
		}
		if s.CARIMPI.Coef == nil {
			fmt.Fprintln(stderr, "CAR-IMPI and the combined groups are empty: CAR-IMPI needs --model model.json with its coefficients")
		}
		if *format == "csv" {
			for _, e := range sum.Errors {
				fmt.Fprintf(stderr, "row %d, column %s, value %q: %s\n", e.Row, e.Column, e.Value, e.Message)
			}
		}
		fmt.Fprintf(stderr, "%d rows; %d errors (rows not scored); %d rows with warnings. %s\n", sum.Rows, len(sum.Errors), sum.Warnings, researchNotice)
		return nil
	}
	return c
}
