package cohort

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"carimpi/internal/jsonx"
	"carimpi/stattest"
	"carimpi/table"
)

// Date roles: a column map may send a column of dates to one of these
// names instead of pfs_months/pfs_event/os_months/os_event; the times are
// then computed from the dates (days / DaysPerMonth):
//
//	os  = death (event) or last follow-up (censored), minus infusion
//	pfs = the earlier of progression and death (event), else last follow-up
const (
	InfusionDate     = "infusion_date"
	ProgressionDate  = "progression_date"
	DeathDate        = "death_date"
	LastFollowUpDate = "last_followup_date"
)

var dateRoles = []string{InfusionDate, ProgressionDate, DeathDate, LastFollowUpDate}

// Options controls an import. The zero value reads a file whose columns
// already carry the dictionary names, in the dictionary's units.
type Options struct {
	// Map sends a source column to a dictionary name or a date role
	// ("CRP (mg/L)" -> "crp"). Columns not in the map are matched to the
	// dictionary by name, ignoring case, spaces and dashes; the rest are
	// ignored and listed in the report.
	Map map[string]string
	// Units declares the unit of a dictionary column ("crp" -> "mg/L"); a
	// *_uln column takes its lab's unit unless declared itself. Undeclared
	// columns are read in the dictionary's unit.
	Units map[string]string
	// DateOrder reads slash dates; with DateAuto a date such as 03/04/2021
	// that reads both ways is an error asking for the order.
	DateOrder DateOrder
	// ExcludeTopMTV, when > 0, excludes the rows whose MTV lies above the
	// type-7 quantile 1 - ExcludeTopMTV of the accepted rows (the paper's
	// outlier rule uses 0.025). Load only: it needs every row.
	ExcludeTopMTV float64
	// Sheet names the XLSX sheet to read; "" reads the first.
	Sheet string
}

// mapFile is the JSON column map: either {"Source": "dictionary", ...} or
// {"columns": {...}, "units": {...}, "date_order": "dmy"}.
type mapFile struct {
	Columns   map[string]string `json:"columns"`
	Units     map[string]string `json:"units"`
	DateOrder DateOrder         `json:"date_order"`
}

// ReadMap reads a JSON column map into Options (Map, Units, DateOrder). The
// file is either a flat object of source column -> dictionary name, or an
// object with the keys "columns", "units" and "date_order".
func ReadMap(r io.Reader) (Options, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Options{}, err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return Options{}, fmt.Errorf("column map: %v; write a JSON object such as {\"CRP (mg/L)\": \"crp\"}", err)
	}
	_, c := probe["columns"]
	_, u := probe["units"]
	_, d := probe["date_order"]
	if c || u || d {
		var m mapFile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			return Options{}, fmt.Errorf("column map: %v; the keys are columns, units and date_order", err)
		}
		return Options{Map: m.Columns, Units: m.Units, DateOrder: m.DateOrder}, nil
	}
	var flat map[string]string
	if err := json.Unmarshal(data, &flat); err != nil {
		return Options{}, fmt.Errorf("column map: %v; every value must be a dictionary name in quotes", err)
	}
	return Options{Map: flat}, nil
}

// rowSource yields the rows of a CSV file or an XLSX sheet.
type rowSource interface {
	header() []string
	// next returns the cells of the next row and its line (CSV) or sheet
	// row number; io.EOF at the end. cells may be reused by the next call.
	next() (cells []string, line int, err error)
	decimalComma() bool
}

// csvSource streams a delimited file through table.Reader (UTF-8 BOM,
// ';' separator with decimal commas, blank lines). A ragged row comes back
// as errRagged so that the row is excluded and the import goes on.
type csvSource struct {
	rd *table.Reader
}

// errRagged wraps table.Reader's error for a row with the wrong number of
// fields.
type errRagged struct{ err error }

func (e errRagged) Error() string { return e.err.Error() }

func newCSVSource(r io.Reader, source string) (*csvSource, error) {
	rd, err := table.NewReader(r, source)
	if err != nil {
		return nil, err
	}
	rd.ReuseRecord = true
	return &csvSource{rd: rd}, nil
}

func (s *csvSource) header() []string   { return s.rd.Header }
func (s *csvSource) decimalComma() bool { return s.rd.DecimalComma }
func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.rd.Next()
	if err == nil || err == io.EOF {
		return rec, s.rd.Line(), err
	}
	if pe := (*csv.ParseError)(nil); !errors.As(err, &pe) {
		return nil, s.rd.Line(), errRagged{err}
	}
	return nil, s.rd.Line(), err
}

