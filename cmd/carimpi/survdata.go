package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/internal/textsafe"
	"carimpi/record"
	"carimpi/table"
)

// survData is a right-censored outcome read from a table, with the rows
// that were dropped for a missing value counted, as R's na.omit does, and
// the kept rows' values of the other columns a command asked for: numbers,
// or text held as codes into its distinct values.
type survData struct {
	source  string
	time    []float64
	start   []float64 // with survFlags.start: the entry time of each kept row
	event   []bool
	status  []int   // with survFlags.causeOf: its code of each kept row
	lines   []int32 // the file line of each kept row
	dropped int
	// eventNote says how an event column read without --event-value was
	// coded when that is not 0/1 (R's Surv 1/2), for the output.
	eventNote string
	nums      map[string][]float64
	texts     map[string]*textColumn
}

// textColumn is a text column of the kept rows: row i is levels[codes[i]].
type textColumn struct {
	codes  []int32
	levels []string
}

// survFlags are the flags every survival command shares.
type survFlags struct {
	data, time, event, eventValue string
	// start, if set, is the entry-time column of (start, stop] data:
	// delayed entry or one row per interval of a subject; --time is then
	// the stop time.
	start string
	// causeOf, if set, reads the event column as a status with several
	// codes (competing risks): it maps a cell to 0 (censored) or a cause
	// code >= 1, or returns an error message about the cell; event is then
	// status > 0 and --event-value is not used.
	causeOf func(cell string) (int, error)
}

// register defines --data, --time, --event and --event-value on fs.
func (f *survFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "CSV `file` with one row per patient")
	fs.StringVar(&f.time, "time", "", "follow-up time `column`")
	fs.StringVar(&f.event, "event", "", "event indicator `column`")
	fs.StringVar(&f.eventValue, "event-value", "", eventValueUsage)
}

// eventValueUsage is the usage of --event-value (every survival command).
const eventValueUsage = "`value` of the event column that marks an event (any other single value = censored); default: 0/1 (also yes/no, TRUE/FALSE, dead/alive), or R's Surv coding when the column is exactly 1/2 (2 = event)"

func (f *survFlags) check() error {
	if f.data == "" {
		return usagef("--data is required")
	}
	if f.time == "" {
		return usagef("--time is required")
	}
	if f.event == "" {
		return usagef("--event is required")
	}
	return nil
}

// loadSurv streams the file, reading only the time and event columns, the
// columns in nums as numbers and those in texts as text codes; a row where
// any of them is missing is dropped and counted. A cell of a numeric column
// that is not a number (in any row), a negative time and an event code
// outside {event value, one censoring code} are errors naming the line,
// the column and the value. Empty names in nums and texts are ignored.
func loadSurv(f survFlags, nums, texts []string) (*survData, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	file, err := os.Open(f.data)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	rd, err := table.NewReader(file, filepath.Base(f.data))
	if err != nil {
		return nil, err
	}
	rows := 0
	if st, err := file.Stat(); err == nil {
		rows = rd.RowsHint(st.Size())
	}
	return readSurv(rd, f, nums, texts, rows)
}

