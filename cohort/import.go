package cohort

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/record"
	"carimpi/stattest"
	"carimpi/table"
)

// Options controls an import: how the file is read (record.Options: the
// column map, declared units, number and date format, XLSX sheet) and the
// study's rules.
type Options struct {
	record.Options
	// ExcludeTopMTV, when > 0, excludes the rows whose MTV lies above the
	// type-7 quantile 1 - ExcludeTopMTV of the accepted rows (the paper's
	// outlier rule uses 0.025).
	ExcludeTopMTV float64
	// Strict stops the import at the first error (a value that cannot be
	// read or is impossible, a date that cannot be read) instead of
	// listing it and going on.
	Strict bool
	// MaxListed, when > 0, caps the problems and excluded rows the Report
	// lists (the rest are counted), so that memory does not grow with the
	// number of bad rows; OnProblem and OnExcluded, when set, receive every
	// one as it is found (to write them all to a file).
	MaxListed  int
	OnProblem  func(Problem)
	OnExcluded func(Exclusion)
}

// Actions taken on a problem.
const (
	ActionExcluded = "row excluded"
	ActionMissing  = "set missing"
	ActionKept     = "kept"
)

// Severities of a problem (record's).
const (
	SeverityError   = record.SeverityError
	SeverityWarning = record.SeverityWarning
	SeverityNote    = record.SeverityNote
)

// Load reads a CSV cohort from r and returns the accepted records with the
// validation report; source names the file in messages.
func Load(r io.Reader, source string, opts Options) (*Cohort, *Report, error) {
	if err := checkOptions(opts); err != nil {
		return nil, nil, err
	}
	rd, err := record.NewCSVReader(r, source, opts.Options)
	if err != nil {
		return nil, nil, err
	}
	return load(rd, opts)
}

// LoadXLSX reads a cohort from an XLSX workbook (the first sheet, or
// Options.Sheet): the first non-empty row is the header.
func LoadXLSX(r io.Reader, source string, opts Options) (*Cohort, *Report, error) {
	if err := checkOptions(opts); err != nil {
		return nil, nil, err
	}
	rd, err := record.NewXLSXReader(r, source, opts.Options)
	if err != nil {
		return nil, nil, err
	}
	defer rd.Close()
	return load(rd, opts)
}

// LoadFile reads a cohort from a CSV file or, by the extension .xlsx, a
// sheet of an Excel workbook.
func LoadFile(path string, opts Options) (*Cohort, *Report, error) {
	if err := checkOptions(opts); err != nil {
		return nil, nil, err
	}
	rd, err := record.Open(path, opts.Options)
	if err != nil {
		return nil, nil, err
	}
	defer rd.Close()
	return load(rd, opts)
}

func checkOptions(opts Options) error {
	if opts.ExcludeTopMTV < 0 || opts.ExcludeTopMTV >= 1 || math.IsNaN(opts.ExcludeTopMTV) {
		return fmt.Errorf("exclude-top-mtv %g: give a fraction in [0, 1), e.g. 0.025", opts.ExcludeTopMTV)
	}
	return nil
}

// loader holds the state of one import.
type loader struct {
	h      *record.Header
	strict bool
	rep    *Report
	c      *Cohort
	ids    idSet
	rows   int // data rows read
	kept   int // records kept by ScanFile
	// accept takes a record that passed the row's own checks (Load
	// appends it to c; ScanFile checks it further and streams it).
	accept func(rec *record.Record, row, line int) error
	// excluded marks the records (by index in c) that a later
	// check excluded; they are removed at the end.
	excluded map[int]bool
}