// plan is how one source column is read.
type plan struct {
	field  int     // index in fields, or -1
	date   int     // index in dateRoles, or -1
	factor float64 // declared unit -> canonical
	unit   string  // declared unit as written
}

// importer holds the state of one import: the column plans, the report
// being written, the ids seen and a sample of each measured column for the
// unit check.
type importer struct {
	opts    Options
	source  string
	src     rowSource
	head    []string
	plans   []plan
	dates   bool
	rep     *Report
	ids     map[string]int
	samples [][]float64 // per field index: reservoir of canonical values
	seen    []int       // per field index: values offered to the sample
	stride  []int       // per field index: every stride-th value is kept
	row     int         // data rows read so far (the current row's number)
	line    int         // file line of the current row
}

// converter turns the cells of a row into a record and its problems; it
// only reads the importer's plans, so that several converters run in
// parallel. The importer then commits the rows in file order.
type converter struct {
	*importer
	names map[string]string // interned text values
	dv    [4]float64        // dates of the current row (days), NaN when missing
}

// convRow is a converted row waiting to be committed.
type convRow struct {
	rec      Record
	problems []Problem // Row is set on commit
	excluded []string
	line     int
	blank    bool
	err      error // a read error; errRagged for a row with the wrong number of fields
}

// sampleSize bounds the values kept per column for the median unit check,
// so that memory does not grow with the file (files with up to twice this
// many values use every value).
const sampleSize = 4096

func newImporter(src rowSource, source string, opts Options) (*importer, error) {
	im := &importer{opts: opts, source: source, src: src, head: src.header(),
		rep:     &Report{Source: source, MTVThreshold: jsonx.Float(math.NaN()), Excluded: []Exclusion{}, Problems: []Problem{}, Ignored: []string{}},
		ids:     make(map[string]int),
		samples: make([][]float64, len(fields)),
		seen:    make([]int, len(fields)),
		stride:  make([]int, len(fields)),
	}
	for i := range im.stride {
		im.stride[i] = 1
	}
	switch opts.DateOrder {
	case DateAuto, DateDMY, DateMDY:
	default:
		return nil, fmt.Errorf("date order %q: use dmy or mdy", opts.DateOrder)
	}
	if err := im.planColumns(); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return im, nil
}

// normName folds a column name for matching: lower case, spaces and dashes
// as underscores.
func normName(s string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
}

func (im *importer) planColumns() error {
	byTarget := map[string]string{}
	im.plans = make([]plan, len(im.head))
	for src, dst := range im.opts.Map {
		if !slices.Contains(im.head, src) {
			return fmt.Errorf("the column map names %q, which is not a column of the file; the columns are: %s", src, strings.Join(im.head, ", "))
		}
		if _, ok := fieldIndex[dst]; !ok && !slices.Contains(dateRoles, dst) {
			return fmt.Errorf("the column map sends %q to %q, which is not a dictionary name; use one of: %s", src, dst, strings.Join(fieldNames(), ", "))
		}
	}
	seen := map[string]bool{}
	for i, h := range im.head {
		h = strings.TrimSpace(h)
		im.head[i] = h
		if h == "" {
			return fmt.Errorf("column %d has an empty name; give every column a header", i+1)
		}
		if seen[h] {
			return fmt.Errorf("column %q appears twice; rename one of them", h)
		}
		seen[h] = true
		p := plan{field: -1, date: -1, factor: 1}
		target, mapped := im.opts.Map[h]
		if !mapped {
			n := normName(h)
			if _, ok := fieldIndex[n]; ok || slices.Contains(dateRoles, n) {
				target = n
			}
		}
		if target == "" {
			im.rep.Ignored = append(im.rep.Ignored, h)
			im.plans[i] = p
			continue
		}
		if prev, dup := byTarget[target]; dup {
			return fmt.Errorf("columns %q and %q both map to %s; map only one of them", prev, h, target)
		}
		byTarget[target] = h
		if j := slices.Index(dateRoles, target); j >= 0 {
			p.date = j
			im.dates = true
		} else {
			p.field = fieldIndex[target]
		}
		im.plans[i] = p
		im.rep.Columns = append(im.rep.Columns, ColumnMap{Source: h, Field: target})
	}
	for name := range im.opts.Units {
		if _, ok := fieldIndex[name]; !ok {
			return fmt.Errorf("units: %q is not a dictionary name", name)
		}
		if _, ok := byTarget[name]; !ok {
			return fmt.Errorf("units: a unit is declared for %s, but no column maps to it", name)
		}
	}
	for i := range im.plans {
		p := &im.plans[i]
		if p.field < 0 {
			continue
		}
		f := &fields[p.field]
		decl, ok := im.opts.Units[f.Name]
		if !ok && strings.HasSuffix(f.Name, "_uln") {
			decl, ok = im.opts.Units[strings.TrimSuffix(f.Name, "_uln")]
		}
		if !ok {
			continue
		}
		fac, err := f.factor(decl)
		if err != nil {
			return err
		}
		p.factor, p.unit = fac, decl
		for k := range im.rep.Columns {
			if im.rep.Columns[k].Field == f.Name {
				im.rep.Columns[k].Unit = decl
			}
		}
	}
	if im.dates {
		if _, ok := byTarget[InfusionDate]; !ok {
			return fmt.Errorf("dates of events are mapped but no %s; map the infusion date column", InfusionDate)
		}
		for _, n := range []string{"pfs_months", "pfs_event", "os_months", "os_event"} {
			if src, ok := byTarget[n]; ok {
				return fmt.Errorf("both dates and %s (column %q) are given; map either the dates or the times", n, src)
			}
		}
	}
	var missing []string
	for _, f := range fields {
		if _, ok := byTarget[f.Name]; f.Required && !ok {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no column for %s (required); the columns are: %s; map them with a column map",
			strings.Join(missing, ", "), strings.Join(im.head, ", "))
	}
	return nil
}

