package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"carimpi/cohort"
	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
)

func init() { register(newValidateCmd()) }

// cohortFlags are the flags of every command that reads a cohort file.
type cohortFlags struct {
	inputFlags
	excludeTopMTV float64
	strict        bool
}

func (f *cohortFlags) register(fs *flag.FlagSet, defaultExclude float64) {
	f.inputFlags.register(fs)
	fs.Float64Var(&f.excludeTopMTV, "exclude-top-mtv", defaultExclude, "exclude MTV above the pooled type-7 quantile 1 - this fraction (the paper: 0.025; 0 = off)")
	fs.BoolVar(&f.strict, "strict", false, "stop at the first value or date that cannot be read, instead of listing it and leaving it out")
}

// inputs are the files the flags name, for outfile's same-file checks.
func (f *cohortFlags) inputs() []string { return []string{f.data, f.mapFile} }

// load reads the cohort file with the map and units of the flags.
func (f *cohortFlags) load() (*cohort.Cohort, *cohort.Report, error) {
	if f.data == "" {
		return nil, nil, usagef("--data is required")
	}
	ro, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	if f.excludeTopMTV < 0 || f.excludeTopMTV >= 1 {
		return nil, nil, usagef("--exclude-top-mtv %g: give a fraction in [0, 1), e.g. 0.025", f.excludeTopMTV)
	}
	return cohort.LoadFile(f.data, cohort.Options{Options: ro, ExcludeTopMTV: f.excludeTopMTV, Strict: f.strict})
}

func newValidateCmd() *Command {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var cf cohortFlags
	cf.register(fs, 0)
	out := fs.String("out", "", "write the accepted rows, in the dictionary's names and units, to this .csv or .xlsx file")
	format := fs.String("format", "table", "output format: table or json")
	c := &Command{
		Name:      "validate",
		UsageLine: "validate --data F.csv|xlsx [--map map.json] [--units crp=mg/L,hb=g/L,...] [--exclude-top-mtv 0.025] [--out clean.csv] [--format table|json]",
		Short:     "check a cohort file and list every problem with its likely fix",
		Long: `Validate reads a cohort file (CSV with ',' or ';' separators, or XLSX)
into the data dictionary (see package cohort) and prints the validation
report: how many rows were read and accepted, every excluded row with its
reasons, and every problem by row, column and value with its likely fix
(a value that cannot be read, out of range, a unit that looks wrong, an
event without a time, OS shorter than PFS, a duplicate patient id, ...).
No row is dropped silently.

Columns already named as in the dictionary are found by name; others are
mapped with --map. Units are declared with --units (or the map's "units"),
never guessed: a column whose median looks like another unit is flagged.
Times can be given as dates (map columns to infusion_date,
progression_date, death_date, last_followup_date); months are days /
30.4375. --exclude-top-mtv 0.025 applies the paper's outlier rule.

JSON output keys: notice, source, simulated, rows, accepted, blank_rows,
excluded [{row, line, patient_id, mtv_outlier, reasons}], problems [{row,
line, patient_id, column, field, value, severity, action, message, fix}],
columns, ignored_columns, mtv_outlier_quantile, mtv_outlier_threshold,
excluded_outliers.`,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		if err := checkFormat(*format, "table", "json"); err != nil {
			return err
		}
		ext, err := cohortOutExt(*out)
		if err != nil {
			return err
		}
		if *out != "" {
			// Refused before the (possibly long) load.
			if err := outfile.CheckInputs(*out, cf.inputs()...); err != nil {
				return err
			}
		}
		co, rep, err := cf.load()
		if err != nil {
			return err
		}
		if *out != "" {
			if err := writeCohort(co, *out, ext, cf.inputs()...); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "wrote %d accepted rows to %s\n", co.Len(), *out)
		}
		if *format == "json" {
			v := struct {
				Notice     string `json:"notice"`
				DataNotice string `json:"data_notice,omitempty"`
				*cohort.Report
			}{Notice: researchNotice, Report: rep}
			if rep.Simulated {
				v.DataNotice = cohort.SimulatedNotice
			}
			return jsonx.Write(stdout, v)
		}
		fmt.Fprintln(stdout, researchNotice)
		return rep.WriteText(stdout)
	}
	return c
}

// cohortOutExt checks the file name of a cohort command's --out and
// returns its lower-case extension, .csv or .xlsx ("" without a file).
func cohortOutExt(out string) (string, error) {
	ext := strings.ToLower(filepath.Ext(out))
	if out != "" && ext != ".csv" && ext != ".xlsx" {
		return "", usagef("--out %s: use a .csv or .xlsx file name", out)
	}
	return ext, nil
}

// writeCohort writes co to path as XLSX when ext is .xlsx, else as CSV,
// through outfile (never over an input, never half-written).
func writeCohort(co *cohort.Cohort, path, ext string, inputs ...string) error {
	return outfile.Write(path, func(w io.Writer) error {
		if ext == ".xlsx" {
			return co.WriteXLSX(w)
		}
		return co.WriteCSV(w)
	}, inputs...)
}
