package main

import (
	"flag"
	"fmt"
	"io"
	"math"

	"carimpi/cohort"
)

func init() { register(newSimulateCmd()) }

func newSimulateCmd() *Command {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	var nDev, nVal int
	var seed uint64
	wholeVar(fs, &nDev, "n-development", cohort.PaperDevelopment, 0, maxSimulate, "`patients` in the development cohort, from five centers")
	wholeVar(fs, &nVal, "n-validation", cohort.PaperValidation, 0, maxSimulate, "`patients` in the validation cohort, from MSKCC")
	wholeVar(fs, &seed, "seed", cohort.DefaultSeed, 0, math.MaxUint64, "random `seed`; the embedded default cohort uses the default")
	out := fs.String("out", "", "output file, .csv or .xlsx (default: CSV on standard output)")
	c := &Command{
		Name:      "simulate",
		UsageLine: "simulate [--n-development 256] [--n-validation 248] [--seed S] [--out cohort.csv|cohort.xlsx]",
		Short:     "write a synthetic CAR-T cohort calibrated to the CAR-IMPI paper",
		Long: `Simulate writes a synthetic cohort with the data dictionary's columns:
a development cohort from five centers (Moffitt, Erlangen, Regensburg,
LMU Munich, Vall d'Hebron; MTV by 41% of SUVmax, LMU Munich by SUV 4.0)
and a validation cohort from MSKCC (SUV 4.0), calibrated to Table 1,
the text and figures of Winkelmann et al., Blood Cancer J 2025;15:144:
demographics, labs with their upper limits of normal, PFS and OS from a
proportional-hazards model in MTV through a linear spline (knot 44.3 mL),
age, stage and CAR-HEMATOTOX, censoring matching the median follow-up,
and CRS, ICANS and ICU linked to tumour burden and inflammation. The model
and each parameter's target are documented in package cohort (Simulate).

Every row carries simulated = 1: the data are simulated — not patient data.
The seed is printed on standard error; the same seed gives the same bytes.
The default seed reproduces the cohort embedded in carimpi; it was chosen
as the seed whose study comes closest to the paper's published numbers
(see cohort.DefaultSeed).`,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		if nDev+nVal == 0 {
			return usagef("--n-development and --n-validation are both 0: give at least one patient")
		}
		ext, err := cohortOutExt(*out)
		if err != nil {
			return err
		}
		co := cohort.Simulate(nDev, nVal, seed)
		fmt.Fprintf(stderr, "carimpi simulate: seed %d, %d development + %d validation patients after the paper's MTV outlier rule, and the %d outliers it removes (%s)\n",
			seed, nDev, nVal, co.Len()-nDev-nVal, cohort.SimulatedNotice)
		if *out == "" {
			return co.WriteCSV(stdout)
		}
		if err := writeCohort(co, *out, ext); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", *out)
		return nil
	}
	return c
}