func fieldNames() []string {
	out := make([]string, 0, len(fields)+len(dateRoles))
	for _, f := range fields {
		out = append(out, f.Name)
	}
	return append(out, dateRoles...)
}

// rowCheck collects the problems of one row.
type rowCheck struct {
	out *convRow
	id  string
}

func (c *rowCheck) add(col, field, value, sev, action, msg, fix string) {
	c.out.problems = append(c.out.problems, Problem{Line: c.out.line, PatientID: c.id, Column: col,
		Field: field, Value: value, Severity: sev, Action: action, Message: msg, Fix: fix})
	if action == ActionExcluded {
		c.out.excluded = append(c.out.excluded, field+": "+msg)
	}
}

// Actions taken on a problem.
const (
	ActionExcluded = "row excluded"
	ActionMissing  = "set missing"
	ActionKept     = "kept"
)

// Severities of a problem.
const (
	SeverityError   = "error"   // the value cannot be right
	SeverityWarning = "warning" // the value is possible but suspicious
	SeverityNote    = "note"    // information about the file
)

// missingRecord has every number missing; copying it is cheaper than
// NewRecord.
var missingRecord = NewRecord()

// convert fills out from the cells of one row. An all-empty row is a
// blank line: marked, skipped and counted on commit.
func (cv *converter) convert(cells []string, line int, out *convRow) {
	out.line, out.blank, out.err = line, false, nil
	out.problems, out.excluded = out.problems[:0], nil
	empty := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			empty = false
			break
		}
	}
	if empty {
		out.blank = true
		return
	}
	rec := &out.rec
	*rec = missingRecord
	c := rowCheck{out: out}
	if len(cells) != len(cv.head) {
		c.add("", "", "", SeverityError, ActionExcluded,
			fmt.Sprintf("the row has %d cells but the header has %d", len(cells), len(cv.head)),
			"fix the ragged row: a cell too many or too few")
		return
	}
	if cv.dates {
		for i := range cv.dv {
			cv.dv[i] = math.NaN()
		}
	}
	// patient_id first, so that every problem of the row names it.
	for i, p := range cv.plans {
		if p.field >= 0 && fields[p.field].Name == "patient_id" {
			rec.PatientID = strings.Clone(strings.TrimSpace(cells[i]))
			c.id = rec.PatientID
		}
	}
	for i, p := range cv.plans {
		switch {
		case p.date >= 0:
			cv.readDate(&c, i, p, cells[i])
		case p.field >= 0:
			cv.readCell(&c, i, p, cells[i], rec)
		}
	}
	if cv.dates {
		cv.outcomesFromDates(&c, rec)
	}
	cv.checkRow(&c, rec)
}

