package render

import "testing"

// TestControlCharactersStayOutOfSVG checks that a cohort or group name
// holding control characters (a terminal escape, a NUL, a vertical tab)
// still gives a well-formed figure: they are removed from SVG text.
func TestControlCharactersStayOutOfSVG(t *testing.T) {
	p := testKM()
	p.Title = "PFS \x1b[31mvalidation\x00 cohort\x0b"
	p.Groups[0].Name = "low\x07<&>"
	wellFormed(t, p.SVG())
}
