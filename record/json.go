package record

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"carimpi/internal/jsonx"
)

// MarshalJSON writes the record as an object keyed by the dictionary's
// column names, with the fields that have a value (numbers in canonical
// units, codes and text as strings).
func (r Record) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	first := true
	for f := Field(0); f < NumFields; f++ {
		if !f.Has(&r) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = strconv.AppendQuote(b, dict[f].Name)
		b = append(b, ':')
		if f.IsText() {
			s, _ := json.Marshal(f.Str(&r))
			b = append(b, s...)
		} else {
			b = strconv.AppendFloat(b, f.Float(&r), 'g', -1, 64)
		}
	}
	return append(b, '}'), nil
}

// KeyError is a key of a JSON patient that cannot be read at all: not a
// dictionary name, or a value of the wrong JSON type.
type KeyError struct {
	Key     string `json:"field"`
	Message string `json:"message"`
}

// DecodeJSON reads one patient from a JSON object keyed by the
// dictionary's column names (the API's body). Each value goes through
// Field.Parse, as a flag or a file cell would: a JSON number, a string
// ("IIIB", "female", "12.5"), a boolean for a 0/1 field; null or an
// absent key is missing. units declares non-canonical units. issues are
// the findings about values (an error leaves the field missing); keyErrs
// the keys that cannot be read (unknown, or an object, array or boolean
// where a number or string belongs); err is set when the body is not one
// JSON object, has a key twice or data after it. fm gives the decimal mark
// and thousands separator of string values (the zero Format: '.').
func DecodeJSON(data []byte, units Units, fm Format) (r Record, issues []Issue, keyErrs []KeyError, err error) {
	if err := jsonx.CheckObject(data); err != nil {
		return r, nil, nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return r, nil, nil, err
	}
	r = missing
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := bytes.TrimSpace(raw[k])
		f, ok := Lookup(k)
		if !ok {
			if a, isAlias := aliases[k]; isAlias {
				f, ok = Lookup(a)
			}
		}
		if !ok {
			keyErrs = append(keyErrs, KeyError{k, fmt.Sprintf("unknown field %q; the accepted fields are the data dictionary's columns", k)})
			continue
		}
		if string(v) == "null" {
			continue
		}
		var text string
		if (dict[f].Kind == Text || dict[f].Kind == Category) && v[0] != '"' {
			keyErrs = append(keyErrs, KeyError{k, fmt.Sprintf("want a string, got %s", kindOf(v))})
			continue
		}
		switch v[0] {
		case '"':
			if err := json.Unmarshal(v, &text); err != nil {
				return r, nil, nil, err
			}
		case 't', 'f':
			if dict[f].Kind != Binary {
				keyErrs = append(keyErrs, KeyError{k, fmt.Sprintf("want %s, got a boolean", want(f))})
				continue
			}
			text = string(v)
		case '{', '[':
			keyErrs = append(keyErrs, KeyError{k, fmt.Sprintf("want %s, got %s", want(f), kindOf(v))})
			continue
		default:
			text = string(v)
		}
		if is := f.ParseFormat(&r, text, units, fm); is.Severity != "" {
			issues = append(issues, is)
		}
	}
	return r, issues, keyErrs, nil
}

func want(f Field) string {
	d := &dict[f]
	switch d.Kind {
	case Text, Category:
		return "a string"
	case Number:
		return "a number in " + d.Unit
	}
	return "a number"
}

func kindOf(v []byte) string {
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}
