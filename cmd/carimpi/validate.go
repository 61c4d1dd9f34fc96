package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"carimpi/cohort"
	"carimpi/internal/jsonx"
	"carimpi/internal/outfile"
	"carimpi/record"
	"carimpi/table"
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
	opts, err := f.cohortOptions()
	if err != nil {
		return nil, nil, err
	}
	return cohort.LoadFile(f.data, opts)
}

// cohortOptions returns the import options of the flags.
func (f *cohortFlags) cohortOptions() (cohort.Options, error) {
	if f.data == "" {
		return cohort.Options{}, usagef("--data is required")
	}
	ro, err := f.options()
	if err != nil {
		return cohort.Options{}, err
	}
	if err := checkFraction(f.excludeTopMTV); err != nil {
		return cohort.Options{}, err
	}
	return cohort.Options{Options: ro, ExcludeTopMTV: f.excludeTopMTV, Strict: f.strict}, nil
}

// checkFraction checks --exclude-top-mtv.
func checkFraction(p float64) error {
	if p < 0 || p >= 1 || math.IsNaN(p) {
		return usagef("--exclude-top-mtv %g: give a fraction in [0, 1), e.g. 0.025", p)
	}
	return nil
}

func newValidateCmd() *Command {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var cf cohortFlags
	cf.register(fs, 0)
	out := fs.String("out", "", "write the accepted rows, in the dictionary's names and units, to this .csv or .xlsx file")
	problems := fs.String("problems", "", "write every problem and excluded row to this CSV file (the report lists the first 1000 of each)")
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
columns, ignored_columns, exclude_top_mtv, mtv_outlier_quantile,
mtv_outlier_threshold, excluded_outliers.`,
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
		rep, err := runValidate(cf, *out, ext, *problems)
		if err != nil {
			return err
		}
		if *out != "" {
			fmt.Fprintf(stderr, "wrote %d accepted rows to %s\n", rep.Accepted, *out)
		}
		if *problems != "" {
			fmt.Fprintf(stderr, "wrote %d problems and %d excluded rows to %s\n", rep.ProblemsTotal, rep.ExcludedTotal, *problems)
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

// maxListed is how many problems and excluded rows a validation report
// lists (the rest are counted; --problems writes them all).
const maxListed = 1000

// runValidate streams the cohort file (cohort.ScanFile): the report lists
// at most maxListed problems and exclusions, --problems gets every one,
// --out every accepted row. Memory does not grow with the file (but for
// the ids checked for duplicates and, with the outlier rule, one number a
// row).
func runValidate(cf cohortFlags, out, ext, problems string) (*cohort.Report, error) {
	opts, err := cf.cohortOptions()
	if err != nil {
		return nil, err
	}
	inputs := cf.inputs()
	for _, o := range []string{out, problems} {
		if o != "" {
			if err := outfile.CheckInputs(o, inputs...); err != nil {
				return nil, err
			}
		}
	}
	if out != "" && problems != "" && filepath.Clean(out) == filepath.Clean(problems) {
		return nil, usagef("--out and --problems name the same file")
	}
	opts.MaxListed = maxListed
	commitProblems := func() error { return nil }
	if problems != "" {
		pf, err := outfile.Create(problems, inputs...)
		if err != nil {
			return nil, err
		}
		defer pf.Abort()
		pw := bufio.NewWriter(pf)
		pw.Write(table.AppendRecord(nil, []string{"kind", "row", "line", "patient_id", "column", "field", "value", "severity", "action", "message", "fix"}))
		opts.OnProblem = func(p cohort.Problem) {
			pw.Write(table.AppendRecord(nil, []string{"problem", strconv.Itoa(p.Row), strconv.Itoa(p.Line), p.PatientID, p.Column, p.Field, p.Value, p.Severity, p.Action, p.Message, p.Fix}))
		}
		opts.OnExcluded = func(e cohort.Exclusion) {
			pw.Write(table.AppendRecord(nil, []string{"excluded", strconv.Itoa(e.Row), strconv.Itoa(e.Line), e.PatientID, "", "", "", "", cohort.ActionExcluded, strings.Join(e.Reasons, "; "), ""}))
		}
		commitProblems = func() error {
			if err := pw.Flush(); err != nil {
				return err
			}
			return pf.Commit()
		}
	}
	if out == "" {
		rep, err := cohort.ScanFile(cf.data, opts, func(*record.Record) error { return nil })
		if err != nil {
			return nil, err
		}
		return rep, commitProblems()
	}
	// The columns that hold a value first (one more pass), then the
	// accepted rows under them.
	first := opts
	first.MaxListed, first.OnProblem, first.OnExcluded, first.ExcludeTopMTV = 1, nil, nil, 0
	var seen cohort.Presence
	if _, err := cohort.ScanFile(cf.data, first, func(rec *record.Record) error { seen.Add(rec); return nil }); err != nil {
		return nil, err
	}
	of, err := outfile.Create(out, inputs...)
	if err != nil {
		return nil, err
	}
	defer of.Abort()
	cw, err := cohort.NewWriter(of, strings.TrimPrefix(ext, "."), seen.Has)
	if err != nil {
		return nil, err
	}
	rep, err := cohort.ScanFile(cf.data, opts, cw.Write)
	if err != nil {
		return nil, err
	}
	if err := cw.Close(); err != nil {
		return nil, err
	}
	if err := of.Commit(); err != nil {
		return nil, err
	}
	return rep, commitProblems()
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
