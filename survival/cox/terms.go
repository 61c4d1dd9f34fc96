package cox

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"carimpi/internal/factor"
	"carimpi/survival/spline"
)

// TermKind is the kind of a model term.
type TermKind int

const (
	Numeric     TermKind = iota // col: the column as a number
	Factor                      // factor(col) or factor(col,ref=level): treatment contrasts
	RCS                         // rcs(col,k): restricted cubic spline, k knots (rms::rcs)
	LSP                         // lsp(col,k1,k2,...): x, (x-k1)+, ... (rms::lsp)
	LSPSegments                 // lspseg(col,k1,...): slope per segment
)

// Term is one term of a model formula, expanded into one or more design
// columns by NewDesign.
type Term struct {
	Kind  TermKind
	Var   string    // the data column
	Ref   string    // Factor: reference level ("" = the first level)
	NK    int       // RCS: number of knots asked for
	Knots []float64 // LSP, LSPSegments: given; RCS: set by NewDesign
	// Levels are a factor's levels in order, the reference first; set by
	// NewDesign.
	Levels []string
}

// ParseTerms parses a comma-separated term list such as
//
//	age, sex, factor(celltype,ref=squamous), rcs(age,4), lsp(mtv,44.3), lspseg(mtv,44.3)
//
// Commas inside parentheses separate a term's arguments. Spaces are
// ignored around names and arguments.
func ParseTerms(s string) ([]Term, error) {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("terms %q: unbalanced ')'", s)
			}
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("terms %q: unbalanced '('", s)
	}
	parts = append(parts, s[start:])
	var terms []Term
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, fmt.Errorf("terms %q: empty term", s)
		}
		t, err := parseTerm(p)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return terms, nil
}

func parseTerm(p string) (Term, error) {
	open := strings.IndexByte(p, '(')
	if open < 0 {
		if strings.ContainsAny(p, ")=") {
			return Term{}, fmt.Errorf("term %q: not a column name or function", p)
		}
		return Term{Kind: Numeric, Var: p}, nil
	}
	if !strings.HasSuffix(p, ")") {
		return Term{}, fmt.Errorf("term %q: text after ')'", p)
	}
	fn := strings.TrimSpace(p[:open])
	var args []string
	for _, a := range strings.Split(p[open+1:len(p)-1], ",") {
		args = append(args, strings.TrimSpace(a))
	}
	if args[0] == "" {
		return Term{}, fmt.Errorf("term %q: missing column name", p)
	}
	t := Term{Var: args[0]}
	switch fn {
	case "factor":
		t.Kind = Factor
		for _, a := range args[1:] {
			k, v, ok := strings.Cut(a, "=")
			if !ok || strings.TrimSpace(k) != "ref" {
				return Term{}, fmt.Errorf("term %q: factor takes only ref=LEVEL", p)
			}
			t.Ref = strings.TrimSpace(v)
		}
	case "rcs":
		t.Kind = RCS
		if len(args) != 2 {
			return Term{}, fmt.Errorf("term %q: use rcs(column,knots)", p)
		}
		k, err := strconv.Atoi(args[1])
		if err != nil || k < 3 {
			return Term{}, fmt.Errorf("term %q: the number of knots must be an integer >= 3", p)
		}
		t.NK = k
	case "lsp", "lspseg":
		t.Kind = LSP
		if fn == "lspseg" {
			t.Kind = LSPSegments
		}
		if len(args) < 2 {
			return Term{}, fmt.Errorf("term %q: use %s(column,knot1,knot2,...)", p, fn)
		}
		for _, a := range args[1:] {
			k, err := strconv.ParseFloat(a, 64)
			if err != nil || math.IsNaN(k) || math.IsInf(k, 0) {
				return Term{}, fmt.Errorf("term %q: knot %q is not a number", p, a)
			}
			if len(t.Knots) > 0 && k <= t.Knots[len(t.Knots)-1] {
				return Term{}, fmt.Errorf("term %q: knots must be increasing", p)
			}
			t.Knots = append(t.Knots, k)
		}
	default:
		return Term{}, fmt.Errorf("term %q: unknown function %q (use factor, rcs, lsp or lspseg)", p, fn)
	}
	return t, nil
}

// Vars returns the distinct data columns the terms use, in order.
func Vars(terms []Term) []string {
	var out []string
	for _, t := range terms {
		if !slices.Contains(out, t.Var) {
			out = append(out, t.Var)
		}
	}
	return out
}

// Data gives a design builder the values of a column: as numbers, or as
// text coded into its distinct values (factor levels): row i holds
// levels[codes[i]]. Rows with a missing value must be removed first.
type Data interface {
	Floats(col string) ([]float64, error)
	Codes(col string) (codes []int32, levels []string, err error)
}

// Design is a design matrix built from terms.
type Design struct {
	Terms  []Term      // with Knots and Levels filled in
	Names  []string    // column names
	TermOf []int       // term index of each column
	X      [][]float64 // X[j] = column j
}