func load(rd *record.Reader, opts Options) (*Cohort, *Report, error) {
	l := newLoader(rd, opts)
	l.accept = func(rec *record.Record, row, line int) error {
		l.c.addRead(rec, row, line)
		return nil
	}
	err := record.Stream(rd, 0, nil, func(row *record.Row, _ *struct{}) error { return l.commit(row) })
	if err != nil {
		return nil, nil, err
	}
	if err := l.events(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", rd.Source, err)
	}
	l.checkRows()
	l.removeExcluded()
	l.unitCheck(func(f record.Field) []float64 {
		var vals []float64
		col := &l.c.cols[f]
		for i := range l.c.n {
			if v := col.at(i); !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		return vals
	})
	rep := l.rep
	rep.Rows = l.rows
	rep.Accepted = l.c.Len()
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return a.Row - b.Row })
	slices.SortStableFunc(rep.Excluded, func(a, b Exclusion) int { return a.Row - b.Row })
	if opts.ExcludeTopMTV > 0 {
		l.c.excludeTopMTV(rep, opts.ExcludeTopMTV, nil)
	}
	l.c.trim()
	return l.c, rep, nil
}

// newLoader sets up the import of rd: the report's column map and the
// problems of the header.
func newLoader(rd *record.Reader, opts Options) *loader {
	h := rd.Header
	l := &loader{h: h, strict: opts.Strict, ids: idSet{}, excluded: map[int]bool{},
		rep: &Report{Source: rd.Source, MTVThreshold: jsonx.Float(math.NaN()), Excluded: []Exclusion{}, Problems: []Problem{}, Ignored: []string{},
			limit: opts.MaxListed, onProblem: opts.OnProblem, onExcluded: opts.OnExcluded},
		c: &Cohort{Source: rd.Source}}
	for _, col := range h.Columns {
		switch {
		case col.Field >= 0:
			l.rep.Columns = append(l.rep.Columns, ColumnMap{Source: col.Source, Field: col.Field.Name(), Unit: col.Unit})
		case col.Date >= 0:
			l.rep.Columns = append(l.rep.Columns, ColumnMap{Source: col.Source, Field: col.Date.String()})
		}
	}
	l.rep.Ignored = append(l.rep.Ignored, h.Ignored...)
	if len(h.Missing) > 0 {
		l.rep.addProblem(Problem{Field: strings.Join(h.Missing, ", "), Severity: SeverityWarning, Action: ActionKept,
			Message: "no column for " + strings.Join(h.Missing, ", ") + " (the inputs of CAR-IMPI): no row can enter the CAR-IMPI study; the other fields are read and checked",
			Fix:     "map the columns with --map, or score the lab-based indices with carimpi batch"})
	}
	return l
}

