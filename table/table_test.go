package table

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		col   string
		want  []float64
		comma bool
	}{
		{"plain", "a,b\n1,2\n3,\n", "b", []float64{2, math.NaN()}, false},
		{"bom and crlf", "\xef\xbb\xbfa,b\r\n1,2\r\n3,4\r\n", "a", []float64{1, 3}, false},
		{"semicolon decimal comma", "a;b\n1,5;2\nNA;3\n", "a", []float64{1.5, math.NaN()}, true},
		{"blank line skipped", "a\n1\n\n2\n", "a", []float64{1, 2}, false},
	}
	for _, tc := range tests {
		tab, err := Read(strings.NewReader(tc.in), "t.csv")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tab.DecimalComma != tc.comma {
			t.Errorf("%s: DecimalComma = %v", tc.name, tab.DecimalComma)
		}
		got, err := tab.Floats(tc.col)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: got %v want %v", tc.name, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] && !(math.IsNaN(got[i]) && math.IsNaN(tc.want[i])) {
				t.Errorf("%s: [%d] = %v want %v", tc.name, i, got[i], tc.want[i])
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"a,b\n1,2,3\n", "line 2 has 3 fields"},
		{"a,a\n1,2\n", "appears twice"},
		{"a,\n1,2\n", "empty name"},
		{",a,\n1,2,3\n", "column 3 has an empty name"},
	}
	for _, tc := range tests {
		_, err := Read(strings.NewReader(tc.in), "t.csv")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Read(%q) error = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func TestFloatsCellError(t *testing.T) {
	tab, err := Read(strings.NewReader("time,x\n1,2\nabc,3\n"), "d.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Floats("time")
	var ce *CellError
	if !errors.As(err, &ce) || ce.Line != 3 || ce.Column != "time" || ce.Value != "abc" {
		t.Fatalf("error = %v", err)
	}
	if _, err := tab.Floats("nope"); err == nil || !strings.Contains(err.Error(), "columns are: time, x") {
		t.Fatalf("missing column error = %v", err)
	}
}

func TestReaderStreams(t *testing.T) {
	rd, err := NewReader(strings.NewReader("\xef\xbb\xbfid;x\r\na;1,5\r\n\r\nb;2\r\nc\r\n"), "s.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !rd.DecimalComma || len(rd.Header) != 2 || rd.Header[0] != "id" {
		t.Fatalf("header %q, decimal comma %v", rd.Header, rd.DecimalComma)
	}
	for _, want := range []struct {
		id   string
		line int
	}{{"a", 2}, {"b", 4}} {
		rec, err := rd.Next()
		if err != nil || rec[0] != want.id || rd.Line() != want.line {
			t.Fatalf("Next = %q, line %d, %v; want %s on line %d", rec, rd.Line(), err, want.id, want.line)
		}
	}
	if _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "line 5 has 1 fields") {
		t.Fatalf("ragged row: %v", err)
	}
}

// FuzzReaderMatchesCSV checks the Reader's own splitting of quote-free
// records against encoding/csv: same rows, same lines, errors alike.
func FuzzReaderMatchesCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n3,4\n", "a;b\r\n1,5;2\r\n\r\n3;4", "a,b\n\"x\ny\",2\n3,\"q\"\"\"\n", "a,b\n1,2\n  \n3,4\r",
		"a,b\n1,\"2\n", "a,b\n1,2\"\n", "a\n\n\n1\n", "a,b\n,\n", "a,b\r\n1,2\r\n",
		"\"a\",\"b\"\r\n1,\"x\"\r\n\"\",\"q\"\"\"\n", "a,b\n\"x\" ,1\n", "a,b\n\"x\"y,1\n", "a,b\nx\"y,1\n", "a,b\n\"x,1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		rd, err := NewReader(strings.NewReader(data), "f.csv")
		ref := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\xef\xbb\xbf")))
		ref.FieldsPerRecord = -1
		if err == nil && rd.DecimalComma {
			ref.Comma = ';'
		}
		want, refErr := ref.ReadAll()
		var wantRows [][]string
		for _, r := range want {
			if !(len(r) == 1 && strings.TrimSpace(r[0]) == "") {
				wantRows = append(wantRows, r)
			}
		}
		if err != nil {
			return // header problems are Read's own rules
		}
		got := [][]string{rd.Header}
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if refErr == nil && !strings.Contains(err.Error(), "ragged") {
					t.Fatalf("Reader error %v, encoding/csv none", err)
				}
				return
			}
			got = append(got, append([]string(nil), rec...))
		}
		if refErr != nil {
			t.Fatalf("encoding/csv error %v, Reader none", refErr)
		}
		if len(got) != len(wantRows) {
			t.Fatalf("%d rows, encoding/csv %d", len(got), len(wantRows))
		}
		for i := 1; i < len(got); i++ {
			if strings.Join(got[i], "\x00") != strings.Join(wantRows[i], "\x00") {
				t.Fatalf("row %d: %q, encoding/csv %q", i, got[i], wantRows[i])
			}
		}
	})
}