// commit numbers a converted row, checks its id against the rows before
// it, adds its problems to the report and lists it as excluded or samples
// it; it reports whether the row is accepted.
func (im *importer) commit(out *convRow) bool {
	if out.blank {
		im.rep.BlankRows++
		return false
	}
	im.row++
	im.line = out.line
	rec := &out.rec
	if isRagged(out.err) {
		rec.PatientID = ""
		(&rowCheck{out: out}).add("", "", "", SeverityError, ActionExcluded, out.err.Error(),
			"fix the ragged row: a separator too many or too few, or an unquoted separator inside a value")
	} else if rec.PatientID != "" {
		if first, dup := im.ids[rec.PatientID]; dup {
			(&rowCheck{out: out, id: rec.PatientID}).add(im.sourceOf("patient_id"), "patient_id", rec.PatientID, SeverityError, ActionExcluded,
				fmt.Sprintf("duplicate patient_id: row %d has the same id", first),
				"remove the repeated row, or give each patient their own id")
		} else {
			im.ids[rec.PatientID] = im.row
		}
	}
	for _, p := range out.problems {
		p.Row = im.row
		im.rep.Problems = append(im.rep.Problems, p)
	}
	if len(out.excluded) > 0 {
		im.rep.Excluded = append(im.rep.Excluded, Exclusion{Row: im.row, Line: out.line, PatientID: rec.PatientID, Reasons: out.excluded})
		return false
	}
	if rec.Simulated {
		im.rep.Simulated = true
	}
	im.sample(rec)
	return true
}

// sourceOf returns the source column read into a dictionary field.
func (im *importer) sourceOf(name string) string {
	for i, p := range im.plans {
		if p.field >= 0 && fields[p.field].Name == name {
			return im.head[i]
		}
	}
	return name
}

// startsNumber reports whether a non-empty cell starts like a number (no
// spelling of a missing value does, and none is longer than 4 characters:
// "", NA, N/A, NaN, null, ".", <NA>).
func startsNumber(s string) bool {
	c := s[0]
	return c >= '0' && c <= '9' || c == '-'
}

// intern returns a copy of a cohort or center name, shared by every row
// that has it (these columns hold a few distinct values).
func (im *converter) intern(s string) string {
	if v, ok := im.names[s]; ok {
		return v
	}
	if len(im.names) > 1000 { // not a column of a few names: do not hold them all
		return strings.Clone(s)
	}
	v := strings.Clone(s)
	im.names[v] = v
	return v
}

func (im *converter) readCell(c *rowCheck, i int, p plan, cell string, rec *Record) {
	f := &fields[p.field]
	col := im.head[i]
	bad := ActionMissing
	if f.Required {
		bad = ActionExcluded
	}
	if cell == "" || !startsNumber(cell) && len(strings.TrimSpace(cell)) <= 4 && table.IsMissing(cell) {
		if f.Required {
			c.add(col, f.Name, cell, SeverityError, ActionExcluded, "required value is missing",
				"fill in "+f.Name+" ("+f.Doc+"); CAR-IMPI needs age, stage and MTV")
		}
		return
	}
	switch f.Kind {
	case Text:
		if f.Name != "patient_id" {
			*f.str(rec) = im.intern(strings.TrimSpace(cell))
		}
		return
	case Category:
		code, known := parseCategory(f.Name, cell)
		switch {
		case known:
			*f.str(rec) = code
		case code != "":
			*f.str(rec) = code
			c.add(col, f.Name, cell, SeverityWarning, ActionKept, "not one of the known codes "+strings.Join(f.Levels, ", "),
				"check the spelling if it is one of them; other products are analysed as their own level")
		default:
			c.add(col, f.Name, cell, SeverityError, bad, "not a known code", "use one of: "+strings.Join(f.Levels, ", "))
		}
		return
	case Binary:
		v, ok := parseBinary(cell, im.src.decimalComma())
		if !ok {
			c.add(col, f.Name, cell, SeverityError, bad, "not a 0/1 value", "write 1 (yes) or 0 (no), or leave the cell empty")
			return
		}
		if f.Name == "simulated" {
			rec.Simulated = v == 1
			return
		}
		*f.num(rec) = v
		return
	}
	var v float64
	var err error
	if f.Name == "stage" {
		var ok bool
		if v, ok = parseStage(cell); !ok {
			err = table.ErrNotNumber
		}
	} else {
		v, err = table.ParseFloat(cell, im.src.decimalComma())
	}
	if err != nil {
		c.add(col, f.Name, cell, SeverityError, bad, "is not a number",
			"write a plain number such as 12.5 (a decimal comma only in a ;-separated file), or leave the cell empty")
		return
	}
	raw := v
	v *= p.factor
	unit := f.Unit
	if p.unit != "" {
		unit = p.unit
	}
	switch {
	case v < f.Min || v > f.Max || f.minOpen && v == f.Min:
		c.add(col, f.Name, cell, SeverityError, bad, fmt.Sprintf("is outside the possible range %s", rangeText(f)),
			"correct the value, or leave the cell empty if it is unknown")
		return
	case f.Kind == Integer && v != math.Trunc(v):
		c.add(col, f.Name, cell, SeverityError, bad, "is not a whole number", "write a whole number")
		return
	case v < f.Low || v > f.High:
		fix := "check the value"
		if alt := f.plausibleUnit(raw, p.factor); alt != "" {
			fix = fmt.Sprintf("if the column is in %s, declare it (units %s=%s)", alt, f.Name, alt)
		}
		c.add(col, f.Name, cell, SeverityWarning, ActionKept,
			fmt.Sprintf("is outside the plausible range %g-%g %s", f.Low, f.High, f.Unit)+declared(unit, f), fix)
	}
	*f.num(rec) = v
}