// readSurv is loadSurv on an opened reader; rows is the expected number of
// rows (0: unknown), to size the columns once.
func readSurv(rd *table.Reader, f survFlags, nums, texts []string, rows int) (*survData, error) {
	d := &survData{source: rd.Source, nums: map[string][]float64{}, texts: map[string]*textColumn{}}
	jt, err := rd.Column(f.time)
	if err != nil {
		return nil, err
	}
	js := -1
	if f.start != "" {
		if js, err = rd.Column(f.start); err != nil {
			return nil, err
		}
	}
	je, err := rd.Column(f.event)
	if err != nil {
		return nil, err
	}
	// The distinct columns asked for, each read once.
	var numCol, textCol []int
	var numOut [][]float64
	var textOut []*textColumn
	var textCodes []*table.Codes
	for _, name := range nums {
		if _, dup := d.nums[name]; name == "" || dup {
			continue
		}
		j, err := rd.Column(name)
		if err != nil {
			return nil, err
		}
		d.nums[name] = nil
		numCol = append(numCol, j)
	}
	for _, name := range texts {
		if _, dup := d.texts[name]; name == "" || dup {
			continue
		}
		j, err := rd.Column(name)
		if err != nil {
			return nil, err
		}
		d.texts[name] = &textColumn{}
		textCol = append(textCol, j)
		textCodes = append(textCodes, &table.Codes{})
	}
	numOut = make([][]float64, len(numCol))
	for k := range numOut {
		numOut[k] = make([]float64, 0, rows)
	}
	textOut = make([]*textColumn, len(textCol))
	for k := range textOut {
		textOut[k] = &textColumn{codes: make([]int32, 0, rows)}
	}
	d.time = make([]float64, 0, rows)
	d.event = make([]bool, 0, rows)
	d.lines = make([]int32, 0, rows)
	evValue := f.eventValue
	// Without --event-value the column's codes decide (record's
	// convention, as validate reads pfs_event): each kept row's code is
	// kept and resolved at the end.
	auto := evValue == "" && f.causeOf == nil
	var evRow []int32
	if auto {
		evRow = make([]int32, 0, rows)
	}
	// kind[c] classifies event code c: 0 not yet seen in a kept row, 1 the
	// event, 2 the censoring code; with causeOf, status[c] is its code.
	var evCodes table.Codes
	var kind []byte
	var status []int
	censorCode := ""
	vals := make([]float64, len(numCol))
rows:
	for rd.Scan() {
		t, err := rd.Float(jt)
		if err != nil {
			return nil, err
		}
		t0 := 0.0
		if js >= 0 {
			if t0, err = rd.Float(js); err != nil {
				return nil, err
			}
		}
		for k, j := range numCol {
			if vals[k], err = rd.Float(j); err != nil {
				return nil, err
			}
		}
		if math.IsNaN(t) || math.IsNaN(t0) || rd.Missing(je) {
			d.dropped++
			continue
		}
		for _, v := range vals {
			if math.IsNaN(v) {
				d.dropped++
				continue rows
			}
		}
		for _, j := range textCol {
			if rd.Missing(j) {
				d.dropped++
				continue rows
			}
		}
		if js >= 0 && !(t0 < t) {
			return nil, rd.CellError(js, fmt.Sprintf("is not before the stop time %s (--time %s); each row is an interval (start, stop]", rd.Field(jt), f.time))
		}
		if t < 0 && js < 0 {
			return nil, rd.CellError(jt, "is a negative time; survival times must be >= 0 (check the dates or the sign)")
		}
		c := evCodes.Code(rd.Field(je))
		for int(c) >= len(kind) {
			kind = append(kind, 0)
		}
		if kind[c] == 0 && f.causeOf != nil {
			st, err := f.causeOf(evCodes.Levels[c])
			if err != nil {
				return nil, rd.CellError(je, err.Error())
			}
			status = append(status, st)
			kind[c] = 2
			if st > 0 {
				kind[c] = 1
			}
		}
		if kind[c] == 0 && auto {
			kind[c] = 3
		}
		if kind[c] == 0 {
			level := evCodes.Levels[c]
			switch {
			case sameCode(level, evValue):
				kind[c] = 1
			case censorCode == "":
				censorCode = level
				kind[c] = 2
			case sameCode(level, censorCode):
				kind[c] = 2
			default:
				return nil, rd.CellError(je, fmt.Sprintf("is a third event code: the column already has %q (event, --event-value) and %q (censored); recode it or set --event-value", evValue, censorCode))
			}
		}
		d.time = append(d.time, t)
		d.lines = append(d.lines, int32(rd.Line()))
		if js >= 0 {
			d.start = append(d.start, t0)
		}
		d.event = append(d.event, kind[c] == 1)
		if auto {
			evRow = append(evRow, c)
		}
		if f.causeOf != nil {
			d.status = append(d.status, status[c])
		}
		for k, v := range vals {
			numOut[k] = append(numOut[k], v)
		}
		for k, j := range textCol {
			textOut[k].codes = append(textOut[k].codes, textCodes[k].Code(rd.Field(j)))
		}
	}
	if err := rd.Err(); err != nil {
		return nil, err
	}
	for k, j := range numCol {
		d.nums[rd.Header[j]] = numOut[k]
	}
	for k, j := range textCol {
		textOut[k].levels = textCodes[k].Levels
		d.texts[rd.Header[j]] = textOut[k]
	}
	if len(d.time) == 0 {
		return nil, fmt.Errorf("%s: no row has both %q and %q present", rd.Source, f.time, f.event)
	}
	if auto {
		isEvent, note, err := eventCoding(f.event, evCodes.Levels)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rd.Source, err)
		}
		for i, c := range evRow {
			d.event[i] = isEvent[c]
		}
		d.eventNote = note
	}
	return d, nil
}

