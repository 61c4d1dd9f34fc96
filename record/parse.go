package record

import (
	"fmt"
	"math"
	"strings"

	"carimpi/table"
)

// Severities of an Issue.
const (
	SeverityError   = "error"   // the value cannot be right: it is not used (the field is missing)
	SeverityWarning = "warning" // the value is possible but suspicious: it is used
	SeverityNote    = "note"    // how the value was read: it is used
)

// Issue is a finding about one value: the field, the column it came from
// ("" for a flag or an API key), the value as written, the severity, a
// message that names the field and the value, and the likely fix. Every
// entry point (files, flags, the API, the web form) reads a value with
// the same function and reports the same Issue.
type Issue struct {
	Field    string `json:"field"`
	Column   string `json:"column,omitempty"`
	Value    string `json:"value"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Fix      string `json:"fix,omitempty"`
}

// Text is the message with its fix, for one-line outputs.
func (is Issue) Text() string {
	if is.Fix == "" {
		return is.Message
	}
	return is.Message + "; " + is.Fix
}

// Format says how numbers and dates are written in a file.
type Format struct {
	// Decimal is the decimal mark, '.' (default) or ','.
	Decimal byte
	// Thousands is the declared thousands separator ('.', ',', ' ' or
	// '\''), 0 when there is none. Undeclared, a value such as 1.200 in a
	// file with decimal commas is ambiguous and refused.
	Thousands byte
	// DateOrder reads slash dates such as 03/04/2021.
	DateOrder DateOrder
}

// ParseMark reads a --decimal or --thousands flag value: "." "," "space"
// "'" or "" (none).
func ParseMark(flag, s string) (byte, error) {
	switch s {
	case "":
		return 0, nil
	case ".", ",", "'":
		return s[0], nil
	case "space", " ":
		return ' ', nil
	}
	return 0, fmt.Errorf("--%s %q: use . or , (or space or ' for thousands)", flag, s)
}

// Check returns the format with its defaults filled and an error when
// the marks collide.
func (fm Format) Check() (Format, error) {
	if fm.Decimal == 0 {
		fm.Decimal = '.'
	}
	if fm.Decimal != '.' && fm.Decimal != ',' {
		return fm, fmt.Errorf("decimal mark %q: use . or ,", fm.Decimal)
	}
	if fm.Thousands == fm.Decimal {
		return fm, fmt.Errorf("the decimal mark and the thousands separator are both %q", fm.Decimal)
	}
	switch fm.DateOrder {
	case DateAuto, DateDMY, DateMDY:
	default:
		return fm, fmt.Errorf("date order %q: use dmy or mdy", fm.DateOrder)
	}
	return fm, nil
}

// errAmbiguousMark is a number whose '.' or ',' may be a decimal mark or a
// thousands separator.
type errAmbiguousMark struct{ mark byte }

func (e errAmbiguousMark) Error() string { return "ambiguous mark" }

// grouped reports whether s (unsigned) is digits grouped by sep in threes:
// 1.200 or 12.345.678.
func grouped(s string, sep byte) bool {
	parts := strings.Split(s, string(sep))
	if len(parts) < 2 || len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for i, p := range parts {
		if i > 0 && len(p) != 3 {
			return false
		}
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return false
			}
		}
	}
	return true
}

// ParseNumber reads a number written with the format's marks: NaN for a
// missing cell (table.IsMissing). Go literals (1_200, 0x1p4, Inf) are not
// numbers; a '.' or ',' that may be either mark is an error unless the
// format declares it.
func (fm *Format) ParseNumber(s string) (float64, error) {
	if v, err := table.ParseFloat(s, false); err == nil && (fm.Decimal != ',' || !strings.Contains(s, ".")) {
		return v, nil // the fast path: plain numbers with a '.' or none
	}
	t := strings.TrimSpace(s)
	if table.IsMissing(t) {
		return math.NaN(), nil
	}
	sign := ""
	if len(t) > 0 && (t[0] == '-' || t[0] == '+') {
		sign, t = t[:1], t[1:]
	}
	dec := fm.Decimal
	if dec == 0 {
		dec = '.'
	}
	other := byte(',')
	if dec == ',' {
		other = '.'
	}
	if th := fm.Thousands; th != 0 {
		intPart, frac, _ := strings.Cut(t, string(dec))
		if strings.IndexByte(intPart, th) >= 0 {
			if !grouped(intPart, th) {
				return 0, table.ErrNotNumber
			}
			intPart = strings.ReplaceAll(intPart, string(th), "")
		}
		t = intPart
		if frac != "" || strings.IndexByte(s, dec) >= 0 {
			t += "." + frac
		}
	} else if strings.IndexByte(t, other) >= 0 {
		// The other mark without a declared thousands separator: a
		// thousands separator (1.200, 1,200) or a decimal mark? Grouped in
		// threes, or next to the file's own decimal mark, it may be either
		// and is refused; otherwise it can only be a decimal mark (1.5 in a
		// decimal-comma file, 12,5 in a decimal-point one).
		if grouped(t, other) || strings.IndexByte(t, dec) >= 0 || strings.Count(t, string(other)) > 1 {
			return 0, errAmbiguousMark{other}
		}
		t = strings.Replace(t, string(other), ".", 1)
	} else if dec == ',' {
		t = strings.Replace(t, ",", ".", 1)
	}
	v, err := table.ParseFloat(sign+t, false)
	if err != nil || math.IsNaN(v) {
		return 0, table.ErrNotNumber
	}
	return v, nil
}

// normCode folds a code for comparison: lower case, letters, digits and %.
func normCode(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '%':
			b = append(b, c)
		}
	}
	return string(b)
}

var sexCodes = map[string]string{
	"female": "female", "f": "female", "w": "female", "woman": "female", "weiblich": "female",
	"male": "male", "m": "male", "man": "male", "mannlich": "male", "maennlich": "male",
}

var productCodes = map[string]string{
	"axicel": "axi-cel", "axicabtageneciloleucel": "axi-cel", "yescarta": "axi-cel",
	"tisacel": "tisa-cel", "tisagenlecleucel": "tisa-cel", "kymriah": "tisa-cel",
	"lisocel": "liso-cel", "lisocabtagenemaraleucel": "liso-cel", "breyanzi": "liso-cel",
}

var methodCodes = map[string]string{
	"suv4": "SUV4", "suv40": "SUV4", "suv4suv": "SUV4", "41pct": "41pct", "41%": "41pct", "41": "41pct",
	"41%suvmax": "41pct", "41pctsuvmax": "41pct", "41percent": "41pct",
}

// parseCategory normalises a code. known is false for a code the
// dictionary does not list (a product name is then kept as written, so that
// a report names it as the data do).
func parseCategory(f Field, s string) (code string, known bool) {
	var m map[string]string
	switch f {
	case Sex:
		m = sexCodes
	case Product:
		m = productCodes
	case MTVMethod:
		m = methodCodes
	}
	for _, l := range dict[f].Levels {
		if s == l {
			return s, true // without allocating
		}
	}
	k := normCode(s)
	if c, ok := m[k]; ok {
		return c, true
	}
	if f == Product && k != "" {
		return strings.TrimSpace(s), false
	}
	return "", false
}

// binaryWords are the spellings of 0/1 flags; eventWords add those of an
// event status.
var (
	binaryWords = map[string]float64{"yes": 1, "y": 1, "true": 1, "t": 1, "ja": 1, "j": 1,
		"no": 0, "n": 0, "false": 0, "f": 0, "nein": 0}
	eventWords = map[string]float64{"dead": 1, "died": 1, "deceased": 1, "death": 1, "event": 1, "progressed": 1, "progression": 1, "relapse": 1,
		"alive": 0, "censored": 0, "censor": 0}
)

// IsEvent reports whether f is an event status (pfs_event, os_event),
// whose cells may also read 2 in a file coded as R's Surv (1/2).
func (f Field) IsEvent() bool { return f == PFSEvent || f == OSEvent }

// parseBinary reads 0/1 and its word spellings; an event status also
// dead/alive and, provisionally, 2 (resolved per column, see EventCoding).
func parseBinary(f Field, s string, fm *Format) (float64, bool) {
	switch s { // the common spellings, without allocating
	case "0":
		return 0, true
	case "1":
		return 1, true
	}
	k := strings.ToLower(strings.TrimSpace(s))
	if v, ok := binaryWords[k]; ok {
		return v, true
	}
	if v, ok := eventWords[k]; ok && f.IsEvent() {
		return v, true
	}
	v, err := fm.ParseNumber(s)
	if err == nil && (v == 0 || v == 1 || v == 2 && f.IsEvent()) {
		return v, true
	}
	return 0, false
}

var romanStage = map[string]float64{"i": 1, "ii": 2, "iii": 3, "iv": 4}

// stageSeparators drops what may stand between a stage and its suffix.
var stageSeparators = strings.NewReplacer(" ", "", "-", "", "_", "")

// parseStage reads an Ann Arbor stage written as a digit or a roman
// numeral, with the modifiers A, B, E, S, X (and spaces or dashes before
// them) dropped: "IIIB", "IVE", "II X", "iv a", "stage 2E". suffix returns
// what was dropped.
func parseStage(s string) (v float64, suffix string, ok bool) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.TrimSpace(strings.TrimPrefix(k, "stage"))
	k = stageSeparators.Replace(k)
	base := strings.TrimRight(k, "abesx")
	suffix = strings.ToUpper(k[len(base):])
	if v, ok := romanStage[base]; ok {
		return v, suffix, true
	}
	if len(base) == 1 && base[0] >= '0' && base[0] <= '9' {
		return float64(base[0] - '0'), suffix, true
	}
	if suffix == "" {
		if v, err := table.ParseFloat(base, false); err == nil && !math.IsNaN(v) {
			return v, "", true // an integer outside 1-4 is reported as out of range
		}
	}
	return 0, "", false
}
