package compete

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchData simulates n subjects in two groups with two causes and
// censoring, times rounded to days (so that there are ties).
func benchData(n int) (time []float64, status, group []int, x [][]float64) {
	r := rand.New(rand.NewPCG(1, 2))
	time = make([]float64, n)
	status = make([]int, n)
	group = make([]int, n)
	x = [][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	for i := range n {
		g := r.IntN(2)
		group[i] = g
		age := 60 + 10*r.NormFloat64()
		x[0][i], x[1][i], x[2][i] = float64(g), age, float64(r.IntN(4))
		t1 := r.ExpFloat64() / (0.04 * math.Exp(0.7*float64(g)))
		t2 := r.ExpFloat64() / (0.01 * math.Exp(0.03*(age-60)))
		c := 3 + 33*r.Float64()
		t := math.Min(math.Min(t1, t2), c)
		switch t {
		case t1:
			status[i] = 1
		case t2:
			status[i] = 2
		}
		time[i] = math.Round(t*30.4375) / 30.4375
	}
	return
}

func BenchmarkCumIncGray1e6(b *testing.B) {
	time, status, group, _ := benchData(1e6)
	for b.Loop() {
		if _, err := CumInc(time, status, group, 0); err != nil {
			b.Fatal(err)
		}
		for c := 1; c <= 2; c++ {
			if _, err := Gray(time, status, group, nil, c, 0); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkFineGray1e5(b *testing.B) {
	time, status, _, x := benchData(1e5)
	for b.Loop() {
		if _, err := FineGray(time, status, x, nil); err != nil {
			b.Fatal(err)
		}
	}
}
