package cohort

import (
	"bytes"
	_ "embed"
	"fmt"
)

// defaultCSV is Simulate(PaperDevelopment, PaperValidation, DefaultSeed)
// written by WriteCSV; TestDefaultCohortReproducible regenerates it and
// compares bytes (go test ./cohort -run TestDefault -update rewrites it).
//
//go:embed data/default.csv
var defaultCSV []byte

// DefaultFile is the name the embedded default cohort goes by in messages.
const DefaultFile = "carimpi-default-cohort.csv"

// Default returns the embedded synthetic cohort: 256 development patients
// from five centers and 248 validation patients from MSKCC, simulated with
// DefaultSeed and calibrated to the CAR-IMPI paper (see Simulate). Every
// record is marked simulated — not patient data. Each call returns a
// fresh copy.
func Default() *Cohort {
	c, rep, err := Load(bytes.NewReader(defaultCSV), DefaultFile, Options{})
	if err != nil || len(rep.Excluded) > 0 || rep.Errors() > 0 {
		panic(fmt.Sprintf("cohort: the embedded default cohort does not load: %v", err))
	}
	return c
}

// DefaultCSV returns a copy of the embedded default cohort's CSV bytes.
func DefaultCSV() []byte { return bytes.Clone(defaultCSV) }
