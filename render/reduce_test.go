package render

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"testing"
)

func TestOpaqueLayers(t *testing.T) {
	for _, tc := range []struct {
		opacity float64
		want    int
	}{{0.55, 8}, {1, 1}, {0.15, 39}} {
		if got := opaqueLayers(tc.opacity); got != tc.want {
			t.Errorf("opaqueLayers(%g) = %d, want %d", tc.opacity, got, tc.want)
		}
	}
}

// TestCoverageLossless draws a dense cloud of translucent diamonds (as the
// box-and-strip plot of a registry cohort) mark for mark and with the
// marks that coverage leaves out removed: the 300 dpi PNGs differ by at
// most one 8-bit level anywhere, and most marks are left out.
func TestCoverageLossless(t *testing.T) {
	const n, r, opacity = 20000, 2.4, 0.55
	rng := rand.New(rand.NewPCG(3, 4))
	all, kept := newSVG(120, 120, "all"), newSVG(120, 120, "kept")
	cov := newCoverage(10-r, 10-r, 110+r, 110+r, opacity)
	drawn := 0
	for range n {
		// a dense core and sparse tails
		x := min(max(60+15*rng.NormFloat64(), 10), 110)
		y := min(max(60+8*rng.NormFloat64(), 10), 110)
		dx, dy := diamond(x, y, r)
		all.polygon(dx, dy, "#0072B2", opacity)
		if cov.diamond(x, y, r) {
			kept.polygon(dx, dy, "#0072B2", opacity)
			drawn++
		}
	}
	if drawn > n/4 {
		t.Errorf("%d of %d marks drawn; the dense core should be left out", drawn, n)
	}
	decode := func(d *Drawing) *image.RGBA {
		var b bytes.Buffer
		if err := WritePNG(&b, d, 300); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		out := image.NewRGBA(img.Bounds())
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				out.Set(x, y, img.At(x, y))
			}
		}
		return out
	}
	a, b := decode(all.Drawing()), decode(kept.Drawing())
	worst := 0
	for i := range a.Pix {
		worst = max(worst, int(a.Pix[i])-int(b.Pix[i]), int(b.Pix[i])-int(a.Pix[i]))
	}
	if worst > 1 {
		t.Errorf("PNGs differ by up to %d levels (%d of %d marks drawn)", worst, drawn, n)
	}
	t.Logf("%d of %d marks drawn; largest pixel difference %d", drawn, n, worst)
}
