// Package mip draws maximum-intensity projections of an SUV volume for a
// reader to check a segmentation at a glance: coronal and sagittal views
// side by side, inverted grey scale (SUV 0 white, SUV >= 10 black), each
// lesion's projected outline in its own colour with its id beside it.
// Geometry is respected: the views are resampled to square pixels in
// patient space (patient's right on the left of the coronal view, anterior
// on the left of the sagittal view, head at the top).
package mip

import (
	"image"
	"image/color"
	"math"
	"slices"

	"carimpi/imaging"
)

// MaxSUV is the SUV shown black.
const MaxSUV = 10.0

// Height is the height of the views in pixels.
const Height = 640

// Palette colours lesion outlines by id (cycled).
var Palette = []color.RGBA{
	{230, 25, 75, 255}, {60, 140, 60, 255}, {0, 110, 200, 255}, {245, 130, 48, 255}, {145, 30, 180, 255},
	{0, 150, 150, 255}, {200, 40, 200, 255}, {150, 110, 0, 255}, {128, 0, 0, 255}, {0, 0, 128, 255},
}

// view is one projection: the index axis projected away and the two shown.
type view struct {
	name       string
	depth      int // index axis projected
	horiz, ver int // index axes shown
	hflip      bool
	vflip      bool
}

// axisOf returns, for each patient axis (0 x, 1 y, 2 z), the index axis
// whose step points most along it, and that step's sign.
func axisOf(g *imaging.Geometry) (axis [3]int, sign [3]float64) {
	steps := [3][3]float64{g.U, g.V, g.W}
	used := [3]bool{}
	for p := 2; p >= 0; p-- { // z first: the slice axis
		best, bv := -1, -1.0
		for a := 0; a < 3; a++ {
			if !used[a] && math.Abs(steps[a][p]) > bv {
				best, bv = a, math.Abs(steps[a][p])
			}
		}
		used[best] = true
		axis[p] = best
		sign[p] = 1
		if steps[best][p] < 0 {
			sign[p] = -1
		}
	}
	return axis, sign
}

// Render returns the coronal and sagittal MIPs side by side with lesion
// outlines and ids. lab holds lesion ids 0..n (nil: no lesions).
func Render(v *imaging.Volume, lab []int32) *image.RGBA {
	axis, sign := axisOf(&v.Geometry)
	dims := [3]int{v.Nx, v.Ny, v.Nz}
	steps := [3][3]float64{v.U, v.V, v.W}
	length := func(a int) float64 {
		s := steps[a]
		l := math.Sqrt(s[0]*s[0] + s[1]*s[1] + s[2]*s[2])
		if l == 0 {
			l = 1
		}
		return l
	}
	// Views: coronal projects along y (horizontal x: patient right on the
	// left means increasing LPS x), sagittal along x (horizontal y:
	// anterior on the left means increasing LPS y); z up.
	views := []view{
		{name: "coronal", depth: axis[1], horiz: axis[0], ver: axis[2], hflip: sign[0] < 0, vflip: sign[2] > 0},
		{name: "sagittal", depth: axis[0], horiz: axis[1], ver: axis[2], hflip: sign[1] < 0, vflip: sign[2] > 0},
	}
	// Square display pixels, the views 640 px high.
	pix := float64(dims[axis[2]]) * length(axis[2]) / Height
	const margin, header = 8, 30
	type panel struct {
		w, h   int
		max    []float64
		lab    []int32
		nh, nv int
		off    int
		hl, vl float64
		v      view
	}
	panels := make([]panel, len(views))
	totalW := margin
	maxH := 0
	for p, vw := range views {
		nh, nv := dims[vw.horiz], dims[vw.ver]
		pn := panel{nh: nh, nv: nv, v: vw, hl: length(vw.horiz), vl: length(vw.ver)}
		pn.w = int(math.Round(float64(nh) * pn.hl / pix))
		pn.h = int(math.Round(float64(nv) * pn.vl / pix))
		pn.w, pn.h = max(pn.w, 1), max(pn.h, 1)
		pn.max, pn.lab = project(v, lab, vw, dims)
		pn.off = totalW
		totalW += pn.w + margin
		maxH = max(maxH, pn.h)
		panels[p] = pn
	}
	img := image.NewRGBA(image.Rect(0, 0, totalW, maxH+header+margin))
	fill(img, img.Bounds(), color.RGBA{255, 255, 255, 255})
	drawText(img, margin, 7, "CORONAL", color.RGBA{0, 0, 0, 255}, 3)
	drawText(img, panels[1].off, 7, "SAGITTAL   SUV 0-10   RESEARCH USE", color.RGBA{0, 0, 0, 255}, 3)
	for _, pn := range panels {
		// Display pixel -> projection index.
		dl := make([]int32, pn.w*pn.h)
		for y := 0; y < pn.h; y++ {
			iv := int(float64(y) * float64(pn.nv) / float64(pn.h))
			if pn.v.vflip {
				iv = pn.nv - 1 - iv
			}
			for x := 0; x < pn.w; x++ {
				ih := int(float64(x) * float64(pn.nh) / float64(pn.w))
				if pn.v.hflip {
					ih = pn.nh - 1 - ih
				}
				s := pn.max[iv*pn.nh+ih]
				g := uint8(255 - math.Round(255*math.Max(0, math.Min(1, s/MaxSUV))))
				if math.IsNaN(s) {
					g = 255
				}
				img.SetRGBA(pn.off+x, header+y, color.RGBA{g, g, g, 255})
				dl[y*pn.w+x] = pn.lab[iv*pn.nh+ih]
			}
		}
		// Outlines: a lesion pixel with a 4-neighbour of another label.
		box := map[int32][4]int{} // min x, min y, max x, max y

		for y := 0; y < pn.h; y++ {
			for x := 0; x < pn.w; x++ {
				l := dl[y*pn.w+x]
				if l == 0 {
					continue
				}
				if b, ok := box[l]; !ok {
					box[l] = [4]int{x, y, x, y}
				} else {
					box[l] = [4]int{min(b[0], x), min(b[1], y), max(b[2], x), max(b[3], y)}
				}
				edge := x == 0 || y == 0 || x == pn.w-1 || y == pn.h-1 ||
					dl[y*pn.w+x-1] != l || dl[y*pn.w+x+1] != l || dl[(y-1)*pn.w+x] != l || dl[(y+1)*pn.w+x] != l
				if edge {
					img.SetRGBA(pn.off+x, header+y, Palette[int(l-1)%len(Palette)])
				}
			}
		}
		// Ids to the right of each outline (to the left at the view's edge).
		ids := make([]int32, 0, len(box))
		for l := range box {
			ids = append(ids, l)
		}
		slices.Sort(ids)
		for _, l := range ids {
			b := box[l]
			s := itoa(int(l))
			tw := len(s)*12 - 3
			tx, ty := b[2]+4, b[1]
			if tx+tw > pn.w {
				tx = b[0] - 4 - tw
			}
			tx += pn.off
			ty += header
			fill(img, image.Rect(tx-1, ty-1, tx+tw+1, ty+16), color.RGBA{255, 255, 255, 255})
			drawText(img, tx, ty, s, Palette[int(l-1)%len(Palette)], 3)
		}
	}
	return img
}

