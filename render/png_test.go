package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestEncodePNGLossless encodes opaque images (a figure's canvas, random
// pixels, repeated rows, one pixel) and decodes them with image/png: every
// pixel comes back, and the file records its resolution.
func TestEncodePNGLossless(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := image.NewRGBA(image.Rect(0, 0, 97, 41))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(rng.Uint32())
		if i%4 == 3 {
			noise.Pix[i] = 255
		}
	}
	stripes := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			stripes.Set(x, y, color.RGBA{uint8(x * 4), uint8(y / 8 * 30), 200, 255})
		}
	}
	one := image.NewRGBA(image.Rect(0, 0, 1, 1))
	one.Set(0, 0, color.RGBA{1, 2, 3, 255})
	figure := canvasImage(t, testKM().Drawing())
	for name, img := range map[string]*image.RGBA{"noise": noise, "stripes": stripes, "one pixel": one, "figure": figure} {
		var b bytes.Buffer
		if err := encodePNG(&b, img, 300); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b.Bytes()[:64], []byte("pHYs\x00\x00\x2e\x23\x00\x00\x2e\x23\x01")) { // 11811 px/m
			t.Errorf("%s: no pHYs of 300 dpi", name)
		}
		got, err := png.Decode(&b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Bounds() != img.Bounds() {
			t.Fatalf("%s: decoded %v, want %v", name, got.Bounds(), img.Bounds())
		}
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				if g, w := color.RGBAModel.Convert(got.At(x, y)), img.At(x, y); g != w {
					t.Fatalf("%s: pixel (%d, %d) is %v, want %v", name, x, y, g, w)
				}
			}
		}
	}
}

func canvasImage(t *testing.T, d *Drawing) *image.RGBA {
	t.Helper()
	img, err := rasterize(d, 300)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestRasterCanvasMatchesVgimg: our canvas (no copy of the image) draws
// the same pixels as vgimg's own, for a figure whose height is not a
// whole number of pixels (text is placed against the exact height) and a
// multi-panel grid with rotated labels.
func TestRasterCanvasMatchesVgimg(t *testing.T) {
	km := *testKM().Drawing()
	km.Height += 0.1
	grid := Grid("Three panels", []*Drawing{testKM().Drawing(), testKM().Drawing(), testKM().Drawing()}, 2, "ABC")
	for _, d := range []*Drawing{&km, grid} {
		if px := d.Height * 0.75 * 300 / 72; px == math.Trunc(px) {
			t.Fatalf("height %g is a whole number of pixels: the test needs one that is not", px)
		}
		ours := canvasImage(t, d)
		c := vgimg.NewWith(vgimg.UseWH(vg.Length(d.Width*pxToPt), vg.Length(d.Height*pxToPt)), vgimg.UseDPI(300), vgimg.UseBackgroundColor(color.White))
		if err := d.replay(c); err != nil {
			t.Fatal(err)
		}
		theirs := c.Image().(*image.RGBA)
		if ours.Bounds() != theirs.Bounds() || !bytes.Equal(ours.Pix, theirs.Pix) {
			t.Errorf("%s: pixels differ from vgimg's canvas", d.Title)
		}
	}
}

// TestDrawGlyphsMatchesGG draws text in several colours, sizes, weights
// and sub-pixel positions, partly off the canvas, over a coloured
// background, once with drawGlyphs and once through gg: the pixels are
// the same.
func TestDrawGlyphsMatchesGG(t *testing.T) {
	bg := image.NewRGBA(image.Rect(0, 0, 300, 120))
	for i := range bg.Pix {
		bg.Pix[i] = uint8(i * 7)
		if i%4 == 3 {
			bg.Pix[i] = 255
		}
	}
	ours := image.NewRGBA(bg.Bounds())
	copy(ours.Pix, bg.Pix)
	theirs := image.NewRGBA(bg.Bounds())
	copy(theirs.Pix, bg.Pix)
	ctx := gg.NewContextForRGBA(theirs)
	for k, c := range []struct {
		text string
		size float64
		name string
		col  color.Color
		x, y float64
	}{
		{"Number at risk 1234", 12, "LiberationBold", color.NRGBA{0x00, 0x72, 0xB2, 255}, 3.3, 20.7},
		{"HR 2.43 (2.33–2.54)", 9, "Liberation", color.Black, -5.5, 50.1},
		{"Wavy ÄÖü, fj", 18, "LiberationItalic", color.NRGBA{0xB3, 0x59, 0x00, 255}, 250.25, 118.9},
		{"p < 0.001", 14, "Liberation", color.White, 100.49, 80.51},
	} {
		f := font.Font{Typeface: font.Typeface(c.name), Variant: "Sans", Size: font.Length(c.size)}
		ff := fonts.Lookup(f, f.Size)
		face := ff.FontFace(300)
		drawGlyphs(ours, face, c.col, c.text, c.x, c.y)
		ctx.SetColor(c.col)
		ctx.SetFontFace(face)
		ctx.DrawString(c.text, c.x, c.y)
		if !bytes.Equal(ours.Pix, theirs.Pix) {
			t.Fatalf("text %d (%q): pixels differ from gg's", k, c.text)
		}
	}
}
