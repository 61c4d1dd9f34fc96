package record

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/table"
)

// Options say how a file is read. The zero value reads a file whose
// columns carry the dictionary's names, in its units, with '.' decimals
// (',' in a ';'-separated file).
type Options struct {
	// Map sends a source column to a dictionary name or a date role
	// ("CRP (mg/L)" -> "crp"). Columns not in the map are matched by name,
	// ignoring case, surrounding space, and spaces or dashes for '_'; the
	// rest are ignored and listed.
	Map map[string]string
	// Units declares the unit of a field's column; a *_uln column takes
	// its lab's unit unless declared itself.
	Units Units
	// Format holds the decimal mark, the thousands separator and the date
	// order. Decimal 0 means '.' or, in a ';'-separated file, ','.
	Format Format
	// Sheet names the XLSX sheet to read; "" reads the first.
	Sheet string
	// Limits bound one record of a CSV file (zero: table.DefaultLimits).
	Limits table.Limits
}

// mapFile is the JSON column map.
type mapFile struct {
	Columns   map[string]string `json:"columns"`
	Units     map[string]string `json:"units"`
	DateOrder DateOrder         `json:"date_order"`
}

// ReadMap reads a JSON column map into Options (Map, Units, DateOrder): a
// flat object of source column -> dictionary name, or an object with the
// keys "columns", "units" and "date_order". Duplicate keys and data after
// the object are errors.
func ReadMap(r io.Reader) (Options, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Options{}, err
	}
	if err := jsonx.CheckObject(data); err != nil {
		return Options{}, fmt.Errorf("column map: %v", err)
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
		units, err := UnitsFromMap(m.Units)
		if err != nil {
			return Options{}, fmt.Errorf("column map: %v", err)
		}
		o := Options{Map: m.Columns, Units: units}
		o.Format.DateOrder = m.DateOrder
		return o, nil
	}
	var flat map[string]string
	if err := json.Unmarshal(data, &flat); err != nil {
		return Options{}, fmt.Errorf("column map: %v; every value must be a dictionary name in quotes", err)
	}
	return Options{Map: flat}, nil
}

// Header is how the columns of a file are read: the one header matcher of
// every command that reads a patient file.
type Header struct {
	Columns []Column
	// Ignored lists the source columns that are not in the dictionary.
	Ignored []string
	// Missing lists the CAR-IMPI inputs (Required fields) without a column.
	Missing []string
	// Dates is true when survival times come from date columns.
	Dates  bool
	field  [NumFields]int // column index of each field, -1 if none
	id     int            // column of patient_id, -1 if none
	format Format
}

