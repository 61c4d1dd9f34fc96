package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"carimpi/record"
)

// decodePatient reads one patient: a JSON object keyed by the data
// dictionary's column names (record.DecodeJSON: the same reading of each
// value as a file cell or a flag). issues are the values' findings (an
// error leaves that field missing: the patient is scored without it);
// ferrs are the keys a client must fix (an unknown key, an object, array
// or boolean where a number or string belongs), a 400; err is set when the
// body is not one JSON object, repeats a key or has data after it.
func decodePatient(data []byte, units record.Units, fm record.Format) (p record.Record, issues []record.Issue, ferrs []FieldError, err error) {
	p, issues, keyErrs, err := record.DecodeJSON(data, units, fm)
	if err != nil {
		return p, nil, nil, fmt.Errorf("request body: %v", err)
	}
	for _, k := range keyErrs {
		ferrs = append(ferrs, FieldError{Field: k.Key, Message: k.Message})
	}
	if len(ferrs) > 0 {
		// One answer lists every problem, the values' too.
		for _, is := range issues {
			if is.Severity == record.SeverityError {
				ferrs = append(ferrs, FieldError{Field: is.Field, Message: is.Text()})
			}
		}
		slices.SortStableFunc(ferrs, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
	}
	return p, issues, ferrs, nil
}

// inputQuery reads the query parameters that say how values are written:
// units (crp=mg/L,hb=g/L), decimal and thousands (as the CLI's --units,
// --decimal and --thousands).
func inputQuery(r *http.Request) (record.Units, record.Format, *FieldError) {
	q := r.URL.Query()
	units, err := record.ParseUnits(q.Get("units"))
	if err != nil {
		return nil, record.Format{}, &FieldError{Field: "units", Message: err.Error()}
	}
	var fm record.Format
	for _, m := range []struct {
		name string
		mark *byte
	}{{"decimal", &fm.Decimal}, {"thousands", &fm.Thousands}} {
		if *m.mark, err = record.ParseMark(m.name, q.Get(m.name)); err != nil {
			return nil, fm, &FieldError{Field: m.name, Message: err.Error()}
		}
	}
	if fm.Thousands == '.' && fm.Decimal == 0 {
		fm.Decimal = ','
	}
	if _, err := fm.Check(); err != nil {
		return nil, fm, &FieldError{Field: "decimal", Message: err.Error()}
	}
	return units, fm, nil
}
