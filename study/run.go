package study

import (
	"fmt"
	"strings"
	"time"

	"carimpi/cohort"
	"carimpi/internal/jsonx"
	"carimpi/scores"
	"carimpi/stattest"
	"carimpi/survival/maxstat"
)

// Run develops CAR-IMPI on the development cohort and validates it, as in
// the paper (see the package documentation for the steps). c holds the
// included patients (after the loader's validation and outlier rule) and
// rep the loader's report.
//
// Run has three steps that do not mix: the statistics (analysis.run, which
// fills Results and plans the figures), the tables and figures built from
// the statistics, and the HTML sections built from both.
func Run(c *cohort.Cohort, rep *cohort.Report, opt Options) (*Output, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	a := newAnalysis(c, rep, opt)
	if err := a.run(); err != nil {
		return nil, err
	}
	out := a.out
	out.addResultTables()
	out.addPaperTables(a.cohorts)
	out.Tables = append(out.Tables, publishedTable(out.Results.PublishedComparison))
	out.drawFigures()
	out.addPaperFigures(a.p, a.cohorts)
	a.log.step("tables and figures")
	out.buildSections(a.cohorts, opt)
	a.log.step("report assembled")
	return out, nil
}

// withDefaults fills the defaults of the cohort names and the endpoint and
// checks the options.
func (opt Options) withDefaults() (Options, error) {
	if opt.Develop == "" {
		opt.Develop = "development"
	}
	if opt.Validate == "" {
		opt.Validate = "validation"
	}
	if opt.Endpoint == "" {
		opt.Endpoint = "pfs"
	}
	if opt.Endpoint != "pfs" && opt.Endpoint != "os" {
		return opt, fmt.Errorf("endpoint %q: use pfs or os", opt.Endpoint)
	}
	if opt.Bootstrap < 0 {
		return opt, fmt.Errorf("bootstrap %d: use 0 (none) or a positive number of resamples", opt.Bootstrap)
	}
	return opt, nil
}

// analysis is the state of the statistics step: the patients, the cohorts
// and what each step leaves for the next.
type analysis struct {
	opt    Options
	rep    *cohort.Report
	c      *cohort.Cohort
	p      *patients
	scorer *scores.Scorer
	out    *Output
	res    *Results
	log    *stepLog

	dev, val []int    // patients of the development and validation cohorts
	cohorts  []string // the cohorts analysed, development first
	devOut   outcome  // the development cohort's endpoint
	// bootstrap waits for the optimism bootstrap, which runs beside the
	// other steps from the model fit on (nil without one).
	bootstrap func() (*Optimism, error)
}

func newAnalysis(c *cohort.Cohort, rep *cohort.Report, opt Options) *analysis {
	scorer := scores.NewScorer()
	scorer.InflaMix = opt.InflaMix
	out := &Output{bands: opt.Bands, Results: &Results{
		Notice: Notice, Simulated: c.Simulated(), Seed: opt.Seed,
		Provenance:        Provenance{Software: opt.Software, Citation: citation, Data: rep.Source, Endpoint: opt.Endpoint},
		KM:                map[string]map[string]map[string]*GroupSurvival{},
		CoxMultivariable:  map[string]map[string]*MultiCox{},
		Toxicity:          map[string]*Toxicity{},
		CombinedHematotox: map[string]*GroupSurvival{},
		CombinedInflamix:  map[string]*GroupSurvival{},
		Discrimination:    map[string]*Discrimination{},
		Prediction:        map[string]*Prediction{},
	}}
	return &analysis{opt: opt, rep: rep, c: c, p: newPatients(c, scorer), scorer: scorer, out: out, res: out.Results,
		log: &stepLog{w: opt.Progress, start: time.Now()}}
}

