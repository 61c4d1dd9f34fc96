package rdata_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"carimpi/rdata"
)

// FuzzRead feeds arbitrary bytes (seeded with every fixture, compressed
// and not) to Read: it must return a File or an error, never panic, and a
// File's values must be walkable.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.rd*")
	files = append(files, "../testdata/reference/models/inflamix-synthetic-v2.RData")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := rdata.Read(bytes.NewReader(b), 1<<24)
		if err != nil {
			return
		}
		seen := map[*rdata.Value]bool{}
		var walk func(v *rdata.Value, depth int)
		walk = func(v *rdata.Value, depth int) {
			if v == nil || seen[v] || depth > 10000 {
				return
			}
			seen[v] = true
			_ = v.Describe()
			_ = v.Float64s()
			_ = v.DimNames()
			for _, e := range v.Elems {
				walk(e, depth+1)
			}
			for _, n := range append(v.Nodes, v.Attrs...) {
				walk(n.Value, depth+1)
			}
		}
		for _, o := range file.Objects {
			walk(o.Value, 0)
		}
	})
}
