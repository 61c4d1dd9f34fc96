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
}

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
	return c
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
			if dx+dy <= r && c.count[j*c.cols+i] < 255 {
				c.count[j*c.cols+i]++
			}
		}
	}
}

func (c *coverage) col(x float64) int { return int(math.Floor((x - c.x0) / coverageCell)) }
func (c *coverage) row(y float64) int { return int(math.Floor((y - c.y0) / coverageCell)) }
