package cohort

import (
	"fmt"
	"strings"
)

// DaysPerMonth converts days to months: the mean Gregorian month,
// 365.25 / 12 = 30.4375 days, as R users get from
// as.numeric(difftime(b, a, units = "days")) / 30.4375. Dates and times
// declared in days or weeks are divided by it.
const DaysPerMonth = 30.4375

// unit is one accepted unit of a field: canonical value = value * factor.
type unit struct {
	name   string // normalised spelling (see normUnit)
	factor float64
}

// normUnit folds the spellings of a unit to one key: lower case, no
// spaces, "µ"/"μ" and "mc" as "u", "x10^9/l" and "10e9/l" as "10^9/l",
// "cells/ul" and "per ul" as "/ul", "ml" for "mL", and so on.
func normUnit(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("µ", "u", "μ", "u", " ", "", "×", "x", "per", "/", "cells", "", "cell", "", "feu", "").Replace(s)
	s = strings.TrimPrefix(s, "x")
	s = strings.ReplaceAll(s, "10e", "10^")
	s = strings.ReplaceAll(s, "10*", "10^")
	switch s {
	case "1/ul", "//ul", "/mm3", "/mm^3":
		return "/ul"
	case "k/ul", "10^3/mm3", "thousand/ul":
		return "10^3/ul"
	case "mcg/l":
		return "ug/l"
	case "mcg/ml":
		return "ug/ml"
	case "mo", "month", "mon":
		return "months"
	case "d", "day":
		return "days"
	case "w", "wk", "wks", "week":
		return "weeks"
	case "y", "yr", "yrs", "year":
		return "years"
	case "ccm", "cm^3":
		return "cm3"
	}
	return s
}

// factor returns the multiplier from the declared unit to the field's
// canonical unit, or an error listing the accepted units.
func (f *Field) factor(declared string) (float64, error) {
	if f.Kind != Number {
		return 0, fmt.Errorf("column %s holds codes, not a measurement; it takes no unit", f.Name)
	}
	key := normUnit(declared)
	for _, u := range f.units {
		if u.name == key {
			return u.factor, nil
		}
	}
	return 0, fmt.Errorf("unit %q is not known for %s; use one of: %s", declared, f.Name, strings.Join(f.UnitNames(), ", "))
}

// UnitNames lists the units a Number field can be declared in, canonical
// first.
func (f *Field) UnitNames() []string {
	out := make([]string, len(f.units))
	for i, u := range f.units {
		out[i] = u.name
	}
	return out
}

// suspectUnit returns the unit that would bring a column median (already
// converted with the declared unit) into the field's typical range, when
// the median itself lies outside it; "" when nothing is suspicious.
// declaredFactor is the factor of the unit the column was read in.
func (f *Field) suspectUnit(median, declaredFactor float64) string {
	if f.medHi == 0 || median >= f.medLo && median <= f.medHi {
		return ""
	}
	raw := median / declaredFactor // the number as written in the file
	return f.otherUnit(raw, declaredFactor, f.medLo, f.medHi)
}

// otherUnit returns the first unit other than the declared one in which
// raw (a number as written in the file) falls within [lo, hi], or "".
func (f *Field) otherUnit(raw, declaredFactor, lo, hi float64) string {
	for _, u := range f.units {
		if u.factor == declaredFactor {
			continue
		}
		if v := raw * u.factor; v >= lo && v <= hi {
			return u.name
		}
	}
	return ""
}
