// Package textsafe makes text from users' files safe to show: on a
// terminal (control characters escaped, so a cohort name cannot move the
// cursor, clear the screen or fake a line of output), in SVG and HTML
// (control characters removed: XML forbids most of them, and a document
// with one is not well-formed), and in a bounded list (a header of a
// million names is cut, saying how many were left out).
package textsafe

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"
	"unicode/utf8"
)

// control reports whether r must not reach a terminal or a markup
// document: C0 and C1 controls and DEL (tab and line feed excepted by the
// callers that keep them), the bidirectional overrides and isolates (which
// reorder what is shown), and invalid UTF-8.
func control(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == utf8.RuneError, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}

func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// Terminal returns s with every control character written as a Go escape
// (\x1b, \r, \u202e), so that the text reads as written and does nothing.
func Terminal(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
				continue
			}
		}
		if control(r) {
			q := strings.Trim(fmt.Sprintf("%+q", string(r)), `"`)
			b.WriteString(q)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Lines is Terminal for a whole block of text the program laid out
// itself (a table): line feeds and tabs are kept, every other control
// character is escaped.
func Lines(s string) string {
	if clean(s) {
		return s
	}
	parts := strings.Split(s, "\n")
	for i, line := range parts {
		cells := strings.Split(line, "\t")
		for j, c := range cells {
			cells[j] = Terminal(c)
		}
		parts[i] = strings.Join(cells, "\t")
	}
	return strings.Join(parts, "\n")
}

// LinesWriter is Lines for text written piece by piece (a table of a
// million rows need not be held to be escaped): each line is escaped as
// Lines escapes it and passed on once complete; Close passes on the last
// line when the text does not end in a line feed.
type LinesWriter struct {
	w    io.Writer
	line []byte // the unfinished line
}

// NewLinesWriter returns a LinesWriter writing to w.
func NewLinesWriter(w io.Writer) *LinesWriter { return &LinesWriter{w: w} }

// Write escapes and writes p's complete lines and keeps the rest.
func (l *LinesWriter) Write(p []byte) (int, error) {
	n := len(p)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.line = append(l.line, p...)
			return n, nil
		}
		line := p[:i+1]
		if len(l.line) > 0 {
			l.line = append(l.line, line...)
			line = l.line
		}
		if err := l.emit(line); err != nil {
			return 0, err
		}
		l.line, p = l.line[:0], p[i+1:]
	}
}

// Close writes the unfinished line, if any.
func (l *LinesWriter) Close() error {
	if len(l.line) == 0 {
		return nil
	}
	err := l.emit(l.line)
	l.line = l.line[:0]
	return err
}

func (l *LinesWriter) emit(line []byte) error {
	for _, c := range line {
		if (c < 0x20 && c != '\t' && c != '\n') || c >= 0x7f {
			_, err := io.WriteString(l.w, Lines(string(line)))
			return err
		}
	}
	_, err := l.w.Write(line)
	return err
}

// Quote is strconv.Quote for a terminal: s in double quotes with control
// characters escaped.
func Quote(s string) string {
	return `"` + strings.ReplaceAll(Terminal(s), `"`, `\"`) + `"`
}

// Strip returns s without control characters (tab, line feed and carriage
// return become spaces) and without invalid UTF-8.
func Strip(s string) string {
	if clean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case control(r):
			return -1
		}
		return r
	}, s)
}

// Markup returns s as SVG or HTML text: control characters removed, then
// &, <, >, ' and " escaped.
func Markup(s string) string { return html.EscapeString(Strip(s)) }

// List joins at most max names, each cut to 64 characters and stripped
// of control characters, with sep; the rest is counted ("... and 99,998
// more"). Output bounded whatever the input.
func List(names []string, sep string, max int) string {
	var b strings.Builder
	for i, n := range names {
		if i == max {
			fmt.Fprintf(&b, "%s... and %d more", sep, len(names)-max)
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		n = Strip(n)
		if utf8.RuneCountInString(n) > 64 {
			r := []rune(n)
			n = string(r[:63]) + "…"
		}
		b.WriteString(n)
	}
	return b.String()
}
