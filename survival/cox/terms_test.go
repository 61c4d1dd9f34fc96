package cox_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"carimpi/survival/cox"
	"carimpi/table"
)

// mapData is an in-memory cox.Data.
type mapData map[string][]string

func (m mapData) Codes(col string) ([]int32, []string, error) {
	codes, levels := codeCells(m[col])
	return codes, levels, nil
}

// codeCells codes text cells as table.Codes does.
func codeCells(cells []string) ([]int32, []string) {
	var c table.Codes
	codes := make([]int32, len(cells))
	for i, s := range cells {
		codes[i] = c.Code([]byte(s))
	}
	return codes, c.Levels
}
func (m mapData) Floats(col string) ([]float64, error) {
	var out []float64
	for _, s := range m[col] {
		var v float64
		if _, err := fmt.Sscan(s, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func TestDesign(t *testing.T) {
	data := mapData{
		"age":  {"50", "61", "70", "80"},
		"cell": {"squamous", "adeno", "large", "adeno"},
		"ecog": {"2", "10", "1", "2"},
	}
	terms, err := cox.ParseTerms(" age , factor( cell , ref = large ), factor(ecog), lspseg(age,60,75), lsp(age,60)")
	if err != nil {
		t.Fatal(err)
	}
	d, err := cox.NewDesign(terms, data)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"age", "cell=adeno", "cell=squamous", "ecog=2", "ecog=10", "age[<60]", "age[60,75)", "age[>=75]", "age", "age'"}
	if !slices.Equal(d.Names, wantNames) {
		t.Errorf("names %q, want %q", d.Names, wantNames)
	}
	if !slices.Equal(d.TermOf, []int{0, 1, 1, 2, 2, 3, 3, 3, 4, 4}) {
		t.Errorf("TermOf %v", d.TermOf)
	}
	// row 2: age 61, cell adeno, ecog 10
	var row []float64
	for j := range d.X {
		row = append(row, d.X[j][1])
	}
	want := []float64{61, 1, 0, 0, 1, 60, 1, 0, 61, 1}
	if !slices.Equal(row, want) {
		t.Errorf("row 2 = %v, want %v", row, want)
	}
	got, err := d.Row(map[string]string{"age": "61", "cell": "adeno", "ecog": "10"})
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Row = %v, %v; want %v", got, err, want)
	}
	if _, err := d.Row(map[string]string{"age": "61", "cell": "oat", "ecog": "1"}); err == nil || !strings.Contains(err.Error(), "oat") {
		t.Errorf("unknown level: %v", err)
	}
	for _, bad := range []string{"", "age,", "f(age)", "factor(cell,base=a)", "rcs(age,2)", "lsp(age)", "lsp(age,70,60)", "age)", "(age", "lsp(age,x)"} {
		if _, err := cox.ParseTerms(bad); err == nil {
			t.Errorf("ParseTerms(%q): no error", bad)
		}
	}
	for _, bad := range []string{"factor(cell,ref=oat)", "factor(one)"} {
		terms, err := cox.ParseTerms(bad)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cox.NewDesign(terms, mapData{"cell": {"a", "b"}, "one": {"x", "x"}}); err == nil {
			t.Errorf("NewDesign(%q): no error", bad)
		}
	}
}

func FuzzParseTerms(f *testing.F) {
	for _, s := range []string{"age,sex", "factor(celltype,ref=squamous)", "rcs(age,4),lsp(mtv,44.3)", "lspseg(x,1,2,3)", "((", "a,,b", "factor(x,ref=)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms, err := cox.ParseTerms(s)
		if err != nil {
			return
		}
		for _, tm := range terms {
			if tm.Var == "" {
				t.Errorf("%q: term without a column", s)
			}
			if !slices.IsSorted(tm.Knots) {
				t.Errorf("%q: knots not sorted", s)
			}
		}
	})
}