func declared(unit string, f *Field) string {
	if unit == f.Unit {
		return ""
	}
	return " (read as " + unit + ")"
}

func rangeText(f *Field) string {
	lo := "[" + fmt.Sprint(f.Min)
	if f.minOpen {
		lo = "(" + fmt.Sprint(f.Min)
	}
	hi := fmt.Sprint(f.Max) + "]"
	if math.IsInf(f.Max, 1) {
		hi = "inf)"
	}
	return strings.TrimSpace(lo + ", " + hi + " " + f.Unit)
}

// plausibleUnit returns another unit in which raw (the number as written)
// would be plausible.
func (f *Field) plausibleUnit(raw, declaredFactor float64) string {
	return f.otherUnit(raw, declaredFactor, f.Low, f.High)
}

func (im *converter) readDate(c *rowCheck, i int, p plan, cell string) {
	if table.IsMissing(cell) {
		return
	}
	d, err := parseDate(cell, im.opts.DateOrder)
	role := dateRoles[p.date]
	switch {
	case errors.Is(err, errAmbiguousDate):
		c.add(im.head[i], role, cell, SeverityError, ActionMissing, "ambiguous date: day/month or month/day",
			"declare the date order (--date-order dmy or mdy, or \"date_order\" in the column map), or write dates as YYYY-MM-DD")
	case err != nil:
		c.add(im.head[i], role, cell, SeverityError, ActionMissing, "is not a date",
			"write dates as YYYY-MM-DD (also accepted: DD.MM.YYYY and DD/MM/YYYY or MM/DD/YYYY with a declared order)")
	default:
		im.dv[p.date] = d
	}
}

// outcomesFromDates computes PFS and OS in months from the row's dates.
func (im *converter) outcomesFromDates(c *rowCheck, rec *Record) {
	inf, prog, death, last := im.dv[0], im.dv[1], im.dv[2], im.dv[3]
	if math.IsNaN(inf) {
		if !math.IsNaN(prog) || !math.IsNaN(death) || !math.IsNaN(last) {
			c.add(im.sourceOf(InfusionDate), InfusionDate, "", SeverityError, ActionMissing,
				"event dates without an infusion date; PFS and OS cannot be computed", "fill in the infusion date")
		}
		return
	}
	for k, d := range []float64{prog, death, last} {
		if d < inf {
			role := dateRoles[k+1]
			c.add(im.sourceOf(role), role, "", SeverityError, ActionExcluded, "date is before the infusion date",
				"check the date and the infusion date (times cannot be negative)")
			return
		}
	}
	if prog > death {
		c.add(im.sourceOf(ProgressionDate), ProgressionDate, "", SeverityError, ActionExcluded,
			"progression date is after the death date", "check both dates")
		return
	}
	if last > death {
		c.add(im.sourceOf(LastFollowUpDate), LastFollowUpDate, "", SeverityWarning, ActionKept,
			"last follow-up is after the death date; the death date is used", "check both dates")
	}
	switch {
	case !math.IsNaN(death):
		rec.OSMonths, rec.OSEvent = (death-inf)/DaysPerMonth, 1
	case !math.IsNaN(last):
		rec.OSMonths, rec.OSEvent = (last-inf)/DaysPerMonth, 0
	}
	switch {
	case !math.IsNaN(prog):
		rec.PFSMonths, rec.PFSEvent = (prog-inf)/DaysPerMonth, 1
	case !math.IsNaN(death):
		rec.PFSMonths, rec.PFSEvent = (death-inf)/DaysPerMonth, 1
	case !math.IsNaN(last):
		rec.PFSMonths, rec.PFSEvent = (last-inf)/DaysPerMonth, 0
	}
	if math.IsNaN(rec.OSMonths) {
		c.add(im.sourceOf(LastFollowUpDate), LastFollowUpDate, "", SeverityWarning, ActionKept,
			"neither a death nor a last follow-up date; OS and PFS are missing", "fill in the last follow-up date")
	}
}

