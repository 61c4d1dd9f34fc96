package render

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// TableXLSX writes a report table as a one-sheet workbook for manuscripts:
// the title in A1, the header in row 3, the rows below it and each
// footnote on its own row after a blank one. Every cell is a text cell
// holding exactly the formatted string of the report (never a formula),
// so that the workbook shows what the report shows.
func TableXLSX(w io.Writer, title string, header []string, rows [][]string, notes []string) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "table"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	line := 1
	put := func(cells []string) error {
		row := make([]any, len(cells))
		for i, c := range cells {
			row[i] = excelize.Cell{Value: c}
		}
		name, _ := excelize.CoordinatesToCellName(1, line)
		line++
		return sw.SetRow(name, row)
	}
	if err := put([]string{title}); err != nil {
		return err
	}
	line++
	if err := put(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := put(r); err != nil {
			return err
		}
	}
	line++
	for _, n := range notes {
		if err := put([]string{n}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
