package xlsx

import (
	"archive/zip"
	"bufio"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"io"

	"carimpi/internal/textsafe"
	"carimpi/table"
)

// Writer writes a workbook of one sheet, row by row, to a zip stream:
// memory does not grow with the number of rows. The bytes depend only on
// the rows written (fixed timestamps), so outputs are byte-stable.
type Writer struct {
	zw   *zip.Writer
	bw   *bufio.Writer
	row  int
	cell []byte
	err  error
}

// fixed is the modification time of every part.
var fixed = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// NewWriter starts a workbook whose one sheet is called sheet.
func NewWriter(w io.Writer, sheet string) (*Writer, error) {
	zw := zip.NewWriter(w)
	sheet = textsafe.Strip(sheet)
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="` + escape(sheet) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`</Relationships>`},
	} {
		pw, err := zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: zip.Deflate, Modified: fixed})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, p[1]); err != nil {
			return nil, err
		}
	}
	pw, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, Modified: fixed})
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(pw, 64<<10)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	return &Writer{zw: zw, bw: bw}, nil
}

func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// WriteRow writes the next row. A cell is a float64 (a number cell in its
// shortest round-trip form; NaN is an empty cell), an int, a string (a
// text cell, FormulaSafe, control characters removed; "" is an empty cell)
// or nil (empty).
func (w *Writer) WriteRow(cells []any) error {
	if w.err != nil {
		return w.err
	}
	w.row++
	b := w.cell[:0]
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(w.row), 10)
	b = append(b, `">`...)
	for j, c := range cells {
		ref := func() {
			b = append(b, `<c r="`...)
			b = appendColumn(b, j)
			b = strconv.AppendInt(b, int64(w.row), 10)
			b = append(b, '"')
		}
		switch v := c.(type) {
		case nil:
		case float64:
			if math.IsNaN(v) {
				continue
			}
			if math.IsInf(v, 0) {
				w.err = errors.New("xlsx: an infinite number has no cell")
				return w.err
			}
			ref()
			b = append(b, "><v>"...)
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
			b = append(b, "</v></c>"...)
		case int:
			ref()
			b = append(b, "><v>"...)
			b = strconv.AppendInt(b, int64(v), 10)
			b = append(b, "</v></c>"...)
		case string:
			if v == "" {
				continue
			}
			ref()
			b = append(b, ` t="inlineStr"><is><t xml:space="preserve">`...)
			b = append(b, escape(textsafe.Strip(table.FormulaSafe(v)))...)
			b = append(b, "</t></is></c>"...)
		default:
			w.err = errors.New("xlsx: a cell must be a float64, an int, a string or nil")
			return w.err
		}
	}
	b = append(b, "</row>"...)
	w.cell = b
	_, w.err = w.bw.Write(b)
	return w.err
}

// appendColumn appends the column letters of 0-based column j (A, ..., Z,
// AA, ...).
func appendColumn(b []byte, j int) []byte {
	var s [8]byte
	i := len(s)
	for j++; j > 0; j = (j - 1) / 26 {
		i--
		s[i] = byte('A' + (j-1)%26)
	}
	return append(b, s[i:]...)
}

// Close ends the sheet and the workbook.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.bw.WriteString("</sheetData></worksheet>")
	if err := w.bw.Flush(); err != nil {
		return err
	}
	return w.zw.Close()
}
