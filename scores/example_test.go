package scores_test

import (
	"fmt"
	"strings"

	"carimpi/record"
	"carimpi/scores"
)

// Score one patient with the published models; CAR-IMPI needs a model
// file and InflaMix the user's copy of its model, and both say so.
func ExampleScorer_Score() {
	s := scores.NewScorer()
	p := record.New("pt-1")
	for f, v := range map[record.Field]float64{
		record.Age: 64, record.Stage: 3, record.MTV: 120, record.ECOG: 1, record.ExtranodalSites: 2, record.NCCNExtranodal: 1,
		record.LDH: 300, record.LDHULN: 250, record.CRP: 2.1, record.Ferritin: 800, record.Hb: 10, record.Plt: 120,
		record.ANC: 2, record.Creatinine: 1,
	} {
		f.SetFloat(&p, v)
	}
	r := s.Score(&p)
	fmt.Printf("IMPI %.4f\n", r.IMPI.Value)
	fmt.Printf("CAR-IMPI: %s\n", r.CARIMPI.Note[:strings.Index(r.CARIMPI.Note, " with")])
	fmt.Printf("CAR-HEMATOTOX %v (%s, paper %s)\n", r.Hematotox.Value, r.Hematotox.Group("original"), r.Hematotox.Group("paper"))
	fmt.Printf("InflaMix: %s\n", r.InflaMix.Note[:strings.Index(r.InflaMix.Note, ":")])
	fmt.Printf("IPI %v %s, R-IPI %s, NCCN-IPI %v %s\n", r.IPI.Value, r.IPI.Group("ipi"), r.RIPI.Group("r-ipi"), r.NCCNIPI.Value, r.NCCNIPI.Group("nccn-ipi"))
	fmt.Printf("EASIX %.3g (log2 %.3f), m-EASIX %.3g\n", r.EASIX.Value, r.EASIX.Log2, r.MEASIX.Value)
	// Output:
	// IMPI 1.1683
	// CAR-IMPI: needs a model file
	// CAR-HEMATOTOX 2 (high, paper low)
	// InflaMix: InflaMix model not installed
	// IPI 4 high, R-IPI poor, NCCN-IPI 5 high-intermediate
	// EASIX 2.5 (log2 1.322), m-EASIX 5.25
}

// Load a hand-written CAR-IMPI model file and score with it. The numbers
// are placeholders, not coefficients of any model. Nothing is inherited:
// without cutoffs the score has no risk groups, and the result says why.
func ExampleLoad() {
	m, err := scores.Load(strings.NewReader(`{"schema_version": 2, "id": "car-impi", "version": "example",
	  "source": "hand-entered", "citation": "placeholder numbers for the documentation",
	  "knot": 44.3,
	  "coefficients": {"mtv": 0.0111, "mtv_above_knot": -0.0111, "age": 0.0111, "stage2": 0.111, "stage3": 0.222, "stage4": 0.333}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := scores.NewScorer()
	s.Use(m)
	p := record.New("pt-2")
	record.Age.SetFloat(&p, 64)
	record.Stage.SetFloat(&p, 3)
	record.MTV.SetFloat(&p, 120)
	row := s.Row(&p)
	fmt.Printf("CAR-IMPI %.4f, median group %q\n", row.CARIMPI, row.CARIMPIMedianGroup)
	fmt.Println(row.Warnings[0][:strings.Index(row.Warnings[0], ":")+36])
	// Output:
	// CAR-IMPI 1.4241, median group ""
	// CAR-IMPI: the model file declares no cutoffs
}

// Stream a CSV table through the scorer: one output row per input row, in
// order; a value that cannot be used is reported and makes only the
// indices that need it unavailable (stage 5: IMPI and IPI, not EASIX).
func ExampleScorer_Batch() {
	in := "patient_id,age,stage,mtv_ml,ecog,ldh,ldh_uln,extranodal_sites,creatinine,plt\n" +
		"a,64,3,120,1,300,250,2,1,150\n" +
		"b,71,5,40,0,200,250,0,1,100\n"
	rd, err := record.NewCSVReader(strings.NewReader(in), "patients.csv", record.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var out strings.Builder
	sum, err := scores.NewScorer().Batch(rd, &out, scores.BatchOptions{Format: "csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n")[1:] {
		cells := strings.Split(line, ",")
		fmt.Printf("%s: impi=%q ipi=%q (%q) easix=%q\n", cells[0], cells[1], cells[9], cells[10], cells[14])
	}
	for _, e := range sum.Errors {
		fmt.Printf("row %d, %s = %q: %s\n", e.Row, e.Column, e.Value, e.Message)
	}
	// Output:
	// a: impi="1.168337453" ipi="4" ("high") easix="2"
	// b: impi="" ipi="" ("") easix="2"
	// row 2, stage = "5": stage 5 is outside the possible range 1-4
}
