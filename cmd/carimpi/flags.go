package main

import (
	"flag"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// whole is the one parser of carimpi's integer flags: a decimal whole
// number (an optional sign, digits; no exponent, fraction or base prefix)
// within [lo, hi], or one of only when that is set. Anything else, 1e9 and
// 2.5 included, is refused while the flags are parsed with one line saying
// what is valid, e.g. `invalid value "1e9" for flag -bootstrap: give a
// whole number from 0 to 10000`.
type whole[T int | int64 | uint64] struct {
	p      *T
	lo, hi T
	only   []T
}

// wholeVar defines an integer flag with its default and range; its usage
// text gains the range.
func wholeVar[T int | int64 | uint64](fs *flag.FlagSet, p *T, name string, value, lo, hi T, usage string) {
	*p = value
	w := &whole[T]{p: p, lo: lo, hi: hi}
	fs.Var(w, name, usage+" ("+w.valid()+")")
}

// wholeOf defines an integer flag that takes only the values listed.
func wholeOf[T int | int64 | uint64](fs *flag.FlagSet, p *T, name string, value T, only []T, usage string) {
	*p = value
	w := &whole[T]{p: p, lo: slices.Min(only), hi: slices.Max(only), only: only}
	fs.Var(w, name, usage+" ("+w.valid()+")")
}

func (w *whole[T]) Set(s string) error {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok || n.Cmp(bigOf(w.lo)) < 0 || n.Cmp(bigOf(w.hi)) > 0 {
		return fmt.Errorf("give %s", w.valid())
	}
	v := T(n.Uint64())
	if n.Sign() < 0 {
		v = T(n.Int64())
	}
	if w.only != nil && !slices.Contains(w.only, v) {
		return fmt.Errorf("give %s", w.valid())
	}
	*w.p = v
	return nil
}

// valid says which values the flag takes.
func (w *whole[T]) valid() string {
	if w.only == nil {
		return fmt.Sprintf("a whole number from %d to %d", w.lo, w.hi)
	}
	s := make([]string, len(w.only))
	for i, v := range w.only {
		s[i] = fmt.Sprint(v)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// String is the value; the flag package calls it on a zero whole too.
func (w *whole[T]) String() string {
	if w == nil || w.p == nil {
		return "0"
	}
	return fmt.Sprint(*w.p)
}

// Get makes the flag a flag.Getter, which run resets to its default.
func (w *whole[T]) Get() any { return *w.p }

func bigOf[T int | int64 | uint64](v T) *big.Int {
	if v < 0 {
		return big.NewInt(int64(v))
	}
	return new(big.Int).SetUint64(uint64(v))
}
