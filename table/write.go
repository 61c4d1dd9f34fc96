package table

import (
	"strconv"
	"strings"
)

// AppendText appends s as one CSV text cell (',' separator): quoted when
// it holds a separator (',' or ';'), a quote, a line break or surrounding
// space, inner quotes doubled (RFC 4180), and defused as a formula: a text
// that starts with '=', '+', '-', '@', a tab or a carriage return is
// prefixed with "'" (FormulaSafe), so that a spreadsheet shows it instead of
// running it. carimpi's CSV outputs write every text cell through it;
// numbers are appended as numbers and never changed.
func AppendText(b []byte, s string) []byte {
	s = FormulaSafe(s)
	if !strings.ContainsAny(s, ",;\"\r\n") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// FormulaSafe returns s prefixed with "'" when a spreadsheet would read it
// as a formula: it starts with '=', '+', '-', '@', a tab or a carriage
// return (OWASP "CSV injection"). A number written as text ("-0.52",
// "+3", "-1e-5") is a number, not a formula, and is returned as it is.
func FormulaSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s
		}
		return "'" + s
	}
	return s
}

// AppendRecord appends one CSV line of text cells (AppendText each) to b.
func AppendRecord(b []byte, cells []string) []byte {
	for i, c := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendText(b, c)
	}
	return append(b, '\n')
}
