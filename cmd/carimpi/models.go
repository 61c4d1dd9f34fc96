package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/record"
	"carimpi/scores"
)

func init() { register(newModelsCmd()) }

func newModelsCmd() *Command {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	var mf modelFlags
	mf.register(fs, true)
	format := fs.String("format", "table", "output `format`: table or json")
	c := &Command{
		Name:      "models",
		UsageLine: "models [--model model.json] [--format table|json]",
		Short:     "list the models with versions, citations, inputs and cutoffs",
		Long: `Models lists every index carimpi computes, with its id, version,
citation (DOI), inputs with units and valid ranges, rule, risk groups and
notes. With --model, the model file's CAR-IMPI or IMPI replaces the
built-in one; with --inflamix-model (or CARIMPI_INFLAMIX_MODEL), your
InflaMix model is listed (carimpi ships none: "carimpi models
import-inflamix FILE" imports your copy of the official model.RData; see
"carimpi help models import-inflamix").

Model file (JSON, schema_version 2), as written by "carimpi study" (the
numbers below are placeholders, not the coefficients of any model):

  {"schema": "carimpi-model", "schema_version": 2, "id": "car-impi",
   "name": "CAR-IMPI", "version": "...",
   "source": "fitted",
   "fitted_on": {"simulated": false, "data": "cohort.csv", "cohorts": ["development"],
                 "n": 0, "events": 0, "sha256": "...", "carimpi_version": "...", "method": "..."},
   "citation": "method of Winkelmann et al. 2025; coefficients fitted by carimpi on ...",
   "doi": "",
   "knot": 44.3,
   "coefficients": {"mtv": 0.0111, "mtv_above_knot": -0.0111, "age": 0.0111,
                    "stage2": 0.111, "stage3": 0.222, "stage4": 0.333},
   "cutoffs": {"median": 1.11, "terciles": [0.99, 1.22]},
   "centre": 0,
   "baseline_survival": [{"endpoint": "pfs", "times": [12], "survival": [0.6]}],
   "notes": []}

source is "published", "fitted" (then fitted_on is required) or
"hand-entered"; a file without it (schema_version 1 files too) is read as
hand-entered, with a warning. Nothing is inherited from the published
model: a file without "cutoffs" scores without risk groups (with a
warning); "cutoffs": "winkelmann-2025" names the published median 1.35 and
terciles 1.07/1.58; "cutoffs": null declares none. A model fitted on
simulated data says so in every output, and "carimpi serve" refuses it
without --allow-simulated.

Coefficients are log hazard ratios in R's rms::lsp form (mtv_above_knot
is the change of slope above the knot); the score is the uncentered
linear predictor. Individualized survival is S(t) = S0(t)^exp(lp - centre).`,
		Flags: fs,
		Sub:   map[string]*Command{"import-inflamix": newImportInflaMixCmd()},
	}
	c.Run = func(stdout, stderr io.Writer) error {
		defer resetFlags(fs)
		if err := checkFormat(*format, "table", "json"); err != nil {
			return err
		}
		s, _, err := mf.scorer()
		if err != nil {
			return err
		}
		models := s.Models()
		if *format == "json" {
			return jsonx.Write(stdout, struct {
				Notice string        `json:"notice"`
				Models []scores.Info `json:"models"`
				Fields []record.Info `json:"fields"`
			}{researchNotice, models, record.Infos()})
		}
		fmt.Fprintf(stdout, "carimpi models  %s\n", researchNotice)
		for _, m := range models {
			fmt.Fprintf(stdout, "\n%s (%s), version %s\n", m.Name, m.ID, m.Version)
			for _, c := range m.Citations {
				doi := ""
				if c.DOI != "" {
					doi = " doi:" + c.DOI
				}
				fmt.Fprintf(stdout, "  source: %s%s\n", c.Text, doi)
			}
			var in []string
			for _, i := range m.Inputs {
				u := i.Field
				if i.Unit != "" {
					u += " [" + i.Unit + "]"
				}
				in = append(in, u)
			}
			fmt.Fprintf(stdout, "  inputs: %s\n  rule: %s\n", strings.Join(in, ", "), m.Rule)
			var gs []string
			for _, g := range m.Groups {
				scheme := g.Scheme
				if g.Label != "" {
					scheme = g.Label + ":"
				}
				if g.Rule != "" {
					gs = append(gs, fmt.Sprintf("%s %s (%s)", scheme, g.Name, g.Rule))
				} else {
					gs = append(gs, g.Name)
				}
			}
			if len(gs) > 0 {
				fmt.Fprintf(stdout, "  groups: %s\n", strings.Join(gs, "; "))
			}
			if sc := m.Scope; sc != nil {
				fmt.Fprintf(stdout, "  predicts: %s\n  validated in: %s\n  inputs taken: %s\n  cutoffs: %s\n  on a cutoff: %s\n",
					sc.Predicts, sc.ValidatedIn, sc.Inputs, sc.Cutoffs, sc.OnCutoff)
			}
			if pv := m.Provenance; pv != nil {
				if pv.Simulated() {
					fmt.Fprintf(stdout, "  *** %s ***\n", scores.SimulatedWarning)
				}
				fmt.Fprintf(stdout, "  provenance: %s\n", pv.Describe())
				for _, w := range pv.Warnings {
					fmt.Fprintf(stdout, "  warning: %s\n", w)
				}
			}
			for _, n := range m.Notes {
				fmt.Fprintf(stdout, "  note: %s\n", n)
			}
		}
		return nil
	}
	return c
}
