package render

import (
	"io"

	"carimpi/internal/xlsx"
)

// TableXLSX writes a report table as a one-sheet workbook for manuscripts:
// the title in A1, the header in row 3, the rows below it and each
// footnote on its own row after a blank one. Every cell is a text cell
// holding exactly the formatted string of the report, so that the
// workbook shows what the report shows.
func TableXLSX(w io.Writer, title string, header []string, rows [][]string, notes []string) error {
	xw, err := xlsx.NewWriter(w, "table")
	if err != nil {
		return err
	}
	put := func(cells []string) error {
		row := make([]any, len(cells))
		for i, c := range cells {
			row[i] = c
		}
		return xw.WriteRow(row)
	}
	lines := [][]string{{title}, {}, header}
	lines = append(lines, rows...)
	lines = append(lines, []string{})
	for _, n := range notes {
		lines = append(lines, []string{n})
	}
	for _, l := range lines {
		if err := put(l); err != nil {
			return err
		}
	}
	return xw.Close()
}
