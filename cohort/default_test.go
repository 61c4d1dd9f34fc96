package cohort

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite data/default.csv from the generator")

// TestDefaultCohortReproducible regenerates the embedded cohort with the
// fixed seed and requires the same bytes.
func TestDefaultCohortReproducible(t *testing.T) {
	var b bytes.Buffer
	if err := Simulate(PaperDevelopment, PaperValidation, DefaultSeed).WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("data/default.csv", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(b.Bytes(), defaultCSV) {
		t.Fatal("data/default.csv differs from Simulate(256, 248, DefaultSeed); if the generator changed on purpose, run go test ./cohort -run TestDefault -update")
	}
	c := Default()
	if c.Len() != PaperDevelopment+PaperValidation+13 || !c.Simulated() {
		t.Fatalf("default cohort: %d records, simulated %v", c.Len(), c.Simulated())
	}
	// The paper's outlier rule leaves exactly the paper's 256 + 248.
	kept, rep, err := Load(bytes.NewReader(defaultCSV), DefaultFile, Options{ExcludeTopMTV: OutlierQuantile})
	if err != nil || rep.ExcludedOutliers != 13 {
		t.Fatalf("outlier rule: %v, %d excluded", err, rep.ExcludedOutliers)
	}
	if d, v := kept.Subset("development").Len(), kept.Subset("validation").Len(); d != PaperDevelopment || v != PaperValidation {
		t.Fatalf("after the outlier rule: %d + %d", d, v)
	}
}

// TestSimulateDeterministic: a fixed seed gives byte-identical output, a
// different seed a different cohort.
func TestSimulateDeterministic(t *testing.T) {
	gen := func(seed uint64) []byte {
		var b bytes.Buffer
		if err := Simulate(300, 200, seed).WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b, c := gen(42), gen(42), gen(43)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same bytes")
	}
}