// run is the statistics step: every number of Results, in the paper's
// order. Figures are only planned here.
func (a *analysis) run() error {
	if a.c.Simulated() {
		a.res.Notes = append(a.res.Notes, "Simulated data — not patient data.")
	}
	if err := a.include(); err != nil {
		return err
	}
	a.res.Table1 = describe(characteristicVars(a.p), a.cohorts, cohortGroups(a.p, a.cohorts), a.opt.Seed)
	a.log.step("table 1")
	if err := a.develop(); err != nil {
		return err
	}
	if a.opt.Bootstrap > 0 {
		// The resamples need only the development sample: they run on
		// their own goroutines while the other steps go on, and their
		// result does not depend on when or where they run.
		a.bootstrap = startBootstrap(developmentSample(a.p, a.dev, a.devOut), a.opt)
	}
	a.survivalByGroup()
	a.out.competingRisks(a.p, a.cohorts, a.res.Cutoffs.Median)
	a.log.step("competing risks: relapse and non-relapse mortality")
	sup := supplementStats(a.p, a.cohorts, a.res.Cutoffs, a.opt.Seed)
	a.res.TableS1, a.res.TableS2, a.res.TableS3, a.res.FigS4, a.res.TableS5, a.res.ToxicityGrades = sup.S1, sup.S2, sup.S3, sup.S4, sup.S5, sup.Grades
	a.log.step("supplementary tables S1-S5")
	a.multivariable()
	all := append(append(make([]int, 0, len(a.dev)+len(a.val)), a.dev...), a.val...)
	a.out.addToxicity(a.p, all, a.res.Cutoffs.Median)
	a.log.step("toxicity")
	a.out.addCombined(a.p, all, a.opt.InflaMix != nil)
	a.log.step("combined radio-inflammatory groups")
	a.beyondThePaper()
	a.res.PublishedComparison = publishedComparison(a.res, a.opt.Develop, a.opt.Validate)
	a.log.step("statistics done")
	return nil
}

// include records the inclusion and finds the cohorts: development,
// validation (when present), and notes on patients in neither.
func (a *analysis) include() error {
	p, opt, res := a.p, a.opt, a.res
	res.Inclusion = inclusion(a.rep, a.c)
	a.log.step("inclusion: %d included, %d excluded (%d MTV outliers)", res.Inclusion.Included, len(res.Inclusion.Excluded), res.Inclusion.ExcludedOutliers)
	a.dev, a.val = p.subset(opt.Develop), p.subset(opt.Validate)
	if len(a.dev) == 0 {
		names := a.c.Names()
		if len(names) != 1 || names[0] != "" {
			return fmt.Errorf("no patient in the development cohort %q; the cohort column holds: %s (use --develop-cohort)", opt.Develop, strings.Join(names, ", "))
		}
		// No cohort column: the whole file is the development cohort.
		p.cohortOf = func(int) string { return opt.Develop }
		a.dev = p.subset(opt.Develop)
		res.Notes = append(res.Notes, "The data have no cohort column: every patient is in the development cohort and there is no validation.")
	}
	if len(a.val) == 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("No patient in the validation cohort %q: validation sections are omitted.", opt.Validate))
	}
	a.cohorts = []string{opt.Develop}
	if len(a.val) > 0 {
		a.cohorts = append(a.cohorts, opt.Validate)
	}
	// Included patients of other cohorts are in no analysis: say so.
	other := map[string]int{}
	for i := range p.n {
		if name := p.cohortOf(i); name != opt.Develop && name != opt.Validate {
			other[name]++
		}
	}
	for _, name := range a.c.Names() {
		if n := other[name]; n > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%d included patients of cohort %q are in neither the development (%q) nor the validation (%q) cohort and are in no analysis.", n, name, opt.Develop, opt.Validate))
		}
	}
	return nil
}

// develop fits the model on the development cohort: the restricted cubic
// spline of MTV, the maxstat cutpoint, the Cox model, the scores of every
// patient and the frozen median and tercile cutoffs.
func (a *analysis) develop() error {
	p, opt, res, out := a.p, a.opt, a.res, a.out
	a.devOut = p.endpoint(opt.Endpoint).pick(a.dev)
	mtvDev := pickAt(p.mtv, a.dev)
	out.addRCS(mtvDev, a.devOut, opt.Endpoint, res)
	a.log.step("restricted cubic spline of MTV")

	x, t, e := complete(mtvDev, a.devOut)
	if err := enoughForDevelopment(x, e, opt); err != nil {
		return err
	}
	ms, err := maxstat.Test(x, t, e, maxstat.Options{Method: maxstat.Lau94})
	if err != nil {
		return fmt.Errorf("cutpoint of MTV on development %s: %w", opt.Endpoint, err)
	}
	res.Cutpoint = Cutpoint{Value: ms.Cutpoint, Statistic: ms.Statistic, PLau94: jsonx.Float(ms.P), N: ms.N, Cuts: ms.Cuts, Stats: ms.Stats}
	out.addScan(ms)
	a.log.step("cutpoint: MTV %.4g mL (statistic %.4g, Lau94 p %.3g)", ms.Cutpoint, ms.Statistic, ms.P)

	model, fit, err := fitModel(developmentSample(p, a.dev, a.devOut), ms.Cutpoint, opt)
	if err != nil {
		return err
	}
	model.Provenance, model.Version = fittedProvenance(a.c, a.rep, opt, fit)
	out.Model = model
	res.Model = fit
	p.score = make([]float64, p.n)
	for i := 0; i < p.n; i++ {
		p.score[i], _ = model.LP(p.mtv(i), p.age(i), p.stage(i))
	}
	out.addModelFigure(p, a.dev, a.devOut, ms.Cutpoint)
	a.log.step("model: %s", fit.Formula)

	q := stattest.Quantiles(pick(p.score, a.dev), 0.5, 1.0/3, 2.0/3)
	res.Cutoffs = Cutoffs{Median: q[0], Terciles: []float64{q[1], q[2]}}
	model.Cutoffs = scores.Cutoffs{Median: q[0], Terciles: [2]float64{q[1], q[2]}}
	if err := addBaselines(model, p, a.dev); err != nil {
		res.Notes = append(res.Notes, "Baseline survival not estimated: "+err.Error())
	}
	if err := a.scorer.Use(model); err != nil {
		return err
	}
	p.scoreAll(a.scorer) // again, now with the fitted CAR-IMPI for the combined groups
	if opt.ReleaseCohort {
		a.c.Release(analysisFields...)
	}
	a.log.step("cutoffs: median %.4g, terciles %.4g / %.4g", q[0], q[1], q[2])
	return nil
}

