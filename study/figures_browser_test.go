package study

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carimpi/cohort"
	"carimpi/internal/browsertest"
	"carimpi/render"
	"carimpi/scores"
)

// figureChecks runs in a standalone SVG loaded in Chromium and lists what
// is wrong with it: a text whose box leaves the canvas; a text box that
// holds a data point (a vertex of a data curve, stroke width >= 2, or a
// point marker), or a legend swatch that does; two texts whose boxes
// overlap; text whose contrast with what lies behind it (the last
// rectangle under its centre, else white) is below 4.5:1 (WCAG AA).
const figureChecks = `(() => {
  const svg = document.documentElement, root = svg.getBoundingClientRect();
  const out = [];
  const lum = c => { const m = c.match(/\d+(\.\d+)?/g).map(Number).slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]; };
  const pts = [];
  for (const p of svg.querySelectorAll("path")) {
    if (parseFloat(p.getAttribute("stroke-width") || "1") < 2) continue;
    const ctm = p.getScreenCTM();
    const nums = (p.getAttribute("d").match(/-?\d+(\.\d+)?/g) || []).map(Number);
    for (let i = 0; i + 1 < nums.length; i += 2) {
      const q = new DOMPoint(nums[i], nums[i + 1]).matrixTransform(ctm); pts.push([q.x, q.y]);
    }
  }
  for (const g of svg.querySelectorAll("polygon")) {
    if (parseFloat(g.getAttribute("fill-opacity") || "1") < 0.3) continue; // confidence bands
    const r = g.getBoundingClientRect();
    if (r.width < 8 && r.height < 8) pts.push([r.x + r.width / 2, r.y + r.height / 2]);
  }
  const boxes = Array.from(svg.querySelectorAll("text")).filter(t => t.textContent.trim()).map(t => [t, t.getBoundingClientRect()]);
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i][1], b = boxes[j][1];
    if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1)
      out.push("texts " + JSON.stringify(boxes[i][0].textContent.slice(0, 30)) + " and " + JSON.stringify(boxes[j][0].textContent.slice(0, 30)) + " overlap");
  }
  const rects = Array.from(svg.querySelectorAll("rect"));
  for (const r of rects) { // legend swatches
    const b = r.getBoundingClientRect();
    if (b.width > 16 || b.height > 16) continue;
    for (const [x, y] of pts) {
      if (x > b.left + 1 && x < b.right - 1 && y > b.top + 1 && y < b.bottom - 1) { out.push("legend swatch at " + Math.round(b.x) + "," + Math.round(b.y) + " covers a data point"); break; }
    }
  }
  for (const t of svg.querySelectorAll("text")) {
    if (!t.textContent.trim()) continue;
    const b = t.getBoundingClientRect();
    const name = JSON.stringify(t.textContent.slice(0, 40));
    if (b.left < root.left - 0.5 || b.top < root.top - 0.5 || b.right > root.right + 0.5 || b.bottom > root.bottom + 0.5)
      out.push("text " + name + " leaves the canvas");
    for (const [x, y] of pts) {
      if (x > b.left + 1 && x < b.right - 1 && y > b.top + 1 && y < b.bottom - 1) { out.push("text " + name + " covers a data point"); break; }
    }
    const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
    let bg = "rgb(255, 255, 255)";
    for (const r of rects) {
      if (!(r.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
      const rb = r.getBoundingClientRect();
      if (cx >= rb.left && cx <= rb.right && cy >= rb.top && cy <= rb.bottom) bg = getComputedStyle(r).fill;
    }
    const fg = getComputedStyle(t).fill;
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) out.push("text " + name + " contrast " + ratio.toFixed(2) + ":1 (" + fg + " on " + bg + ")");
  }
  return out;
})()`

