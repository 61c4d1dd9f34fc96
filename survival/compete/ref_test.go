package compete

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"

	"carimpi/internal/reftest"
	"carimpi/survival/cox"
	"carimpi/table"
)

// rdata is a data set read as R reads it for one analysis: rows with a
// missing value in any used column dropped (na.omit), groups and strata
// coded in R's factor-level order, causes 1..k in increasing code order.
type rdata struct {
	time          []float64
	status        []int // 0 censored, k = k-th cause code
	causes        []float64
	group, strata []int
	groups        []string
	keep          []int
}

func readR(t *testing.T, path, timeCol, causeCol, groupCol, strataCol string, cencode float64) *rdata {
	t.Helper()
	tab := reftest.Table(t, path)
	floats := func(c string) []float64 {
		v, err := tab.Floats(c)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	strs := func(c string) []string {
		if c == "" {
			return nil
		}
		v, err := tab.Strings(c)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tm, cs := floats(timeCol), floats(causeCol)
	gr, st := strs(groupCol), strs(strataCol)
	d := &rdata{}
	for i := range tm {
		if math.IsNaN(tm[i]) || math.IsNaN(cs[i]) || (gr != nil && table.IsMissing(gr[i])) || (st != nil && table.IsMissing(st[i])) {
			continue
		}
		d.keep = append(d.keep, i)
		if cs[i] != cencode && !slices.Contains(d.causes, cs[i]) {
			d.causes = append(d.causes, cs[i])
		}
	}
	slices.Sort(d.causes)
	code := func(cells []string) ([]int, []string) {
		var lv []string
		for _, i := range d.keep {
			if !slices.Contains(lv, cells[i]) {
				lv = append(lv, cells[i])
			}
		}
		slices.Sort(lv)
		out := make([]int, len(d.keep))
		for k, i := range d.keep {
			out[k] = slices.Index(lv, cells[i])
		}
		return out, lv
	}
	for _, i := range d.keep {
		d.time = append(d.time, tm[i])
		s := 0
		if cs[i] != cencode {
			s = slices.Index(d.causes, cs[i]) + 1
		}
		d.status = append(d.status, s)
	}
	if gr != nil {
		d.group, d.groups = code(gr)
	} else {
		d.groups = []string{"1"}
	}
	if st != nil {
		d.strata, _ = code(st)
	}
	return d
}

func fmtCode(c float64) string { return strconv.FormatFloat(c, 'g', -1, 64) }

func TestCumIncReference(t *testing.T) {
	var file struct{ Cases []reftest.CumIncCase }
	reftest.Load(t, "testdata/cuminc.json", &file)
	if len(file.Cases) < 10 {
		t.Fatalf("%d cases", len(file.Cases))
	}
	for _, tc := range file.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			cen := 0.0
			if tc.Args.Cencode != nil {
				cen = *tc.Args.Cencode
			}
			d := readR(t, "testdata/"+tc.Data, tc.Args.Time, tc.Args.Cause, tc.Args.Group, tc.Args.Strata, cen)
			curves, err := CumInc(d.time, d.status, d.group, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(curves) != len(tc.Curves) {
				t.Fatalf("%d curves, want %d", len(curves), len(tc.Curves))
			}
			for k, want := range tc.Curves {
				c := curves[k]
				name := d.groups[c.Group] + " " + fmtCode(d.causes[c.Cause-1])
				if name != want.Name {
					t.Fatalf("curve %d is %q, want %q", k, name, want.Name)
				}
				reftest.Floats(t, name+" time", c.Time, want.Time, 0)
				reftest.Floats(t, name+" est", c.Est, want.Est, 1e-12)
				reftest.Floats(t, name+" var", c.Var, want.Var, 1e-12)
				times, est, vr := c.At(tc.Timepoints.Times)
				reftest.Floats(t, name+" timepoints", times, tc.Timepoints.Times, 0)
				reftest.Floats(t, name+" est at times", est, tc.Timepoints.Est[k], 1e-12)
				reftest.Floats(t, name+" var at times", vr, tc.Timepoints.Var[k], 1e-12)
			}
			if tc.Args.Group == "" {
				if tc.Tests != nil {
					t.Fatal("tests without groups")
				}
				return
			}
			if len(tc.Tests) != len(d.causes) {
				t.Fatalf("%d tests for %d causes", len(tc.Tests), len(d.causes))
			}
			for k, want := range tc.Tests {
				g, err := Gray(d.time, d.status, d.group, d.strata, k+1, tc.Args.Rho)
				if err != nil {
					t.Fatal(err)
				}
				what := "Gray cause " + want.Cause
				reftest.Close(t, what+" statistic", g.Statistic, want.Stat, 1e-10)
				reftest.Close(t, what+" p", g.P, want.PV, 1e-9)
				if g.DF != want.DF {
					t.Errorf("%s df = %d, want %d", what, g.DF, want.DF)
				}
			}
		})
	}
}

