package jsonx

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

type curve struct {
	Name   string  `json:"name"`
	Median Float   `json:"median"`
	Time   Floats  `json:"time"`
	Surv   Floats  `json:"surv"`
	At     atTimes `json:"at_times"`
	RMST   *rmst   `json:"rmst,omitempty"`
	Extra  *rmst   `json:"extra"`
	Probs  []float64
	Tags   map[string]int `json:"tags,omitempty"`
	hidden int
	Skip   int `json:"-"`
}

type atTimes struct {
	Time Floats `json:"time"`
}

type rmst struct {
	Tau  float64 `json:"tau"`
	Mean Float   `json:"mean"`
}

type doc struct {
	Notice   string   `json:"notice"`
	Coding   string   `json:"event_coding,omitempty"`
	Strata   []curve  `json:"strata"`
	Empty    []curve  `json:"empty"`
	Nothing  struct{} `json:"nothing"`
	Any      any      `json:"any"`
	Warnings []string `json:"warnings,omitempty"`
	Embedded
	Raw json.RawMessage `json:"raw"`
	Num int             `json:"num,string"`
}

type Embedded struct{ Inner int }

// textual encodes as text through a pointer method: encoding/json calls it
// for addressable values, so Write must leave it to encoding/json.
type textual struct{ A int }

func (t *textual) MarshalText() ([]byte, error) { return []byte("text"), nil }

type outer struct {
	Doc  *doc   `json:"doc"`
	Docs []*doc `json:"docs"`
	Flat Floats `json:"flat"`
	Last bool   `json:"last,omitempty"`
}

func long(n int, seed float64) Floats {
	f := make(Floats, n)
	for i := range f {
		f[i] = seed + float64(i)/7
	}
	f[n/2] = math.NaN()
	f[n/3] = math.Inf(1)
	return f
}

// TestWriteAsEncoder: Write writes what json.Encoder with SetIndent("",
// "  ") writes, with arrays short and long (streamed), optional fields
// set and not, HTML-escaped text, and the fields it leaves to
// encoding/json (embedded structs, tag options, raw messages).
func TestWriteAsEncoder(t *testing.T) {
	c := curve{Name: "<arm & \"A\">", Median: Float(math.NaN()), Time: long(5000, 1), Surv: long(3, 0.5),
		At: atTimes{Time: long(streamMin, 2)}, RMST: &rmst{Tau: 12, Mean: 3.5}, Probs: []float64{0.25, 0.5},
		Tags: map[string]int{"b": 2, "a": 1}, hidden: 7, Skip: 9}
	d := &doc{Notice: "For research use", Strata: []curve{c, {Name: "empty"}}, Any: c, Embedded: Embedded{3},
		Raw: json.RawMessage(`{"x":[1,2]}`), Num: 5}
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"document", d},
		{"nested", outer{Doc: d, Docs: []*doc{d, nil}, Flat: long(10000, 3), Last: true}},
		{"plain struct", rmst{Tau: 1}},
		{"empty struct", struct{ x int }{}},
		{"slice", []curve{c}},
		{"map", map[string]Floats{"a": long(5000, 0)}},
		{"nil", nil},
		{"nil pointer", (*doc)(nil)},
		{"number", 3.5},
		{"text marshaler", &struct {
			T textual `json:"t"`
			F Floats  `json:"f"`
		}{textual{1}, long(5000, 0)}},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(tc.v); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := Write(&got, tc.v); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			g, w := got.String(), want.String()
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Errorf("%s: differs at byte %d of %d:\n got %q\nwant %q", tc.name, i, len(w), g[max(0, i-80):min(len(g), i+80)], w[max(0, i-80):min(len(w), i+80)])
		}
	}
}

// TestWriteErrorWritesNothing: a value encoding/json refuses (a plain
// float64 NaN) after a long array writes nothing.
func TestWriteErrorWritesNothing(t *testing.T) {
	v := struct {
		A Floats  `json:"a"`
		B float64 `json:"b"`
	}{long(5000, 0), math.NaN()}
	var b strings.Builder
	if err := Write(&b, v); err == nil || b.Len() != 0 {
		t.Errorf("err %v, wrote %d bytes", err, b.Len())
	}
}
