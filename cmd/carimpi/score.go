package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"carimpi/internal/jsonx"
	"carimpi/scores"
)

func init() { register(newScoreCmd()) }

// fieldFlag sets one patient field from a flag, in the field's declared
// unit (converted later).
type fieldFlag struct {
	p *scores.Patient
	f scores.Field
}

func (v fieldFlag) String() string {
	if v.p == nil || !v.p.Has(v.f) {
		return ""
	}
	return strconv.FormatFloat(v.p.Get(v.f), 'g', -1, 64)
}

func (v fieldFlag) Set(s string) error {
	x, err := scores.ParseValue(v.f, s, false)
	if err != nil {
		return err
	}
	v.p.Set(v.f, x)
	return nil
}

// resetFlags sets every flag back to its default after a run, so that a
// command value can run again in the same process (tests, the server).
func resetFlags(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
}

// flagName is the flag of a field: its column name with '-' for '_'
// (mtv_ml is --mtv).
func flagName(f scores.Field) string {
	if f == scores.MTV {
		return "mtv"
	}
	return strings.ReplaceAll(f.Name(), "_", "-")
}

// modelFlags are the flags shared by score, batch and models.
type modelFlags struct {
	model      string
	inflamix   string
	units      string
	defaultULN string
}

// inflamixFlagUsage is the usage of --inflamix-model (score, batch, models,
// study, serve).
const inflamixFlagUsage = "InflaMix model `file`: the official calculator's model.RData (your own copy, under its terms of use) or the JSON written by 'carimpi models import-inflamix'; default $" + inflamixEnv

// inflamixEnv names the environment variable read when --inflamix-model
// is not given.
const inflamixEnv = "CARIMPI_INFLAMIX_MODEL"

// loadInflaMix returns the InflaMix model of --inflamix-model (or of
// $CARIMPI_INFLAMIX_MODEL when the flag is empty), or nil when neither is
// set.
func loadInflaMix(path string) (*scores.InflaMixModel, error) {
	if path == "" {
		path = os.Getenv(inflamixEnv)
	}
	if path == "" {
		return nil, nil
	}
	return scores.LoadInflaMixFile(path)
}

func (m *modelFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.model, "model", "", "model `file` (JSON) with fitted or transcribed CAR-IMPI or IMPI coefficients")
	fs.StringVar(&m.inflamix, "inflamix-model", "", inflamixFlagUsage)
	fs.StringVar(&m.units, "units", "", "units of the inputs when not canonical, e.g. `crp=mg/L,hb=g/L,plt=/uL`")
	fs.StringVar(&m.defaultULN, "default-uln", "", "upper limits of normal used when a patient has none, e.g. `ldh=240,crp=0.5` (in the labs' units)")
}

// scorer returns the scorer with the model file installed, and the units.
func (m *modelFlags) scorer() (*scores.Scorer, scores.Units, error) {
	s := scores.NewScorer()
	im, err := loadInflaMix(m.inflamix)
	if err != nil {
		return nil, nil, err
	}
	s.InflaMix = im
	if m.model != "" {
		cm, err := scores.LoadFile(m.model)
		if err != nil {
			return nil, nil, err
		}
		if err := s.Use(cm); err != nil {
			return nil, nil, err
		}
	}
	u, err := scores.ParseUnits(m.units)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	for _, item := range strings.Split(m.defaultULN, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		name, val, _ := strings.Cut(item, "=")
		f, ok := scores.FieldByName(strings.TrimSpace(name) + "_uln")
		if !ok {
			return nil, nil, usagef("--default-uln: %q is not lab=value for a lab with an upper limit of normal", item)
		}
		v, err := scores.ParseValue(f, val, false)
		if err == nil {
			v, err = f.Convert(v, u[f])
		}
		if err != nil || !(v > 0) {
			return nil, nil, usagef("--default-uln: %s must be a number > 0", f.Name())
		}
		s.DefaultULN[f] = v
	}
	return s, u, nil
}

func newScoreCmd() *Command {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	p := scores.NewPatient("")
	var mf modelFlags
	mf.register(fs)
	format := fs.String("format", "table", "output `format`: table or json")
	fs.StringVar(&p.ID, "id", "", "patient identifier (optional, echoed)")
	for f := scores.Field(0); f < scores.NumFields; f++ {
		info := f.Info()
		usage := info.Description
		if info.Unit != "" {
			usage += " (" + info.Unit + ")"
		}
		if info.DefaultULN != 0 {
			usage += fmt.Sprintf("; default %g", info.DefaultULN)
		}
		if info.Required {
			usage += "; required"
		}
		fs.Var(fieldFlag{&p, f}, flagName(f), usage)
	}
	fs.Var(fieldFlag{&p, scores.MTV}, "mtv-ml", "same as --mtv")
	c := &Command{
		Name:      "score",
		UsageLine: "score --age N --stage 1-4 --mtv ML [--ecog N --ldh U/L --ldh-uln U/L --crp MG/DL ...] [--model model.json] [--units crp=mg/L,...] [--format table|json]",
		Short:     "every applicable index for one patient",
		Long: `Score computes, for one patient, every index whose inputs are given:
IMPI, CAR-IMPI (with --model), CAR-HEMATOTOX, InflaMix, IPI, R-IPI,
NCCN-IPI, EASIX, m-EASIX and the combined CAR-IMPI groups of the CAR-IMPI
paper. Each input has a flag named after its data dictionary column (with
'-' for '_'); values are in canonical units (CRP mg/dL, Hb g/dL, platelets
and ANC 10^9/L, ferritin ng/mL, LDH U/L, creatinine mg/dL, MTV mL) unless
--units says otherwise. Each lab's upper limit of normal (--crp-uln, ...)
defaults to the official InflaMix calculator's.

CAR-IMPI's age and stage coefficients are in the paper's supplement, which
carimpi does not ship: CAR-IMPI needs --model model.json (written by
"carimpi study" or by hand; see "carimpi models").

The table is for reading. --format json gives the row of "carimpi batch"
(patient_id, impi, car_impi, ..., warnings) at the top level, "notes" on
indices that could not be computed, and "patient" (the inputs in canonical
units), "detail" (each index with its terms or points, groups and the
inputs it could not use, and why) and "models" (versions and citations).`,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		defer resetFlags(fs)
		if err := checkFormat(*format, "table", "json"); err != nil {
			return err
		}
		s, units, err := mf.scorer()
		if err != nil {
			return err
		}
		for f, unit := range units {
			if p.Has(f) {
				v, _ := f.Convert(p.Get(f), unit)
				p.Set(f, v)
			}
		}
		r := s.Score(&p)
		if len(r.Errors) > 0 {
			msgs := make([]string, len(r.Errors))
			for i, e := range r.Errors {
				msgs[i] = e.Message
			}
			if !p.Has(scores.Age) || !p.Has(scores.Stage) || !p.Has(scores.MTV) {
				return usagef("%s", strings.Join(msgs, "; "))
			}
			return errors.New(strings.Join(msgs, "; "))
		}
		if *format == "json" {
			return writeScoreJSON(stdout, &p, &r, s)
		}
		return writeScoreTable(stdout, &r, s)
	}
	return c
}

