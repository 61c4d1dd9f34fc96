package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"carimpi/internal/jsonx"
	"carimpi/scores"
)

func init() { register(newModelsCmd()) }

func newModelsCmd() *Command {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	var mf modelFlags
	mf.register(fs)
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

Model file (JSON, schema_version 1), as written by "carimpi study":

  {"schema": "carimpi-model", "schema_version": 1, "id": "car-impi",
   "name": "CAR-IMPI", "version": "...",
   "provenance": {"citation", "doi", "fitted_on", "date", "software"},
   "knot": 44.3,
   "coefficients": {"mtv", "mtv_above_knot", "age", "stage2", "stage3", "stage4"},
   "cutoffs": {"median": 1.35, "terciles": [1.07, 1.58]},
   "centre": 0,
   "baseline_survival": [{"endpoint": "pfs", "times": [12], "survival": [0.6]}],
   "notes": []}

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
				Notice string             `json:"notice"`
				Models []scores.Info      `json:"models"`
				Fields []scores.FieldInfo `json:"fields"`
			}{researchNotice, models, scores.Fields()})
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
				gs = append(gs, fmt.Sprintf("%s %s (%s)", g.Scheme, g.Name, g.Rule))
			}
			if len(gs) > 0 {
				fmt.Fprintf(stdout, "  groups: %s\n", strings.Join(gs, "; "))
			}
			for _, n := range m.Notes {
				fmt.Fprintf(stdout, "  note: %s\n", n)
			}
		}
		return nil
	}
	return c
}
