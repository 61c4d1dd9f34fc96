// Package jsonx holds the JSON conventions shared by carimpi's outputs:
// numbers that are not finite (a median not reached, an undefined limit)
// are written as null, never as an invalid token or a silent zero.
package jsonx

import (
	"encoding/json"
	"io"
	"math"
	"reflect"
	"strconv"
)

// Float is a float64 that encodes NaN and ±Inf as null.
type Float float64

// MarshalJSON writes f as the shortest decimal that reads back to the same
// float64, or null when f is not finite.
func (f Float) MarshalJSON() ([]byte, error) {
	return appendFloat(nil, float64(f)), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// Floats is a []float64 whose non-finite elements encode as null.
type Floats []float64

// MarshalJSON writes the slice as a JSON array; nil gives [].
func (fs Floats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(fs)*8)
	b = append(b, '[')
	for i, v := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, v)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads an array of numbers, null elements as NaN.
func (fs *Floats) UnmarshalJSON(b []byte) error {
	var raw []Float
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]float64, len(raw))
	for i, v := range raw {
		out[i] = float64(v)
	}
	*fs = out
	return nil
}

func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// Write encodes v as indented JSON followed by a newline, byte for byte
// as a json.Encoder with SetIndent("", "  ") does. Long Floats arrays
// inside structs (and slices of structs) are streamed rather than held as
// text; everything else is encoded first, so that an encoding error
// writes nothing.
func Write(w io.Writer, v any) error {
	var p encodePlan
	if err := p.value(reflect.ValueOf(v), 0); err != nil {
		return err
	}
	return p.write(w)
}
