package cohort

import "math"

// column holds one field of every record of a cohort, exactly and in
// little memory (a cohort of 5e5 patients held as record.Record values
// takes 264 MB, 528 bytes a patient, most of them float64 fields whose
// values are written with a few decimals).
//
// A number is stored as the integer k of k / 10^scale, one scale for the
// column, in the narrowest of int8, int16 and int32 that holds every k of
// the column; the smallest value of that type marks a missing one (NaN).
// A value is stored so only when float64(k) / 10^scale is bit for bit the
// value (the division is correctly rounded, so 0.09 read from a file, the
// float64 nearest 9/100, is k = 9 at scale 2); a value that is not (a
// value converted from another unit, -0, more than maxScale decimals)
// turns the column into float64. A larger scale or type is taken when a
// value needs it, re-encoding the values before it (k times a power of
// ten is the same quotient). A column whose values are all missing holds
// nothing.
//
// A text field is stored as the code of its value (an index into levels,
// NaN for "") in the same way; patient ids, one a patient, are kept apart
// (see Cohort).
type column struct {
	width int // bytes per value: 0 (every value missing), 1, 2, 4, 8 (float64), or released
	scale int
	i8    []int8
	i16   []int16
	i32   []int32
	f64   []float64
	n     int

	levels []string       // text: the values, by code
	index  map[string]int // text: the code of a value
}

const maxScale = 8

// released is the width of a column whose values Cohort.Release freed.
const released = -1

var pow10 = [maxScale + 1]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8}

// encode returns the k with k / 10^s bit for bit v, if there is one in
// int32's range.
func encode(v float64, s int) (int64, bool) {
	x := v * pow10[s]
	if !(math.Abs(x) < math.MaxInt32) {
		return 0, false
	}
	k := int64(math.Round(x))
	return k, math.Float64bits(float64(k)/pow10[s]) == math.Float64bits(v)
}

// widthOf is the narrowest width that holds k (its type's smallest value
// being the missing mark).
func widthOf(k int64) int {
	switch {
	case k > math.MinInt8 && k <= math.MaxInt8:
		return 1
	case k > math.MinInt16 && k <= math.MaxInt16:
		return 2
	}
	return 4
}

// at returns value i (NaN when missing).
func (c *column) at(i int) float64 {
	var k int64
	switch c.width {
	case 0:
		return math.NaN()
	case 1:
		if k = int64(c.i8[i]); k == math.MinInt8 {
			return math.NaN()
		}
	case 2:
		if k = int64(c.i16[i]); k == math.MinInt16 {
			return math.NaN()
		}
	case 4:
		if k = int64(c.i32[i]); k == math.MinInt32 {
			return math.NaN()
		}
	case released:
		panic("cohort: a released field read") // a released value is not a missing one
	default:
		return c.f64[i]
	}
	if c.scale == 0 {
		return float64(k)
	}
	return float64(k) / pow10[c.scale]
}

// push appends a value.
func (c *column) push(v float64) {
	c.n++
	switch c.width {
	case 0:
		if math.IsNaN(v) {
			return
		}
	case 1:
		c.i8 = append(c.i8, math.MinInt8)
	case 2:
		c.i16 = append(c.i16, math.MinInt16)
	case 4:
		c.i32 = append(c.i32, math.MinInt32)
	default:
		c.f64 = append(c.f64, math.NaN())
	}
	c.set(c.n-1, v)
}

// set sets value i, widening or rescaling the column when v needs it.
func (c *column) set(i int, v float64) {
	if c.width == 8 {
		c.f64[i] = v
		return
	}
	if math.IsNaN(v) {
		if c.width != 0 {
			c.put(i, math.MinInt64)
		}
		return
	}
	for s := c.scale; s <= maxScale; s++ {
		k, ok := encode(v, s)
		if !ok {
			continue
		}
		w := max(widthOf(k), c.width)
		if s != c.scale || w != c.width {
			if !c.recode(s, w) {
				break
			}
		}
		c.put(i, k)
		return
	}
	c.recode(0, 8)
	c.f64[i] = v
}

