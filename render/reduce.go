package render

import "math"

// Figures of registry-size cohorts (hundreds of thousands of points) are
// reduced to what the output can show: a mark is left out only where
// drawing it would not change any pixel of the 300 dpi PNG by half an
// 8-bit colour level or more, so the pictures are the same and the files
// (SVG, PNG, PDF, the report's inline SVG) stay small and fast to write.
// Small cohorts are drawn mark for mark, unchanged.

// opaqueLayers is how many layers of a translucent fill make it opaque at
// 8 bits: after k layers of opacity a the background shows through by
// (1-a)^k, and below 0.5/255 no colour level changes.
func opaqueLayers(opacity float64) int {
	if opacity >= 1 {
		return 1
	}
	if opacity <= 0 {
		return math.MaxInt32
	}
	return int(math.Ceil(math.Log(0.5/255) / math.Log(1-opacity)))
}

// coverage counts, on a grid of cells finer than a 300 dpi pixel, how many
// drawn marks cover each cell completely, so that a further mark whose
// every cell is already covered opaqueLayers times can be left out.
type coverage struct {
	x0, y0 float64 // canvas position of cell (0, 0)
	cols   int
	rows   int
	full   int // layers after which a cell is opaque
	count  []uint8
	// opaque counts the opaque cells of each block of 8 x 8 cells, so
	// that a mark inside blocks that are wholly opaque (the dense core
	// of a registry cohort) is left out without visiting its cells.
	opaque    []uint8
	blockCols int
}

// coverageBlock is the side of a block of cells, in cells.
const coverageBlock = 8

// coverageCell is the grid's cell size in SVG units: 1/4 unit is 0.78
// pixels at 300 dpi (3.125 pixels per unit).
const coverageCell = 0.25

// newCoverage returns a grid over the canvas rectangle (x0, y0)-(x1, y1)
// for marks of the given opacity.
func newCoverage(x0, y0, x1, y1, opacity float64) *coverage {
	c := &coverage{x0: x0, y0: y0, full: min(opaqueLayers(opacity), 255)}
	c.cols = int(math.Ceil((x1-x0)/coverageCell)) + 1
	c.rows = int(math.Ceil((y1-y0)/coverageCell)) + 1
	c.count = make([]uint8, c.cols*c.rows)
	c.blockCols = (c.cols + coverageBlock - 1) / coverageBlock
	c.opaque = make([]uint8, c.blockCols*((c.rows+coverageBlock-1)/coverageBlock))
	return c
}

// blocksOpaque reports whether every cell of the blocks holding cells
// (i0..i1, j0..j1) is opaque; blocks cut by the grid's edge never are.
func (c *coverage) blocksOpaque(i0, i1, j0, j1 int) bool {
	for bj := j0 / coverageBlock; bj <= j1/coverageBlock; bj++ {
		for bi := i0 / coverageBlock; bi <= i1/coverageBlock; bi++ {
			if c.opaque[bj*c.blockCols+bi] < coverageBlock*coverageBlock {
				return false
			}
		}
	}
	return true
}

// diamond reports whether a diamond of radius r at (x, y) would change the
// picture (some cell it touches is not yet opaque), and if so records the
// cells it covers completely.
func (c *coverage) diamond(x, y, r float64) bool {
	i0, i1 := c.col(x-r), c.col(x+r)
	j0, j1 := c.row(y-r), c.row(y+r)
	if i0 < 0 || j0 < 0 || i1 >= c.cols || j1 >= c.rows {
		return true // off the grid: always drawn
	}
	if c.blocksOpaque(i0, i1, j0, j1) {
		return false
	}
	// Only the cells the diamond reaches matter: a cell is reached when
	// its point nearest the centre is within |dx| + |dy| <= r.
	for j := j0; j <= j1; j++ {
		cy0 := c.y0 + float64(j)*coverageCell
		ndy := max(0, cy0-y, y-cy0-coverageCell)
		for i := i0; i <= i1; i++ {
			cx0 := c.x0 + float64(i)*coverageCell
			ndx := max(0, cx0-x, x-cx0-coverageCell)
			if ndx+ndy <= r && int(c.count[j*c.cols+i]) < c.full {
				c.cover(x, y, r, i0, i1, j0, j1)
				return true
			}
		}
	}
	return false
}

// cover records the cells of the box (i0..i1, j0..j1) that the diamond
// of radius r at (x, y) covers completely.
func (c *coverage) cover(x, y, r float64, i0, i1, j0, j1 int) {
	// A cell is covered when its four corners are inside |dx| + |dy| <= r.
	for j := j0; j <= j1; j++ {
		cy0 := c.y0 + float64(j)*coverageCell
		dy := max(math.Abs(cy0-y), math.Abs(cy0+coverageCell-y))
		for i := i0; i <= i1; i++ {
			cx0 := c.x0 + float64(i)*coverageCell
			dx := max(math.Abs(cx0-x), math.Abs(cx0+coverageCell-x))
			if k := j*c.cols + i; dx+dy <= r && c.count[k] < 255 {
				c.count[k]++
				if int(c.count[k]) == c.full {
					c.opaque[j/coverageBlock*c.blockCols+i/coverageBlock]++
				}
			}
		}
	}
}

func (c *coverage) col(x float64) int { return int(math.Floor((x - c.x0) / coverageCell)) }
func (c *coverage) row(y float64) int { return int(math.Floor((y - c.y0) / coverageCell)) }

