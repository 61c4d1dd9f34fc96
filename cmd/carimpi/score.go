package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"carimpi/internal/jsonx"
	"carimpi/record"
	"carimpi/scores"
)

func init() { register(newScoreCmd()) }

// fieldFlags holds the values of the field flags as written; they are
// read (Field.Parse, in the units of --units) when the command runs.
type fieldFlags map[record.Field]string

// fieldFlag sets one field's text.
type fieldFlag struct {
	m fieldFlags
	f record.Field
}

func (v fieldFlag) String() string {
	if v.m == nil {
		return ""
	}
	return v.m[v.f]
}

func (v fieldFlag) Set(s string) error {
	v.m[v.f] = s
	return nil
}

// resetFlags sets every flag back to its default after a run, so that a
// command value can run again in the same process (tests, the server).
func resetFlags(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
}

// flagName is the flag of a field: its column name with '-' for '_'
// (mtv_ml is --mtv).
func flagName(f record.Field) string {
	if f == record.MTV {
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

// files are the model files the flags read (the InflaMix model of
// --inflamix-model or $CARIMPI_INFLAMIX_MODEL): inputs no output may replace.
func (m *modelFlags) files() []string {
	inflamix := m.inflamix
	if inflamix == "" {
		inflamix = os.Getenv(inflamixEnv)
	}
	return []string{m.model, inflamix}
}

// register adds the flags; withUnits adds --units (score, models; batch
// has the file flags' --units).
func (m *modelFlags) register(fs *flag.FlagSet, withUnits bool) {
	fs.StringVar(&m.model, "model", "", "model `file` (JSON) with fitted or transcribed CAR-IMPI or IMPI coefficients")
	fs.StringVar(&m.inflamix, "inflamix-model", "", inflamixFlagUsage)
	if withUnits {
		fs.StringVar(&m.units, "units", "", "units of the inputs when not canonical, e.g. `crp=mg/L,hb=g/L,plt=/uL`")
	}
	fs.StringVar(&m.defaultULN, "default-uln", "", "upper limits of normal used when a patient has none, e.g. `ldh=240,crp=0.5` (in the labs' units)")
}

// scorer returns the scorer with the model file installed, and the units.
func (m *modelFlags) scorer() (*scores.Scorer, record.Units, error) {
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
	u, err := record.ParseUnits(m.units)
	if err != nil {
		return nil, nil, usagef("--%v", err)
	}
	for _, item := range strings.Split(m.defaultULN, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		name, val, _ := strings.Cut(item, "=")
		f, ok := record.Lookup(strings.TrimSpace(name) + "_uln")
		if !ok {
			return nil, nil, usagef("--default-uln: %q is not lab=value for a lab with an upper limit of normal", item)
		}
		r := record.New("")
		if is := f.Parse(&r, val, u); is.Severity == record.SeverityError || !f.Has(&r) {
			return nil, nil, usagef("--default-uln: %s must be a number > 0", f.Name())
		}
		s.DefaultULN[f] = f.Float(&r)
	}
	return s, u, nil
}

// scoreFields are the fields with a flag: every input of a model.
func scoreFields() []record.Field {
	used := map[string]bool{}
	for _, m := range scores.NewScorer().Models() {
		for _, in := range m.Inputs {
			used[in.Field] = true
		}
	}
	var out []record.Field
	for _, f := range record.Fields() {
		if used[f.Name()] {
			out = append(out, f)
		}
	}
	return out
}

func newScoreCmd() *Command {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	vals := fieldFlags{}
	var mf modelFlags
	mf.register(fs, true)
	format := fs.String("format", "table", "output `format`: table or json")
	id := fs.String("id", "", "patient identifier (optional, echoed)")
	decimal := fs.String("decimal", "", "decimal mark of the values: . (default) or , (as a file's --decimal)")
	thousands := fs.String("thousands", "", "thousands separator of the values: . , space or ' (default: none)")
	for _, f := range scoreFields() {
		info := f.Info()
		usage := info.Description
		if info.Unit != "" {
			usage += " (" + info.Unit + ")"
		}
		if info.DefaultULN != 0 {
			usage += fmt.Sprintf("; default %g", info.DefaultULN)
		}
		fs.Var(fieldFlag{vals, f}, flagName(f), usage)
	}
	fs.Var(fieldFlag{vals, record.MTV}, "mtv-ml", "same as --mtv")
	c := &Command{
		Name:      "score",
		UsageLine: "score [--age N --stage 1-4 --mtv ML] [--plt N --anc N --hb G/DL --crp MG/DL --ferritin NG/ML ...] [--model model.json] [--units crp=mg/L,...] [--format table|json]",
		Short:     "every index whose inputs are given, for one patient",
		Long: `Score computes, for one patient, every index from its own inputs: IMPI and
CAR-IMPI (with --model) from age, stage and MTV; CAR-HEMATOTOX from platelets,
ANC, Hb, CRP and ferritin; InflaMix from its labs; IPI, R-IPI, NCCN-IPI,
EASIX, m-EASIX and the combined CAR-IMPI groups of the CAR-IMPI paper. An
index whose inputs are missing or invalid is listed as unavailable with the
reason; the others are computed (before lymphodepletion, often before the PET
is segmented, the lab-based indices are what is wanted).

Each input has a flag named after its data dictionary column (with '-' for
'_'); values are read exactly as a file cell or an API value (stage IIIB is
3, with a note), in canonical units (CRP mg/dL, Hb g/dL, platelets and ANC
10^9/L, ferritin ng/mL, LDH U/L, creatinine mg/dL, MTV mL) unless --units
says otherwise. A value that cannot be right (MTV -5) is not used and
reported; only the indices that need it are unavailable. Each lab's upper
limit of normal (--crp-uln, ...) defaults to the official InflaMix
calculator's, and every default used is a warning naming the value.

CAR-IMPI's age and stage coefficients are in the paper's supplement, which
carimpi does not ship: CAR-IMPI needs --model model.json (written by
"carimpi study" or by hand; see "carimpi models").

The table is for reading. --format json gives the row of "carimpi batch"
(patient_id, impi, car_impi, ..., warnings, unavailable) at the top level,
"errors" (values not used, each with field, value, message and fix),
"notes" on indices that could not be computed, and "patient" (the inputs in
canonical units), "detail" (each index with its terms or points, groups and
the inputs it could not use, and why) and "models" (versions and citations).`,
		Flags: fs,
	}
	c.Run = func(stdout, stderr io.Writer) error {
		defer func() {
			resetFlags(fs)
			clear(vals)
		}()
		if err := checkFormat(*format, "table", "json"); err != nil {
			return err
		}
		s, units, err := mf.scorer()
		if err != nil {
			return err
		}
		if len(vals) == 0 {
			return usagef("give at least one input, e.g. --age 64 --stage 3 --mtv 120, or the labs --plt --anc --hb --crp --ferritin")
		}
		var fm record.Format
		if fm.Decimal, err = record.ParseMark("decimal", *decimal); err != nil {
			return usagef("%v", err)
		}
		if fm.Thousands, err = record.ParseMark("thousands", *thousands); err != nil {
			return usagef("%v", err)
		}
		if fm.Thousands == '.' && fm.Decimal == 0 {
			fm.Decimal = ','
		}
		if _, err := fm.Check(); err != nil {
			return usagef("--decimal/--thousands: %v", err)
		}
		p := record.New(*id)
		var issues []record.Issue
		for _, f := range scoreFields() {
			if v, ok := vals[f]; ok {
				if is := f.ParseFormat(&p, v, units, fm); is.Severity != "" {
					issues = append(issues, is)
				}
			}
		}
		r := s.Score(&p, issues...)
		for _, e := range r.Errors {
			fmt.Fprintf(stderr, "carimpi score: %s (not used)\n", e.Text())
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
func writeScoreJSON(w io.Writer, p *record.Record, r *scores.Result, s *scores.Scorer) error {
	row := r.Row()
	flat := row.AppendJSON(nil)
	notes := []string{}
	for _, ix := range r.Indices() {
		if math.IsNaN(ix.Value) && len(ix.Groups) == 0 && ix.Note != "" {
			notes = append(notes, ix.Name+": "+ix.Note)
		}
	}
	errs := r.Errors
	if errs == nil {
		errs = []record.Issue{}
	}
	rest, err := json.Marshal(struct {
		Errors  []record.Issue `json:"errors"`
		Notes   []string       `json:"notes"`
		Patient *record.Record `json:"patient"`
		Detail  *scores.Result `json:"detail"`
		Models  []scores.Info  `json:"models"`
	}{errs, notes, p, r, s.Models()})
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
			scheme := g.Scheme
			if g.Label != "" {
				scheme = g.Label
			}
			groups = append(groups, scheme+": "+g.Name)
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
		if note == "" {
			note = ix.Reason()
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
	fmt.Fprintln(w, "\nscope (what each computed index predicts, where it was validated, cutoffs used):")
	for _, ix := range r.Indices() {
		if sc := ix.Scope; sc != nil && !math.IsNaN(ix.Value) {
			fmt.Fprintf(w, "  %-14s predicts %s; validated in %s; inputs: %s; cutoffs: %s; on a cutoff: %s\n", ix.Name, sc.Predicts, sc.ValidatedIn, sc.Inputs, sc.Cutoffs, sc.OnCutoff)
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintln(w, "\nwarnings:")
		for _, wn := range r.Warnings {
			fmt.Fprintf(w, "  %s\n", wn.Text())
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
