package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// This file is the one formatting module of carimpi's tables and figures:
// every number a person reads in a report goes through it, so that a
// p-value, a hazard ratio or a median looks the same everywhere. Machine
// outputs (results.json, CSV tables) keep full precision instead.

// FormatP formats a p-value as journals print it: "< 0.001" below one in a
// thousand, else two significant digits without exponent ("0.012",
// "0.50", "1.0"); "NA" when it does not exist.
func FormatP(p float64) string {
	switch {
	case math.IsNaN(p) || p < 0:
		return "NA"
	case p < 0.001:
		return "< 0.001"
	}
	return Sig(p, 2)
}

// PInline formats a p-value for running text and figure insets: "p < 0.001"
// or "p = 0.012".
func PInline(p float64) string {
	s := FormatP(p)
	if strings.HasPrefix(s, "<") {
		return "p " + s
	}
	return "p = " + s
}

// PText formats a p-value for the command line's plain-text answers, with
// the precision of R's print methods that users compare them with: digits
// significant digits ("0.00131", "0.4821"), e-notation below 1e-4
// ("3.42e-07"); "NA" when it does not exist. Reports, tables and figures
// use FormatP. These two are carimpi's only p-value formatters.
func PText(p float64, digits int) string {
	switch {
	case math.IsNaN(p):
		return "NA"
	case p < 1e-4:
		return strconv.FormatFloat(p, 'e', 2, 64)
	}
	return strconv.FormatFloat(p, 'g', digits, 64)
}

// Sig formats v with d significant digits in positional notation (never an
// exponent): Sig(1040.2, 3) = "1040", Sig(0.01234, 2) = "0.012",
// Sig(0.5, 2) = "0.50". Digits left of the decimal point are never
// rounded away. NaN and infinities give "NA".
func Sig(v float64, d int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	if v == 0 {
		return strconv.FormatFloat(0, 'f', max(d-1, 0), 64)
	}
	// Round to d significant digits first, so that 0.0995 at two digits
	// becomes 0.10 (two decimals), not 0.100.
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'e', d-1, 64), 64)
	if err != nil {
		r = v
	}
	mag := int(math.Floor(math.Log10(math.Abs(r))))
	return strconv.FormatFloat(r, 'f', max(d-1-mag, 0), 64)
}

// Num formats a clinical quantity (a median, a quartile, a laboratory
// value): three significant digits, integers as integers, never an
// exponent (1040, 460, 49.3, 2.15, 0.072).
func Num(v float64) string {
	if !math.IsNaN(v) && !math.IsInf(v, 0) && v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return Sig(v, 3)
}

// MedianIQR formats "median (Q1–Q3)" with one number of decimals for all
// three (IQRDigits): "65 (57–72)", "31.1 (5.2–147.0)", "0.79 (0.40–2.62)".
func MedianIQR(median, q1, q3 float64) string {
	return MedianIQRDigits(median, q1, q3, IQRDigits(median, q1, q3))
}

// IQRDigits chooses the decimals of a median and its quartiles from the
// median's magnitude (three significant digits, at most two decimals;
// none when all three are whole numbers). A table row passes the digits
// of its overall column to MedianIQRDigits so that its columns align.
func IQRDigits(median, q1, q3 float64) int {
	if integral(median) && integral(q1) && integral(q3) {
		return 0
	}
	if a := math.Abs(median); a > 0 && !math.IsInf(a, 0) {
		return min(max(2-int(math.Floor(math.Log10(a))), 0), 2)
	}
	return 2
}

// MedianIQRDigits formats "median (Q1–Q3)" with d decimals; "—" when the
// median does not exist.
func MedianIQRDigits(median, q1, q3 float64, d int) string {
	if math.IsNaN(median) {
		return "—"
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', d, 64) }
	return fmt.Sprintf("%s (%s–%s)", f(median), f(q1), f(q3))
}

func integral(v float64) bool { return v == math.Trunc(v) }

// Months formats a time in months with one decimal, "NR" when not reached
// (NaN).
func Months(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NR"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// MedianCI formats a median survival time with its 95% CI as the paper
// prints it: "7.6 (5.2–10.1)", "NR (30.9–NR)" when only the median and
// the upper limit are not reached; a limit that is not reached is "NR".
func MedianCI(median, lower, upper float64) string {
	return fmt.Sprintf("%s (%s–%s)", Months(median), Months(lower), Months(upper))
}

// HR formats a hazard ratio with its 95% CI to two decimals:
// "3.00 (2.03–4.43)"; "NA" when it does not exist.
func HR(hr, lower, upper float64) string {
	if math.IsNaN(hr) || math.IsInf(hr, 0) {
		return "NA"
	}
	return fmt.Sprintf("%s (%s–%s)", fix2(hr), fix2(lower), fix2(upper))
}

func fix2(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	if math.IsInf(v, 1) {
		return "∞"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// Percent formats a proportion (0..1) as a percentage with one decimal
// ("13.2%"); "—" when it does not exist.
func Percent(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	return strconv.FormatFloat(100*f, 'f', 1, 64) + "%"
}

// CountPct formats "k (p%)" of n, with the denominator "k/n (p%)" when
// the column has missing values (missing > 0); "—" when n is 0.
func CountPct(k, n, missing int) string {
	if n == 0 {
		return "—"
	}
	pct := strconv.FormatFloat(100*float64(k)/float64(n), 'f', 1, 64)
	if missing > 0 {
		return fmt.Sprintf("%d/%d (%s%%)", k, n, pct)
	}
	return fmt.Sprintf("%d (%s%%)", k, pct)
}
