package render

import (
	"bytes"
	"fmt"
	"image/png"
	"testing"
)

func testKM() KMPlot {
	return KMPlot{Title: "PFS by risk group", XLabel: "Months since infusion", YLabel: "Progression-free survival", Inset: "Log-rank p < 0.001",
		Groups: []KMGroup{
			{Name: "Low risk", N: 4, Time: []float64{2, 5, 9, 14}, NRisk: []float64{4, 3, 2, 1}, NCensor: []float64{0, 1, 0, 1}, Surv: []float64{0.75, 0.75, 0.375, 0.375}},
			{Name: "High risk", N: 3, Time: []float64{1, 3, 6}, NRisk: []float64{3, 2, 1}, NCensor: []float64{0, 0, 1}, Surv: []float64{0.667, 0.333, 0.333}},
		}}
}

// TestExportFormats writes one figure as PNG and PDF from its drawing: the
// PNG decodes at the size the figure has at 300 dpi and records 300 dpi;
// the PDF has one page; both are byte-stable.
func TestExportFormats(t *testing.T) {
	d := testKM().Drawing()
	var a, b bytes.Buffer
	if err := WritePNG(&a, d, 300); err != nil {
		t.Fatal(err)
	}
	if err := WritePNG(&b, d, 300); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("PNG not byte-stable (err %v)", err)
	}
	img, err := png.Decode(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	wantW, wantH := int(d.Width*0.75/72*300+0.5), int(d.Height*0.75/72*300+0.5)
	if s := img.Bounds().Size(); s.X != wantW || s.Y != wantH {
		t.Errorf("PNG is %v, want %dx%d (300 dpi)", s, wantW, wantH)
	}
	if !bytes.Contains(a.Bytes()[:64], []byte("pHYs")) {
		t.Error("PNG does not record its resolution")
	}
	a.Reset()
	b.Reset()
	if err := WritePDF(&a, d); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&b, d); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("PDF not byte-stable (err %v)", err)
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) || bytes.Count(a.Bytes(), []byte("/Type /Page\n"))+bytes.Count(a.Bytes(), []byte("/Type /Page ")) != 1 {
		t.Errorf("PDF does not have exactly one page")
	}
}

// TestExportConcurrent encodes figures on several goroutines at once, as
// the study's report writer does: run under the race detector in CI, and
// each result equals the one encoded alone.
func TestExportConcurrent(t *testing.T) {
	d := testKM().Drawing()
	var png0, pdf0 bytes.Buffer
	if err := WritePNG(&png0, d, 300); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&pdf0, d); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			var p, q bytes.Buffer
			err := WritePNG(&p, d, 300)
			if err == nil {
				err = WritePDF(&q, d)
			}
			if err == nil && (!bytes.Equal(p.Bytes(), png0.Bytes()) || !bytes.Equal(q.Bytes(), pdf0.Bytes())) {
				err = fmt.Errorf("concurrent encoding differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
