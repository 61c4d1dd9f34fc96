package survival

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestOrder checks both sort paths (comparison below 4096 keys, radix
// above): strata in order, times ascending within each, every row once with
// its event flag and group code (here the row number).
func TestOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 0))
	for _, n := range []int{1, 10, 1000, 4095, 4096, 5000} {
		time := make([]float64, n)
		strata := make([]int, n)
		event := make([]bool, n)
		row := make([]int, n)
		for i := range time {
			event[i] = rng.IntN(2) == 0
			row[i] = i
			time[i] = math.Floor(rng.ExpFloat64() * 50) // ties; spread over many digits
			if i%7 == 0 {
				time[i] = rng.Float64() * 1e6
			}
			strata[i] = rng.IntN(3)
		}
		o, err := order(time, event, strata, row, 3, n, false)
		if err != nil {
			t.Fatal(err)
		}
		seen := make([]bool, n)
		for s := range 3 {
			for i := o.start[s]; i < o.start[s+1]; i++ {
				j := o.group(i)
				if seen[j] || strata[j] != s || o.time(i) != time[j] || o.event(i) != event[j] || i > o.start[s] && o.key[i] < o.key[i-1] {
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

// TestOrderRows checks the order with input rows instead of tags.
func TestOrderRows(t *testing.T) {
	time := []float64{3, 1, 2, 1, 5, 0}
	strata := []int{1, 0, 1, 1, 0, 0}
	o, err := order(time, make([]bool, 6), strata, nil, 2, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(o.row, o.start) != "[5 1 4 3 2 0] [0 3 6]" || o.tag != nil {
		t.Errorf("rows %v, starts %v", o.row, o.start)
	}
}