// normName folds a column name for matching: lower case, spaces and dashes
// as underscores.
func normName(s string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// aliases are other names of fields found by name (the --mtv flag's).
var aliases = map[string]string{"mtv": "mtv_ml", "id": "patient_id"}

// NameList returns every dictionary name and date role, for messages.
func NameList() []string {
	out := make([]string, 0, int(NumFields)+int(numDateRoles))
	for f := Field(0); f < NumFields; f++ {
		out = append(out, dict[f].Name)
	}
	return append(out, dateRoleNames[:]...)
}

func dateRole(name string) (DateRole, bool) {
	i := slices.Index(dateRoleNames[:], name)
	return DateRole(i), i >= 0
}

// NewHeader maps the header of a file; fm is the file's number format
// (Options.Format with the decimal mark the file's separator implies).
func NewHeader(header []string, opts Options, fm Format) (*Header, error) {
	fm, err := fm.Check()
	if err != nil {
		return nil, err
	}
	h := &Header{Columns: make([]Column, len(header)), id: -1, format: fm}
	for i := range h.field {
		h.field[i] = -1
	}
	for src, dst := range opts.Map {
		if src == "" || !slices.Contains(header, src) {
			return nil, fmt.Errorf("the column map names %q, which is not a column of the file; the columns are: %s", src, strings.Join(header, ", "))
		}
		if _, ok := Lookup(dst); !ok {
			if _, ok := dateRole(dst); !ok {
				return nil, fmt.Errorf("the column map sends %q to %q, which is not a dictionary name; use one of: %s", src, dst, strings.Join(NameList(), ", "))
			}
		}
	}
	byTarget := map[string]string{}
	seen := map[string]bool{}
	for i, name := range header {
		name = strings.TrimSpace(name)
		if name == "" && i == 0 {
			// R's write.csv row names: no field, no name to report.
			h.Columns[i] = Column{Field: -1, Date: -1, factor: 1}
			continue
		}
		if name == "" {
			return nil, fmt.Errorf("column %d has an empty name; give every column but an R row-names first column a header", i+1)
		}
		if seen[name] {
			return nil, fmt.Errorf("column %q appears twice; rename one of them", name)
		}
		seen[name] = true
		col := Column{Source: name, Field: -1, Date: -1, factor: 1}
		target, mapped := opts.Map[name]
		if !mapped {
			n := normName(name)
			if a, ok := aliases[n]; ok {
				n = a
			}
			if _, ok := Lookup(n); ok {
				target = n
			} else if _, ok := dateRole(n); ok {
				target = n
			}
		}
		if target == "" {
			h.Ignored = append(h.Ignored, name)
			h.Columns[i] = col
			continue
		}
		if prev, dup := byTarget[target]; dup {
			return nil, fmt.Errorf("columns %q and %q both map to %s; map only one of them", prev, name, target)
		}
		byTarget[target] = name
		if role, ok := dateRole(target); ok {
			col.Date = role
			h.Dates = true
		} else {
			f, _ := Lookup(target)
			c, err := NewColumn(name, f, opts.Units.Of(f))
			if err != nil {
				return nil, err
			}
			col = c
			h.field[f] = i
			if f == PatientID {
				h.id = i
			}
		}
		h.Columns[i] = col
	}
	for f := range opts.Units {
		if h.field[f] < 0 {
			return nil, fmt.Errorf("units: a unit is declared for %s, but no column is read into it", f.Name())
		}
	}
	if h.Dates {
		if _, ok := byTarget[InfusionDate.String()]; !ok {
			return nil, fmt.Errorf("dates of events are mapped but no %s; map the infusion date column", InfusionDate)
		}
		for _, f := range []Field{PFSMonths, PFSEvent, OSMonths, OSEvent} {
			if i := h.field[f]; i >= 0 {
				return nil, fmt.Errorf("both dates and %s (column %q) are given; map either the dates or the times", f.Name(), header[i])
			}
		}
	}
	for f := Field(0); f < NumFields; f++ {
		if dict[f].Required && h.field[f] < 0 {
			h.Missing = append(h.Missing, dict[f].Name)
		}
	}
	return h, nil
}

// Has reports whether a column is read into f.
func (h *Header) Has(f Field) bool { return h.field[f] >= 0 }

// Source returns the source column read into f, or f's name.
func (h *Header) Source(f Field) string {
	if i := h.field[f]; i >= 0 {
		return h.Columns[i].Source
	}
	return f.Name()
}

// Format returns the number and date format the header reads with.
func (h *Header) Format() Format { return h.format }

// Read converts the cells of one row (in header order, as many as the
// header) into r (which it resets), appending the issues found to issues.
// patient_id is read first so that a caller can name the patient; an
// empty id is left empty (callers number the row).
func (h *Header) Read(cells []string, r *Record, issues []Issue) []Issue {
	*r = missing
	var d dates
	if h.Dates {
		d.reset()
	}
	for i := range h.Columns {
		c := &h.Columns[i]
		switch {
		case c.Date >= 0:
			d.source[c.Date] = c.Source
			if is := d.read(c, cells[i], h.format.DateOrder); is.Severity != "" {
				issues = append(issues, is)
			}
		case c.Field >= 0:
			if is := c.Read(r, cells[i], &h.format); is.Severity != "" {
				issues = append(issues, is)
			}
		}
	}
	if h.Dates {
		issues = d.outcomes(r, issues)
	}
	return issues
}
