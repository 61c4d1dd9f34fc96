package render

import "fmt"

// Schema is the paper's Fig 4A: how two binary classifications combine
// into four groups, drawn as a 2 x 2 grid whose cells carry each group's
// name, colour and size.
type Schema struct {
	Title string
	// RowTitle and ColTitle name the two classifications; Rows and Cols
	// their two levels (low risk first).
	RowTitle, ColTitle string
	Rows, Cols         [2]string
	// Cells[r][c] is the combined group's key (its colour comes from
	// GroupColor), Labels[r][c] its name for people (wrapped at spaces to
	// fit the cell) and N[r][c] its size (negative: not shown).
	Cells, Labels [2][2]string
	N             [2][2]int
}

// SVG renders the figure as a standalone SVG element.
func (s Schema) SVG() string { return s.draw().String() }

// Drawing returns the figure as drawing calls, for PNG and PDF.
func (s Schema) Drawing() *Drawing { return s.draw().Drawing() }

func (s Schema) draw() *svgDoc {
	const (
		width = 560.0
		left  = 170.0
		top   = 80.0
		cellW = 180.0
		cellH = 90.0
	)
	height := top + 2*cellH + 30
	d := newSVG(width, height, s.Title)
	d.text(20, 22, "start", s.Title, ` font-weight="bold" font-size="14"`)
	d.text(left+cellW, top-38, "middle", s.ColTitle, ` font-weight="bold"`)
	for c := range 2 {
		d.text(left+cellW*(float64(c)+0.5), top-12, "middle", s.Cols[c], "")
	}
	d.text(20, top+cellH-8, "start", s.RowTitle, ` font-weight="bold"`)
	for r := range 2 {
		d.text(left-10, top+cellH*(float64(r)+0.5)+16, "end", s.Rows[r], "")
		for c := range 2 {
			x, y := left+cellW*float64(c), top+cellH*float64(r)
			d.rect(x+3, y+3, cellW-6, cellH-6, GroupColor(s.Cells[r][c], 2*r+c), "")
			// The name's lines and the size, 18 px apart, centred in the cell.
			lines := wrap(s.Labels[r][c], 18)
			if s.N[r][c] >= 0 {
				lines = append(lines, fmt.Sprintf("n = %d", s.N[r][c]))
			}
			ly := y + cellH/2 + 5 - 9*float64(len(lines)-1)
			for i, l := range lines {
				extra := ` fill="#ffffff" font-weight="bold" font-size="14"`
				if s.N[r][c] >= 0 && i == len(lines)-1 {
					extra = ` fill="#ffffff"`
				}
				d.text(x+cellW/2, ly+18*float64(i), "middle", l, extra)
			}
		}
	}
	return d
}
