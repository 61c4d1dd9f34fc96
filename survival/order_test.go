package survival

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"carimpi/internal/sortkey"
	"carimpi/survival/internal/timefix"
)

// TestOrder checks both sort paths (comparison below 4096 keys, radix
// above): strata in order, times ascending within each, every row once.
func TestOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	for _, n := range []int{1, 10, 1000, 4095, 4096, 5000} {
		time := make([]float64, n)
		strata := make([]int, n)
		for i := range time {
			time[i] = math.Floor(rng.ExpFloat64() * 50) // ties; spread over many digits
			if i%7 == 0 {
				time[i] = rng.Float64() * 1e6
			}
			strata[i] = rng.IntN(3)
		}
		o := order(time, strata, 3)
		seen := make([]bool, n)
		for s := range 3 {
			for i := o.start[s]; i < o.start[s+1]; i++ {
				j := o.row[i]
				if seen[j] || strata[j] != s || o.time(i) != time[j] || i > o.start[s] && o.key[i] < o.key[i-1] {
					t.Fatalf("n = %d: position %d (row %d, stratum %d, time %v) out of order", n, i, j, s, o.time(i))
				}
				seen[j] = true
			}
		}
		if o.start[3] != n {
			t.Fatalf("n = %d: strata cover %d rows", n, o.start[3])
		}
	}
}

func TestOrderRows(t *testing.T) {
	time := []float64{3, 1, 2, 1, 5, 0}
	strata := []int{1, 0, 1, 1, 0, 0}
	o := order(time, strata, 2)
	if fmt.Sprint(o.row, o.start) != "[5 1 4 3 2 0] [0 3 6]" {
		t.Errorf("rows %v, starts %v", o.row, o.start)
	}
}

// TestTally checks both paths of tabulate against a count written out
// with a map: per stratum, each distinct time after aeqSurv (timefix over
// the whole sample) once, ascending, with its observations and events by
// group. The samples have ties, times 0, near ties that aeqSurv merges
// (also across strata), continuous times, empty strata and groups.
func TestTally(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	for _, tc := range []struct{ n, k, g int }{{1, 1, 1}, {7, 2, 3}, {300, 3, 2}, {5000, 4, 3}, {5000, 1, 1}, {20000, 2, 2}} {
		time := make([]float64, tc.n)
		event := make([]bool, tc.n)
		var strata, group []int
		if tc.k > 1 {
			strata = make([]int, tc.n)
		}
		if tc.g > 1 {
			group = make([]int, tc.n)
		}
		for i := range time {
			switch r := rng.IntN(16); {
			case r < 5:
				time[i] = math.Round(rng.ExpFloat64() * 30)
			case r < 10:
				time[i] = math.Round(rng.ExpFloat64()*30) * (1 + 1e-10) // merged with the whole number
			case r == 10:
				time[i] = rng.ExpFloat64() * 30
			default:
				time[i] = float64(rng.IntN(3)) * 0.1 * 3 // 0, 0.3 and 0.6000000000000001
			}
			event[i] = rng.IntN(3) > 0
			if strata != nil {
				strata[i] = rng.IntN(tc.k)
				if strata[i] == 1 && tc.k > 2 {
					strata[i] = 0 // stratum 1 empty
				}
			}
			if group != nil {
				group[i] = rng.IntN(tc.g)
			}
		}
		k, _ := checkCodes("strata", strata, tc.n)
		g, _ := checkCodes("group", group, tc.n)
		want := bruteTally(time, event, strata, group, k, g)
		h, hk, hg := hashTally(time, event, strata, group)
		if h == nil {
			t.Fatalf("%+v: hash path refused", tc)
		}
		s, sk, sg, err := sortTally(time, event, strata, group)
		if err != nil {
			t.Fatal(err)
		}
		if hk != k || hg != g || sk != k || sg != g {
			t.Errorf("%+v: strata and groups %d %d (hash), %d %d (sort), want %d %d", tc, hk, hg, sk, sg, k, g)
		}
		for name, got := range map[string]*tally{"hash": h, "sort": s} {
			if fmt.Sprint(got.start, got.key, got.count) != fmt.Sprint(want.start, want.key, want.count) {
				t.Errorf("%+v %s path:\n got %v %v %v\nwant %v %v %v", tc, name, got.start, got.key, got.count, want.start, want.key, want.count)
			}
		}
	}
}