// checkRow applies the rules that involve several fields of one row.
func (im *converter) checkRow(c *rowCheck, rec *Record) {
	for _, e := range []struct {
		time, event string
		t, ev       *float64
	}{{"pfs_months", "pfs_event", &rec.PFSMonths, &rec.PFSEvent}, {"os_months", "os_event", &rec.OSMonths, &rec.OSEvent}} {
		switch {
		case *e.ev == 1 && math.IsNaN(*e.t):
			c.add(im.sourceOf(e.event), e.event, "1", SeverityError, ActionMissing, "an event without a time",
				"fill in "+e.time+" (or the dates); until then the row is left out of "+strings.TrimSuffix(e.time, "_months")+" analyses")
			*e.ev = math.NaN()
		case math.IsNaN(*e.ev) && !math.IsNaN(*e.t):
			c.add(im.sourceOf(e.event), e.event, "", SeverityWarning, ActionKept, "a time without an event status",
				"fill in "+e.event+" (1 = event, 0 = censored); until then the row is left out of survival analyses")
		}
	}
	if rec.OSMonths < rec.PFSMonths {
		c.add(im.sourceOf("os_months"), "os_months", fmt.Sprint(rec.OSMonths), SeverityError, ActionExcluded,
			fmt.Sprintf("os_months is shorter than pfs_months (%g): PFS ends at death at the latest", rec.PFSMonths),
			"check both times; were they swapped, or is one in days?")
	}
	if rec.OSEvent == 1 && rec.PFSEvent == 0 && rec.OSMonths == rec.PFSMonths {
		c.add(im.sourceOf("pfs_event"), "pfs_event", "0", SeverityWarning, ActionKept,
			"death at the end of PFS is not counted as a PFS event", "set pfs_event to 1: death is a PFS event")
	}
}

// sample offers the accepted row's measurements to the per-column samples
// used by the median unit check. A column keeps every value until it holds
// 2*sampleSize, then every other one, doubling its stride: a systematic
// sample of bounded size, without random numbers.
func (im *importer) sample(rec *Record) {
	for _, p := range im.plans {
		if p.field < 0 || fields[p.field].medHi == 0 {
			continue
		}
		v := *fields[p.field].num(rec)
		if math.IsNaN(v) {
			continue
		}
		k := p.field
		im.seen[k]++
		if im.seen[k]%im.stride[k] != 0 {
			continue
		}
		im.samples[k] = append(im.samples[k], v)
		if len(im.samples[k]) == 2*sampleSize {
			for j := range sampleSize {
				im.samples[k][j] = im.samples[k][2*j+1]
			}
			im.samples[k] = im.samples[k][:sampleSize]
			im.stride[k] *= 2
		}
	}
}

// finish adds the column-level checks to the report.
func (im *importer) finish() {
	for _, p := range im.plans {
		if p.field < 0 || len(im.samples[p.field]) < 3 {
			continue
		}
		f := &fields[p.field]
		med := stattest.Quantile(im.samples[p.field], 0.5)
		alt := f.suspectUnit(med, p.factor)
		if alt == "" {
			continue
		}
		unit := f.Unit
		if p.unit != "" {
			unit = p.unit
		}
		im.rep.Problems = append(im.rep.Problems, Problem{Column: im.sourceOf(f.Name), Field: f.Name,
			Value: fmt.Sprintf("median %.4g %s", med/p.factor, unit), Severity: SeverityWarning, Action: ActionKept,
			Message: fmt.Sprintf("the column's median looks like %s, not %s (a typical median is %g-%g %s)", alt, unit, f.medLo, f.medHi, f.Unit),
			Fix:     fmt.Sprintf("if the column is in %s, declare it: --units %s=%s", alt, f.Name, alt)})
	}
	im.rep.Rows = im.row
	im.rep.Accepted = im.row - len(im.rep.Excluded)
}

