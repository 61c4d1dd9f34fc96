package benchsize

import (
	"fmt"
	"testing"
)

func TestLadder(t *testing.T) {
	for env, want := range map[string]string{"": "[1000 10000 100000 1000000]", "1e7": "[1000 10000 100000 1000000 10000000]",
		"1e4": "[1000 10000]", "x": "[1000 10000 100000 1000000]"} {
		t.Setenv("BENCH_MAX", env)
		if got := fmt.Sprint(Ladder()); got != want {
			t.Errorf("BENCH_MAX=%q: %s, want %s", env, got, want)
		}
	}
}
