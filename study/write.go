package study

import (
	"bytes"
	"carimpi/internal/textsafe"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"carimpi/internal/jsonx"
	"carimpi/render"
	"carimpi/scores"
	"carimpi/table"
)

// WriteDir writes the report into dir: index.html, model.json,
// results.json, tables/*.csv and figures/*.svg. It returns the paths
// written, in order.
func (out *Output) WriteDir(dir string) ([]string, error) {
	var page bytes.Buffer
	if err := out.WriteHTML(&page); err != nil {
		return nil, err
	}
	return writeDir(dir, page.Bytes(), out.Results, []namedModel{{"model.json", out.Model}}, out.Tables, out.Figures)
}

// namedModel is a model file of a report.
type namedModel struct {
	file  string
	model *scores.CoxModel
}

// writeDir writes a report into dir: index.html (page), results.json,
// the model files, tables/*.csv and figures/*.svg. It returns the paths
// written, in order.
func writeDir(dir string, page []byte, results any, models []namedModel, tables []Table, figures []Figure) ([]string, error) {
	var written []string
	write := func(name string, data []byte) error {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	if err := write("index.html", page); err != nil {
		return written, err
	}
	var buf bytes.Buffer
	if err := jsonx.Write(&buf, results); err != nil {
		return written, fmt.Errorf("results.json: %w", err)
	}
	if err := write("results.json", buf.Bytes()); err != nil {
		return written, err
	}
	for _, m := range models {
		buf.Reset()
		if err := scores.Save(&buf, m.model); err != nil {
			return written, fmt.Errorf("%s: %w", m.file, err)
		}
		if err := write(m.file, buf.Bytes()); err != nil {
			return written, err
		}
	}
	for _, t := range tables {
		b := table.AppendRecord(nil, t.Header)
		for _, row := range t.Rows {
			b = table.AppendRecord(b, row)
		}
		if err := write(filepath.Join("tables", t.Name+".csv"), b); err != nil {
			return written, err
		}
		buf.Reset()
		if err := render.TableXLSX(&buf, t.Title, t.Header, t.Rows, t.Notes); err != nil {
			return written, fmt.Errorf("tables/%s.xlsx: %w", t.Name, err)
		}
		if err := write(filepath.Join("tables", t.Name+".xlsx"), buf.Bytes()); err != nil {
			return written, err
		}
	}
	files := encodeFigures(figures)
	for i, f := range figures {
		e := <-files[i]
		if e.err != nil {
			return written, e.err
		}
		for _, file := range []struct {
			ext  string
			data []byte
		}{{".svg", e.svg}, {".png", e.png}, {".pdf", e.pdf}} {
			if err := write(filepath.Join("figures", f.Name+file.ext), file.data); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// figureFiles are one figure's files: SVG, PNG (300 dpi) and PDF.
type figureFiles struct {
	svg, png, pdf []byte
	err           error
}

// canvasBudget bounds the bytes of the 300 dpi raster canvases being drawn
// at once: small figures are encoded side by side on every core, the
// multi-panel ones (up to 70 MB a canvas) one at a time, so the peak
// memory stays about that of the largest figure.
const canvasBudget = 80 << 20

// canvasBytes is the size of a figure's 300 dpi RGBA canvas.
func canvasBytes(d *render.Drawing) int64 {
	const px = 0.75 * 300 / 72 // canvas pixels per SVG unit
	return int64(4 * math.Ceil(d.Width*px) * math.Ceil(d.Height*px))
}

// encodeFigures encodes the figures in parallel, within GOMAXPROCS and
// canvasBudget, in order; the i-th channel delivers figure i's files.
func encodeFigures(figures []Figure) []chan figureFiles {
	out := make([]chan figureFiles, len(figures))
	for i := range out {
		out[i] = make(chan figureFiles, 1)
	}
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	var used int64
	running := 0
	go func() {
		for i, f := range figures {
			cost := min(canvasBytes(f.Drawing), canvasBudget)
			mu.Lock()
			for running > 0 && (used+cost > canvasBudget || running >= runtime.GOMAXPROCS(0)) {
				cond.Wait()
			}
			used += cost
			running++
			mu.Unlock()
			go func() {
				e := encodeFigure(f)
				mu.Lock()
				used -= cost
				running--
				cond.Broadcast()
				mu.Unlock()
				out[i] <- e
			}()
		}
	}()
	return out
}

func encodeFigure(f Figure) figureFiles {
	var e figureFiles
	var png, pdf bytes.Buffer
	var pngErr, pdfErr error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		pngErr = render.WritePNG(&png, f.Drawing, 300)
	}()
	go func() {
		defer wg.Done()
		pdfErr = render.WritePDF(&pdf, f.Drawing)
	}()
	var svg bytes.Buffer
	svg.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	f.Drawing.WriteSVG(&svg) // a bytes.Buffer does not fail
	svg.WriteByte('\n')
	e.svg = svg.Bytes()
	wg.Wait()
	switch {
	case pngErr != nil:
		e.err = fmt.Errorf("figures/%s.png: %w", f.Name, pngErr)
	case pdfErr != nil:
		e.err = fmt.Errorf("figures/%s.pdf: %w", f.Name, pdfErr)
	}
	e.png, e.pdf = png.Bytes(), pdf.Bytes()
	return e
}

const css = `body{font-family:Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em;margin-top:1.5em}
.notice{background:#fff4d6;border-left:5px solid #E69F00;padding:.6em 1em;font-weight:bold}
.simulated{background:#fde0dc;border-left:5px solid #D55E00;padding:.6em 1em;font-weight:bold}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}caption{text-align:left;font-style:italic;padding:.3em 0}
th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f2f2f2}
td.level{padding-left:2em}.foot{font-size:.85em;margin:.1em 0}.files{font-size:.85em}
figure{margin:1em 0;page-break-inside:avoid}figure svg{max-width:100%;height:auto}figcaption{font-size:.85em;color:#555}
.note{color:#8a4b00}.formula{font-family:monospace;background:#f5f5f5;padding:.5em}
nav ol{columns:2}@media print{nav{display:none}h2{page-break-before:auto}body{max-width:none}}`

// WriteHTML writes the self-contained report: inline CSS and SVG, no
// scripts, nothing fetched from the network.
func (out *Output) WriteHTML(w *bytes.Buffer) error {
	res := out.Results
	meta := fmt.Sprintf("Data: %s. Endpoint for development: %s. Software: %s. Seed: %d. Method: %s",
		res.Provenance.Data, strings.ToUpper(res.Provenance.Endpoint), res.Provenance.Software, res.Seed, res.Provenance.Citation)
	writePage(w, "CAR-IMPI study report", "CAR-IMPI: development and validation report", res.Notice, res.Simulated, meta, out.Sections)
	return nil
}

// writePage writes a self-contained report page: the notice, the
// simulated-data banner, a line of provenance (meta), a table of contents
// and the sections.
func writePage(w *bytes.Buffer, title, heading, notice string, simulated bool, meta string, sections []Section) {
	w.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
	w.WriteString("<title>" + textsafe.Markup(title) + "</title><style>" + css + "</style></head><body>\n")
	w.WriteString("<h1>" + textsafe.Markup(heading) + "</h1>\n")
	w.WriteString("<p class=\"notice\">" + textsafe.Markup(notice) + "</p>\n")
	if simulated {
		w.WriteString("<p class=\"simulated\">Simulated data — not patient data. Every number below describes a synthetic cohort.</p>\n")
	}
	w.WriteString("<p>" + textsafe.Markup(meta) + "</p>\n")
	w.WriteString("<nav><ol>")
	for _, s := range sections {
		fmt.Fprintf(w, "<li><a href=\"#%s\">%s</a></li>", s.ID, textsafe.Markup(s.Title))
	}
	w.WriteString("</ol></nav>\n")
	for _, s := range sections {
		fmt.Fprintf(w, "<section id=\"%s\"><h2>%s</h2>\n%s</section>\n", s.ID, textsafe.Markup(s.Title), s.HTML)
	}
	w.WriteString("</body></html>\n")
}
