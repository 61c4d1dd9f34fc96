package study

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"carimpi/render"
)

// testNames are the footnote names of the Table-1 rule's tests.
var testNames = map[string]string{
	"wilcoxon": "Wilcoxon rank-sum (Mann-Whitney U) test",
	"kruskal":  "Kruskal-Wallis test",
	"chisq":    "Pearson's chi-square test without continuity correction",
	"fisher":   "Fisher's exact test (an expected count < 5)",
}

// superscripts mark footnotes, in the order a table uses them.
var superscripts = []string{"ᵃ", "ᵇ", "ᶜ", "ᵈ", "ᵉ", "ᶠ", "ᵍ", "ʰ"}

// characteristicsTable lays out a Characteristics as a journal table: one
// column for all patients, one per group, the p-value with a mark naming
// its test; continuous rows as median (Q1–Q3), binary rows as n (%) of
// "yes", other categories as a header row followed by indented levels;
// missing values counted on their own indented row. Footnotes name every
// test used, marked by superscripts in the order of first use, from
// superscripts[firstMark] (a table with footnotes of its own before these
// starts later).
func characteristicsTable(name, title string, ch *Characteristics, groupLabel func(string) string, firstMark int) Table {
	header := []string{"Characteristic", fmt.Sprintf("All (n = %d)", sum(ch.N))}
	for g, gr := range ch.Groups {
		header = append(header, fmt.Sprintf("%s (n = %d)", groupLabel(gr), ch.N[g]))
	}
	header = append(header, "p")
	t := Table{Name: name, Title: title, Header: header}
	marks := map[string]string{}
	var used []string            // tests in the order of their marks
	names := map[string]string{} // their footnotes
	k := len(ch.Groups)
	blank := func(label string) []string {
		r := make([]string, k+3)
		r[0] = label
		return r
	}
	for _, c := range ch.Rows {
		pv := render.FormatP(float64(c.P))
		if c.Test != "" && !math.IsNaN(float64(c.P)) {
			key := c.Test // a Monte Carlo Fisher p-value has its own mark
			if c.MonteCarlo != nil {
				key = "fisher_mc"
			}
			if marks[key] == "" {
				marks[key] = superscripts[min(firstMark+len(used), len(superscripts)-1)]
				used = append(used, key)
				names[key] = c.Method
				if names[key] == "" {
					names[key] = testNames[key]
				}
			}
			pv += marks[key]
		} else {
			pv = "—"
		}
		missing := sum(c.Missing)
		switch {
		case c.Kind == "continuous":
			r := blank(c.Label + ", median (IQR)")
			r[1] = "—"
			d := 2
			if c.OverallMedian != nil {
				m, q1, q3 := float64(*c.OverallMedian), float64(*c.OverallQ1), float64(*c.OverallQ3)
				d = render.IQRDigits(m, q1, q3)
				r[1] = render.MedianIQRDigits(m, q1, q3, d)
			}
			for g := range k {
				r[2+g] = render.MedianIQRDigits(c.Median[g], c.Q1[g], c.Q3[g], d)
			}
			r[k+2] = pv
			t.Rows = append(t.Rows, r)
		case slices.Equal(c.Levels, []string{"no", "yes"}):
			r := blank(c.Label + ", n (%)")
			total := columnSums(c.Counts)
			r[1] = render.CountPct(total[1], total[0]+total[1], missing)
			for g := range k {
				r[2+g] = render.CountPct(c.Counts[g][1], c.Counts[g][0]+c.Counts[g][1], c.Missing[g])
			}
			r[k+2] = pv
			t.Rows = append(t.Rows, r)
		default:
			r := blank(c.Label + ", n (%)")
			r[k+2] = pv
			t.Rows = append(t.Rows, r)
			total := columnSums(c.Counts)
			all := sum(total)
			for l, lv := range c.Levels {
				r := blank("    " + levelLabel(c.Variable, lv))
				r[1] = render.CountPct(total[l], all, missing)
				for g := range k {
					r[2+g] = render.CountPct(c.Counts[g][l], sum(c.Counts[g]), c.Missing[g])
				}
				t.Rows = append(t.Rows, r)
			}
		}
		if missing > 0 {
			r := blank("    Missing")
			r[1] = fmt.Sprint(missing)
			for g := range k {
				r[2+g] = fmt.Sprint(c.Missing[g])
			}
			t.Rows = append(t.Rows, r)
		}
		if c.Note != "" {
			t.Notes = append(t.Notes, c.Label+": "+c.Note+".")
		}
	}
	for _, test := range used {
		t.Notes = append(t.Notes, marks[test]+" "+names[test]+".")
	}
	t.Notes = append(t.Notes, "Continuous variables: median (IQR, type-7 quartiles); categorical: n (%), with n/N (%) where values are missing. p-values compare the groups (Table-1 rule).")
	return t
}

// levelLabel names a category level for people.
func levelLabel(variable, level string) string {
	switch variable {
	case "sex":
		return strings.ToUpper(level[:1]) + level[1:]
	case "product":
		switch level {
		case "axi-cel":
			return "Axi-cel"
		case "tisa-cel":
			return "Tisa-cel"
		case "liso-cel":
			return "Liso-cel"
		}
	case "crs_grade", "icans_grade":
		return "Grade " + level
	}
	return level
}

// groupLabels name the risk groups and cohorts for people.
func riskLabel(g string) string {
	switch g {
	case "low":
		return "Low risk"
	case "intermediate":
		return "Intermediate risk"
	case "high":
		return "High risk"
	}
	return g
}

func cohortLabel(c string) string {
	if c == "" {
		return c
	}
	return strings.ToUpper(c[:1]) + c[1:]
}

func sum(x []int) int {
	s := 0
	for _, v := range x {
		s += v
	}
	return s
}

func columnSums(counts [][]int) []int {
	if len(counts) == 0 {
		return nil
	}
	out := make([]int, len(counts[0]))
	for _, row := range counts {
		for j, v := range row {
			out[j] += v
		}
	}
	return out
}

func finiteOnly(x []float64) []float64 {
	var out []float64
	for _, v := range x {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}
