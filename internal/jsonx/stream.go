package jsonx

import (
	"bufio"
	"encoding"
	"encoding/json"
	"io"
	"reflect"
	"strings"
)

// streamMin is the length from which Write streams a Floats array rather
// than holding its text: a Kaplan-Meier curve at 1e6 rows is 8 such
// arrays, 170 MB of indented JSON.
const streamMin = 4096

// encodePlan is Write's first pass: the document as a list of pieces,
// each either text already encoded (the small parts, where any encoding
// error shows before anything is written) or a long Floats array to
// stream at an indentation depth.
type encodePlan struct {
	pieces []piece
	text   []byte // the text since the last array
}

type piece struct {
	text  []byte
	array Floats
	depth int
}

// value appends v at depth d. Structs (without a MarshalJSON of their
// own, embedded fields or tag options other than omitempty) and slices
// of them are walked field by field so that their long Floats are found;
// any other value is encoded whole by json.MarshalIndent, which indents it
// exactly as the document's encoder would at that depth.
func (p *encodePlan) value(v reflect.Value, d int) error {
	if !v.IsValid() { // a nil interface
		p.text = append(p.text, "null"...)
		return nil
	}
	if v.Kind() == reflect.Pointer && !v.IsNil() && walkable(v.Type().Elem()) {
		v = v.Elem()
	}
	switch {
	case v.Type() == reflect.TypeFor[Floats]() && v.Len() >= streamMin:
		p.pieces = append(p.pieces, piece{text: p.text}, piece{array: v.Interface().(Floats), depth: d})
		p.text = nil
		return nil
	case v.Kind() == reflect.Struct && walkable(v.Type()):
		return p.object(v, d)
	case v.Kind() == reflect.Slice && !v.IsNil() && v.Len() > 0 && walkable(v.Type().Elem()):
		p.text = append(p.text, "[\n"...)
		for i := range v.Len() {
			if i > 0 {
				p.text = append(p.text, ",\n"...)
			}
			p.indent(d + 1)
			if err := p.value(v.Index(i), d+1); err != nil {
				return err
			}
		}
		p.text = append(p.text, '\n')
		p.indent(d)
		p.text = append(p.text, ']')
		return nil
	}
	x := v.Interface()
	if v.CanAddr() {
		// As encoding/json sees an addressable value: with its pointer
		// methods (a MarshalJSON or MarshalText on *T).
		x = v.Addr().Interface()
	}
	b, err := json.MarshalIndent(x, strings.Repeat("  ", d), "  ")
	if err != nil {
		return err
	}
	p.text = append(p.text, b...)
	return nil
}

func (p *encodePlan) object(v reflect.Value, d int) error {
	t := v.Type()
	n := 0
	for i := range t.NumField() {
		f := t.Field(i)
		name, omitEmpty, ok := fieldName(f)
		fv := v.Field(i)
		if !ok || (omitEmpty && isEmpty(fv)) {
			continue
		}
		if n == 0 {
			p.text = append(p.text, "{\n"...)
		} else {
			p.text = append(p.text, ",\n"...)
		}
		n++
		p.indent(d + 1)
		key, _ := json.Marshal(name)
		p.text = append(append(p.text, key...), ": "...)
		if err := p.value(fv, d+1); err != nil {
			return err
		}
	}
	if n == 0 {
		p.text = append(p.text, "{}"...)
		return nil
	}
	p.text = append(p.text, '\n')
	p.indent(d)
	p.text = append(p.text, '}')
	return nil
}

func (p *encodePlan) indent(d int) {
	for range d {
		p.text = append(p.text, "  "...)
	}
}

// walkable reports whether value can walk a struct type field by field
// and write what encoding/json writes: no MarshalJSON or MarshalText of
// its own, no embedded fields, no tag options but omitempty.
func walkable(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for _, m := range []reflect.Type{reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()} {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return false
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return false
		}
		if tag, ok := f.Tag.Lookup("json"); ok {
			_, opts, _ := strings.Cut(tag, ",")
			if opts != "" && opts != "omitempty" {
				return false
			}
		}
	}
	return true
}

// fieldName is the key encoding/json writes for f, and whether it writes f.
func fieldName(f reflect.StructField) (name string, omitEmpty, ok bool) {
	if !f.IsExported() {
		return "", false, false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, opts == "omitempty", true
}

// isEmpty is encoding/json's test for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// write writes the plan, streaming its arrays element by element.
func (p *encodePlan) write(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var num []byte
	for _, pc := range append(p.pieces, piece{text: append(p.text, '\n')}) {
		bw.Write(pc.text)
		if pc.array == nil {
			continue
		}
		bw.WriteString("[\n")
		for i, x := range pc.array {
			if i > 0 {
				bw.WriteString(",\n")
			}
			for range pc.depth + 1 {
				bw.WriteString("  ")
			}
			num = appendFloat(num[:0], x)
			bw.Write(num)
		}
		bw.WriteByte('\n')
		for range pc.depth {
			bw.WriteString("  ")
		}
		bw.WriteByte(']')
	}
	return bw.Flush()
}