// commit takes one converted row: its problems, its exclusion or the
// record.
func (l *loader) commit(row *record.Row) error {
	if row.Blank {
		l.rep.BlankRows++
		return nil
	}
	l.rows++
	rec := row.Record
	var reasons []string
	add := func(p Problem) {
		p.Row, p.Line, p.PatientID = row.Seq, row.Line, rec.PatientID
		l.rep.addProblem(p)
		if p.Action == ActionExcluded {
			reasons = append(reasons, p.Field+": "+p.Message)
		}
	}
	if row.Ragged != "" {
		if l.strict {
			return fmt.Errorf("line %d: %s (stopped by --strict)", row.Line, row.Ragged)
		}
		rec.PatientID = ""
		add(Problem{Severity: SeverityError, Action: ActionExcluded, Message: row.Ragged,
			Fix: "fix the ragged row: a separator too many or too few, or an unquoted separator inside a value"})
	}
	for _, is := range row.Issues {
		f, isField := record.Lookup(is.Field)
		action := ActionKept
		if is.Severity == SeverityError {
			action = ActionMissing
			if isField && f.Info().Required {
				action = ActionExcluded
			}
			if l.strict {
				return fmt.Errorf("line %d, column %q: %s (stopped by --strict)", row.Line, is.Column, is.Text())
			}
		}
		add(Problem{Column: is.Column, Field: is.Field, Value: is.Value, Severity: is.Severity, Action: action, Message: is.Message, Fix: is.Fix})
	}
	if row.Ragged == "" {
		for _, f := range []record.Field{record.Age, record.Stage, record.MTV} {
			// A cell that did not parse has its own error above; a cell
			// spelt as missing ("", NA, NaN, ...) is reported here.
			if cell := row.Cell(l.h, f); l.h.Has(f) && !f.Has(&rec) && table.IsMissing(cell) {
				add(Problem{Column: l.h.Source(f), Field: f.Name(), Value: strings.TrimSpace(cell), Severity: SeverityError, Action: ActionExcluded, Message: "required value is missing",
					Fix: "fill in " + f.Name() + " (" + f.Info().Description + "); CAR-IMPI needs age, stage and MTV"})
			}
		}
		if rec.PatientID == "" {
			add(Problem{Column: l.h.Source(record.PatientID), Field: "patient_id", Severity: SeverityError, Action: ActionExcluded, Message: "patient_id is missing",
				Fix: "give every patient an id (a patient_id column, or --map to name the id column)"})
		}
		if len(l.h.Missing) > 0 {
			reasons = append(reasons, "no column for "+strings.Join(l.h.Missing, ", ")+": cannot enter the CAR-IMPI study")
		}
	}
	if rec.PatientID != "" && row.Ragged == "" {
		if first, dup := l.ids.add(rec.PatientID, row.Seq); dup {
			add(Problem{Column: l.h.Source(record.PatientID), Field: "patient_id", Value: rec.PatientID, Severity: SeverityError, Action: ActionExcluded,
				Message: fmt.Sprintf("duplicate patient_id: row %d has the same id", first), Fix: "remove the repeated row, or give each patient their own id"})
		}
	}
	if len(reasons) > 0 {
		l.rep.addExcluded(Exclusion{Row: row.Seq, Line: row.Line, PatientID: rec.PatientID, Reasons: reasons})
		return nil
	}
	if rec.Simulated {
		l.rep.Simulated = true
	}
	return l.accept(&rec, row.Seq, row.Line)
}

// events resolves the coding of the event columns over the accepted
// records: 0/1, or exactly {1, 2} as R's Surv (2 = event).
func (l *loader) events() error {
	for _, f := range []record.Field{record.PFSEvent, record.OSEvent} {
		v := l.c.Floats(f.Name())
		coding, err := record.ResolveEvents(f, v)
		if err != nil {
			return err
		}
		if coding == record.EventsR12 {
			for i, x := range v {
				l.c.cols[f].set(i, x)
			}
			l.noteR12(f)
		}
	}
	return nil
}

// noteR12 reports an event column read with R's 1/2 coding.
func (l *loader) noteR12(f record.Field) {
	l.rep.addProblem(Problem{Column: l.h.Source(f), Field: f.Name(), Value: "1, 2", Severity: SeverityNote, Action: ActionKept,
		Message: f.Name() + " is coded 1/2 as R's Surv: 2 = event, 1 = censored; read as 1 and 0"})
	if l.rep.EventCoding == nil {
		l.rep.EventCoding = map[string]string{}
	}
	l.rep.EventCoding[f.Name()] = record.EventsR12.String()
}

// report adds a problem that a row-level check found in the record of a
// data row and line, and its exclusion; it reports whether the row is
// excluded.
func (l *loader) report(row, line int, rec *record.Record, p Problem) bool {
	p.Row, p.Line, p.PatientID = row, line, rec.PatientID
	l.rep.addProblem(p)
	if p.Action != ActionExcluded {
		return false
	}
	l.rep.addExcluded(Exclusion{Row: row, Line: line, PatientID: p.PatientID, Reasons: []string{p.Field + ": " + p.Message}})
	return true
}

// checkRows applies the rules that involve several fields of one record.
func (l *loader) checkRows() {
	for i := range l.c.n {
		rec := l.c.Record(i)
		row, line := l.c.Row(i)
		l.checkRow(&rec, func(p Problem) {
			if l.report(row, line, &rec, p) {
				l.excluded[i] = true
			}
		})
		l.c.set(i, &rec)
	}
}

