package study

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

// pdfPageCount parses the structure of a PDF file as a reader does and
// returns its number of pages: the startxref offset must point at a
// cross-reference table, every entry in use must point at its "n g obj"
// header, and the page count is read from the trailer's /Root catalogue
// through its /Pages tree (/Count), which must equal the number of
// /Type /Page objects.
func pdfPageCount(b []byte) (int, error) {
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) {
		return 0, fmt.Errorf("no %%PDF-1.x header")
	}
	tail := b[max(0, len(b)-64):]
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(tail)
	if m == nil {
		return 0, fmt.Errorf("no startxref / %%%%EOF at the end")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if off >= len(b) || !bytes.HasPrefix(b[off:], []byte("xref")) {
		return 0, fmt.Errorf("startxref %d does not point at an xref table", off)
	}
	xref := b[off:]
	end := bytes.Index(xref, []byte("trailer"))
	if end < 0 {
		return 0, fmt.Errorf("no trailer after the xref table")
	}
	objects := map[int]int{} // object number -> offset
	sub := regexp.MustCompile(`(?m)^(\d+) (\d+)\s*$`)
	entry := regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf])`)
	table := xref[4:end]
	for _, loc := range sub.FindAllSubmatchIndex(table, -1) {
		first, _ := strconv.Atoi(string(table[loc[2]:loc[3]]))
		count, _ := strconv.Atoi(string(table[loc[4]:loc[5]]))
		rest := bytes.TrimLeft(table[loc[1]:], "\r\n")
		for i := 0; i < count; i++ {
			if len(rest) < 20 {
				return 0, fmt.Errorf("xref subsection %d: %d of %d entries", first, i, count)
			}
			e := entry.FindSubmatch(rest[:20])
			if e == nil {
				return 0, fmt.Errorf("xref entry %d malformed: %q", first+i, rest[:20])
			}
			if string(e[3]) == "n" {
				o, _ := strconv.Atoi(string(e[1]))
				hdr := fmt.Sprintf("%d %d obj", first+i, mustAtoi(e[2]))
				if o >= len(b) || !bytes.HasPrefix(b[o:], []byte(hdr)) {
					return 0, fmt.Errorf("xref: object %d is not at offset %d", first+i, o)
				}
				objects[first+i] = o
			}
			rest = rest[20:]
		}
	}
	body := func(n int) ([]byte, error) {
		o, ok := objects[n]
		if !ok {
			return nil, fmt.Errorf("object %d is not in the xref table", n)
		}
		e := bytes.Index(b[o:], []byte("endobj"))
		if e < 0 {
			return nil, fmt.Errorf("object %d has no endobj", n)
		}
		return b[o : o+e], nil
	}
	ref := func(s []byte, key string) (int, error) {
		m := regexp.MustCompile(key + `\s+(\d+)\s+\d+\s+R`).FindSubmatch(s)
		if m == nil {
			return 0, fmt.Errorf("no %s reference", key)
		}
		return mustAtoi(m[1]), nil
	}
	root, err := ref(xref[end:], "/Root")
	if err != nil {
		return 0, err
	}
	cat, err := body(root)
	if err != nil {
		return 0, err
	}
	pagesRef, err := ref(cat, "/Pages")
	if err != nil {
		return 0, err
	}
	pages, err := body(pagesRef)
	if err != nil {
		return 0, err
	}
	cm := regexp.MustCompile(`/Count\s+(\d+)`).FindSubmatch(pages)
	if cm == nil {
		return 0, fmt.Errorf("the page tree has no /Count")
	}
	n := mustAtoi(cm[1])
	leaves := 0
	for o := range objects {
		s, err := body(o)
		if err != nil {
			return 0, err
		}
		if regexp.MustCompile(`/Type\s*/Page\b[^s]`).Match(s) {
			leaves++
		}
	}
	if leaves != n {
		return 0, fmt.Errorf("/Count %d but %d page objects", n, leaves)
	}
	return n, nil
}

func mustAtoi(b []byte) int {
	n, _ := strconv.Atoi(string(b))
	return n
}