// writeScoreJSON writes the result of one patient: "notice", "simulated"
// (a model in use was fitted on simulated data), the batch
// row's keys (patient_id, impi, car_impi, ..., warnings) at the top level,
// "notes" (why an index is absent, e.g. CAR-IMPI without a model file),
// then "patient" (the inputs in canonical units), "detail" (every index
// with its terms, groups and inputs not used) and "models" (provenance).
func writeScoreJSON(w io.Writer, p *scores.Patient, r *scores.Result, s *scores.Scorer) error {
	row := r.Row()
	flat := row.AppendJSON(nil)
	notes := []string{}
	for _, ix := range r.Indices() {
		if math.IsNaN(ix.Value) && len(ix.Groups) == 0 && ix.Note != "" {
			notes = append(notes, ix.Name+": "+ix.Note)
		}
	}
	rest, err := json.Marshal(struct {
		Notes   []string        `json:"notes"`
		Patient *scores.Patient `json:"patient"`
		Detail  *scores.Result  `json:"detail"`
		Models  []scores.Info   `json:"models"`
	}{notes, p, r, s.Models()})
	if err != nil {
		return err
	}
	notice, _ := json.Marshal(researchNotice)
	var b []byte
	b = append(b, `{"notice":`...)
	b = append(b, notice...)
	b = append(b, fmt.Sprintf(`,"simulated":%t,`, s.Simulated())...)
	b = append(b, flat[1:len(flat)-1]...)
	b = append(b, ',')
	b = append(b, rest[1:]...)
	return jsonx.Write(w, json.RawMessage(b))
}

func fmtValue(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e6 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func writeScoreTable(w io.Writer, r *scores.Result, s *scores.Scorer) error {
	if s.Simulated() {
		fmt.Fprintf(w, "*** %s ***\n", scores.SimulatedWarning)
	}
	fmt.Fprintf(w, "carimpi score  %s\n", researchNotice)
	if r.PatientID != "" {
		fmt.Fprintf(w, "patient %s\n", r.PatientID)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "index\tvalue\tgroup\tnote")
	for _, ix := range r.Indices() {
		var groups []string
		for _, g := range ix.Groups {
			groups = append(groups, g.Scheme+": "+g.Name)
		}
		note := ix.Note
		switch {
		case ix.ID == scores.IDInflaMix && !math.IsNaN(ix.Value):
			note = fmt.Sprintf("%d of 14 labs", ix.Used)
		case ix.ID == scores.IDEASIX || ix.ID == scores.IDMEASIX:
			if !math.IsNaN(ix.Log2) {
				note = "log2 " + fmtValue(ix.Log2)
			}
		}
		if math.IsNaN(ix.Value) && len(ix.Groups) == 0 && note == "" && len(ix.Unusable) > 0 {
			var miss []string
			for _, u := range ix.Unusable {
				miss = append(miss, u.Field+" "+u.Message)
			}
			note = "not computed: " + strings.Join(miss, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ix.Name, fmtValue(ix.Value), strings.Join(groups, "; "), note)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nterms (input = value -> points or term):")
	for _, ix := range r.Indices() {
		if len(ix.Terms) == 0 || ix.ID == scores.IDRIPI {
			continue
		}
		var ts []string
		for _, t := range ix.Terms {
			ts = append(ts, fmt.Sprintf("%s = %s -> %s", t.Input, fmtValue(float64(t.Value)), fmtValue(float64(t.Points))))
		}
		fmt.Fprintf(w, "  %-14s %s\n", ix.Name, strings.Join(ts, "; "))
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintln(w, "\nwarnings:")
		for _, wn := range r.Warnings {
			fmt.Fprintf(w, "  %s\n", wn.Message)
		}
	}
	fmt.Fprintln(w, "\nmodels:")
	for _, ref := range s.Refs() {
		doi := ""
		if ref.DOI != "" {
			doi = "  doi:" + ref.DOI
		}
		fmt.Fprintf(w, "  %-20s %s%s\n", ref.Name, ref.Version, doi)
		if ref.Provenance != nil {
			fmt.Fprintf(w, "  %-20s %s\n", "", ref.Provenance.Describe())
		}
	}
	return nil
}