// checkRow applies the rules that involve several fields of rec (event
// statuses already resolved to 0/1), passing each problem to add.
func (l *loader) checkRow(rec *record.Record, add func(Problem)) {
	for _, e := range []struct {
		time, event record.Field
	}{{record.PFSMonths, record.PFSEvent}, {record.OSMonths, record.OSEvent}} {
		t, ev := e.time.Float(rec), e.event.Float(rec)
		endpoint := strings.TrimSuffix(e.time.Name(), "_months")
		switch {
		case !math.IsNaN(ev) && math.IsNaN(t):
			add(Problem{Column: l.h.Source(e.event), Field: e.event.Name(), Value: e.event.String(rec), Severity: SeverityError, Action: ActionMissing,
				Message: "an event status without a time: left out of " + endpoint + " analyses",
				Fix:     "fill in " + e.time.Name() + " (or the dates)"})
			e.event.SetFloat(rec, math.NaN())
		case math.IsNaN(ev) && !math.IsNaN(t):
			add(Problem{Column: l.h.Source(e.event), Field: e.event.Name(), Severity: SeverityWarning, Action: ActionKept,
				Message: "a time without an event status: left out of " + endpoint + " analyses",
				Fix:     "fill in " + e.event.Name() + " (1 = event, 0 = censored)"})
		}
	}
	if rec.OSMonths < rec.PFSMonths {
		add(Problem{Column: l.h.Source(record.OSMonths), Field: "os_months", Value: record.OSMonths.String(rec), Severity: SeverityError, Action: ActionExcluded,
			Message: fmt.Sprintf("os_months is shorter than pfs_months (%g): PFS ends at death at the latest", rec.PFSMonths),
			Fix:     "check both times; were they swapped, or is one in days?"})
	}
	if rec.OSEvent == 1 && rec.PFSEvent == 0 && rec.OSMonths == rec.PFSMonths {
		add(Problem{Column: l.h.Source(record.PFSEvent), Field: "pfs_event", Value: "0", Severity: SeverityWarning, Action: ActionKept,
			Message: "death at the end of PFS is not counted as a PFS event", Fix: "set pfs_event to 1: death is a PFS event"})
	}
}

func (l *loader) removeExcluded() {
	if len(l.excluded) == 0 {
		return
	}
	keep := make([]int, 0, l.c.n-len(l.excluded))
	for i := range l.c.n {
		if !l.excluded[i] {
			keep = append(keep, i)
		}
	}
	l.c.keep(keep)
}

// unitCheck flags a measured column whose median over the accepted rows
// (values gives them, missing ones left out) looks like another unit.
func (l *loader) unitCheck(values func(record.Field) []float64) {
	for _, col := range l.h.Columns {
		f := col.Field
		if f < 0 || f.Kind() != record.Number {
			continue
		}
		vals := values(f)
		if len(vals) < 3 {
			continue
		}
		fac, _ := f.Factor(col.Unit)
		med := stattest.Quantile(vals, 0.5)
		alt := f.SuspectUnit(med, fac)
		if alt == "" {
			continue
		}
		unit := f.Unit()
		if col.Unit != "" {
			unit = col.Unit
		}
		lo, hi := f.TypicalMedian()
		l.rep.addProblem(Problem{Column: col.Source, Field: f.Name(),
			Value: fmt.Sprintf("median %.4g %s", med/fac, unit), Severity: SeverityWarning, Action: ActionKept,
			Message: fmt.Sprintf("the column's median looks like %s, not %s (a typical median is %g-%g %s)", alt, unit, lo, hi, f.Unit()),
			Fix:     fmt.Sprintf("if the column is in %s, declare it: --units %s=%s", alt, f.Name(), alt)})
	}
}