// eventCoding reads the codes of an event column given without
// --event-value as record reads pfs_event (record.EventCode and
// record.ResolveEvents): 0/1 and its word spellings, or exactly {1, 2} as
// R's Surv (2 = event), which note then says; anything else is an error
// naming the values and --event-value.
func eventCoding(column string, levels []string) (isEvent []bool, note string, err error) {
	sorted := slices.Clone(levels)
	slices.Sort(sorted)
	v := make([]float64, len(levels))
	for i, l := range levels {
		x, ok := record.EventCode(l)
		if !ok {
			return nil, "", fmt.Errorf("event column %q holds the values %s: give --event-value (the code of an event; one other code is censoring), or code it 0/1 or 1/2 (R's Surv, 2 = event)",
				column, textsafe.List(sorted, ", ", 10))
		}
		v[i] = x
	}
	coding, err := record.ResolveEvents(record.PFSEvent, v)
	if err != nil {
		return nil, "", fmt.Errorf("event column %q holds the values %s: event codes are 0/1 (1 = event) or exactly 1/2 (R's Surv, 2 = event); give --event-value (the code of an event; one other code is censoring)",
			column, textsafe.List(sorted, ", ", 10))
	}
	isEvent = make([]bool, len(v))
	for i, x := range v {
		isEvent[i] = x == 1
	}
	if coding == record.EventsR12 {
		note = fmt.Sprintf("event column %q is coded 1/2 as R's Surv: 2 = event, 1 = censored (give --event-value to choose otherwise)", column)
	}
	return isEvent, note, nil
}

// sameCode reports whether two event codes are the same, as text or as
// numbers ("1" and "1.0").
func sameCode(a, b string) bool {
	if a == b {
		return true
	}
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x == y
}

// floatColumn returns the kept rows' values of a column loadSurv read as
// numbers.
func (d *survData) floatColumn(name string) []float64 { return d.nums[name] }

// textCodes returns the kept rows' codes and the levels of a column
// loadSurv read as text.
func (d *survData) textCodes(name string) ([]int32, []string) {
	c := d.texts[name]
	return c.codes, c.levels
}

// codeColumn codes the kept rows' values of col 0..k-1 in R's factor order
// (see levels) and names the groups "col=value"; an empty col gives one
// group named "all". col must have been read as text.
func (d *survData) codeColumn(col string) ([]int, []string) {
	if col == "" {
		return nil, []string{"all"}
	}
	codes, lv := d.textCodes(col)
	order := levels(lv)
	pos := make(map[string]int, len(order))
	names := make([]string, len(order))
	for i, v := range order {
		pos[v] = i
		names[i] = col + "=" + v
	}
	recode := make([]int, len(lv))
	for c, v := range lv {
		recode[c] = pos[v]
	}
	out := make([]int, len(codes))
	for i, c := range codes {
		out[i] = recode[c]
	}
	return out, names
}

// pick returns the values of all at the given rows, in their order.
func pick[T any](all []T, rows []int) []T {
	out := make([]T, len(rows))
	for k, i := range rows {
		out[k] = all[i]
	}
	return out
}

// parseTimes reads a comma-separated list such as "12,24".
func parseTimes(s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []float64
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, usagef("--times: %q is not a non-negative number", p)
		}
		out = append(out, v)
	}
	return out, nil
}

// checkFormat validates a --format value against the allowed ones.
func checkFormat(got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return usagef("--format %q: use one of %s", got, strings.Join(allowed, ", "))
}

// tableWriter is a command's answer that can also print itself as a table.
type tableWriter interface{ writeTable(w io.Writer) error }

// writeAnswer runs a table-or-JSON command on its flags and writes the
// answer as indented JSON for --format json, else as its table. The run
// function checks --format among its other flags.
//
// The collector runs at GOGC=33 (gcPercent): the commands' data are flat
// columns, cheap to collect, and at the default GOGC=100 a cox process on
// 1e6 rows with 11 columns held 306 MB for about 150 MB live (222 MB at
// GOGC=33, in the same time).
func writeAnswer[F any, R tableWriter](w io.Writer, format string, run func(F) (R, error), f F) error {
	defer gcPercent(33)()
	res, err := run(f)
	if err != nil {
		return err
	}
	if format == "json" {
		return jsonx.Write(w, res)
	}
	// The table shows names from the user's file (groups, strata, terms):
	// control characters in them are escaped, never sent to the terminal.
	// It is escaped line by line as written, not held whole.
	bw := bufio.NewWriter(w)
	lw := textsafe.NewLinesWriter(bw)
	if err := res.writeTable(lw); err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// checkWeights reports the first case weight that is not a positive finite
// number, naming its line, column and value.
func (d *survData) checkWeights(col string, w []float64) error {
	for i, v := range w {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s line %d, column %q: weight %v is not a positive number; case weights must be > 0", d.source, d.lines[i], col, v)
		}
	}
	return nil
}