// project returns the maximum SUV along the view's depth axis and, per ray,
// the id of the lesion voxel of highest SUV on it (0 if none).
func project(v *imaging.Volume, lab []int32, vw view, dims [3]int) ([]float64, []int32) {
	nh, nv := dims[vw.horiz], dims[vw.ver]
	mx := make([]float64, nh*nv)
	lm := make([]float64, nh*nv)
	ll := make([]int32, nh*nv)
	for i := range mx {
		mx[i] = math.Inf(-1)
		lm[i] = math.Inf(-1)
	}
	var idx [3]int
	n := 0
	for idx[2] = 0; idx[2] < dims[2]; idx[2]++ {
		for idx[1] = 0; idx[1] < dims[1]; idx[1]++ {
			for idx[0] = 0; idx[0] < dims[0]; idx[0]++ {
				r := idx[vw.ver]*nh + idx[vw.horiz]
				s := v.SUV[n]
				if s > mx[r] {
					mx[r] = s
				}
				if lab != nil && lab[n] != 0 && s > lm[r] {
					lm[r] = s
					ll[r] = lab[n]
				}
				n++
			}
		}
	}
	return mx, ll
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// font is a 3x5 pixel font for the characters the pictures use.
var font = map[rune][5]string{
	'0': {"###", "#.#", "#.#", "#.#", "###"}, '1': {".#.", "##.", ".#.", ".#.", "###"},
	'2': {"###", "..#", "###", "#..", "###"}, '3': {"###", "..#", ".##", "..#", "###"},
	'4': {"#.#", "#.#", "###", "..#", "..#"}, '5': {"###", "#..", "###", "..#", "###"},
	'6': {"###", "#..", "###", "#.#", "###"}, '7': {"###", "..#", ".#.", ".#.", ".#."},
	'8': {"###", "#.#", "###", "#.#", "###"}, '9': {"###", "#.#", "###", "..#", "###"},
	'A': {".#.", "#.#", "###", "#.#", "#.#"}, 'C': {"###", "#..", "#..", "#..", "###"},
	'E': {"###", "#..", "##.", "#..", "###"}, 'G': {"###", "#..", "#.#", "#.#", "###"},
	'H': {"#.#", "#.#", "###", "#.#", "#.#"}, 'I': {"###", ".#.", ".#.", ".#.", "###"},
	'L': {"#..", "#..", "#..", "#..", "###"}, 'N': {"#.#", "###", "###", "#.#", "#.#"},
	'O': {"###", "#.#", "#.#", "#.#", "###"}, 'R': {"##.", "#.#", "##.", "#.#", "#.#"},
	'S': {"###", "#..", "###", "..#", "###"}, 'T': {"###", ".#.", ".#.", ".#.", ".#."},
	'U': {"#.#", "#.#", "#.#", "#.#", "###"}, 'V': {"#.#", "#.#", "#.#", "#.#", ".#."},
	'-': {"...", "...", "###", "...", "..."}, ' ': {"...", "...", "...", "...", "..."},
}

// drawText draws s at (x, y) with the 3x5 font scaled by scale.
func drawText(img *image.RGBA, x, y int, s string, c color.RGBA, scale int) {
	for _, r := range s {
		g, ok := font[r]
		if !ok {
			g = font[' ']
		}
		for row := 0; row < 5; row++ {
			for col := 0; col < 3; col++ {
				if g[row][col] == '#' {
					fill(img, image.Rect(x+col*scale, y+row*scale, x+(col+1)*scale, y+(row+1)*scale), c)
				}
			}
		}
		x += 4 * scale
	}
}
