package mip

import (
	"image/color"
	"testing"

	"carimpi/imaging"
)

// TestOrientation: a hot voxel on the patient's left, posterior and head
// end shows on the right of the coronal view, the right of the sagittal
// view and near the top of both; its lesion outline is drawn in colour.
func TestOrientation(t *testing.T) {
	// DICOM-like axial grid: i -> +x (left), j -> +y (posterior), k -> +z (head).
	g := imaging.Regular(20, 20, 20, [3]float64{}, [3]float64{2, 0, 0}, [3]float64{0, 2, 0}, [3]float64{0, 0, 2}, 0.008)
	v := &imaging.Volume{Geometry: g, SUV: make([]float64, g.Len())}
	lab := make([]int32, g.Len())
	for k := 16; k < 19; k++ {
		for j := 15; j < 18; j++ {
			for i := 15; i < 18; i++ {
				n := (k*20+j)*20 + i
				v.SUV[n], lab[n] = 12, 1
			}
		}
	}
	img := Render(v, lab)
	w := img.Bounds().Dx()
	// Find the darkest pixels (SUV >= 10 is black) in each half.
	var xs, ys [2][]int
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < w; x++ {
			if img.RGBAAt(x, y) == (color.RGBA{0, 0, 0, 255}) && y > 40 {
				h := 0
				if x > w/2 {
					h = 1
				}
				xs[h], ys[h] = append(xs[h], x), append(ys[h], y)
			}
		}
	}
	for h, name := range []string{"coronal", "sagittal"} {
		if len(xs[h]) == 0 {
			t.Fatalf("%s: no black pixels", name)
		}
		left, right := h*w/2, (h+1)*w/2
		mid := (left + right) / 2
		if xs[h][0] < mid {
			t.Errorf("%s: lesion at x %d, want the right half of the view (%d..%d)", name, xs[h][0], mid, right)
		}
		if ys[h][0] > img.Bounds().Dy()/2 {
			t.Errorf("%s: lesion at y %d, want the upper half", name, ys[h][0])
		}
	}
	outline := 0
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < w; x++ {
			if img.RGBAAt(x, y) == Palette[0] {
				outline++
			}
		}
	}
	if outline == 0 {
		t.Error("no lesion outline")
	}
}
