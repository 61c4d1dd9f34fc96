package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKMPlot draws lung by sex in the three formats: the SVG carries the
// labels, the log-rank p (R: survdiff p = 0.00131) and the risk table; the
// PNG decodes at 300 dpi; the PDF has one page. Bad flag values are
// calling mistakes.
func TestKMPlot(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(refData, "lung.csv")
	for _, ext := range []string{"svg", "png", "pdf"} {
		file := filepath.Join(dir, "km."+ext)
		_, errOut, code := runCLI(t, "km", "--data", data, "--time", "time", "--event", "event", "--group", "sex",
			"--plot", file, "--labels", "Male,Female", "--break-time", "180", "--plot-ci", "--median-line")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", ext, code, errOut)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		switch ext {
		case "svg":
			for _, want := range []string{"Male (n = 138)", "Female (n = 90)", "Log-rank p = 0.0013", "Number at risk", ">1080<"} {
				if !strings.Contains(string(b), want) {
					t.Errorf("SVG lacks %q", want)
				}
			}
		case "png":
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if w := img.Bounds().Dx(); w != 2250 { // 720 px = 7.5 in at 300 dpi
				t.Errorf("PNG width %d, want 2250", w)
			}
		case "pdf":
			if !bytes.HasPrefix(b, []byte("%PDF-")) || bytes.Count(b, []byte("/Type /Page\n"))+bytes.Count(b, []byte("/Type /Page ")) != 1 {
				t.Error("PDF does not have one page")
			}
		}
	}
	for _, bad := range [][]string{
		{"--plot", filepath.Join(dir, "x.gif")},
		{"--plot", filepath.Join(dir, "y.svg"), "--labels", "only-one"},
		{"--plot", filepath.Join(dir, "z.svg"), "--break-time", "-3"},
	} {
		args := append([]string{"km", "--data", data, "--time", "time", "--event", "event", "--group", "sex"}, bad...)
		if _, errOut, code := runCLI(t, args...); code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
			t.Errorf("%v: exit %d, %q", bad, code, errOut)
		}
	}
}
