package study

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"carimpi/cohort"
	"carimpi/internal/textsafe"
	"carimpi/render"
	"carimpi/scores"
)

// Section is one part of the report: an id for links, a title, and its
// body as HTML (figures inline as SVG).
type Section struct {
	ID, Title, HTML string
}

func (out *Output) figure(name string) (Figure, bool) {
	for _, f := range out.Figures {
		if f.Name == name {
			return f, true
		}
	}
	return Figure{}, false
}

func (out *Output) table(name string) (Table, bool) {
	for _, t := range out.Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// htmlBuf builds a section body.
type htmlBuf struct{ strings.Builder }

func (b *htmlBuf) p(format string, args ...any) {
	b.WriteString("<p>" + textsafe.Markup(fmt.Sprintf(format, args...)) + "</p>\n")
}

func (b *htmlBuf) note(s string) {
	b.WriteString(`<p class="note">` + textsafe.Markup(s) + "</p>\n")
}

func (b *htmlBuf) fig(out *Output, name string) {
	f, ok := out.figure(name)
	if !ok {
		b.note("Figure not available: " + name + " (see the notes at the end).")
		return
	}
	fmt.Fprintf(b, "<figure id=\"fig-%s\">", name)
	f.Drawing.WriteSVG(b) // a strings.Builder does not fail
	fmt.Fprintf(b, "<figcaption>%[2]s <span class=\"files\">Files: <a href=\"figures/%[1]s.svg\">SVG</a>, <a href=\"figures/%[1]s.png\">PNG (300 dpi)</a>, <a href=\"figures/%[1]s.pdf\">PDF</a></span></figcaption></figure>\n",
		name, textsafe.Markup(f.Title))
}

// tbl writes a report table with its footnotes and a link to its files.
func (b *htmlBuf) tbl(t Table) {
	b.table(t.Header, t.Rows, t.Title)
	for _, n := range t.Notes {
		b.WriteString(`<p class="foot">` + textsafe.Markup(n) + "</p>\n")
	}
	if t.Name != "" {
		fmt.Fprintf(b, "<p class=\"files\">Files: <a href=\"tables/%[1]s.csv\">tables/%[1]s.csv</a>, <a href=\"tables/%[1]s.xlsx\">tables/%[1]s.xlsx</a></p>\n", t.Name)
	}
}

func (b *htmlBuf) table(header []string, rows [][]string, caption string) {
	b.WriteString("<table>")
	if caption != "" {
		b.WriteString("<caption>" + textsafe.Markup(caption) + "</caption>")
	}
	b.WriteString("<thead><tr>")
	for _, h := range header {
		b.WriteString("<th>" + textsafe.Markup(h) + "</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range rows {
		b.WriteString("<tr>")
		for _, c := range r {
			if lv, ok := strings.CutPrefix(c, "    "); ok { // a level under its variable
				b.WriteString(`<td class="level">` + textsafe.Markup(lv) + "</td>")
				continue
			}
			b.WriteString("<td>" + textsafe.Markup(c) + "</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>\n")
}

// cIndex formats a concordance, AUC or proportion with its interval to
// three decimals.
func cIndex(est, lo, hi float64) string {
	if math.IsNaN(est) {
		return "NA"
	}
	if math.IsNaN(lo) || math.IsNaN(hi) { // e.g. an observed survival of 0: no log-scale interval
		return fmt.Sprintf("%.3f (CI not estimable)", est)
	}
	return fmt.Sprintf("%.3f (%.3f–%.3f)", est, lo, hi)
}

// groupRows tabulates a GroupSurvival for the report.
func groupRows(gs *GroupSurvival) [][]string {
	var rows [][]string
	for j, g := range gs.Groups {
		hr := "1 (ref.)"
		if j > 0 {
			hr = render.HR(gs.HRVsLow[j-1], gs.HRLower[j-1], gs.HRUpper[j-1])
		}
		rows = append(rows, []string{groupLabel(g), fmt.Sprint(gs.N[j]), fmt.Sprint(gs.Events[j]),
			render.MedianCI(gs.Median[j], gs.MedianLower[j], gs.MedianUpper[j]), render.Percent(gs.Surv12[j]), hr})
	}
	return rows
}

var groupHeader = []string{"Group", "n", "Events", "Median, months (95% CI)", "12-month rate", "HR (95% CI)"}

func (out *Output) groupBlock(b *htmlBuf, figName string, gs *GroupSurvival, caption string) {
	if gs == nil {
		b.note(caption + ": not available.")
		return
	}
	b.fig(out, figName)
	b.table(groupHeader, groupRows(gs), fmt.Sprintf("%s. Log-rank test: chi-square %.2f on %d df, %s. HR from a univariable Cox model (Efron) vs the first group; medians by Kaplan-Meier with 95%% CI (log transform); NR = not reached.", caption, float64(gs.LogrankChisq), gs.LogrankDF, render.PInline(float64(gs.LogrankP))))
}

// buildSections assembles the report's sections in the paper's order,
// each from the statistics, tables and figures already made.
func (out *Output) buildSections(cohorts []string, opt Options) {
	for _, s := range []struct {
		id, title string
		body      func(b *htmlBuf)
	}{
		{"flow", "Cohort flow and follow-up (Table S1)", out.flowSection},
		{"table1", "Patient characteristics (Table 1)", func(b *htmlBuf) { out.tables(b, "table1") }},
		{"shape", "Shape of the MTV effect (Fig S2A)", func(b *htmlBuf) { b.fig(out, "mtv-rcs") }},
		{"cutpoint", "MTV cutpoint (Fig S2B)", func(b *htmlBuf) { out.cutpointSection(b, opt.Endpoint) }},
		{"model", "The CAR-IMPI model (Fig 1)", func(b *htmlBuf) { out.modelSection(b, opt.Endpoint) }},
		{"survival", "Survival by risk group (Fig 2, Fig S3)", func(b *htmlBuf) { out.survivalSection(b, cohorts) }},
		{"competing-risks", "Relapse and non-relapse mortality by risk group (competing risks)", func(b *htmlBuf) { out.competingHTML(b, cohorts) }},
		{"groups", "Risk groups across cohorts and patient characteristics by risk group (Fig S4, Tables S2, S3)", out.groupsSection},
		{"multivariable", "Multivariable Cox models (Table 2, Table S4)", func(b *htmlBuf) { out.tables(b, "table2", "table_s4") }},
		{"toxicity", "Toxicity by risk group (Fig 3, Table S5)", out.toxicitySection},
		{"combined", "Combined radio-inflammatory groups (Fig 4)", func(b *htmlBuf) { out.combinedSection(b, opt.InflaMix != nil) }},
		{"beyond", "Beyond the paper: discrimination and internal validation", func(b *htmlBuf) { out.beyondSection(b, cohorts) }},
		{"published", "Published vs this cohort", out.publishedSection},
		{"files", "Files of this report", out.filesSection},
		{"notes", "Notes", out.notesSection},
	} {
		if s.id == "competing-risks" && out.Results.CompetingRisks == nil {
			continue
		}
		var b htmlBuf
		s.body(&b)
		out.Sections = append(out.Sections, Section{s.id, s.title, b.String()})
	}
}

// tables writes the named tables that exist, in order.
func (out *Output) tables(b *htmlBuf, names ...string) {
	for _, name := range names {
		if t, ok := out.table(name); ok {
			b.tbl(t)
		}
	}
}

func (out *Output) flowSection(b *htmlBuf) {
	res := out.Results
	inc := res.Inclusion
	if p := inc.ExcludeTopMTV; p > 0 {
		of := "over every accepted row"
		if c := inc.MTVOutlierCohorts; len(c) > 0 {
			of = "in the cohorts analysed (" + strings.Join(c, ", ") + ")"
		}
		b.p("%d rows read; %d patients included; %d excluded (%d for missing or invalid required data, %d as MTV outliers). MTV outlier rule (the top %s): MTV above %s mL, the %s quantile of MTV %s.",
			inc.Read, inc.Included, len(inc.Excluded), inc.ExcludedMissing, inc.ExcludedOutliers,
			cohort.TopPercent(p), cohort.FormatMTV(float64(inc.MTVOutlierThreshold)), cohort.QuantileOf(p), of)
	} else {
		b.p("%d rows read; %d patients included; %d excluded for missing or invalid required data; no MTV outlier rule (--exclude-top-mtv 0).",
			inc.Read, inc.Included, len(inc.Excluded))
	}
	var byc [][]string
	names := make([]string, 0, len(inc.ByCohort))
	for c := range inc.ByCohort {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		byc = append(byc, []string{cohortLabel(c), fmt.Sprint(inc.ByCohort[c]), mtvMethods(inc.MTVMethod[c], inc.ByCohort[c])})
	}
	b.table([]string{"Cohort", "Included", "MTV segmentation (mtv_method)"}, byc, "Included patients by cohort, with the segmentation their MTV was measured with")
	if len(inc.Excluded) > 0 {
		var ex [][]string
		for _, x := range inc.Excluded {
			ex = append(ex, []string{x.PatientID, fmt.Sprint(x.Line), x.Reason})
		}
		b.table([]string{"Patient", "Line", "Reason"}, ex, "Excluded rows")
	}
	if s1 := res.TableS1; s1 != nil {
		fu := s1.FollowUp
		parts := make([]string, len(s1.Groups))
		for g, c := range s1.Groups {
			parts[g] = fmt.Sprintf("%s %s", c, render.Months(fu.Median[g]))
		}
		b.p("Median follow-up (reverse Kaplan-Meier on OS) was %s months (IQR %s–%s; %s months).",
			render.Months(float64(fu.OverallMedian)), render.Months(float64(fu.OverallQ1)), render.Months(float64(fu.OverallQ3)), strings.Join(parts, ", "))
	}
	out.tables(b, "table_s1")
}

func (out *Output) cutpointSection(b *htmlBuf, endpoint string) {
	res := out.Results
	cp := res.Cutpoint
	b.p("Maximally selected log-rank statistic of MTV on development %s (maxstat conventions: groups MTV ≤ cut vs > cut, minprop 0.1, maxprop 0.9): cutpoint %s mL, standardized statistic %.4g, Lau94 %s (n = %d).",
		strings.ToUpper(endpoint), cohort.FormatMTV(cp.Value), cp.Statistic, render.PInline(float64(cp.PLau94)), cp.N)
	if o := res.Optimism; o != nil {
		b.p("Bootstrap stability of the cutpoint (B = %d, seed %d): median %s mL, 95%% interval %s–%s mL.", o.B, o.Seed, render.Num(float64(o.CutpointMedian)), render.Num(float64(o.CutpointLower)), render.Num(float64(o.CutpointUpper)))
	}
	b.fig(out, "cutpoint-scan")
}

func (out *Output) modelSection(b *htmlBuf, endpoint string) {
	m := out.Results.Model
	b.WriteString("<p class=\"formula\">" + textsafe.Markup(m.Formula) + "</p>\n")
	var mrows [][]string
	for j, t := range m.Terms {
		mrows = append(mrows, []string{modelTermLabel(t, m.Knot), fmt.Sprintf("%.6g", m.Coef[j]), render.Sig(m.SE[j], 3), render.Sig(m.HR[j], 3), render.FormatP(m.P[j])})
	}
	b.table([]string{"Term", "Coefficient", "SE", "HR", "p"}, mrows, fmt.Sprintf("Cox model (Efron) of development %s, n = %d, %d events. Score = uncentered linear predictor.", strings.ToUpper(endpoint), m.N, m.Events))
	for _, w := range m.Warnings {
		b.note(w)
	}
	b.fig(out, "mtv-linear-spline")
}

func (out *Output) survivalSection(b *htmlBuf, cohorts []string) {
	res := out.Results
	b.p("Risk groups from the development cohort, frozen for validation: median %.4g (low < median ≤ high); terciles %.4g and %.4g (low < T1 ≤ intermediate < T2 ≤ high).",
		res.Cutoffs.Median, res.Cutoffs.Terciles[0], res.Cutoffs.Terciles[1])
	for _, c := range cohorts {
		for _, g := range []string{"median", "terciles"} {
			for _, ep := range []string{"pfs", "os"} {
				b.WriteString(fmt.Sprintf("<h3>%s cohort: %s by %s</h3>\n", textsafe.Markup(c), strings.ToUpper(ep), g))
				out.groupBlock(b, fmt.Sprintf("km-%s-%s-%s", slug(c), g, ep), res.KM[c][g][ep], fmt.Sprintf("%s, %s, %s groups", c, strings.ToUpper(ep), g))
			}
		}
	}
	if _, ok := out.figure("fig2"); ok {
		b.WriteString("<h3>Multi-panel layouts (as in the paper)</h3>\n")
		b.fig(out, "fig2")
		b.fig(out, "fig-s3")
	}
}

func (out *Output) groupsSection(b *htmlBuf) {
	if s4 := out.Results.FigS4; s4 != nil {
		b.p("CAR-IMPI by cohort: median %s (IQR %s–%s) in the %s and %s (IQR %s–%s) in the %s cohort; Wilcoxon rank-sum (Mann-Whitney) %s.",
			render.Sig(s4.Median[0], 3), render.Sig(s4.Q1[0], 3), render.Sig(s4.Q3[0], 3), s4.Groups[0],
			render.Sig(s4.Median[1], 3), render.Sig(s4.Q1[1], 3), render.Sig(s4.Q3[1], 3), s4.Groups[1], render.PInline(float64(s4.P)))
		b.fig(out, "score-by-cohort")
	}
	for _, name := range []string{"table_s2", "table_s3"} {
		for _, t := range out.Tables {
			if t.Name == name || strings.HasPrefix(t.Name, name+"-") {
				b.tbl(t)
			}
		}
	}
}

func (out *Output) toxicitySection(b *htmlBuf) {
	if len(out.Results.Toxicity) == 0 {
		b.note("No toxicity data in the cohort.")
		return
	}
	out.tables(b, "fig3_toxicity")
	for _, f := range []string{"toxicity-crs", "toxicity-icans", "toxicity-icu"} {
		b.fig(out, f)
	}
	out.tables(b, "toxicity_grades", "table_s5")
}

func (out *Output) combinedSection(b *htmlBuf, haveInflaMix bool) {
	res := out.Results
	b.p("Groups: CAR-IMPI low and high are below and at or above the development median (%s); CAR-HEMATOTOX low and high are scores 0–2 and ≥ 3; inflamed and non-inflamed are the InflaMix clusters. Cohorts pooled; HR vs the first group.", render.Sig(res.Cutoffs.Median, 4))
	b.fig(out, "combination-schema")
	if _, ok := out.figure("fig4"); ok {
		b.fig(out, "fig4")
	}
	for _, c := range []struct {
		key, title string
		m          map[string]*GroupSurvival
	}{{"combined-hematotox", "CAR-IMPI × CAR-HEMATOTOX (≥ 3)", res.CombinedHematotox}, {"combined-inflamix", "CAR-IMPI × InflaMix", res.CombinedInflamix}} {
		if c.key == "combined-inflamix" && !haveInflaMix {
			b.WriteString(fmt.Sprintf("<h3>%s</h3>\n", textsafe.Markup(c.title)))
			b.note(scores.InflaMixNotInstalled + ".")
			continue
		}
		for _, ep := range []string{"pfs", "os"} {
			b.WriteString(fmt.Sprintf("<h3>%s: %s</h3>\n", textsafe.Markup(c.title), strings.ToUpper(ep)))
			out.groupBlock(b, c.key+"-"+ep, c.m[ep], c.title+", pooled cohorts")
		}
	}
}

func (out *Output) beyondSection(b *htmlBuf, cohorts []string) {
	res := out.Results
	for _, c := range cohorts {
		d := res.Discrimination[c]
		if d == nil || len(d.Index) == 0 {
			continue
		}
		var rows [][]string
		for j, ix := range d.Index {
			rows = append(rows, []string{ix, fmt.Sprint(d.N[j]), cIndex(d.HarrellC[j], d.HarrellLower[j], d.HarrellUpper[j]), cIndex(d.UnoC[j], d.UnoLower[j], d.UnoUpper[j])})
		}
		b.table([]string{"Index", "n", "Harrell's C (95% CI)", fmt.Sprintf("Uno's C, tau = %g months (95%% CI)", d.UnoTau)}, rows, fmt.Sprintf("Discrimination for %s, %s cohort", strings.ToUpper(d.Endpoint), c))
	}
	for _, c := range cohorts {
		pr := res.Prediction[c]
		if pr == nil {
			continue
		}
		b.WriteString(fmt.Sprintf("<h3>%s cohort: predicted %s</h3>\n", textsafe.Markup(c), strings.ToUpper(pr.Endpoint)))
		out.predictionBlock(b, pr, c, out.Model.Name)
	}
	if o := res.Optimism; o != nil {
		b.p("Bootstrap optimism correction of the whole development procedure (cutpoint search and model fit repeated in each of B = %d resamples, seed %d, %d failed): apparent C %.3f, optimism %.3f, corrected C %.3f.",
			o.B, o.Seed, o.Failed, float64(o.ApparentC), float64(o.Optimism), float64(o.CorrectedC))
	}
}

func (out *Output) publishedSection(b *htmlBuf) {
	if t, ok := out.table("published_vs_cohort"); ok {
		if out.Results.Simulated {
			b.p("This report is made from simulated data. The table sets the numbers the paper reports beside those of this demo cohort, so that the distance between them is visible.")
		}
		b.tbl(t)
	}
}

// filesSection links every file the report writes beside index.html.
func (out *Output) filesSection(b *htmlBuf) {
	b.WriteString(`<p class="files"><a href="results.json">results.json</a>: every number of this report, full precision (keys documented in README). ` +
		`<a href="model.json">model.json</a>: the fitted model, loadable by "carimpi score --model".</p>` + "\n")
	b.WriteString("<table><caption>Tables (CSV for analysis, XLSX for manuscripts)</caption><thead><tr><th>Table</th><th>Files</th></tr></thead><tbody>")
	for _, t := range out.Tables {
		fmt.Fprintf(b, "<tr><td>%[2]s</td><td><a href=\"tables/%[1]s.csv\">CSV</a>, <a href=\"tables/%[1]s.xlsx\">XLSX</a></td></tr>", t.Name, textsafe.Markup(t.Title))
	}
	b.WriteString("</tbody></table>\n<table><caption>Figures (SVG, PNG at 300 dpi, PDF, all from one drawing)</caption><thead><tr><th>Figure</th><th>Files</th></tr></thead><tbody>")
	for _, f := range out.Figures {
		fmt.Fprintf(b, "<tr><td><a href=\"#fig-%[1]s\">%[2]s</a></td><td><a href=\"figures/%[1]s.svg\">SVG</a>, <a href=\"figures/%[1]s.png\">PNG</a>, <a href=\"figures/%[1]s.pdf\">PDF</a></td></tr>", f.Name, textsafe.Markup(f.Title))
	}
	b.WriteString("</tbody></table>\n")
}

func (out *Output) notesSection(b *htmlBuf) {
	if len(out.Results.Notes) == 0 {
		b.p("None.")
	}
	for _, n := range out.Results.Notes {
		b.note(n)
	}
}

// mtvMethods lists the segmentations of a cohort's MTVs with n (%), in a
// fixed order: SUV4, 41pct, then any other, then not recorded.
func mtvMethods(counts map[string]int, n int) string {
	order := []string{"SUV4", "41pct"}
	var other []string
	for m := range counts {
		if m != "SUV4" && m != "41pct" && m != MTVMethodNotRecorded {
			other = append(other, m)
		}
	}
	sort.Strings(other)
	order = append(append(order, other...), MTVMethodNotRecorded)
	var parts []string
	for _, m := range order {
		if k := counts[m]; k > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", m, render.CountPct(k, n, 0)))
		}
	}
	return strings.Join(parts, "; ")
}
