package record

import (
	"fmt"
	"sort"
	"strings"
)

// normUnit folds the spellings of a unit to one key: lower case, no
// spaces, "µ"/"μ" and "mc" as "u", "³" as "3", "x10^9/l" and "10e9/l" as
// "10^9/l", "cells/ul" and "per ul" as "/ul", "FEU" dropped, and so on.
func normUnit(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("µ", "u", "μ", "u", "³", "3", " ", "", "×", "x", "per", "/", "cells", "", "cell", "", "feu", "").Replace(s)
	s = strings.TrimPrefix(s, "x")
	s = strings.ReplaceAll(s, "10e", "10^")
	s = strings.ReplaceAll(s, "10*", "10^")
	switch s {
	case "1/ul", "//ul", "/mm3", "/mm^3":
		return "/ul"
	case "k/ul", "10^3/mm3", "thousand/ul":
		return "10^3/ul"
	case "1/nl":
		return "/nl"
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

// divisors are the units defined as 1/d of the canonical unit, by the
// constant d: a value in them is divided by d, as R users convert
// (days / 30.4375, mg/L / 10, /uL / 1000), not multiplied by the rounded
// 1/d, which can differ in the last bit (e.g. 1690 days) and so move a
// median follow-up or a value on a cutoff.
var divisors = map[float64]float64{1 / DaysPerMonth: DaysPerMonth, 1.0 / 10: 10, 1.0 / 1000: 1000, 1 / 17.104: 17.104, 1 / 88.42: 88.42}

// Factor returns the multiplier from a declared unit to the field's
// canonical unit ("" is the canonical unit), or an error listing the
// accepted units.
func (f Field) Factor(declared string) (float64, error) {
	d := &dict[f]
	if strings.TrimSpace(declared) == "" {
		return 1, nil
	}
	if d.Kind != Number {
		return 0, fmt.Errorf("%s holds codes, not a measurement; it takes no unit", d.Name)
	}
	key := normUnit(declared)
	for _, u := range d.Units {
		if normUnit(u.Name) == key {
			return u.Factor, nil
		}
	}
	return 0, fmt.Errorf("unit %q is not known for %s; use one of: %s", declared, d.Name, strings.Join(f.UnitNames(), ", "))
}

// UnitNames lists the units a Number field can be declared in, canonical
// first.
func (f Field) UnitNames() []string {
	us := dict[f].Units
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return out
}

// Units declares the unit of a field's values when it is not the
// canonical one. A lab's unit applies to its …_uln field unless that is
// declared itself.
type Units map[Field]string

// Of returns the unit declared for f ("" = canonical), a ULN taking its
// lab's.
func (u Units) Of(f Field) string {
	if s, ok := u[f]; ok {
		return s
	}
	if l, ok := f.Lab(); ok {
		return u[l]
	}
	return ""
}

// ParseUnits reads the --units list "crp=mg/L,hb=g/L,plt=/uL" (dictionary
// names; every unit checked against the field's accepted units). It is the
// one parser of unit declarations: flags, the API's ?units= and the
// column map's "units" object (UnitsFromMap) all end here.
func ParseUnits(spec string) (Units, error) {
	m := map[string]string{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, unit, ok := strings.Cut(item, "=")
		name, unit = strings.TrimSpace(name), strings.TrimSpace(unit)
		if !ok || name == "" || unit == "" {
			return nil, fmt.Errorf("units: %q is not field=unit; write pairs such as crp=mg/L,hb=g/L", item)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("units: %s is declared twice", name)
		}
		m[name] = unit
	}
	return UnitsFromMap(m)
}

// UnitsFromMap checks a name -> unit map (the column map's "units").
func UnitsFromMap(m map[string]string) (Units, error) {
	u := Units{}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		f, ok := Lookup(name)
		if !ok {
			return nil, fmt.Errorf("units: %q is not a data dictionary field; use the column names (crp, hb, plt, mtv_ml, pfs_months, ...)", name)
		}
		if _, err := f.Factor(m[name]); err != nil {
			return nil, fmt.Errorf("units: %v", err)
		}
		u[f] = m[name]
	}
	return u, nil
}

// String writes the declarations as ParseUnits reads them, sorted.
func (u Units) String() string {
	var parts []string
	for f, s := range u {
		parts = append(parts, f.Name()+"="+s)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// otherUnit returns the first unit other than the declared one in which
// raw (a number as written) falls within [lo, hi], or "".
func (f Field) otherUnit(raw, declaredFactor, lo, hi float64) string {
	d := &dict[f]
	for _, u := range d.Units {
		if u.Factor == declaredFactor {
			continue
		}
		if v := raw * u.Factor; v >= lo && v <= hi && !(d.MinOpen && v == 0) {
			return u.Name
		}
	}
	return ""
}

// SuspectUnit returns the unit that would bring a column median (in the
// canonical unit, read with declaredFactor) into the field's typical
// range when the median itself lies outside it; "" when nothing is
// suspicious.
func (f Field) SuspectUnit(median, declaredFactor float64) string {
	d := &dict[f]
	if d.medHi == 0 || median >= d.medLo && median <= d.medHi {
		return ""
	}
	return f.otherUnit(median/declaredFactor, declaredFactor, d.medLo, d.medHi)
}

// TypicalMedian returns the range in which a column's median usually lies
// (0, 0 when the field has no such check).
func (f Field) TypicalMedian() (lo, hi float64) { return dict[f].medLo, dict[f].medHi }