// TestFiguresInBrowser writes the study of the embedded demo cohort (as
// "carimpi study" does) with every figure (the synthetic InflaMix model for the InflaMix combination, confidence
// bands) and checks each: its SVG in headless Chromium with figureChecks,
// its PNG decoding at the figure's size at 300 dpi, and its PDF parsing
// with one page.
func TestFiguresInBrowser(t *testing.T) {
	co, rep, err := cohort.Load(bytes.NewReader(cohort.DefaultCSV()), cohort.DefaultFile, cohort.Options{ExcludeTopMTV: 0.025})
	if err != nil {
		t.Fatal(err)
	}
	im, err := scores.LoadInflaMixFile("../testdata/reference/models/inflamix-synthetic.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(co, rep, Options{Seed: 3, InflaMix: im, Bands: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := out.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	// The page a journal would read: no NaN, no exponent notation.
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`(?s)<style.*?</style>|<svg.*?</svg>|<[^>]+>`).ReplaceAllString(string(page), " ")
	for _, bad := range regexp.MustCompile(`NaN|\d[eE][+-]?\d|\bInf\b`).FindAllStringIndex(text, -1) {
		t.Errorf("index.html prints %q", text[max(0, bad[0]-60):min(len(text), bad[1]+20)])
	}
	files, err := filepath.Glob(filepath.Join(dir, "figures", "*.svg"))
	if err != nil || len(files) != len(out.Figures) {
		t.Fatalf("%d SVG files for %d figures (%v)", len(files), len(out.Figures), err)
	}
	for _, want := range []string{"fig2", "fig-s3", "fig4", "combination-schema", "score-by-cohort", "toxicity-crs", "combined-inflamix-os", "cir-nrm-development", "dca-validation-12m", "calibration-development-12m"} {
		if _, ok := out.figure(want); !ok {
			t.Errorf("figure %s is not made", want)
		}
	}
	ctx := browsertest.Start(t, 180*time.Second)
	checkFigures(t, ctx, dir, out.Figures)
	// The checks find what they look for: clipped text, text or a legend
	// swatch over a data point, and low contrast.
	bad := filepath.Join(dir, "bad.svg")
	if err := os.WriteFile(bad, []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" width="200" height="100" font-size="12">`+
		`<path d="M10 50L60 50" stroke="#000" stroke-width="2" fill="none"/><text x="5" y="55">over the curve</text>`+
		`<rect x="54" y="44" width="12" height="12" fill="#0072B2"/>`+
		`<text x="150" y="20">clipped at the right</text><text x="152" y="24">overlapping</text><text x="20" y="90" fill="#E69F00">pale</text></svg>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+bad), chromedp.WaitReady("svg")); err != nil {
		t.Fatal(err)
	}
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](figureChecks))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(problems, "; "); !strings.Contains(got, "covers a data point") || !strings.Contains(got, "leaves the canvas") || !strings.Contains(got, "contrast") || !strings.Contains(got, "legend swatch") || !strings.Contains(got, "overlap") {
		t.Errorf("the checks miss problems of a bad figure: %s", got)
	}
}

// checkFigures checks every figure of a written report: its SVG in the
// browser with figureChecks, its PNG and PDF with checkRaster.
func checkFigures(t *testing.T, ctx context.Context, dir string, figures []Figure) {
	t.Helper()
	for _, f := range figures {
		checkRaster(t, dir, f)
		if err := chromedp.Do(ctx, chromedp.Navigate("file://"+filepath.Join(dir, "figures", f.Name+".svg")), chromedp.WaitReady("svg")); err != nil {
			t.Fatal(err)
		}
		problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](figureChecks))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, p := range problems {
			t.Errorf("%s.svg: %s", f.Name, p)
		}
	}
}

// checkRaster checks a figure's PNG and PDF files: the PNG decodes at the
// figure's size at 300 dpi (1 px of the SVG = 1/96 inch), the PDF parses
// and has one page of the figure's size in points.
func checkRaster(t *testing.T, dir string, f Figure) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "figures", f.Name+".png"))
	if err != nil {
		t.Error(err)
		return
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Errorf("%s.png: %v", f.Name, err)
		return
	}
	wantW, wantH := int(f.Drawing.Width/96*300+0.5), int(f.Drawing.Height/96*300+0.5)
	if s := img.Bounds().Size(); s.X != wantW || s.Y != wantH {
		t.Errorf("%s.png is %dx%d, want %dx%d (300 dpi)", f.Name, s.X, s.Y, wantW, wantH)
	}
	b, err = os.ReadFile(filepath.Join(dir, "figures", f.Name+".pdf"))
	if err != nil {
		t.Error(err)
		return
	}
	if n, err := pdfPageCount(b); err != nil || n != 1 {
		t.Errorf("%s.pdf: %d pages (%v)", f.Name, n, err)
	}
	box := regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`).FindSubmatch(b)
	if box == nil {
		t.Errorf("%s.pdf has no MediaBox", f.Name)
		return
	}
	w, _ := strconv.ParseFloat(string(box[1]), 64)
	h, _ := strconv.ParseFloat(string(box[2]), 64)
	if math.Abs(w-f.Drawing.Width*0.75) > 0.5 || math.Abs(h-f.Drawing.Height*0.75) > 0.5 {
		t.Errorf("%s.pdf page is %gx%g pt, want %gx%g", f.Name, w, h, f.Drawing.Width*0.75, f.Drawing.Height*0.75)
	}
}

// TestPDFPageCount: the PDF check counts pages and finds a broken file.
func TestPDFPageCount(t *testing.T) {
	var buf bytes.Buffer
	if err := render.WritePDF(&buf, render.StackedBars{Title: "t", Groups: []string{"a"}, Categories: []string{"x"}, Counts: [][]int{{1}}}.Drawing()); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	if n, err := pdfPageCount(good); err != nil || n != 1 {
		t.Fatalf("%d pages (%v)", n, err)
	}
	broken := bytes.Replace(good, []byte("3 0 obj"), []byte("3 0 obX"), 1)
	if _, err := pdfPageCount(broken); err == nil {
		t.Error("a PDF whose xref points at no object parses")
	}
	if _, err := pdfPageCount(good[:len(good)-200]); err == nil {
		t.Error("a truncated PDF parses")
	}
}