// NewDesign builds the design matrix of the terms:
//
//   - a numeric term is one column named after it;
//   - factor(col,ref=L) has treatment contrasts: one 0/1 column "col=level"
//     per level other than the reference. Levels are ordered numerically
//     when all of them are numbers, else as sorted strings (what R's
//     factor() does to a text column); the reference is L, or the first
//     level. With the reference first the remaining order is kept, as R's
//     relevel(). R names these columns "collevel".
//   - rcs(col,k): Harrell's default knots from the rows present
//     (spline.RCSKnots), columns col, col', col”, ... (rms names);
//   - lsp(col,k1,...): col, col', col”, ... = x, (x-k1)+, ... (rms::lsp);
//   - lspseg(col,k1,...): one column per segment, named col[<k1], col[k1,k2),
//     ..., col[>=km], each coefficient the slope within its segment.
//
// A numeric term's column is the slice data.Floats returned, not a copy.
// It returns an error naming the column for text in a numeric column, a
// factor with one level, or an unknown reference level.
func NewDesign(terms []Term, data Data) (*Design, error) {
	d := &Design{}
	for ti, t := range terms {
		var names []string
		var cols [][]float64
		switch t.Kind {
		case Factor:
			codes, values, err := data.Codes(t.Var)
			if err != nil {
				return nil, err
			}
			trimmed := make([]string, len(values))
			for i, v := range values {
				trimmed[i] = strings.TrimSpace(v)
			}
			levels, err := factorLevels(trimmed, t.Ref)
			if err != nil {
				return nil, fmt.Errorf("factor(%s): %v", t.Var, err)
			}
			t.Levels = levels
			// col[c] is the design column of code c, -1 for the reference.
			col := make([]int, len(values))
			for c, v := range trimmed {
				col[c] = slices.Index(levels, v) - 1
			}
			cols = make([][]float64, len(levels)-1)
			for k, l := range levels[1:] {
				cols[k] = make([]float64, len(codes))
				names = append(names, t.Var+"="+l)
			}
			for i, c := range codes {
				if k := col[c]; k >= 0 {
					cols[k][i] = 1
				}
			}
		default:
			x, err := data.Floats(t.Var)
			if err != nil {
				return nil, err
			}
			if t.Kind == RCS {
				k, err := spline.RCSKnots(x, t.NK)
				if err != nil {
					return nil, fmt.Errorf("rcs(%s,%d): %v", t.Var, t.NK, err)
				}
				t.Knots = k
			}
			t.Knots = slices.Clone(t.Knots)
			names = t.columnNames()
			if t.Kind == Numeric {
				cols = [][]float64{x} // the column itself, not a copy
				break
			}
			cols = make([][]float64, len(names))
			for j := range cols {
				cols[j] = make([]float64, len(x))
			}
			var row []float64
			for i, v := range x {
				row = t.basis(row, v)
				for j := range cols {
					cols[j][i] = row[j]
				}
			}
		}
		d.Terms = append(d.Terms, t)
		for j := range names {
			d.Names = append(d.Names, names[j])
			d.X = append(d.X, cols[j])
			d.TermOf = append(d.TermOf, ti)
		}
	}
	return d, nil
}

// basis writes the term's columns at the number v (not for factors).
func (t Term) basis(dst []float64, v float64) []float64 {
	switch t.Kind {
	case RCS:
		return spline.RCS(dst, v, t.Knots)
	case LSP:
		return spline.LSP(dst, v, t.Knots)
	case LSPSegments:
		return spline.LSPSegments(dst, v, t.Knots)
	}
	return append(dst[:0], v)
}

func (t Term) columnNames() []string {
	switch t.Kind {
	case RCS, LSP:
		n := len(t.Knots) + 1
		if t.Kind == RCS {
			n = len(t.Knots) - 1
		}
		out := []string{t.Var}
		for j := 1; j < n; j++ {
			out = append(out, t.Var+strings.Repeat("'", j))
		}
		return out
	case LSPSegments:
		f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		out := []string{fmt.Sprintf("%s[<%s]", t.Var, f(t.Knots[0]))}
		for j := 1; j < len(t.Knots); j++ {
			out = append(out, fmt.Sprintf("%s[%s,%s)", t.Var, f(t.Knots[j-1]), f(t.Knots[j])))
		}
		return append(out, fmt.Sprintf("%s[>=%s]", t.Var, f(t.Knots[len(t.Knots)-1])))
	}
	return []string{t.Var}
}

// factorLevels orders the distinct cells in R's factor order
// (factor.Levels) and moves ref to the front (factor.Relevel).
func factorLevels(cells []string, ref string) ([]string, error) {
	levels := factor.Levels(cells)
	if len(levels) < 2 {
		return nil, fmt.Errorf("has a single level %q; a factor needs at least 2", strings.Join(levels, ""))
	}
	if ref != "" {
		return factor.Relevel(levels, ref)
	}
	return levels, nil
}

// Row returns the design row of one covariate vector given as text by
// column (numbers for numeric and spline terms, a level for factors), for
// predictions such as Model.LP and Model.Survfit. An unknown level or a
// missing or non-numeric value is an error naming the column.
func (d *Design) Row(values map[string]string) ([]float64, error) {
	var out, buf []float64
	for _, t := range d.Terms {
		s, ok := values[t.Var]
		s = strings.TrimSpace(s)
		if !ok || s == "" {
			return nil, fmt.Errorf("%s: value missing", t.Var)
		}
		if t.Kind == Factor {
			if !slices.Contains(t.Levels, s) {
				return nil, fmt.Errorf("%s: level %q was not in the data (levels %s)", t.Var, s, strings.Join(t.Levels, ", "))
			}
			for _, l := range t.Levels[1:] {
				v := 0.0
				if l == s {
					v = 1
				}
				out = append(out, v)
			}
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: %q is not a number", t.Var, s)
		}
		buf = t.basis(buf, v)
		out = append(out, buf...)
	}
	return out, nil
}
