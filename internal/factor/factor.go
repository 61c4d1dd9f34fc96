// Package factor orders the values of a grouping column as R's factor()
// does when it reads a CSV file: read.csv makes a column whose every value
// is a number numeric, and factor() of a numeric vector sorts its levels
// numerically (1, 2, 10); a text column's levels are sorted as strings
// ("a" < "b", "1" < "10" < "2"). km, logrank, cox (strata and factor
// terms), compare and the study all order groups with Levels, so that one
// column gives the same group order everywhere.
package factor

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Numeric reports whether every level is a number.
func Numeric(levels []string) bool {
	for _, l := range levels {
		if _, err := strconv.ParseFloat(strings.TrimSpace(l), 64); err != nil {
			return false
		}
	}
	return true
}

// Levels returns the distinct values in R's factor order: numerically when
// every value is a number (values equal as numbers, "1" and "1.0", stay
// distinct and keep string order among themselves), else as strings.
func Levels(values []string) []string {
	out := slices.Clone(values)
	slices.Sort(out)
	out = slices.Compact(out)
	if !Numeric(out) {
		return out
	}
	num := make(map[string]float64, len(out))
	for _, l := range out {
		num[l], _ = strconv.ParseFloat(strings.TrimSpace(l), 64)
	}
	slices.SortStableFunc(out, func(a, b string) int {
		switch x, y := num[a], num[b]; {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return out
}

// Relevel moves ref to the front, as R's relevel(); a numeric ref matches
// a level equal as a number ("1" finds "1.0"), a text ref one that differs
// only in case when no level is equal ("squamous" finds "Squamous"). An
// unknown ref is an error listing the levels.
func Relevel(levels []string, ref string) ([]string, error) {
	i := slices.Index(levels, ref)
	if i < 0 && Numeric(levels) {
		if v, err := strconv.ParseFloat(strings.TrimSpace(ref), 64); err == nil {
			i = slices.IndexFunc(levels, func(l string) bool {
				x, _ := strconv.ParseFloat(strings.TrimSpace(l), 64)
				return x == v
			})
		}
	}
	if i < 0 {
		if j := slices.IndexFunc(levels, func(l string) bool { return strings.EqualFold(l, ref) }); j >= 0 &&
			slices.IndexFunc(levels[j+1:], func(l string) bool { return strings.EqualFold(l, ref) }) < 0 {
			i = j
		}
	}
	if i < 0 {
		return nil, fmt.Errorf("reference level %q is not among the levels %s", ref, strings.Join(levels, ", "))
	}
	l := levels[i]
	return append([]string{l}, slices.Delete(slices.Clone(levels), i, i+1)...), nil
}