// outlier is the exclusion of a record by the MTV outlier rule (quantile
// 1 - p, threshold q).
func outlier(row, line int, r *record.Record, p, q float64) Exclusion {
	return Exclusion{Row: row, Line: line, PatientID: r.PatientID, Outlier: true,
		Reasons: []string{fmt.Sprintf("mtv_ml %g is above the %s quantile of MTV (%s mL): outlier rule", r.MTV, QuantileOf(p), FormatMTV(q))}}
}

// ExcludeTopMTV applies the MTV outlier rule to a cohort loaded without it
// (Options.ExcludeTopMTV applies it while loading, to every accepted row):
// the records of the named cohorts (values of the cohort column) whose MTV
// is above the type-7 quantile 1 - p of those cohorts' MTVs are removed
// and listed in rep, which records the cohorts in MTVOutlierCohorts. A
// study that analyses two cohorts of a file thus takes the quantile over
// them, not over a third cohort it leaves out; the records of other
// cohorts are kept as they are. No names: every record.
func (c *Cohort) ExcludeTopMTV(rep *Report, p float64, cohorts ...string) error {
	if err := checkOptions(Options{ExcludeTopMTV: p}); err != nil {
		return err
	}
	if rep.ExcludeTopMTV > 0 {
		return fmt.Errorf("the MTV outlier rule was applied already (top %s)", TopPercent(rep.ExcludeTopMTV))
	}
	if p > 0 {
		c.excludeTopMTV(rep, p, cohorts)
	}
	return nil
}

// excludeTopMTV removes the records of the cohorts (nil: every record)
// whose MTV is above the type-7 quantile 1 - p of those records and lists
// them in the report.
func (c *Cohort) excludeTopMTV(rep *Report, p float64, cohorts []string) {
	mtv := c.Floats(record.MTV.Name())
	in := func(int) bool { return true }
	pool := mtv
	if cohorts != nil {
		name := c.Text("cohort")
		in = func(i int) bool { return slices.Contains(cohorts, name(i)) }
		pool = nil
		for i, v := range mtv {
			if in(i) {
				pool = append(pool, v)
			}
		}
	}
	rep.ExcludeTopMTV, rep.MTVQuantile, rep.MTVOutlierCohorts = p, 1-p, cohorts
	if len(pool) == 0 {
		return // no record: no threshold (null)
	}
	q := stattest.Quantile(pool, 1-p)
	rep.MTVThreshold = jsonx.Float(q)
	keep := make([]int, 0, len(mtv))
	for i, v := range mtv {
		if v > q && in(i) {
			r := c.Record(i)
			row, line := c.Row(i)
			rep.addExcluded(outlier(row, line, &r, p, q))
			continue
		}
		keep = append(keep, i)
	}
	rep.ExcludedOutliers = c.n - len(keep)
	c.keep(keep)
	rep.Accepted = len(keep)
	slices.SortStableFunc(rep.Excluded, func(a, b Exclusion) int { return a.Row - b.Row })
}

// FindName returns the value of a name column (cohort, center) that equals
// name ignoring case, or an error listing the names present.
func FindName(what, name string, present []string) (string, error) {
	for _, p := range present {
		if p == name {
			return p, nil
		}
	}
	var hits []string
	for _, p := range present {
		if strings.EqualFold(p, name) {
			hits = append(hits, p)
		}
	}
	if len(hits) == 1 {
		return hits[0], nil
	}
	list := append([]string(nil), present...)
	sort.Strings(list)
	for i, p := range list {
		if p == "" {
			list[i] = `""`
		}
	}
	if len(hits) > 1 {
		return "", fmt.Errorf("%s %q matches %s, which differ only in case; give one exactly", what, name, strings.Join(hits, " and "))
	}
	return "", fmt.Errorf("%s %q matches no row (names are matched ignoring case); the names present are: %s", what, name, strings.Join(list, ", "))
}
