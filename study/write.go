package study

import (
	"bufio"
	"carimpi/internal/textsafe"
	"fmt"
	"io"
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
	return writeDir(dir, out.WriteHTML, out.Results, []namedModel{{"model.json", out.Model}}, out.Tables, out.Figures)
}

// namedModel is a model file of a report.
type namedModel struct {
	file  string
	model *scores.CoxModel
}

// writeDir writes a report into dir: index.html (written by page),
// results.json, the model files, tables/*.csv and figures/*.svg. Every
// file is written as it is produced, none is held whole in memory. It
// returns the paths written, in order.
func writeDir(dir string, page func(io.Writer) error, results any, models []namedModel, tables []Table, figures []Figure) ([]string, error) {
	var written []string
	write := func(name string, fill func(io.Writer) error) error {
		path, err := writeFile(dir, name, fill)
		if err == nil {
			written = append(written, path)
		}
		return err
	}
	// The figures are encoded beside the other files from the start.
	files := encodeFigures(dir, figures)
	if err := write("index.html", page); err != nil {
		return written, err
	}
	if err := write("results.json", func(w io.Writer) error { return jsonx.Write(w, results) }); err != nil {
		return written, err
	}
	for _, m := range models {
		if err := write(m.file, func(w io.Writer) error { return scores.Save(w, m.model) }); err != nil {
			return written, err
		}
	}
	for _, t := range tables {
		if err := write(filepath.Join("tables", t.Name+".csv"), func(w io.Writer) error {
			b := table.AppendRecord(nil, t.Header)
			for _, row := range t.Rows {
				b = table.AppendRecord(b, row)
			}
			_, err := w.Write(b)
			return err
		}); err != nil {
			return written, err
		}
		if err := write(filepath.Join("tables", t.Name+".xlsx"), func(w io.Writer) error {
			return render.TableXLSX(w, t.Title, t.Header, t.Rows, t.Notes)
		}); err != nil {
			return written, err
		}
	}
	var first error
	for i := range figures {
		e := <-files[i] // wait for every encoder, also after an error
		written = append(written, e.paths...)
		if first == nil {
			first = e.err
		}
	}
	return written, first
}

// writeFile writes dir/name through a buffer, making its folder, and
// returns its path; a failed write is named with the file.
func writeFile(dir, name string, fill func(io.Writer) error) (string, error) {
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return path, nil
}

// figureFiles are the paths of one figure's files (SVG, PNG at 300 dpi,
// PDF) once written, or the error that stopped them.
type figureFiles struct {
	paths []string
	err   error
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

// encodeFigures writes the figures' files into dir/figures in parallel,
// within GOMAXPROCS and canvasBudget; the i-th channel delivers figure
// i's paths.
func encodeFigures(dir string, figures []Figure) []chan figureFiles {
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
				e := writeFigure(dir, f)
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

// writeFigure writes figures/<name>.svg, .png (300 dpi) and .pdf; the PNG
// and the PDF are drawn side by side.
func writeFigure(dir string, f Figure) figureFiles {
	base := filepath.Join("figures", f.Name)
	var pdfPath string
	var pdfErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pdfPath, pdfErr = writeFile(dir, base+".pdf", func(w io.Writer) error { return render.WritePDF(w, f.Drawing) })
	}()
	var e figureFiles
	svgPath, err := writeFile(dir, base+".svg", func(w io.Writer) error {
		if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"); err != nil {
			return err
		}
		if err := f.Drawing.WriteSVG(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\n")
		return err
	})
	var pngPath string
	if err == nil {
		pngPath, err = writeFile(dir, base+".png", func(w io.Writer) error { return render.WritePNG(w, f.Drawing, 300) })
	}
	wg.Wait()
	if err == nil {
		err = pdfErr
	}
	if err != nil {
		e.err = err
		return e
	}
	e.paths = []string{svgPath, pngPath, pdfPath}
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
func (out *Output) WriteHTML(w io.Writer) error {
	res := out.Results
	meta := fmt.Sprintf("Data: %s. Endpoint for development: %s. Software: %s. Seed: %d. Method: %s",
		res.Provenance.Data, strings.ToUpper(res.Provenance.Endpoint), res.Provenance.Software, res.Seed, res.Provenance.Citation)
	return writePage(w, "CAR-IMPI study report", "CAR-IMPI: development and validation report", res.Notice, res.Simulated, meta, out.Sections)
}

// writePage writes a self-contained report page: the notice, the
// simulated-data banner, a line of provenance (meta), a table of contents
// and the sections.
func writePage(out io.Writer, title, heading, notice string, simulated bool, meta string, sections []Section) error {
	w := bufio.NewWriter(out)
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
		fmt.Fprintf(w, "<section id=\"%s\"><h2>%s</h2>\n", s.ID, textsafe.Markup(s.Title))
		w.WriteString(s.HTML)
		w.WriteString("</section>\n")
	}
	w.WriteString("</body></html>\n")
	return w.Flush() // the first error of any write
}
