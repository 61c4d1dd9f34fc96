package cohort

import (
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"text/tabwriter"

	"carimpi/internal/jsonx"
	"carimpi/internal/textsafe"
)

// SimulatedNotice marks every file and report made from synthetic data.
const SimulatedNotice = "simulated — not patient data"

// Report is the validation report of an import: every data row is either
// accepted or listed in Excluded with its reasons, and every problem is
// listed by row, column and value with its likely fix.
type Report struct {
	Source    string `json:"source"`
	Simulated bool   `json:"simulated"`
	// Rows counts the data rows read (blank lines not included);
	// Rows = Accepted + ExcludedTotal.
	Rows      int `json:"rows"`
	Accepted  int `json:"accepted"`
	BlankRows int `json:"blank_rows"`
	// Excluded lists the excluded rows in file order (the first
	// Options.MaxListed when set; ExcludedTotal counts them all).
	Excluded      []Exclusion `json:"excluded"`
	ExcludedTotal int         `json:"excluded_total"`
	// Problems lists the problems in the order found (the first
	// Options.MaxListed when set); Row 0 is a problem of a whole column.
	// ProblemsTotal counts them all, ErrorCount and WarningCount by
	// severity.
	Problems      []Problem `json:"problems"`
	ProblemsTotal int       `json:"problems_total"`
	ErrorCount    int       `json:"errors"`
	WarningCount  int       `json:"warnings"`
	// Columns is how source columns were read; Ignored lists the source
	// columns that are not in the dictionary.
	Columns []ColumnMap `json:"columns"`
	Ignored []string    `json:"ignored_columns"`
	// ExcludeTopMTV, MTVQuantile and MTVThreshold describe the outlier
	// rule when it was applied: the fraction as given
	// (Options.ExcludeTopMTV), the quantile 1 - it and the threshold, NaN
	// (JSON null) otherwise. Text shows the fraction and quantile with
	// TopPercent and QuantileOf, not from MTVQuantile, whose binary
	// subtraction can add noise (1 - 0.07 = 0.9299999999999999).
	ExcludeTopMTV    float64     `json:"exclude_top_mtv,omitempty"`
	MTVQuantile      float64     `json:"mtv_outlier_quantile,omitempty"`
	MTVThreshold     jsonx.Float `json:"mtv_outlier_threshold"`
	ExcludedOutliers int         `json:"excluded_outliers"`
	// EventCoding names the event columns coded 1/2 as R's Surv (2 =
	// event), which were read as 0/1; absent for 0/1 columns.
	EventCoding map[string]string `json:"event_coding,omitempty"`
	// MTVOutlierCohorts names the cohorts whose MTVs the quantile was
	// taken over and the rule applied to (Cohort.ExcludeTopMTV); absent
	// when every accepted row counted.
	MTVOutlierCohorts []string `json:"mtv_outlier_cohorts,omitempty"`

	limit      int // Options.MaxListed
	onProblem  func(Problem)
	onExcluded func(Exclusion)
}

// addProblem counts p, lists it while fewer than the limit are listed (a
// problem of a whole column, Row 0, always) and passes it to
// Options.OnProblem.
func (r *Report) addProblem(p Problem) {
	r.ProblemsTotal++
	switch p.Severity {
	case SeverityError:
		r.ErrorCount++
	case SeverityWarning:
		r.WarningCount++
	}
	if r.limit <= 0 || len(r.Problems) < r.limit || p.Row == 0 {
		r.Problems = append(r.Problems, p)
	}
	if r.onProblem != nil {
		r.onProblem(p)
	}
}

// addExcluded is addProblem for an excluded row.
func (r *Report) addExcluded(e Exclusion) {
	r.ExcludedTotal++
	if r.limit <= 0 || len(r.Excluded) < r.limit {
		r.Excluded = append(r.Excluded, e)
	}
	if r.onExcluded != nil {
		r.onExcluded(e)
	}
}

// Problem is one finding about a cell, a row or a column.
type Problem struct {
	Row       int    `json:"row"`  // 1-based data row; 0 for a whole column
	Line      int    `json:"line"` // line of the CSV file or row of the sheet
	PatientID string `json:"patient_id,omitempty"`
	Column    string `json:"column"` // the source column
	Field     string `json:"field"`  // the dictionary name
	Value     string `json:"value"`
	Severity  string `json:"severity"` // error, warning or note
	Action    string `json:"action"`   // row excluded, set missing or kept
	Message   string `json:"message"`
	Fix       string `json:"fix"`
}

// Exclusion is an excluded row and why.
type Exclusion struct {
	Row       int      `json:"row"`
	Line      int      `json:"line"`
	PatientID string   `json:"patient_id,omitempty"`
	Outlier   bool     `json:"mtv_outlier"` // excluded by the MTV outlier rule
	Reasons   []string `json:"reasons"`
}