// bruteTally is tabulate by the definition.
func bruteTally(time []float64, event []bool, strata, group []int, k, g int) *tally {
	fixed := timefix.Apply(time)
	type cell struct{ obs, ev []int32 }
	by := make([]map[uint64]*cell, k)
	for s := range by {
		by[s] = map[uint64]*cell{}
	}
	for i, t := range fixed {
		s, c := 0, 0
		if strata != nil {
			s = strata[i]
		}
		if group != nil {
			c = group[i]
		}
		key := sortkey.Key(t)
		if by[s][key] == nil {
			by[s][key] = &cell{make([]int32, g), make([]int32, g)}
		}
		by[s][key].obs[c]++
		if event[i] {
			by[s][key].ev[c]++
		}
	}
	out := &tally{g: g, start: make([]int, k+1)}
	for s := range k {
		var keys []uint64
		for key := range by[s] {
			keys = append(keys, key)
		}
		slices.Sort(keys)
		for _, key := range keys {
			out.key = append(out.key, key)
			for c := range g {
				out.count = append(out.count, by[s][key].obs[c], by[s][key].ev[c])
			}
		}
		out.start[s+1] = len(out.key)
	}
	return out
}

// TestTallyLimits: past tallyDistinct distinct times, or with more cells
// than 4n + 4096, the hash path gives way to the sort path.
func TestTallyLimits(t *testing.T) {
	time := []float64{5, 4, 3, 2, 1, 1}
	event := []bool{true, false, true, true, false, true}
	saved := tallyDistinct
	defer func() { tallyDistinct = saved }()
	tallyDistinct = 4
	if h, _, _ := hashTally(time, event, nil, nil); h != nil {
		t.Error("hash path took 5 distinct times with a limit of 4")
	}
	tallyDistinct = 5
	if h, _, _ := hashTally(time, event, nil, nil); h == nil {
		t.Error("hash path refused 5 distinct times with a limit of 5")
	}
	tallyDistinct = saved
	// 101 strata x 101 groups for 100 rows: more cells than 4n + 4096
	n := 100
	big, strata, group := make([]float64, n), make([]int, n), make([]int, n)
	for i := range n {
		strata[i], group[i] = i+1, n-i
	}
	if h, _, _ := hashTally(big, make([]bool, n), strata, group); h != nil {
		t.Error("hash path took 101 x 101 cells for 100 rows")
	}
	if h, k, g := hashTally(big, make([]bool, n), strata, nil); h == nil || k != 101 || g != 1 {
		t.Errorf("hash path: %v, %d strata, %d groups; want 101 strata, 1 group", h, k, g)
	}
	got, k, g, err := tabulate(time, event, nil, nil)
	if err != nil || k != 1 || g != 1 || fmt.Sprint(got.count) != "[2 1 1 1 1 1 1 0 1 1]" {
		t.Errorf("tabulate: %v, %d, %d, %v", got, k, g, err)
	}
}

// TestTallyErrors: both paths of tabulate, which check the data as they
// read them, give checkTimes' and checkCodes' errors in their order: the
// first bad time before any bad code, a bad group before a bad stratum.
func TestTallyErrors(t *testing.T) {
	ok := []float64{3, 1, 2, 2, 5, 4}
	bad := []float64{3, 1, 2, 2, math.NaN(), 4}
	event := make([]bool, 6)
	codes := []int{0, 1, 0, 1, 0, 1}
	badCodes := []int{0, 1, -1, 1, 0, 1}
	for _, tc := range []struct {
		time          []float64
		strata, group []int
		want          string
	}{
		{bad, badCodes, badCodes, "time[4]"},
		{ok, badCodes, badCodes, "group[2]"},
		{ok, badCodes, codes, "strata[2]"},
		{[]float64{3, -1, 2, 2, 5, 4}, codes, nil, "time[1]"},
		{[]float64{3, 1, 2, math.Inf(1), 5, 4}, nil, badCodes, "time[3]"},
	} {
		for _, limit := range []int{tallyDistinct, 0} { // hash, then sort
			saved := tallyDistinct
			tallyDistinct = limit
			_, _, _, err := tabulate(tc.time, event, tc.strata, tc.group)
			tallyDistinct = saved
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("limit %d, %v strata %v groups %v: error %v, want one about %s", limit, tc.time, tc.strata, tc.group, err, tc.want)
			}
		}
	}
	if _, _, _, err := tabulate([]float64{math.Copysign(0, -1), 0, 1}, make([]bool, 3), nil, nil); err != nil {
		t.Errorf("-0: %v", err)
	}
}
