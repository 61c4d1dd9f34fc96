// Package xlsx is carimpi's one way in and out of Excel workbooks.
//
// Open reads a workbook through excelize with bounded resources: a file
// whose parts would unzip past MaxUnzipped, or whose sheet compresses more
// than a spreadsheet plausibly can (a zip bomb), is refused before anything
// is unzipped, and excelize's own limits (UnzipSizeLimit, UnzipXMLSizeLimit)
// are set so that large sheets stream from a temporary file, removed by
// Close.
//
// Writer writes one sheet straight to a zip stream: numbers in the shortest
// form that reads back to the same float64 (17 significant digits when
// needed; excelize writes only 15), text as inline strings defused as CSV
// text is (table.FormulaSafe) and without the control characters XML
// forbids.
package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Limits of Open.
const (
	// MaxFile is the largest workbook read (compressed).
	MaxFile = 256 << 20
	// MaxUnzipped bounds the sum of the workbook's parts, uncompressed.
	MaxUnzipped = 1 << 30
	// MaxInMemory is the largest sheet or shared-string part unzipped in
	// memory; larger ones go to a temporary file.
	MaxInMemory = 16 << 20
	// MaxRatio is the largest compression ratio accepted for a part over
	// MaxInMemory: sheet XML compresses about 5-30 fold, a zip bomb a
	// thousandfold.
	MaxRatio = 200
)

// Open reads a workbook from r; source names it in errors. The caller
// closes the file (which removes excelize's temporary files).
func Open(r io.Reader, source string) (*excelize.File, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if len(b) > MaxFile {
		return nil, fmt.Errorf("%s: workbook larger than %d MiB; save the sheet as CSV (read as a stream, no size limit)", source, MaxFile>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable XLSX workbook: %v", source, err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > MaxInMemory && f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > MaxRatio {
			return nil, fmt.Errorf("%s: part %s would unzip from %d bytes to %d (ratio %d); refused as a probable zip bomb: save the sheet as CSV if it is real",
				source, f.Name, f.CompressedSize64, f.UncompressedSize64, f.UncompressedSize64/f.CompressedSize64)
		}
	}
	if total > MaxUnzipped {
		return nil, fmt.Errorf("%s: the workbook would unzip to %d MiB, more than %d MiB; save the sheet as CSV", source, total>>20, MaxUnzipped>>20)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxInMemory})
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable XLSX workbook: %v", source, err)
	}
	return f, nil
}