// TestReaderLongQuotedField reads a quoted field longer than the read
// buffer that holds a line break.
func TestReaderLongQuotedField(t *testing.T) {
	long := strings.Repeat("x", 70000) + "\n" + strings.Repeat("y", 70000)
	in := "a,b\n\"" + long + "\",2\n3,4\n"
	rd, err := NewReader(strings.NewReader(in), "long.csv")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := rd.Next()
	if err != nil || rec[0] != long || rec[1] != "2" || rd.Line() != 2 {
		t.Fatalf("long row: %v, %d cells, line %d", err, len(rec), rd.Line())
	}
	if rec, err = rd.Next(); err != nil || rec[0] != "3" || rd.Line() != 4 {
		t.Fatalf("next row %q, %v, line %d", rec, err, rd.Line())
	}
}

// FuzzParseDecimal: ParseFloat's fast path agrees with strconv.ParseFloat
// bit for bit whenever it accepts a string.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-0", "12.5", "0.1", "+3.25", "123456789012345", "1234567890123456", "0.000000000000001", "-.5", "5.", ".", "-", "1e5", "9007199254740993",
		"0.612133080176864", "-0.000321805302880784", "999999999999999", "0.9999999999999999", "0.0000000000000000000001", "00000000000000000001.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseDecimal(s)
		if !ok {
			return
		}
		w, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(v) != math.Float64bits(w) {
			t.Fatalf("%q: fast %v, strconv %v (%v)", s, v, w, err)
		}
	})
}

// TestParseDecimalTakes: which cells the fast path takes (15 significant
// digits, leading zeros aside, 19 in all) and which it leaves to strconv.
func TestParseDecimalTakes(t *testing.T) {
	for s, want := range map[string]bool{
		"0.612133080176864": true, "-0.000321805302880784": true, "999999999999999": true,
		"0.000000000000000001": true, "0.0000000000000000001": false, "0.9999999999999999": false, "1000000000000000": false,
		"1e5": false,
	} {
		if _, ok := parseDecimal(s); ok != want {
			t.Errorf("parseDecimal(%q) ok = %v, want %v", s, ok, want)
		}
	}
}

// TestReaderScan reads cells in place: numbers, missing cells, quoted
// cells, codes and the error of a cell that is not a number.
func TestReaderScan(t *testing.T) {
	in := "t,g,note\n1.5, b ,x\nNA,a,\"q, r\"\n\n2,b,\nx,a,\n"
	rd, err := NewReader(strings.NewReader(in), "s.csv")
	if err != nil {
		t.Fatal(err)
	}
	jt, _ := rd.Column("t")
	jg, _ := rd.Column("g")
	if _, err := rd.Column("nope"); err == nil || !strings.Contains(err.Error(), "columns are: t, g, note") {
		t.Fatalf("Column(nope) error = %v", err)
	}
	var codes Codes
	var got []string
	for rd.Scan() {
		v, err := rd.Float(jt)
		if err != nil {
			var ce *CellError
			if !errors.As(err, &ce) || ce.Line != 6 || ce.Column != "t" || ce.Value != "x" {
				t.Fatalf("error = %v", err)
			}
			break
		}
		c := codes.Code(rd.Field(jg))
		got = append(got, fmt.Sprintf("%g %v %d %s line %d", v, rd.Missing(jt), c, rd.Field(2), rd.Line()))
	}
	want := []string{"1.5 false 0 x line 2", "NaN true 1 q, r line 3", "2 false 0  line 5"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows %q, want %q", got, want)
	}
	if strings.Join(codes.Levels, ",") != "b,a" {
		t.Errorf("levels %q", codes.Levels)
	}
	if rd.Err() != nil {
		t.Errorf("Err = %v", rd.Err())
	}
	rd, _ = NewReader(strings.NewReader("a,b\n1\n"), "r.csv")
	if rd.Scan() || rd.Err() == nil || !strings.Contains(rd.Err().Error(), "line 2 has 1 fields") {
		t.Errorf("ragged row: Err = %v", rd.Err())
	}
}