type crrCase struct {
	Name string
	Data string
	Args struct {
		Time, Cause, Terms, Cengroup string
		Failcode, Cencode            float64
	}
	Coef, SE, P   []float64
	Var, Inf      [][]float64
	Loglik        float64
	LoglikNull    float64 `json:"loglik_null"`
	Converged     bool
	N             int
	Uftime, Bfitj []float64
}

// frameColumns serves the kept rows of a table to cox.NewDesign.
type frameColumns struct {
	tab  *table.Table
	keep []int
}

func (f frameColumns) Floats(col string) ([]float64, error) {
	v, err := f.tab.Floats(col)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(f.keep))
	for k, i := range f.keep {
		out[k] = v[i]
	}
	return out, nil
}

func (f frameColumns) Strings(col string) ([]string, error) {
	v, err := f.tab.Strings(col)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(f.keep))
	for k, i := range f.keep {
		out[k] = v[i]
	}
	return out, nil
}

func (f frameColumns) Codes(col string) ([]int32, []string, error) {
	v, err := f.Strings(col)
	if err != nil {
		return nil, nil, err
	}
	var lv []string
	codes := make([]int32, len(v))
	for i, c := range v {
		k := slices.Index(lv, c)
		if k < 0 {
			k = len(lv)
			lv = append(lv, c)
		}
		codes[i] = int32(k)
	}
	return codes, lv, nil
}

func TestFineGrayReference(t *testing.T) {
	var file struct{ Cases []crrCase }
	reftest.Load(t, "testdata/crr.json", &file)
	if len(file.Cases) < 7 {
		t.Fatalf("%d cases", len(file.Cases))
	}
	for _, tc := range file.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			terms, err := cox.ParseTerms(tc.Args.Terms)
			if err != nil {
				t.Fatal(err)
			}
			tab := reftest.Table(t, "testdata/"+tc.Data)
			used := append(cox.Vars(terms), tc.Args.Time, tc.Args.Cause)
			if tc.Args.Cengroup != "" {
				used = append(used, tc.Args.Cengroup)
			}
			var keep []int
		rows:
			for i := range tab.Rows {
				for _, c := range used {
					v, err := tab.Strings(c)
					if err != nil {
						t.Fatal(err)
					}
					if table.IsMissing(v[i]) {
						continue rows
					}
				}
				keep = append(keep, i)
			}
			fc := frameColumns{tab, keep}
			design, err := cox.NewDesign(terms, fc)
			if err != nil {
				t.Fatal(err)
			}
			tm, _ := fc.Floats(tc.Args.Time)
			cs, _ := fc.Floats(tc.Args.Cause)
			status := make([]int, len(cs))
			for i, c := range cs {
				switch c {
				case tc.Args.Cencode:
				case tc.Args.Failcode:
					status[i] = 1
				default:
					status[i] = 2
				}
			}
			opt := &FGOptions{Names: design.Names}
			if tc.Args.Cengroup != "" {
				cells, _ := fc.Strings(tc.Args.Cengroup)
				var lv []string
				for _, c := range cells {
					if !slices.Contains(lv, c) {
						lv = append(lv, c)
					}
				}
				slices.Sort(lv)
				opt.CensGroup = make([]int, len(cells))
				for i, c := range cells {
					opt.CensGroup[i] = slices.Index(lv, c)
				}
			}
			m, err := FineGray(tm, status, design.X, opt)
			if err != nil {
				t.Fatal(err)
			}
			if m.N != tc.N || m.Converged != tc.Converged {
				t.Errorf("n = %d, converged = %v; want %d, %v", m.N, m.Converged, tc.N, tc.Converged)
			}
			reftest.Floats(t, "coef", m.Coef, tc.Coef, 1e-9)
			reftest.Floats(t, "se", m.SE, tc.SE, 1e-9)
			reftest.Floats(t, "p", m.P, tc.P, 1e-9)
			for j := range tc.Var {
				reftest.Floats(t, fmt.Sprintf("var[%d]", j), m.Var[j], tc.Var[j], 1e-9)
				reftest.Floats(t, fmt.Sprintf("inf[%d]", j), m.Inf[j], tc.Inf[j], 1e-6)
			}
			reftest.Close(t, "loglik", m.Loglik, tc.Loglik, 1e-9)
			reftest.Close(t, "loglik null", m.LoglikNull, tc.LoglikNull, 1e-12)
			reftest.Floats(t, "uftime", m.FailTimes, tc.Uftime, 0)
			reftest.Floats(t, "bfitj", m.BaseHaz, tc.Bfitj, 1e-6)
		})
	}
}
