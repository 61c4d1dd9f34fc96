package record

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// EventCoding is how a column of event statuses is coded.
type EventCoding int

const (
	// Events01 is 1 = event, 0 = censored (also yes/no, TRUE/FALSE,
	// dead/alive).
	Events01 EventCoding = iota
	// EventsR12 is R's Surv convention for a status column whose values
	// are exactly {1, 2}: 2 = event, 1 = censored.
	EventsR12
)

func (c EventCoding) String() string {
	if c == EventsR12 {
		return "1/2 (R's Surv: 2 = event, 1 = censored)"
	}
	return "0/1 (1 = event, 0 = censored)"
}

// EventCode reads one event status as written in a file: 0/1 (also
// yes/no, TRUE/FALSE, dead/alive, event/censored) or, provisionally, 2
// (R's Surv coding, resolved per column by ResolveEvents). ok is false for
// anything else.
func EventCode(s string) (float64, bool) {
	fm := Format{Decimal: '.'}
	return parseBinary(PFSEvent, s, &fm)
}

// ResolveEvents decides the coding of an event column from the values read
// (0, 1 and, provisionally, 2; NaN = missing) and recodes v in place to
// 0/1. A column whose values are exactly {1, 2} is R's Surv coding; one
// with a 2 and a 0 is an error naming the values found.
func ResolveEvents(f Field, v []float64) (EventCoding, error) {
	seen := map[float64]bool{}
	for _, x := range v {
		if !math.IsNaN(x) {
			seen[x] = true
		}
	}
	if !seen[2] {
		return Events01, nil
	}
	if seen[1] && !seen[0] {
		for i, x := range v {
			if !math.IsNaN(x) {
				v[i] = x - 1
			}
		}
		return EventsR12, nil
	}
	return Events01, fmt.Errorf("%s holds the values %s: event codes are 0/1 (1 = event) or exactly 1/2 (R's Surv: 2 = event); recode the column, or use carimpi km/cox with --event-value", f.Name(), valueList(seen))
}

func valueList(seen map[float64]bool) string {
	vals := make([]float64, 0, len(seen))
	for x := range seen {
		vals = append(vals, x)
	}
	sort.Float64s(vals)
	s := make([]string, len(vals))
	for i, x := range vals {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ", ")
}
