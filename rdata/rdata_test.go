package rdata_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"carimpi/rdata"
)

func readFile(t *testing.T, name string) *rdata.File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := rdata.Read(bytes.NewReader(b), 0)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// TestRDSAllTypes reads one list of every kind of R value, written by R
// (testdata/make.R) in each compression, version 2 and 3, XDR, native
// binary and ASCII, and checks every value make.R defined.
func TestRDSAllTypes(t *testing.T) {
	for _, tc := range []struct {
		file, comp, format string
		version            int
	}{
		{"all-v3-gzip.rds", "gzip", "xdr", 3},
		{"all-v2-bzip2.rds", "bzip2", "xdr", 2},
		{"all-v3-xz.rds", "xz", "xdr", 3},
		{"all-v2-none.rds", "none", "xdr", 2},
		{"all-v3-ascii.rds", "none", "ascii", 3},
		{"all-v3-native.rds", "none", "binary", 3},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f := readFile(t, tc.file)
			if f.Kind != "RDS" || f.Compression != tc.comp || f.Format != tc.format || f.Version != tc.version || f.WriterVersion != "4.2.2" || len(f.Objects) != 1 {
				t.Fatalf("header %+v", f)
			}
			if tc.version == 3 && f.Encoding != "UTF-8" {
				t.Errorf("encoding %q", f.Encoding)
			}
			checkAll(t, f.Objects[0].Value)
		})
	}
}

