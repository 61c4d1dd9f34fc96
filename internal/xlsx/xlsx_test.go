package xlsx_test

import (
	"archive/zip"
	"bytes"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"carimpi/internal/xlsx"
)

func TestWriterRoundTrip(t *testing.T) {
	nums := []float64{0.1 + 0.2, 1.0 / 3, 123456.78901234567, 5e-324, 1e300, -2.5e-7, 44.3, 0, math.Copysign(0, -1), 9007199254740993}
	var b bytes.Buffer
	w, err := xlsx.NewWriter(&b, "cohort\x01")
	if err != nil {
		t.Fatal(err)
	}
	row := []any{"=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "-0.5", "a\x1b[2Jb", "", nil, math.NaN(), 7}
	for _, v := range nums {
		row = append(row, v)
	}
	if err := w.WriteRow([]any{"h"}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRow(row); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	first := b.String()
	f, err := xlsx.Open(bytes.NewReader(b.Bytes()), "t.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetName(0); got != "cohort" {
		t.Errorf("sheet %q", got)
	}
	rows, err := f.Rows("cohort")
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	rows.Next()
	cells, err := rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"'=HYPERLINK(\"x\")", "'+cmd|' /C calc'!A0", "-0.5", "a[2Jb", "", "", "", "7"}
	for j, s := range want {
		if cells[j] != s {
			t.Errorf("cell %d = %q, want %q", j, cells[j], s)
		}
	}
	for j, v := range nums {
		got, err := strconv.ParseFloat(cells[len(want)+j], 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(v) && !(v == 0 && got == 0) {
			t.Errorf("number %v read back as %q", v, cells[len(want)+j])
		}
	}
	// Byte-stable.
	var b2 bytes.Buffer
	w2, _ := xlsx.NewWriter(&b2, "cohort\x01")
	w2.WriteRow([]any{"h"})
	w2.WriteRow(row)
	w2.Close()
	if b2.String() != first {
		t.Error("two writes of the same rows differ")
	}
}

// bomb returns a workbook whose sheet unzips to n bytes of one cell.
func bomb(t *testing.T, n int) []byte {
	var b bytes.Buffer
	w, _ := xlsx.NewWriter(&b, "s")
	w.WriteRow([]any{"h"})
	w.Close()
	zr, _ := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		pw, _ := zw.Create(f.Name)
		if f.Name == "xl/worksheets/sheet1.xml" {
			pw.Write([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`))
			chunk := bytes.Repeat([]byte("A"), 1<<20)
			for range n >> 20 {
				pw.Write(chunk)
			}
			pw.Write([]byte(`</t></is></c></row></sheetData></worksheet>`))
			continue
		}
		rc, _ := f.Open()
		var part bytes.Buffer
		part.ReadFrom(rc)
		rc.Close()
		pw.Write(part.Bytes())
	}
	zw.Close()
	return out.Bytes()
}

func TestOpenRefusesZipBomb(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	data := bomb(t, 64<<20)
	if len(data) > 1<<20 {
		t.Fatalf("bomb of %d bytes", len(data))
	}
	_, err := xlsx.Open(bytes.NewReader(data), "bomb.xlsx")
	if err == nil || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("err = %v", err)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
		t.Errorf("temporary files left: %v", ents)
	}
}
