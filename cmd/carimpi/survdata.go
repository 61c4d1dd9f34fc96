package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/table"
)

// survData is a right-censored outcome read from a table, with the rows
// that were dropped for a missing value counted, as R's na.omit does.
type survData struct {
	tab     *table.Table
	rows    []int // table row of each kept observation
	time    []float64
	event   []bool
	dropped int
}

// survFlags are the flags every survival command shares.
type survFlags struct {
	data, time, event, eventValue string
}

// register defines --data, --time, --event and --event-value on fs.
func (f *survFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "CSV `file` with one row per patient")
	fs.StringVar(&f.time, "time", "", "follow-up time `column`")
	fs.StringVar(&f.event, "event", "", "event indicator `column`")
	fs.StringVar(&f.eventValue, "event-value", "1", "`value` of the event column that marks an event (any other single value = censored)")
}

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

// loadSurv reads the file and the time and event columns, plus the columns
// in also, dropping (and counting) rows where any of them is missing.
// Negative times and event codes outside {event value, one censoring code}
// are errors naming the line.
func loadSurv(f survFlags, also ...string) (*survData, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	tab, err := table.ReadFile(f.data)
	if err != nil {
		return nil, err
	}
	return survFromTable(tab, f, also...)
}

func survFromTable(tab *table.Table, f survFlags, also ...string) (*survData, error) {
	times, err := tab.Floats(f.time)
	if err != nil {
		return nil, err
	}
	evCells, err := tab.Strings(f.event)
	if err != nil {
		return nil, err
	}
	var extra [][]string
	for _, c := range also {
		if c == "" {
			continue
		}
		col, err := tab.Strings(c)
		if err != nil {
			return nil, err
		}
		extra = append(extra, col)
	}
	evValue := f.eventValue
	if evValue == "" {
		evValue = "1"
	}
	d := &survData{tab: tab}
	censorCode := ""
rows:
	for i := range tab.Rows {
		if math.IsNaN(times[i]) || table.IsMissing(evCells[i]) {
			d.dropped++
			continue
		}
		for _, col := range extra {
			if table.IsMissing(col[i]) {
				d.dropped++
				continue rows
			}
		}
		if times[i] < 0 {
			return nil, &table.CellError{Source: tab.Source, Line: tab.Line(i), Column: f.time, Value: tab.Rows[i][mustIndex(tab, f.time)],
				Msg: "is a negative time; survival times must be >= 0 (check the dates or the sign)"}
		}
		ev := sameCode(evCells[i], evValue)
		if !ev {
			if censorCode == "" {
				censorCode = evCells[i]
			} else if !sameCode(evCells[i], censorCode) {
				return nil, &table.CellError{Source: tab.Source, Line: tab.Line(i), Column: f.event, Value: evCells[i],
					Msg: fmt.Sprintf("is a third event code: the column already has %q (event, --event-value) and %q (censored); recode it or set --event-value", evValue, censorCode)}
			}
		}
		d.rows = append(d.rows, i)
		d.time = append(d.time, times[i])
		d.event = append(d.event, ev)
	}
	if len(d.time) == 0 {
		return nil, fmt.Errorf("%s: no row has both %q and %q present", tab.Source, f.time, f.event)
	}
	return d, nil
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

func mustIndex(tab *table.Table, col string) int {
	j, _ := tab.ColumnIndex(col)
	return j
}

// column returns the kept rows' cells of a column.
func (d *survData) column(name string) ([]string, error) {
	all, err := d.tab.Strings(name)
	if err != nil {
		return nil, err
	}
	return pick(all, d.rows), nil
}

// floatColumn returns the kept rows' values of a numeric column.
func (d *survData) floatColumn(name string) ([]float64, error) {
	all, err := d.tab.Floats(name)
	if err != nil {
		return nil, err
	}
	return pick(all, d.rows), nil
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
func writeAnswer[F any, R tableWriter](w io.Writer, format string, run func(F) (R, error), f F) error {
	res, err := run(f)
	if err != nil {
		return err
	}
	if format == "json" {
		return jsonx.Write(w, res)
	}
	return res.writeTable(w)
}