func checkAll(t *testing.T, x *rdata.Value) {
	t.Helper()
	names := []string{"lgl", "int", "dbl", "cpl", "chr", "latin1", "raw", "mat", "arr", "fac", "df", "seq", "rseq", "nested", "nul", "pl", "fn", "cfn", "env", "fml", "expr", "s4"}
	if x.Type != rdata.List || !reflect.DeepEqual(x.Names(), names) {
		t.Fatalf("top: %s %v", x.Describe(), x.Names())
	}
	eqInts := func(name string, v *rdata.Value, typ rdata.Type, want ...int32) {
		if v == nil || v.Type != typ || !reflect.DeepEqual(v.Ints, want) {
			t.Errorf("%s: %s %v, want %v", name, v.Describe(), v.Ints, want)
		}
	}
	na := int32(rdata.NAInteger)
	eqInts("lgl", x.Get("lgl"), rdata.Logical, 1, 0, na)
	eqInts("int", x.Get("int"), rdata.Integer, 1, na, -3)
	d := x.Get("dbl").Doubles
	if len(d) != 6 || d[0] != 1.5 || !rdata.IsNA(d[1]) || !math.IsNaN(d[2]) || rdata.IsNA(d[2]) || !math.IsInf(d[3], 1) || !math.IsInf(d[4], -1) || d[5] != -0.25 {
		t.Errorf("dbl %v", d)
	}
	if c := x.Get("cpl").Complexes; !reflect.DeepEqual(c, []complex128{complex(1, 0.5), complex(-2, 3)}) {
		t.Errorf("cpl %v", c)
	}
	chr := x.Get("chr")
	if !reflect.DeepEqual(chr.Strings, []string{"a", "", "été", "tab\there \"quoted\"\n"}) || !reflect.DeepEqual(chr.NA, []bool{false, true, false, false}) {
		t.Errorf("chr %q %v", chr.Strings, chr.NA)
	}
	if s := x.Get("latin1").Strings; len(s) != 1 || s[0] != "café" {
		t.Errorf("latin1 %q", s)
	}
	if r := x.Get("raw").Raw; !bytes.Equal(r, []byte{0, 1, 255}) {
		t.Errorf("raw %v", r)
	}
	mat := x.Get("mat")
	if !reflect.DeepEqual(mat.Dim(), []int{2, 3}) || !reflect.DeepEqual(mat.Doubles, []float64{1, 2, 3, 4, 5, 6}) ||
		!reflect.DeepEqual(mat.DimNames(), [][]string{{"r1", "r2"}, {"a", "b", "c"}}) {
		t.Errorf("mat %s %v %v", mat.Describe(), mat.Doubles, mat.DimNames())
	}
	arr := x.Get("arr")
	if !reflect.DeepEqual(arr.Dim(), []int{2, 3, 4}) || arr.Len() != 24 || arr.Ints[23] != 24 || arr.Describe() != "integer [2 x 3 x 4]" {
		t.Errorf("arr %s", arr.Describe())
	}
	fac := x.Get("fac")
	if eqInts("fac", fac, rdata.Integer, 1, 2, 1, na); !fac.Object || !fac.Inherits("factor") || !reflect.DeepEqual(fac.Attr("levels").Strings, []string{"lo", "hi"}) {
		t.Errorf("factor %s", fac.Describe())
	}
	df := x.Get("df")
	if !df.Inherits("data.frame") || !reflect.DeepEqual(df.Names(), []string{"id", "age", "mtv"}) ||
		!reflect.DeepEqual(df.Get("id").Strings, []string{"p1", "p2", "p3"}) || !reflect.DeepEqual(df.Get("mtv").Doubles, []float64{120.5, 3, 44.3}) {
		t.Errorf("data frame %s %v", df.Describe(), df.Names())
	}
	eqInts("df$age", df.Get("age"), rdata.Integer, 64, 70, na)
	eqInts("seq", x.Get("seq"), rdata.Integer, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	if r := x.Get("rseq").Doubles; len(r) != 10 || r[0] != 0.5 || r[9] != 5 {
		t.Errorf("rseq %v", r)
	}
	if c := x.Get("nested").Get("a").Get("b").Get("c"); c == nil || c.Doubles[0] != 42 {
		t.Errorf("nested %v", c.Describe())
	}
	if v := x.Get("nul"); v == nil || v.Type != rdata.Nil {
		t.Errorf("nul %s", v.Describe())
	}
	pl := x.Get("pl")
	if pl.Type != rdata.Pairlist || !reflect.DeepEqual(pl.Names(), []string{"p", "q"}) || pl.Get("q").Strings[0] != "two" {
		t.Errorf("pairlist %s %v", pl.Describe(), pl.Names())
	}
	for name, typ := range map[string]rdata.Type{"fn": rdata.Closure, "cfn": rdata.Closure, "env": rdata.Environment, "fml": rdata.Language, "expr": rdata.Expression} {
		if v := x.Get(name); v == nil || v.Type != typ {
			t.Errorf("%s: %s, want %s", name, v.Describe(), typ)
		}
	}
	if fml := x.Get("fml"); !fml.Inherits("formula") || fml.Nodes[0].Value.Name != "~" {
		t.Errorf("formula %s", fml.Describe())
	}
}

// TestRDataObjects reads save()'s object list in several formats.
func TestRDataObjects(t *testing.T) {
	for _, name := range []string{"objects-v2-bzip2.RData", "objects-v3-none.RData", "objects-v3-ascii.RData"} {
		f := readFile(t, name)
		if f.Kind != "RData" || !reflect.DeepEqual(f.Names(), []string{"dev_mu", "small"}) {
			t.Fatalf("%s: %s %v", name, f.Kind, f.Names())
		}
		mu := f.Get("dev_mu")
		if !reflect.DeepEqual(mu.Dim(), []int{2, 2}) || !reflect.DeepEqual(mu.Doubles, []float64{0.1, 0.2, 0.3, 0.4}) || !reflect.DeepEqual(mu.DimNames(), [][]string{{"d0_a", "d0_b"}, nil}) {
			t.Errorf("%s: dev_mu %s %v", name, mu.Describe(), mu.DimNames())
		}
		if s := f.Get("small"); !reflect.DeepEqual(s.Names(), []string{"a", "b"}) || f.Get("absent") != nil {
			t.Errorf("%s: small %v", name, s.Names())
		}
	}
}

// TestMalformed: truncations and corruptions of real files are errors,
// never panics, and huge announced lengths allocate nothing.
func TestMalformed(t *testing.T) {
	raw, err := os.ReadFile("testdata/all-v2-none.rds")
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(raw); n += 7 {
		if _, err := rdata.Decode(raw[:n]); err == nil {
			t.Errorf("truncated at %d bytes: no error", n)
		}
	}
	// A character vector announcing 2^31-1 elements.
	huge := append([]byte("X\n\x00\x00\x00\x02\x00\x04\x02\x02\x00\x02\x03\x00"), 0, 0, 0, 16, 0x7f, 0xff, 0xff, 0xff)
	if _, err := rdata.Decode(huge); err == nil {
		t.Error("huge length accepted")
	}
	if _, err := rdata.Read(bytes.NewReader([]byte("not R data")), 0); err == nil {
		t.Error("text accepted")
	}
	gz, _ := os.ReadFile("testdata/all-v3-gzip.rds")
	if _, err := rdata.Read(bytes.NewReader(gz), 100); err == nil {
		t.Error("size limit not enforced")
	}
}
