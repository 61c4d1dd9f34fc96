package cohort

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"carimpi/table"
)

// errAmbiguousDate marks a date such as 03/04/2021 that reads both as
// day/month and month/day.
var errAmbiguousDate = errors.New("ambiguous date")

// normCode folds a code for comparison: lower case, letters and digits only.
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

// canonicalCodes maps each canonical code to its field.
var canonicalCodes = map[string]string{"female": "sex", "male": "sex", "axi-cel": "product", "tisa-cel": "product",
	"liso-cel": "product", "SUV4": "mtv_method", "41pct": "mtv_method"}

// parseCategory normalises a code of field name. known is false for a code
// the dictionary does not list (a product name is then kept in lower case).
func parseCategory(name, s string) (code string, known bool) {
	var m map[string]string
	switch name {
	case "sex":
		m = sexCodes
	case "product":
		m = productCodes
	case "mtv_method":
		m = methodCodes
	}
	if canonicalCodes[s] == name { // without allocating
		return s, true
	}
	k := normCode(s)
	if c, ok := m[k]; ok {
		return c, true
	}
	if name == "product" && k != "" {
		return strings.ToLower(strings.TrimSpace(s)), false
	}
	return "", false
}

// parseBinary reads 0/1, yes/no, true/false, y/n, ja/nein.
func parseBinary(s string, decimalComma bool) (float64, bool) {
	switch s { // the common spellings, without allocating
	case "0":
		return 0, true
	case "1":
		return 1, true
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "y", "true", "t", "ja", "j":
		return 1, true
	case "0", "no", "n", "false", "f", "nein":
		return 0, true
	}
	v, err := table.ParseFloat(s, decimalComma)
	if err == nil && (v == 0 || v == 1) {
		return v, true
	}
	return 0, false
}

var romanStage = map[string]float64{"i": 1, "ii": 2, "iii": 3, "iv": 4}

// parseStage reads an Ann Arbor stage 1-4 written as a digit or a roman
// numeral, with the modifiers A, B, E, S, X ignored ("IIIB", "2E").
func parseStage(s string) (float64, bool) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.TrimPrefix(k, "stage")
	k = strings.TrimSpace(k)
	k = strings.TrimRight(k, "abesx ")
	if v, ok := romanStage[k]; ok {
		return v, true
	}
	if len(k) == 1 && k[0] >= '1' && k[0] <= '4' {
		return float64(k[0] - '0'), true
	}
	if v, err := strconv.ParseFloat(k, 64); err == nil && v == math.Trunc(v) {
		return v, true // an integer outside 1-4 is reported as out of range
	}
	return 0, false
}

// DateOrder says how slash dates such as 03/04/2021 are read.
type DateOrder string

const (
	DateAuto DateOrder = ""    // only dates that read one way are accepted
	DateDMY  DateOrder = "dmy" // 03/04/2021 is 3 April
	DateMDY  DateOrder = "mdy" // 03/04/2021 is 4 March
)

// excelEpoch is day 0 of Excel's 1900 date system as used since Excel 97
// (serial 1 = 1900-01-01 after the fictitious 1900-02-29 is skipped).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date as ISO 8601 (2021-04-03, optionally with a time),
// German dotted day.month.year (03.04.2021), slash dates in the given order,
// or an Excel serial day number (from an XLSX cell). It returns the date as
// days since 1970-01-01.
func parseDate(s string, order DateOrder) (float64, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' {
		t, err := time.Parse("2006-01-02", s[:10])
		if err != nil {
			return 0, err
		}
		return unixDays(t), nil
	}
	if strings.Count(s, ".") == 2 {
		t, err := time.Parse("2.1.2006", s)
		if err != nil {
			return 0, err
		}
		return unixDays(t), nil
	}
	if strings.Count(s, "/") == 2 {
		parts := strings.Split(s, "/")
		a, err1 := strconv.Atoi(parts[0])
		b, err2 := strconv.Atoi(parts[1])
		y, err3 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || err3 != nil || len(parts[2]) != 4 {
			return 0, errors.New("not a date")
		}
		switch {
		case a > 12 && b > 12:
			return 0, errors.New("not a date")
		case order == DateDMY, order == DateAuto && a > 12 && b <= 12:
			a, b = b, a
		case order == DateMDY, order == DateAuto && b > 12 && a <= 12:
		default:
			return 0, errAmbiguousDate
		}
		t := time.Date(y, time.Month(a), b, 0, 0, 0, 0, time.UTC)
		if t.Month() != time.Month(a) || t.Day() != b {
			return 0, errors.New("not a date")
		}
		return unixDays(t), nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 && v < 2958466 {
		return unixDays(excelEpoch) + math.Floor(v), nil
	}
	return 0, errors.New("not a date")
}

func unixDays(t time.Time) float64 { return float64(t.Unix() / 86400) }
