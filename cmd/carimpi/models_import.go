package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"carimpi/internal/outfile"
	"carimpi/scores"
)

// newImportInflaMixCmd is "carimpi models import-inflamix FILE".
func newImportInflaMixCmd() *Command {
	fs := flag.NewFlagSet("models import-inflamix", flag.ContinueOnError)
	out := fs.String("out", "inflamix-model.json", "model `file` to write (JSON); an existing file is not overwritten unless --force")
	force := fs.Bool("force", false, "replace an existing --out file")
	name := fs.String("name", "", "model name shown with every result (default: InflaMix (imported from FILE))")
	synthetic := fs.Bool("synthetic", false, "mark the model as a synthetic test stand-in (its posteriors are not InflaMix probabilities)")
	c := &Command{
		Name:      "models import-inflamix",
		UsageLine: "models import-inflamix FILE [--out inflamix-model.json] [--force] [--name NAME] [--synthetic]",
		Short:     "import your copy of the official InflaMix model.RData",
		Long: `Import-inflamix reads the official InflaMix calculator's model.RData (your own
copy, obtained under the MSK InflaMix Terms of Use: research use only, no
redistribution) and writes carimpi's InflaMix model file (JSON). carimpi ships
no InflaMix model.

The file is R's save() format (gzip, bzip2, xz or uncompressed; serialization
version 2 or 3). It must hold dev_mu (14 x 2 component means, rows d0_<lab>),
dev_sig (14 x 14 x 2 covariances), dev_pro (mixing proportions),
dev_inflammClus (the inflammatory component, read, never assumed) and
sc_devcoh_d0 (lab, tr_uln_mean, tr_uln_sd); d0clusters (the mclust fit) adds
n, loglik, BIC and df. Shapes and lab names are checked.

Give the written file (or model.RData itself) to score, batch, models, study
and serve with --inflamix-model FILE, or set CARIMPI_INFLAMIX_MODEL=FILE.
The model file holds the official parameters: keep it to yourself.`,
		Flags: fs,
		NArgs: 1,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		defer resetFlags(fs)
		in := c.Args[0]
		b, err := os.ReadFile(in)
		if err != nil {
			return err
		}
		m, err := scores.ImportInflaMixRData(b, in, scores.ImportOptions{Name: *name, Synthetic: *synthetic})
		if err != nil {
			return fmt.Errorf("%s: %v", in, err)
		}
		if _, err := os.Stat(*out); err == nil && !*force {
			return fmt.Errorf("%s exists; give another --out or --force to replace it", *out)
		}
		var buf bytes.Buffer
		if err := scores.WriteInflaMix(&buf, m); err != nil {
			return err
		}
		if err := outfile.WriteFile(*out, buf.Bytes(), in); err != nil {
			return err
		}
		f := m.File
		fmt.Fprintf(stderr, "carimpi models import-inflamix: wrote %s (%s; 14 labs, inflammatory component %d", *out, f.Name, f.Inflammatory)
		if f.DerivationFit != nil {
			fmt.Fprintf(stderr, ", fitted on %d patients", f.DerivationFit.N)
		}
		fmt.Fprintf(stderr, "). Use it with --inflamix-model %s or %s=%s.\n", *out, inflamixEnv, *out)
		return nil
	}
	return c
}