func TestIsMissing(t *testing.T) {
	for s, want := range map[string]bool{"": true, " NA ": true, "n/a": true, "NaN": true, "NULL": true, ".": true,
		"<NA>": true, "\u00a0na\u00a0": true, "0": false, "nan1": false, "none": false, "\u00e9": false} {
		if IsMissing(s) != want || isMissing([]byte(s)) != want {
			t.Errorf("IsMissing(%q) = %v, want %v", s, IsMissing(s), want)
		}
	}
}

// BenchmarkReaderScan reads two numbers and a code per row of a 1e5-row
// file with six columns.
func BenchmarkReaderScan(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("time,status,x1,x2,x3,g\n")
	for i := range 100000 {
		fmt.Fprintf(&sb, "%d,%d,%.6g,%.6g,%.6g,%d\n", 1+i%997, i%2, 60+float64(i%37)/3, float64(i%101)/7, -float64(i%13)/11, i%3)
	}
	in := sb.String()
	b.SetBytes(int64(len(in)))
	for range b.N {
		rd, err := NewReader(strings.NewReader(in), "b.csv")
		if err != nil {
			b.Fatal(err)
		}
		var codes Codes
		for rd.Scan() {
			if _, err := rd.Float(0); err != nil {
				b.Fatal(err)
			}
			if _, err := rd.Float(2); err != nil {
				b.Fatal(err)
			}
			codes.Code(rd.Field(5))
		}
	}
}

// TestParseFloatGoLiterals: what strconv.ParseFloat reads as Go syntax is
// not a number in a data file.
func TestParseFloatGoLiterals(t *testing.T) {
	for _, s := range []string{"1_200", "0x1p4", "0X10", "Inf", "+Inf", "-inf", "infinity", "1_2.5", "1e", "12 5"} {
		if v, err := ParseFloat(s, false); err == nil {
			t.Errorf("ParseFloat(%q) = %v, want an error", s, v)
		}
	}
	for s, want := range map[string]float64{"1e3": 1000, "+5": 5, ".5": 0.5, "-2.5E-1": -0.25, " 7 ": 7} {
		if v, err := ParseFloat(s, false); err != nil || v != want {
			t.Errorf("ParseFloat(%q) = %v, %v; want %v", s, v, err, want)
		}
	}
}

// TestRowNames: R's write.csv writes row names as an unnamed first column;
// the file reads, and no name (not even "") reads that column.
func TestRowNames(t *testing.T) {
	const in = "\"\",\"time\",\"s\"\n\"1\",5,\"a\"\n\"2\",7,\"b\"\n"
	tab, err := Read(strings.NewReader(in), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := tab.Floats("time"); err != nil || len(got) != 2 || got[1] != 7 {
		t.Errorf("time = %v, %v", got, err)
	}
	if _, err := tab.ColumnIndex(""); err == nil {
		t.Error(`ColumnIndex("") found the row names`)
	}
	rd, err := NewReader(strings.NewReader(in), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Column(""); err == nil {
		t.Error(`Column("") found the row names`)
	}
	if j, err := rd.Column("s"); err != nil || j != 2 {
		t.Errorf(`Column("s") = %d, %v`, j, err)
	}
}
