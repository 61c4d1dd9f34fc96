package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CheckObject checks that data is exactly one JSON object: no key twice in
// any object (encoding/json would keep the last silently), and nothing
// after the object but white space. The error names the duplicate key with
// its path, or the trailing data.
func CheckObject(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return syntaxErr(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("not a JSON object but %s", describe(tok))
	}
	if err := checkObject(dec, "$", 1); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		off := dec.InputOffset()
		rest := bytes.TrimSpace(data[min(int(off), len(data)):])
		if len(rest) > 20 {
			rest = append(rest[:20:20], "..."...)
		}
		return fmt.Errorf("more than one JSON value: data after the object at byte %d (%q); send one object", off, rest)
	}
	return nil
}

// checkObject reads the members of an object whose '{' was read.
// maxDepth bounds the nesting CheckObject follows: a patient object is
// flat, and each level costs memory (the path, the decoder's stack).
const maxDepth = 32

func checkObject(dec *json.Decoder, path string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("JSON nested deeper than %d levels at %s; send a flat object", maxDepth, path)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxErr(err)
		}
		key := tok.(string)
		if seen[key] {
			return fmt.Errorf("duplicate key %q in %s; give each key once", key, path)
		}
		seen[key] = true
		if err := checkValue(dec, path+"."+key, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return syntaxErr(err)
}

func checkValue(dec *json.Decoder, path string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxErr(err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		return checkObject(dec, path, depth+1)
	case '[':
		if depth+1 > maxDepth {
			return fmt.Errorf("JSON nested deeper than %d levels at %s; send a flat object", maxDepth, path)
		}
		for i := 0; dec.More(); i++ {
			if err := checkValue(dec, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		return syntaxErr(err)
	}
	return nil
}

func syntaxErr(err error) error {
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not a JSON object: %v (at byte %d)", se, se.Offset)
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("not a JSON object: the JSON ends too early")
	}
	return fmt.Errorf("not a JSON object: %v", err)
}

func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "a " + string(v)
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return strings.TrimSpace(fmt.Sprint(tok))
}

// DecodeStrict reads one JSON object from r into v: CheckObject's rules
// (no key twice, nothing after the object) and no key that v does not
// have.
func DecodeStrict(r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := CheckObject(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