// ColumnMap records how a source column was read.
type ColumnMap struct {
	Source string `json:"source"`
	Field  string `json:"field"`
	Unit   string `json:"declared_unit,omitempty"`
}

// Errors counts the problems of severity error.
func (r *Report) Errors() int { return r.ErrorCount }

// Warnings counts the problems of severity warning.
func (r *Report) Warnings() int { return r.WarningCount }

// WriteText writes the report for a person to read: the counts, the
// excluded rows with their reasons, then every problem with its fix.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.Simulated {
		fmt.Fprintf(&b, "*** %s ***\n", SimulatedNotice)
	}
	fmt.Fprintf(&b, "%s: %d rows, %d accepted, %d excluded", textsafe.Terminal(r.Source), r.Rows, r.Accepted, r.ExcludedTotal)
	if r.BlankRows > 0 {
		fmt.Fprintf(&b, " (%d blank rows skipped)", r.BlankRows)
	}
	fmt.Fprintf(&b, "; %d errors, %d warnings\n", r.Errors(), r.Warnings())
	if r.MTVQuantile > 0 {
		fmt.Fprintf(&b, "MTV outlier rule: %d rows above the %s quantile (%s mL) excluded\n", r.ExcludedOutliers, QuantileOf(r.ExcludeTopMTV), FormatMTV(float64(r.MTVThreshold)))
	}
	if len(r.Ignored) > 0 {
		fmt.Fprintf(&b, "ignored columns (not in the dictionary; map them with --map): %s\n", textsafe.Terminal(textsafe.List(r.Ignored, ", ", 20)))
	}
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	if len(r.Excluded) > 0 {
		fmt.Fprintf(&b, "\nExcluded rows:\n")
		fmt.Fprintf(tw, "row\tline\tpatient_id\treason\n")
		for _, e := range r.Excluded {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\n", e.Row, e.Line, textsafe.Terminal(e.PatientID), textsafe.Terminal(strings.Join(e.Reasons, "; ")))
		}
		tw.Flush()
		if n := r.ExcludedTotal - len(r.Excluded); n > 0 {
			fmt.Fprintf(&b, "... and %d more excluded rows (--problems FILE lists every one)\n", n)
		}
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "\nProblems:\n")
		fmt.Fprintf(tw, "row\tline\tcolumn\tvalue\tseverity\taction\tproblem\tlikely fix\n")
		for _, p := range r.Problems {
			row := fmt.Sprint(p.Row)
			if p.Row == 0 {
				row = "all"
			}
			col := p.Column
			if p.Field != "" && p.Field != p.Column {
				col += " (" + p.Field + ")"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", row, p.Line, textsafe.Terminal(col), textsafe.Quote(p.Value), p.Severity, p.Action, textsafe.Terminal(p.Message), textsafe.Terminal(p.Fix))
		}
		tw.Flush()
		if n := r.ProblemsTotal - len(r.Problems); n > 0 {
			fmt.Fprintf(&b, "... and %d more problems (--problems FILE lists every one)\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// FormatMTV writes an MTV in mL for people, as every text of the outlier
// rule gives its threshold (the exclusion reasons, validate's report, the
// study's cohort flow): ten significant digits, never an exponent,
// trailing zeros dropped; "NA" for NaN. A type-7 quantile carries the noise
// of interpolating in binary (3341.1499999999946); ten digits drop it and
// keep every digit MTVs are measured with (3341.15, 20960.5).
func FormatMTV(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "NA"
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'e', 9, 64), 64) // a finite number always parses
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// QuantileOf writes the outlier rule's quantile 1 - p for people, as the
// decimal the user meant: p is taken as its shortest decimal (0.07) and
// 1 - p computed in decimal ("0.93"), not in binary
// (0.9299999999999999).
func QuantileOf(p float64) string {
	d, places := decimal(p)
	return trimDecimal(new(big.Rat).Sub(big.NewRat(1, 1), d).FloatString(places))
}

// TopPercent writes the fraction p of the outlier rule as a percentage of
// its shortest decimal: 0.025 is "2.5%".
func TopPercent(p float64) string {
	d, places := decimal(p)
	return trimDecimal(new(big.Rat).Mul(d, big.NewRat(100, 1)).FloatString(max(places-2, 0))) + "%"
}

// decimal returns the shortest decimal that reads back as p (exactly, as
// a rational) and its number of decimal places.
func decimal(p float64) (*big.Rat, int) {
	s := strconv.FormatFloat(p, 'f', -1, 64)
	d, _ := new(big.Rat).SetString(s) // a finite decimal always parses
	places := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		places = len(s) - i - 1
	}
	return d, places
}

// trimDecimal drops the trailing zeros of a decimal ("0.9750" is "0.975",
// "2.0" is "2").
func trimDecimal(s string) string {
	if strings.IndexByte(s, '.') < 0 {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}