// put stores k (math.MinInt64: missing) at i of an integer column.
func (c *column) put(i int, k int64) {
	switch c.width {
	case 1:
		if k == math.MinInt64 {
			k = math.MinInt8
		}
		c.i8[i] = int8(k)
	case 2:
		if k == math.MinInt64 {
			k = math.MinInt16
		}
		c.i16[i] = int16(k)
	case 4:
		if k == math.MinInt64 {
			k = math.MinInt32
		}
		c.i32[i] = int32(k)
	}
}

// recode re-encodes the column at scale s in width w (8: float64), or
// wider when a rescaled value needs it; it reports false, leaving the
// column unchanged, when a rescaled value does not fit in int32.
func (c *column) recode(s, w int) bool {
	old := *c
	vals := make([]int64, 0, c.n)
	if w != 8 {
		mul := int64(1)
		for range s - c.scale {
			mul *= 10
		}
		for i := range c.n {
			if v := old.at(i); math.IsNaN(v) {
				vals = append(vals, math.MinInt64)
			} else {
				k := old.intAt(i) * mul
				if k <= math.MinInt32 || k > math.MaxInt32 {
					return false
				}
				w = max(w, widthOf(k))
				vals = append(vals, k)
			}
		}
	}
	c.i8, c.i16, c.i32, c.f64 = nil, nil, nil, nil
	c.width, c.scale = w, s
	switch w {
	case 1:
		c.i8 = make([]int8, c.n)
	case 2:
		c.i16 = make([]int16, c.n)
	case 4:
		c.i32 = make([]int32, c.n)
	default:
		c.f64 = make([]float64, c.n)
		for i := range c.f64 {
			c.f64[i] = old.at(i)
		}
		return true
	}
	for i, k := range vals {
		c.put(i, k)
	}
	return true
}

// intAt returns the stored integer of a present value of an integer
// column.
func (c *column) intAt(i int) int64 {
	switch c.width {
	case 1:
		return int64(c.i8[i])
	case 2:
		return int64(c.i16[i])
	}
	return int64(c.i32[i])
}

// keep keeps the values whose index is in idx (increasing), in that order.
func (c *column) keep(idx []int) {
	for j, i := range idx {
		switch c.width {
		case 1:
			c.i8[j] = c.i8[i]
		case 2:
			c.i16[j] = c.i16[i]
		case 4:
			c.i32[j] = c.i32[i]
		case 8:
			c.f64[j] = c.f64[i]
		}
	}
	c.n = len(idx)
	c.i8, c.i16, c.i32, c.f64 = clip(c.i8, c.n), clip(c.i16, c.n), clip(c.i32, c.n), clip(c.f64, c.n)
}

// trim gives the column's values a slice of their exact size (appending
// leaves up to a quarter of a large slice unused).
func (c *column) trim() {
	c.i8, c.i16, c.i32, c.f64 = exact(c.i8), exact(c.i16), exact(c.i32), exact(c.f64)
}

// exact returns a copy of s without unused capacity (nil stays nil).
func exact[T any](s []T) []T {
	if s == nil || len(s) == cap(s) {
		return s
	}
	return append(make([]T, 0, len(s)), s...)
}

// clip shortens s to n (nil stays nil).
func clip[T any](s []T, n int) []T {
	if s == nil {
		return nil
	}
	return s[:n]
}

// text returns text value i ("" when missing).
func (c *column) text(i int) string {
	if v := c.at(i); !math.IsNaN(v) {
		return c.levels[int(v)]
	}
	return ""
}

// pushText appends a text value.
func (c *column) pushText(s string) { c.push(c.code(s)) }

// setText sets text value i.
func (c *column) setText(i int, s string) { c.set(i, c.code(s)) }

// code returns the code of s, adding it to the levels when new (NaN for
// ""). A new level is a copy, so that it does not keep alive the row's
// text it was read from.
func (c *column) code(s string) float64 {
	if s == "" {
		return math.NaN()
	}
	k, ok := c.index[s]
	if !ok {
		if c.index == nil {
			c.index = map[string]int{}
		}
		k = len(c.levels)
		s = string(append([]byte(nil), s...))
		c.levels = append(c.levels, s)
		c.index[s] = k
	}
	return float64(k)
}