// rawRow is a row as read from the source.
type rawRow struct {
	cells []string
	line  int
	err   error
}

// batch is a run of rows, numbered in file order, with the cell headers in
// one reused arena; conv holds the same rows converted.
type batch struct {
	seq   int
	rows  []rawRow
	arena []string
	conv  []convRow
}

// batchSize is the number of rows handed over at once.
const batchSize = 256

// scan runs the import over every row, calling fn with each accepted
// record and its data row number. Three stages run concurrently: one
// goroutine splits the file into cells, GOMAXPROCS goroutines convert
// batches of rows (converter), and the calling goroutine commits the
// batches in file order (commit), so the report is the same as a
// sequential pass. Batches circulate through a free list: memory stays
// bounded whatever the file's size. The cell strings of a batch stay
// valid after the batch is reused (only the slices are reused).
func (im *importer) scan(fn func(*Record, int) error) error {
	done := make(chan struct{})
	var wg sync.WaitGroup // every goroutine of the pipeline
	defer func() {
		close(done)
		wg.Wait() // none of them touches the source or the batches after scan returns
	}()
	workers := max(1, runtime.GOMAXPROCS(0))
	nBatch := 2*workers + 2
	free := make(chan *batch, nBatch)
	for range nBatch {
		free <- &batch{}
	}
	raw := make(chan *batch, nBatch)
	results := make(chan *batch, nBatch)
	wg.Add(1)
	go func() {
		defer wg.Done()
		im.readBatches(free, raw, done)
	}()
	var conv sync.WaitGroup
	for range workers {
		wg.Add(1)
		conv.Add(1)
		go func() {
			defer wg.Done()
			defer conv.Done()
			cv := &converter{importer: im, names: map[string]string{}}
			for b := range raw {
				if len(b.conv) < len(b.rows) {
					b.conv = make([]convRow, batchSize)
				}
				for i, r := range b.rows {
					if r.err == nil {
						cv.convert(r.cells, r.line, &b.conv[i])
					} else {
						b.conv[i] = convRow{line: r.line, err: r.err}
					}
				}
				select {
				case results <- b:
				case <-done:
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		conv.Wait()
		close(results)
	}()
	pending := map[int]*batch{}
	next := 0
	for b := range results {
		pending[b.seq] = b
		for b := pending[next]; b != nil; b = pending[next] {
			delete(pending, next)
			next++
			for i := range b.rows {
				out := &b.conv[i]
				if out.err == io.EOF {
					im.finish()
					return nil
				}
				if out.err != nil && !isRagged(out.err) {
					return fmt.Errorf("%s: %w", im.source, out.err)
				}
				if im.commit(out) {
					if err := fn(&out.rec, im.row); err != nil {
						return err
					}
				}
			}
			free <- b
		}
	}
	panic("cohort: the row reader stopped without io.EOF or an error")
}

// readBatches fills free batches with the source's rows and sends them,
// numbered, on raw; it stops after the end or an error (sent as the last
// row), or when done is closed.
func (im *importer) readBatches(free <-chan *batch, raw chan<- *batch, done <-chan struct{}) {
	defer close(raw)
	for seq := 0; ; seq++ {
		var b *batch
		select {
		case b = <-free:
		case <-done:
			return
		}
		b.seq, b.rows, b.arena = seq, b.rows[:0], b.arena[:0]
		var err error
		for len(b.rows) < batchSize {
			var cells []string
			var line int
			cells, line, err = im.src.next()
			if err == nil {
				// The source reuses its slice: keep the cell headers in
				// the arena (earlier rows keep pointing into an old
				// arena if this one grows, which stays valid).
				start := len(b.arena)
				b.arena = append(b.arena, cells...)
				cells = b.arena[start:len(b.arena):len(b.arena)]
			}
			b.rows = append(b.rows, rawRow{cells, line, err})
			if err != nil && !isRagged(err) {
				break
			}
		}
		select {
		case raw <- b:
		case <-done:
			return
		}
		if err != nil && !isRagged(err) {
			return
		}
	}
}

func isRagged(err error) bool {
	if err == nil {
		return false
	}
	var rag errRagged
	return errors.As(err, &rag)
}

// Scan reads a CSV cohort from r row by row, calling fn with each accepted
// record (fn must copy what it keeps: rec is reused), and returns the
// validation report. Memory does not grow with the number of rows beyond
// the ids seen and the report's problems. source names the file in
// messages. Options.ExcludeTopMTV needs every row and is an error here;
// use Load.
func Scan(r io.Reader, source string, opts Options, fn func(rec *Record) error) (*Report, error) {
	if opts.ExcludeTopMTV != 0 {
		return nil, errors.New("cohort: ExcludeTopMTV needs every row; use Load")
	}
	src, err := newCSVSource(r, source)
	if err != nil {
		return nil, err
	}
	im, err := newImporter(src, source, opts)
	if err != nil {
		return nil, err
	}
	if err := im.scan(func(rec *Record, _ int) error { return fn(rec) }); err != nil {
		return nil, err
	}
	return im.rep, nil
}

// Load reads a CSV cohort from r and returns the accepted records with the
// validation report; source names the file in messages.
func Load(r io.Reader, source string, opts Options) (*Cohort, *Report, error) {
	src, err := newCSVSource(r, source)
	if err != nil {
		return nil, nil, err
	}
	return load(src, source, opts)
}

// LoadFile reads a cohort from a CSV file or, by the extension .xlsx, the
// first (or Options.Sheet) sheet of an Excel workbook.
func LoadFile(path string, opts Options) (*Cohort, *Report, error) {
	name := filepath.Base(path)
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".xls", ".ods", ".numbers":
		return nil, nil, fmt.Errorf("%s: this spreadsheet format is not read; save it as .xlsx or .csv", name)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if ext == ".xlsx" {
		return LoadXLSX(f, name, opts)
	}
	return Load(f, name, opts)
}

func load(src rowSource, source string, opts Options) (*Cohort, *Report, error) {
	if opts.ExcludeTopMTV < 0 || opts.ExcludeTopMTV >= 1 || math.IsNaN(opts.ExcludeTopMTV) {
		return nil, nil, fmt.Errorf("exclude-top-mtv %g: give a fraction in [0, 1), e.g. 0.025", opts.ExcludeTopMTV)
	}
	im, err := newImporter(src, source, opts)
	if err != nil {
		return nil, nil, err
	}
	c := &Cohort{Source: source}
	err = im.scan(func(rec *Record, row int) error {
		c.Records = append(c.Records, *rec)
		c.rows = append(c.rows, row)
		c.lines = append(c.lines, im.line)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if opts.ExcludeTopMTV > 0 {
		c.excludeTopMTV(im.rep, opts.ExcludeTopMTV)
	}
	return c, im.rep, nil
}

// excludeTopMTV removes the records whose MTV is above the type-7 quantile
// 1 - p of the accepted records and lists them in the report.
func (c *Cohort) excludeTopMTV(rep *Report, p float64) {
	mtv := make([]float64, len(c.Records))
	for i := range c.Records {
		mtv[i] = c.Records[i].MTV
	}
	rep.MTVQuantile = 1 - p
	if len(mtv) == 0 {
		return // no accepted row: no threshold (null)
	}
	q := stattest.Quantile(mtv, 1-p)
	rep.MTVThreshold = jsonx.Float(q)
	keep := 0
	for i := range c.Records {
		r := &c.Records[i]
		if r.MTV > q {
			rep.Excluded = append(rep.Excluded, Exclusion{Row: c.rows[i], Line: c.lines[i], PatientID: r.PatientID, Outlier: true,
				Reasons: []string{fmt.Sprintf("mtv_ml %g is above the %g quantile of MTV (%.4g mL): outlier rule", r.MTV, 1-p, q)}})
			continue
		}
		c.Records[keep], c.rows[keep], c.lines[keep] = *r, c.rows[i], c.lines[i]
		keep++
	}
	rep.ExcludedOutliers = len(c.Records) - keep
	c.Records, c.rows, c.lines = c.Records[:keep], c.rows[:keep], c.lines[:keep]
	rep.Accepted = keep
	slices.SortStableFunc(rep.Excluded, func(a, b Exclusion) int { return a.Row - b.Row })
}