// pixel is the size of a 300 dpi pixel in SVG units (1 unit = 0.75 pt).
const pixel = 72.0 / 300 / 0.75

// lineTolerance is how far, in SVG units, a reduced line may run from the
// line it replaces: a quarter of a 300 dpi pixel (21 micrometres in
// print). Registry-size survival curves have thousands of steps, several
// to a pixel; the reduced curve keeps every step that is visible and only
// the shape of the ones that are not.
const lineTolerance = pixel / 4

// denseLine simplifies a polyline within lineTolerance when it has more
// vertices than the pixels across width (SVG units), where several
// vertices share a pixel; sparser lines are drawn as they are.
func denseLine(xs, ys []float64, width float64) ([]float64, []float64) {
	if float64(len(xs)) <= width/pixel {
		return xs, ys
	}
	return simplify(xs, ys, lineTolerance)
}

// simplify returns the vertices of the polyline (xs, ys) that the
// Ramer-Douglas-Peucker algorithm keeps at tolerance eps: a vertex is left
// out when it lies within eps of the segment that replaces it, so every
// point of the reduced line is within eps of the original and every kept
// vertex is an original one (visible corners stay exact). The first two
// and last two vertices are always kept, so the line's ends (and their
// caps) point the same way. A polyline drawn with a dash pattern must not
// be simplified: the pattern follows the line's length.
func simplify(xs, ys []float64, eps float64) ([]float64, []float64) {
	n := len(xs)
	if n <= 4 {
		return xs, ys
	}
	keep := make([]bool, n)
	keep[0], keep[1], keep[n-2], keep[n-1] = true, true, true, true
	type span struct{ a, b int }
	stack := []span{{1, n - 2}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, worst := -1, eps
		for i := s.a + 1; i < s.b; i++ {
			if d := segmentDistance(xs[i], ys[i], xs[s.a], ys[s.a], xs[s.b], ys[s.b]); d > worst {
				far, worst = i, d
			}
		}
		if far >= 0 {
			keep[far] = true
			stack = append(stack, span{s.a, far}, span{far, s.b})
		}
	}
	var ox, oy []float64
	for i := range keep {
		if keep[i] {
			ox, oy = append(ox, xs[i]), append(oy, ys[i])
		}
	}
	return ox, oy
}

// segmentDistance is the distance from (px, py) to the segment from
// (ax, ay) to (bx, by).
func segmentDistance(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = min(max(((px-ax)*dx+(py-ay)*dy)/l, 0), 1)
	}
	return math.Hypot(px-ax-t*dx, py-ay-t*dy)
}

// tickUnion outlines runs of censor ticks closer than a 300 dpi pixel.
// Each tick is a bar of half-width hw and half-height hh centred at
// (xs[i], ys[i]); the ticks come in time order, so x and y do not
// decrease (survival does not rise). A tick within a pixel of the one
// before it (and overlapping it) joins that tick's run; a run of at least
// minTickRun ticks is drawn as one polygon, the outline of its bars' union
// (within eps), instead of bar after bar. single lists the ticks drawn
// alone.
//
// The outline is the same shape but not the same pixels: where bars
// overlap, the antialiased pixels of their top and bottom edges were
// painted once per bar and came out darker than the outline's single
// edge (up to a quarter of the colour step in those edge pixels).
//
// The union of such a run is bounded above by the first tick covering
// each x (the highest, y being smallest there) and below by the last, so
// both edges are staircases: the top steps at x_k + hw to y_(k+1) - hh,
// the bottom at x_(k+1) - hw to y_(k+1) + hh.
// minTickRun is the shortest run of ticks drawn as an outline: shorter
// runs (as a few censored patients a day apart in a cohort of hundreds)
// cost little, and drawn bar for bar their figures stay as they were.
const minTickRun = 4

func tickUnion(xs, ys []float64, hw, hh, eps float64) (single []int, polys [][2][]float64) {
	for a := 0; a < len(xs); {
		b := a + 1
		for b < len(xs) && xs[b]-xs[b-1] < pixel && xs[b] >= xs[b-1] && ys[b] >= ys[b-1] && ys[b]-ys[b-1] < 2*hh {
			b++
		}
		if b-a < minTickRun {
			for k := a; k < b; k++ {
				single = append(single, k)
			}
			a = b
			continue
		}
		tx, ty := []float64{xs[a] - hw}, []float64{ys[a] - hh}
		bx, by := []float64{xs[a] - hw}, []float64{ys[a] + hh}
		for k := a; k < b; k++ {
			tx, ty = append(tx, xs[k]+hw), append(ty, ys[k]-hh)
			if k+1 < b {
				tx, ty = append(tx, xs[k]+hw), append(ty, ys[k+1]-hh)
				bx, by = append(bx, xs[k+1]-hw, xs[k+1]-hw), append(by, ys[k]+hh, ys[k+1]+hh)
			}
		}
		bx, by = append(bx, xs[b-1]+hw), append(by, ys[b-1]+hh)
		tx, ty = simplify(tx, ty, eps)
		bx, by = simplify(bx, by, eps)
		px, py := tx, ty
		for i := len(bx) - 1; i >= 0; i-- {
			px, py = append(px, bx[i]), append(py, by[i])
		}
		polys = append(polys, [2][]float64{px, py})
		a = b
	}
	return single, polys
}
