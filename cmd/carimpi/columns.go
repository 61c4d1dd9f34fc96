package main

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"
)

// writeRightAligned writes a header line and up to n rows in right-aligned
// columns, laid out exactly as text/tabwriter with AlignRight, padding 2
// and padchar ' ' lays out lines whose cells each end in a tab (a column as
// wide as its widest cell, in runes, plus 2; the text at its right; what
// follows a line's last tab written as it is). Unlike tabwriter it does
// not hold the table: the event-time table of a Kaplan-Meier curve at 1e6
// rows would be some 40 MB of cells. row(i, dst) appends row i's cells to
// dst, tabs included, and reports false to leave the row out; it is
// called twice per row, once to measure the columns and once to write.
func writeRightAligned(w io.Writer, header string, n int, row func(i int, dst []byte) ([]byte, bool)) error {
	var width []int
	measure := func(line []byte) {
		for c := 0; ; c++ {
			j := bytes.IndexByte(line, '\t')
			if j < 0 {
				return
			}
			if c == len(width) {
				width = append(width, 0)
			}
			width[c] = max(width[c], utf8.RuneCount(line[:j]))
			line = line[j+1:]
		}
	}
	measure([]byte(header))
	var buf []byte
	for i := range n {
		var ok bool
		if buf, ok = row(i, buf[:0]); ok {
			measure(buf)
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	write := func(line []byte) {
		for c := 0; ; c++ {
			j := bytes.IndexByte(line, '\t')
			if j < 0 {
				break
			}
			for range width[c] + 2 - utf8.RuneCount(line[:j]) {
				bw.WriteByte(' ')
			}
			bw.Write(line[:j])
			line = line[j+1:]
		}
		bw.Write(line)
		bw.WriteByte('\n')
	}
	write([]byte(header))
	for i := range n {
		var ok bool
		if buf, ok = row(i, buf[:0]); ok {
			write(buf)
		}
	}
	return bw.Flush()
}
