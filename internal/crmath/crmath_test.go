package crmath

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
)

// TestAgainstGlibc: exp and pow as R computes them (glibc), bit for bit.
// glibc is itself not correctly rounded within about 0.02 ulp of a
// midpoint, so a handful of differences may remain (none in these
// values); Go's math.Exp and math.Pow differ in far more, which is why
// this package exists.
func TestAgainstGlibc(t *testing.T) {
	f, err := os.Open("testdata/glibc.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	n, ours, gos := map[string]int{}, map[string]int{}, map[string]int{}
	for _, r := range rows[1:] {
		kind, want := r[0], num(r[3])
		var got, std float64
		switch kind {
		case "exp":
			got, std = Exp(num(r[1])), math.Exp(num(r[1]))
		case "pow":
			got, std = Pow(num(r[1]), num(r[2])), math.Pow(num(r[1]), num(r[2]))
		}
		n[kind]++
		if got != want {
			ours[kind]++
			t.Errorf("%s(%s %s) = %x, R %x", kind, r[1], r[2], got, want)
		}
		if std != want {
			gos[kind]++
		}
	}
	if n["exp"] != 500 || n["pow"] != 500 {
		t.Fatalf("cases %v", n)
	}
	t.Logf("differences from R: crmath %v, math %v", ours, gos)
}

func TestSpecialValues(t *testing.T) {
	for _, c := range []struct{ b, y, want float64 }{
		{0.5, 0, 1}, {0.5, 1, 0.5}, {1, 7.3, 1}, {0, 2, 0}, {0.25, 0.5, 0.5}, {0.5, 2, 0.25}, {2, 10, 1024},
	} {
		if got := Pow(c.b, c.y); got != c.want {
			t.Errorf("Pow(%v, %v) = %v, want %v", c.b, c.y, got, c.want)
		}
	}
	for _, c := range []struct{ x, want float64 }{{0, 1}, {math.Inf(-1), 0}, {-800, math.Exp(-800)}, {1, math.E}} {
		if got := Exp(c.x); got != c.want {
			t.Errorf("Exp(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(Exp(math.NaN())) || !math.IsNaN(Pow(-1, 0.5)) {
		t.Error("NaN in, NaN out")
	}
}

func ExamplePow() {
	// a patient's risk by 12 months: 1 - S0(12)^exp(lp - centre)
	s0, lp, centre := 0.6095709072963093, 1.45, 1.0
	fmt.Printf("%.15f\n", 1-Pow(s0, Exp(lp-centre)))
	// Output: 0.539901430907358
}

func BenchmarkRisk(b *testing.B) {
	s, p := 0.0, Base(0.6095709072963093)
	for i := 0; i < b.N; i++ {
		s += p.Pow(Exp(float64(i%1000)/1000 - 0.5))
	}
	_ = s
}

func BenchmarkRiskMath(b *testing.B) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += math.Pow(0.6095709072963093, math.Exp(float64(i%1000)/1000-0.5))
	}
	_ = s
}
