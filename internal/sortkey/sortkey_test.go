package sortkey

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestIndex checks both paths (comparison below 4096 keys, radix above)
// against a stable comparison sort, on values with ties, signs, zeros of
// both signs and infinities; and Buffer.Index, reused, against Index.
func TestIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var buf Buffer
	for _, n := range []int{0, 1, 7, 1000, small - 1, small, 20000} {
		v := make([]float64, n)
		for i := range v {
			switch i % 5 {
			case 0:
				v[i] = math.Floor(rng.NormFloat64() * 5)
			case 1:
				v[i] = rng.NormFloat64() * 1e6
			case 2:
				v[i] = []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1)}[rng.IntN(4)]
			default:
				v[i] = rng.ExpFloat64()
			}
		}
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int {
			if v[a] < v[b] {
				return -1
			}
			if v[a] > v[b] {
				return 1
			}
			return 0
		})
		got, keys := Index(v)
		if !slices.Equal(got, want) {
			t.Fatalf("n = %d: Index differs from a stable sort", n)
		}
		for k, i := range got {
			if Value(keys[k]) != v[i] {
				t.Fatalf("n = %d: key %d is %v, value %v", n, k, Value(keys[k]), v[i])
			}
		}
		// a Buffer used before for other sizes gives the same
		bi, bk := buf.Index(v)
		if !slices.Equal(bi, got) || !slices.Equal(bk, keys) {
			t.Fatalf("n = %d: Buffer.Index differs from Index", n)
		}
	}
	v := make([]float64, 20000)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	buf.Index(v)
	if allocs := testing.AllocsPerRun(3, func() { buf.Index(v) }); allocs > 0 {
		t.Errorf("Buffer.Index of a size it has sorted allocates %v times", allocs)
	}
}

func TestMidRanks(t *testing.T) {
	r, ties := MidRanks([]float64{3, 1, 3, 2, 3, -1})
	if fmt.Sprint(r) != "[5 2 5 3 5 1]" || ties != 24 {
		t.Errorf("MidRanks = %v, ties %v", r, ties)
	}
}

// BenchmarkIndex sorts n standard normal values, 1e3 to 1e6.
func BenchmarkIndex(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6} {
		rng := rand.New(rand.NewPCG(1, 2))
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				Index(v)
			}
		})
	}
}