// survivalByGroup compares PFS and OS across the median and tercile groups
// of each cohort (Fig 2, Fig S3).
func (a *analysis) survivalByGroup() {
	p, res := a.p, a.res
	q := res.Cutoffs
	for _, name := range a.cohorts {
		idx := p.subset(name)
		res.KM[name] = map[string]map[string]*GroupSurvival{"median": {}, "terciles": {}}
		med := make([]int, len(idx))
		ter := make([]int, len(idx))
		for k, i := range idx {
			med[k] = medianGroup(p.score[i], q.Median)
			ter[k] = tercileGroup(p.score[i], [2]float64{q.Terciles[0], q.Terciles[1]})
		}
		for _, ep := range []string{"pfs", "os"} {
			o := p.endpoint(ep).pick(idx)
			for _, g := range []struct {
				name   string
				groups []int
				labels []string
			}{{"median", med, medianNames}, {"terciles", ter, tercileNames}} {
				gs, curves, err := groupComparison(o, g.groups, g.labels)
				if err != nil {
					res.Notes = append(res.Notes, fmt.Sprintf("%s %s %s: %v", name, g.name, ep, err))
					continue
				}
				res.KM[name][g.name][ep] = gs
				a.out.addKM(fmt.Sprintf("km-%s-%s-%s", slug(name), g.name, ep), fmt.Sprintf("%s by CAR-IMPI %s, %s cohort", strings.ToUpper(ep), g.name, name), ep, gs, curves)
			}
		}
		a.log.step("survival by risk group: %s", name)
	}
}

// multivariable fits the multivariable Cox models of each cohort (Table 2,
// Table S4): the score with product, ECOG, LDH and CRP, strata by center.
func (a *analysis) multivariable() {
	p := a.p
	for _, name := range a.cohorts {
		idx := p.subset(name)
		a.res.CoxMultivariable[name] = map[string]*MultiCox{}
		col := p.c.Column
		ecog, ldh, ldhULN := col("ecog"), col("ldh"), col("ldh_uln")
		covs := []covariate{{"score", func(i int) float64 { return p.score[i] }}}
		covs = append(covs, factorColumns("product", p.product(), idx, "axi-cel")...)
		covs = append(covs,
			covariate{"ecog2", func(i int) float64 { return indicator(ecog(i), 2) }},
			covariate{"ldh_high", func(i int) float64 { return above(ldh(i), ldhULN(i)) }},
			covariate{"crp", col("crp")})
		for _, ep := range []string{"pfs", "os"} {
			a.res.CoxMultivariable[name][ep] = multiCox(p.endpoint(ep), idx, covs, p.c.Text("center"))
		}
		a.log.step("multivariable Cox: %s", name)
	}
}

// beyondThePaper adds discrimination, prediction (calibration, decision
// curves) and, when asked for, the bootstrap.
func (a *analysis) beyondThePaper() {
	p, res, out, opt := a.p, a.res, a.out, a.opt
	for _, name := range a.cohorts {
		res.Discrimination[name] = discrimination(p, p.subset(name), opt.Endpoint, out.Model.Name, 24)
		pr, notes := out.prediction(p, p.subset(name), out.Model, name, opt.Endpoint, []float64{12, 24}, 12)
		if pr != nil {
			res.Prediction[name] = pr
		}
		res.Notes = append(res.Notes, notes...)
	}
	if a.bootstrap != nil {
		o, err := a.bootstrap()
		if err != nil {
			res.Notes = append(res.Notes, "Bootstrap: "+err.Error())
		}
		res.Optimism = o
		a.log.step("bootstrap: B = %d, seed %d", opt.Bootstrap, opt.Seed)
	}
}
