// Package licence keeps content that carimpi may not ship out of the
// repository. The official InflaMix model (Raj et al., Nat Med 2025) and
// its derivation patients' labs are under the MSK InflaMix Terms of Use,
// which forbid redistribution "in part or in whole"; carimpi reads the
// user's own copy and never embeds it. This package holds only one-way
// fingerprints (truncated SHA-256 hashes) of those numbers, never the
// numbers, and the test beside it fails when any of them reappears in the
// repository tree.
//
// Three kinds of fingerprint (fingerprints.txt, one "kind hash" a line):
//
//	n  a number with at least MinDigits significant digits, rounded to
//	   MinDigits: every model parameter and every number derived from the
//	   model (posteriors, standardized labs);
//	w  Window consecutive numbers of a file, as the derivation labs were
//	   laid out (long format with ULNs, long without ULNs, one row per
//	   patient in model lab order, with and without ULNs);
//	f  the SHA-256 of each removed file, whole.
//
// Signs are ignored (a negated copy is still a copy).
package licence

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
)

const (
	// MinDigits is the number of significant digits a number needs to be
	// distinctive, and the precision at which it is compared.
	MinDigits = 10
	// Window is the number of consecutive numbers compared for the labs.
	Window = 10
	// hashLen is the number of hex digits kept of each SHA-256.
	hashLen = 16
)

// Hash returns the truncated hex SHA-256 of s.
func Hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:hashLen]
}

// FileHash returns the full hex SHA-256 of a file's bytes.
func FileHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Number is one numeric token of a text: its absolute value and its
// number of significant digits as written.
type Number struct {
	Value  float64
	Digits int
}

// Numbers returns the numeric tokens of b in order: decimal numbers
// (optionally with a fraction and an exponent) that do not continue an
// identifier (the 1 of "id_1" is not a number). Signs are dropped.
func Numbers(b []byte) []Number {
	var out []Number
	for i := 0; i < len(b); {
		c := b[i]
		if isWord(c) && !isDigit(c) {
			i = skipWord(b, i) // an identifier such as id_1 or v1.2
			continue
		}
		if !(isDigit(c) || (c == '.' && i+1 < len(b) && isDigit(b[i+1]))) {
			i++
			continue
		}
		j, digits, lead, dots := i, 0, true, 0
		for ; j < len(b) && (isDigit(b[j]) || b[j] == '.'); j++ {
			if b[j] == '.' {
				dots++
				continue
			}
			if b[j] != '0' || !lead {
				digits++
				lead = false
			}
		}
		end := j
		if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
			k := j + 1
			if k < len(b) && (b[k] == '+' || b[k] == '-') {
				k++
			}
			if k < len(b) && isDigit(b[k]) {
				for k < len(b) && isDigit(b[k]) {
					k++
				}
				end = k
			}
		}
		tok := string(b[i:end])
		i = end
		if dots > 1 || (end < len(b) && isWord(b[end])) {
			i = skipWord(b, i) // a version such as 1.2.3 or a word such as 3d
			continue
		}
		v, err := strconv.ParseFloat(tok, 64)
		if err != nil || math.IsInf(v, 0) {
			continue
		}
		out = append(out, Number{v, digits})
	}
	return out
}

// skipWord returns the end of the run of word characters and dots at i.
func skipWord(b []byte, i int) int {
	for i < len(b) && (isWord(b[i]) || b[i] == '.') {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWord(c byte) bool {
	return isDigit(c) || c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// NumberKey is the fingerprint text of a distinctive number: ok is false
// when it is written with fewer than MinDigits significant digits or is
// short in itself (1.0000000000 is 1).
func NumberKey(n Number) (string, bool) {
	if n.Digits < MinDigits || len(strings.Trim(strings.Split(strconv.FormatFloat(n.Value, 'e', -1, 64), "e")[0], "0.")) < MinDigits {
		return "", false
	}
	return "n:" + strconv.FormatFloat(n.Value, 'e', MinDigits-1, 64), true
}

// WindowKey is the fingerprint text of Window numbers.
func WindowKey(ns []Number) string {
	var sb strings.Builder
	sb.WriteString("w:")
	for i, n := range ns {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.FormatFloat(n.Value, 'g', -1, 64))
	}
	return sb.String()
}
