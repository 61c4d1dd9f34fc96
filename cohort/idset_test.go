package cohort

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

func TestIDSet(t *testing.T) {
	s := idSet{}
	for i, id := range []string{"A1", "a1", "A1 ", "B", "A1", "B"} {
		first, dup := s.add(id, i+1)
		want := map[int]int{5: 1, 6: 4}[i+1]
		if dup != (want > 0) || first != want {
			t.Errorf("add(%q, %d) = %d, %v; want %d", id, i+1, first, dup, want)
		}
	}
}

// The memory per id is bounded whatever the id's length and does not pin
// the text it came from (a string-keyed map held 100-300 bytes an id).
func TestIDSetMemory(t *testing.T) {
	const n = 200000
	line := strings.Repeat("x", 400) // a wide row the id is cut from
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := idSet{}
	for i := range n {
		row := fmt.Sprintf("UKER-%07d,%s", i, line)
		s.add(row[:12], i+1)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perID := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%.1f bytes per id", perID)
	if perID > 64 {
		t.Errorf("%.1f bytes per id, want at most 64", perID)
	}
	runtime.KeepAlive(s)
}
