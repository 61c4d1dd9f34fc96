package record

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Column is how one source column is read: into a field (in a declared
// unit) or a date role, or ignored.
type Column struct {
	Source string   // the header as written
	Field  Field    // -1 when the column is a date or ignored
	Date   DateRole // -1 when not a date
	Unit   string   // declared unit as written; "" = canonical
	factor float64
	div    float64 // divisors[factor]: the value is divided by it (0: multiplied by factor)
}

// NewColumn returns the reading of field f in a declared unit.
func NewColumn(source string, f Field, unit string) (Column, error) {
	fac, err := f.Factor(unit)
	if err != nil {
		return Column{}, err
	}
	if fac == 1 && unit != "" && normUnit(unit) == normUnit(f.Unit()) {
		unit = ""
	}
	return Column{Source: source, Field: f, Date: -1, Unit: unit, factor: fac, div: divisors[fac]}, nil
}

// Parse reads one value of field f given outside a file (a flag, an API
// key, a form input), in the unit units declares and with '.' decimals,
// into r; it returns the Issue found (Severity "" when none), exactly as a
// file cell with the same text would give.
func (f Field) Parse(r *Record, value string, units Units) Issue {
	return f.ParseFormat(r, value, units, Format{})
}

// ParseFormat is Parse with the decimal mark and thousands separator of fm
// (--decimal, --thousands).
func (f Field) ParseFormat(r *Record, value string, units Units, fm Format) Issue {
	c, err := NewColumn("", f, units.Of(f))
	if err == nil {
		fm, err = fm.Check()
	}
	if err != nil {
		return Issue{Field: f.Name(), Value: value, Severity: SeverityError, Message: err.Error()}
	}
	return c.Read(r, value, &fm)
}

// Read reads one cell into r. An error leaves the field missing; a warning
// or a note keeps the value. A missing cell (table.IsMissing) is no issue.
func (c *Column) Read(r *Record, cell string, fm *Format) Issue {
	f := c.Field
	d := &dict[f]
	if isMissing(cell) {
		return Issue{}
	}
	switch d.Kind {
	case Text:
		*d.str(r) = strings.TrimSpace(cell)
		return Issue{}
	case Category:
		code, known := parseCategory(f, cell)
		switch {
		case known:
			*d.str(r) = code
		case code != "":
			*d.str(r) = code
			return c.issue(cell, SeverityWarning, fmt.Sprintf("%s %q is not one of the known codes %s", d.Name, cell, strings.Join(d.Levels, ", ")),
				"check the spelling if it is one of them; other products are analysed as their own level")
		default:
			return c.issue(cell, SeverityError, fmt.Sprintf("%s %q is not a known code", d.Name, cell), "use one of: "+strings.Join(d.Levels, ", "))
		}
		return Issue{}
	case Binary:
		v, ok := parseBinary(f, cell, fm)
		if !ok {
			if f.IsEvent() {
				return c.issue(cell, SeverityError, fmt.Sprintf("%s %q is not an event status", d.Name, cell),
					"write 1 (event) or 0 (censored); yes/no, TRUE/FALSE, dead/alive and R's 1/2 coding (2 = event) are read too; carimpi km/cox take --event-value for other codes")
			}
			return c.issue(cell, SeverityError, fmt.Sprintf("%s %q is not a 0/1 value", d.Name, cell), "write 1 (yes) or 0 (no), or leave it empty")
		}
		f.SetFloat(r, v)
		return Issue{}
	}
	var v float64
	var note Issue
	if f == Stage {
		st, suffix, ok := parseStage(cell)
		if !ok {
			return c.issue(cell, SeverityError, fmt.Sprintf("stage %q is not an Ann Arbor stage", cell),
				"write 1-4 or I-IV (suffixes A, B, E, S, X are accepted and dropped)")
		}
		v = st
		if suffix != "" {
			note = c.issue(cell, SeverityNote, fmt.Sprintf("stage %q read as %g: the suffix %s is dropped (the indices use the stage number only)", strings.TrimSpace(cell), st, suffix), "")
		}
	} else {
		var err error
		v, err = fm.ParseNumber(cell)
		if err != nil {
			var am errAmbiguousMark
			if errors.As(err, &am) {
				return c.issue(cell, SeverityError, ambiguousMessage(d.Name, cell, am.mark, fm), ambiguousFix(am.mark, fm))
			}
			return c.issue(cell, SeverityError, fmt.Sprintf("%s %q is not a number", d.Name, cell),
				"write a plain number such as 12.5, or leave it empty if it is unknown")
		}
	}
	raw := v
	if c.div != 0 {
		v /= c.div
	} else {
		v *= c.factor
	}
	if is := c.check(cell, raw, v); is.Severity == SeverityError {
		return is
	} else if is.Severity != "" {
		note = is
	}
	*d.num(r) = v
	return note
}

func ambiguousMessage(name, cell string, mark byte, fm *Format) string {
	if mark == ',' && fm.Decimal != ',' {
		return fmt.Sprintf("%s %q has a comma: a decimal comma or a thousands separator?", name, cell)
	}
	return fmt.Sprintf("%s %q is ambiguous in a file with decimal commas: is the point a thousands separator (%s) or a decimal point?", name, cell,
		strings.NewReplacer(".", "", ",", ".").Replace(strings.TrimSpace(cell)))
}

func ambiguousFix(mark byte, fm *Format) string {
	if mark == ',' && fm.Decimal != ',' {
		return "declare the marks: --decimal , (decimal comma) or --thousands , (thousands separator)"
	}
	return "declare the marks: --decimal , --thousands . (then 1.200 is 1200), or write the value without the point"
}

// isMissing is table.IsMissing without allocating for common cells.
func isMissing(s string) bool {
	if s == "" {
		return true
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '-' {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "na", "n/a", "nan", "null", ".", "<na>":
		return true
	}
	return false
}

func (c *Column) issue(cell, sev, msg, fix string) Issue {
	return Issue{Field: dict[c.Field].Name, Column: c.Source, Value: cell, Severity: sev, Message: msg, Fix: fix}
}

// check applies the possible and plausible ranges to v (canonical; raw is
// the number as written).
func (c *Column) check(cell string, raw, v float64) Issue {
	d := &dict[c.Field]
	switch {
	case v >= d.PlausibleMin && v <= d.PlausibleMax && (!d.Integer || v == math.Trunc(v)) && !(d.MinOpen && v == d.Min):
		return Issue{} // the common case, without building a message
	}
	shown := c.shown(cell, raw, v)
	switch {
	case v < d.Min || v > d.Max || d.MinOpen && v == d.Min:
		fix := "correct the value, or leave it empty if it is unknown"
		switch {
		case c.Field == Stage && v == 0:
			fix = "Ann Arbor stages are 1-4 (there is no stage 0); give the stage before CAR T-cell therapy, and mtv_ml 0 for a patient without measurable disease"
		case d.Kind == Number:
			if alt := c.Field.otherUnit(raw, c.factor, d.PlausibleMin, d.PlausibleMax); alt != "" {
				fix = fmt.Sprintf("if it is in %s, that is %.4g %s: declare the unit (--units %s=%s)", alt, raw*c.unitFactor(alt), d.Unit, labName(d.Name), alt)
			}
		}
		return c.issue(cell, SeverityError, fmt.Sprintf("%s %s is outside the possible range %s", d.Name, shown, rangeText(d)), fix)
	case d.Integer && v != math.Trunc(v):
		return c.issue(cell, SeverityError, fmt.Sprintf("%s %s is not a whole number", d.Name, shown), "write a whole number")
	case v < d.PlausibleMin || v > d.PlausibleMax:
		fix := "check the value"
		if alt := c.Field.otherUnit(raw, c.factor, d.PlausibleMin, d.PlausibleMax); alt != "" {
			fix = fmt.Sprintf("if it is in %s, that is %.4g %s: declare the unit (--units %s=%s)", alt, raw*c.unitFactor(alt), d.Unit, labName(d.Name), alt)
		}
		return c.issue(cell, SeverityWarning, fmt.Sprintf("%s %s is outside the plausible range %g-%g%s", d.Name, shown, d.PlausibleMin, d.PlausibleMax, unitSuffix(d.Unit)), fix)
	}
	return Issue{}
}

func (c *Column) unitFactor(name string) float64 {
	for _, u := range dict[c.Field].Units {
		if u.Name == name {
			return u.Factor
		}
	}
	return 1
}

// shown writes a value for a message: as written with its unit, and the
// canonical value when converted.
func (c *Column) shown(cell string, raw, v float64) string {
	d := &dict[c.Field]
	s := strconv.FormatFloat(raw, 'g', -1, 64)
	if c.Unit != "" && c.factor != 1 {
		return fmt.Sprintf("%s %s (%.4g %s)", s, c.Unit, v, d.Unit)
	}
	return s + unitSuffix(d.Unit)
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

func rangeText(d *Info) string {
	g := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	if d.MinOpen {
		return "above " + g(d.Min) + " up to " + g(d.Max) + unitSuffix(d.Unit)
	}
	return g(d.Min) + "-" + g(d.Max) + unitSuffix(d.Unit)
}

// labName returns the name under which a unit is declared (a ULN's lab).
func labName(name string) string { return strings.TrimSuffix(name, "_uln") }
