package cohort

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"carimpi/record"
	"carimpi/scores"
)

// DefaultSeed is the seed of the embedded default cohort and of
// `carimpi simulate` without --seed. The generating model is calibrated at
// large n (study's TestSimulatorCalibration checks every published number
// there); a 256 + 248-patient cohort then still varies from seed to seed
// (a maxstat cutpoint from about 20 to 150 mL, a tercile's median PFS by
// months). DefaultSeed is the seed among 1-200 whose study comes closest
// to the paper over all the numbers of the report's "Published vs this
// cohort" table (the sum of squared distances in units of their
// calibration tolerances; each within three tolerances) and whose MTVs,
// outliers included, stay below the reader's plausible 10,000 mL, so the
// demo shows what the paper shows; the table prints each number beside
// the paper's.
const DefaultSeed uint64 = 120

// Paper sizes: 256 development and 248 validation patients.
const (
	PaperDevelopment = 256
	PaperValidation  = 248
)

// Simulate returns a synthetic cohort of nDev development patients (five
// centers) followed by nVal validation patients (MSKCC) who remain after
// the paper's MTV outlier rule, plus the outliers the rule removes (about
// 2.6% more rows, e.g. 13 for 256 + 248: their MTV is set above every
// other patient's, between 1.05 and 2 times the largest, before their
// outcomes are drawn; they come last in each cohort), calibrated to the
// CAR-IMPI paper (Winkelmann et al., Blood Cancer J 2025;15:144, Table 1 and
// text). Every record has Simulated set. The same seed gives the same
// cohort, byte for byte once written: one PCG stream (math/rand/v2) is
// drawn in a fixed order, patient by patient, and values are rounded to
// their reporting precision. (Checked on amd64; on an architecture where
// the compiler fuses multiply-adds, a value on a rounding boundary could
// come out one digit apart.)
//
// The model, in the order the values are drawn for each patient:
//
//  1. Two latent normal factors: tumour burden B ~ N(0,1) and systemic
//     inflammation I = rhoBI B + sqrt(1 - rhoBI^2) e. Every correlated
//     variable is a latent z = a B + b I + c e (unit variance), turned into
//     its value through a quantile function that reproduces the paper's
//     median (Q1, Q3) exactly (a Gaussian copula), so marginals hit Table 1
//     whatever the loadings, and the loadings give the correlations (MTV
//     with LDH and stage; inflammation with CRP, ferritin, low Hb and
//     platelets; both with ECOG). A third factor, marrow reserve M (age
//     and the part of stage that burden does not explain), lowers Hb,
//     platelets and ANC (see htMarrow).
//  2. Categorical variables (stage, ECOG, prior lines, extranodal sites)
//     from their latent z through the category's cumulative shares; 0/1
//     flags likewise with their Table 1 rate; product and center from their
//     shares.
//  3. Labs: the Table 1 labs (LDH, Hb, platelets, ANC, ferritin, CRP) at
//     their Table 1 quartiles; the other InflaMix labs at the quartiles of
//     carimpi's synthetic InflaMix reference labs, WBC consistent with
//     ANC; each with the ULN of the reference examples. CAR-HEMATOTOX is
//     computed from them (package scores).
//  4. PFS from a proportional-hazards model H(t|x) = H0(t) exp(eta) with a
//     cohort's baseline H0(t) = theta (1 - exp(-t/tau)) + late t: a steep
//     early hazard that levels off, as after CAR T cells, plus a small late
//     hazard (late relapses and deaths) that sets the long medians (45
//     months in the development cohort's low tercile). eta = scoreEffect
//     trueScore (the simulator's CAR-IMPI: MTV through a linear spline
//     with a knot at 55 mL, age, stage) - etaRef + the cohort's Table 2
//     effects of product, ECOG >= 2, LDH > ULN and CRP. CAR-HEMATOTOX has
//     no PFS hazard of its own: its patients relapse more through what it
//     goes with (burden, stage, LDH, CRP), and the combined groups of Fig
//     4 separate as the paper's do. A PFS event is death without
//     progression with a probability rising with CAR-HEMATOTOX, otherwise
//     progression followed by post-progression survival that is shorter
//     the higher eta and CAR-HEMATOTOX. So OS >= PFS always, and OS
//     separates the risk groups more than PFS.
//  5. Administrative censoring uniform over the cohort's follow-up window
//     (median follow-up by reverse Kaplan-Meier near the window's
//     midpoint).
//  6. Toxicity: ordinal logistic CRS and ICANS grades driven by trueScore
//     and inflammation; ICU, tocilizumab and corticosteroids from the
//     grades.
//  7. Missing values completely at random at the paper's rates.
//
// Each parameter below is documented next to the figure it targets. The
// Table 1 targets are checked at n = 50,000 (25,000 per cohort) by
// TestSimulateCalibration; the outcome targets, which are the study's own
// statistics (cutpoint, fitted score cutoffs, medians by group, hazard
// ratios, the combined groups, toxicity by group), by study's
// TestSimulatorCalibration at 60,000 per cohort through the study itself,
// each with a stated tolerance. Some of the paper's numbers conflict
// under any proportional-hazards model of this kind, and the simulator
// compromises:
//
//   - Double-high share: ~25% of patients with CAR-IMPI >= 1.35 and
//     CAR-HEMATOTOX >= 3 would need about 94% of the CAR-HEMATOTOX-high
//     patients (27%, Table 1) to be CAR-IMPI-high, while CAR-IMPI rises
//     with age and stage beyond burden. The marrow factor brings it from
//     20% to about 22%; more coupling would also make the c-low/h-high
//     group's 1-year PFS (51%) fall further below the c-low/h-low's (57%),
//     as its patients would sit at the top of the c-low scores (the
//     simulator gives about 47%).
//   - Validation terciles: the paper's medians 23.5 / 8.8 / 2.0 months
//     need a risk step from the intermediate to the high tercile (over
//     about half a score unit) far steeper than the step from low to
//     intermediate, and than the validation's HR of 1.71 per unit (Table
//     2). The simulator keeps the HRs (validation scoreEffect 0.8); the
//     intermediate tercile's median comes out about 5.3 months (paper 8.8,
//     95% CI 3.4-19.3) with the high tercile's 2.5.
//   - Development multivariable HR: Table 2's 1.95 per unit is a third
//     lower (log scale) than the score's own HR in the development cohort
//     (e, by construction). Adjusting for LDH, ECOG and CRP can take away
//     only what their small adjusted effects (1.23, 1.46, 1.01 per mg/dL)
//     carry; the simulator gives about 2.3 (paper 95% CI 1.28-2.99).
func Simulate(nDev, nVal int, seed uint64) *Cohort {
	if nDev < 0 || nVal < 0 {
		panic("cohort: negative cohort size")
	}
	rng := rand.New(rand.NewPCG(seed, 0x43415249_4d504931)) // "CARIMPI1"
	c := &Cohort{Source: fmt.Sprintf("simulated (seed %d)", seed)}
	cohorts := []struct {
		p    *simParams
		n    int
		recs []record.Record
	}{{&development, nDev, nil}, {&validation, nVal, nil}}
	sc := scores.NewScorer()
	maxMTV := 0.0
	for g := range cohorts {
		for range cohorts[g].n {
			r := cohorts[g].p.patient(rng, sc, 0)
			maxMTV = math.Max(maxMTV, r.MTV)
			cohorts[g].recs = append(cohorts[g].recs, r)
		}
	}
	// The outliers the paper's rule removes, drawn last so that the
	// analysed patients do not depend on them.
	k := outliersFor(nDev + nVal)
	kDev := outlierShare(cohorts[0].recs, cohorts[1].recs, k)
	for g, kg := range []int{kDev, k - kDev} {
		for range kg {
			mtv := math.Round(maxMTV*(1.05+0.95*rng.Float64())*10) / 10
			cohorts[g].recs = append(cohorts[g].recs, cohorts[g].p.patient(rng, sc, mtv))
		}
	}
	for _, g := range cohorts {
		width := max(4, len(fmt.Sprint(len(g.recs))))
		for i, r := range g.recs {
			r.PatientID = fmt.Sprintf("%s%0*d", g.p.idPrefix, width, i+1)
			c.add(&r)
		}
	}
	return c
}

// OutlierQuantile is the paper's MTV outlier rule: patients whose MTV lies
// above the pooled type-7 quantile 1 - OutlierQuantile are excluded.
const OutlierQuantile = 0.025

// outliersFor is the number k of patients that, added with an MTV above
// all n others, make the rule exclude exactly themselves: with N = n + k
// sorted values the type-7 quantile at 0.975 lies between the (n-1)-th
// and n-th (0-based) exactly when N - 1 - floor(0.975 (N - 1)) = k. That
// count grows by 0 or 1 with each added patient, so the first k where it
// equals k exists (13 for n = 504).
func outliersFor(n int) int {
	for k := 0; ; k++ {
		m := n + k - 1
		if m-int(math.Floor((1-OutlierQuantile)*float64(m))) == k {
			return k
		}
	}
}

// outlierShare splits k outliers between the cohorts in proportion to
// their patients among the pooled top 5% of MTV (most come from the
// development cohort, whose MTV is larger).
func outlierShare(dev, val []record.Record, k int) int {
	var all []float64
	for _, r := range append(append([]record.Record(nil), dev...), val...) {
		all = append(all, r.MTV)
	}
	if len(all) == 0 {
		return 0
	}
	slices.Sort(all)
	cut := all[int(0.95*float64(len(all)-1))]
	top, topDev := 0, 0
	for i, r := range append(append([]record.Record(nil), dev...), val...) {
		if r.MTV > cut {
			top++
			if i < len(dev) {
				topDev++
			}
		}
	}
	switch {
	case len(val) == 0:
		return k
	case len(dev) == 0:
		return 0
	case top == 0:
		return k * len(dev) / len(all)
	}
	return int(math.Round(float64(k) * float64(topDev) / float64(top)))
}

// trueScore is the simulator's CAR-IMPI: the part of the PFS log hazard
// ratio carried by MTV (linear spline, knot 55 mL), age and stage,
// uncentered, as the paper's score is:
//
//	0.010 min(MTV, 55) + 0.0004 max(MTV - 55, 0) + 0.0084 age + stage term
//	stage term: 1, 2 -> 0, 3 -> 0.03, 4 -> 0.3
//
// The coefficients are chosen so that the study's own fit on a large
// simulated development cohort, in which the other risk factors (LDH,
// CRP, ECOG, CAR-HEMATOTOX) go with burden and stage, gives the paper's
// numbers: maxstat cutpoint near 44.3 mL (the knot is above it, see
// simKnot), slope below it near log HR 1.49 per 100 mL, score median near
// 1.35, terciles near 1.07 and 1.58 and the validation median near 1.07
// (the fitted stage and MTV coefficients come out larger than these, as
// they carry part of the correlated factors' risk). The age coefficient
// sets the uncentered score's level; the below-knot slope and stage IV
// set how far the lower tercile and the validation median lie below the
// median (0.28 in the paper). The slope above the knot is small, as the
// paper's 0.87 per 100 mL cannot be (see scores.CARIMPI), and it keeps the
// maxstat profile peaked: a larger one makes it flat from about 30 to
// 150 mL, so that the cutpoint jumps with the seed.
func trueScore(mtv, age, stage float64) float64 {
	s := tsBelow*math.Min(mtv, simKnot) + tsAbove*math.Max(mtv-simKnot, 0) + tsAge*age
	if stage >= 2 {
		s += tsStage[int(stage)-2]
	}
	return s
}

// The simulator's CAR-IMPI coefficients (see trueScore).
const (
	tsBelow = 0.010  // log HR per mL below the knot
	tsAbove = 0.0004 // log HR per mL above the knot
	tsAge   = 0.0084 // per year
)

// tsStage is the stage term for stages 2, 3 and 4 (stage 1: 0).
var tsStage = [3]float64{0, 0.03, 0.3}

// simKnot is the knot of the simulator's MTV spline. It lies above the
// paper's maximally selected cutpoint (44.3 mL) because a maximally
// selected log-rank cut of a risk that rises steeply and then levels off
// falls below the bend: with the knot at 55 mL the study's maxstat finds
// 38-48 mL at 60,000 patients per cohort.
const simKnot = 55.0

// quartiles is a distribution given by its median and quartiles: the value
// at latent z is piecewise linear in z through (-0.6745, q1), (0, med),
// (0.6745, q3) on the log scale when log is set, so the three quartiles
// are exact; beyond the quartiles the slope is tail times the inner one
// (tail < 1 thins a long tail). Values are clamped to [lo, hi] and rounded
// to step.
type quartiles struct {
	q1, med, q3 float64
	log         bool
	tail        float64
	lo, hi      float64
	step        float64
}

const zQ3 = 0.6744897501960817 // standard normal 0.75 quantile

func (q *quartiles) at(z float64) float64 {
	a, m, b := q.q1, q.med, q.q3
	if q.log {
		a, m, b = math.Log(a), math.Log(m), math.Log(b)
	}
	var v float64
	switch {
	case z < -zQ3:
		v = a + (z+zQ3)*(m-a)/zQ3*q.tail
	case z < 0:
		v = m + z*(m-a)/zQ3
	case z < zQ3:
		v = m + z*(b-m)/zQ3
	default:
		v = b + (z-zQ3)*(b-m)/zQ3*q.tail
	}
	if q.log {
		v = math.Exp(v)
	}
	v = math.Min(math.Max(v, q.lo), q.hi)
	k := math.Round(1 / q.step) // round(v k) / k is the shortest decimal; v/step*step is not
	return math.Round(v*k) / k
}

// loading is how a latent z depends on burden B, inflammation I and
// marrow reserve M (independent of B and I; see marrowAge).
type loading struct{ b, i, m float64 }

// factors are one patient's latent factors.
type factors struct{ B, I, M float64 }

// draw returns b B + i I + m M + c e with unit variance.
func (l loading) draw(rng *rand.Rand, f factors) float64 {
	v := l.b*l.b + l.i*l.i + 2*l.b*l.i*rhoBI + l.m*l.m
	if v > 1 {
		panic("cohort: a latent loading has variance above 1")
	}
	return l.b*f.B + l.i*f.I + l.m*f.M + math.Sqrt(1-v)*rng.NormFloat64()
}

// rhoBI is the correlation of tumour burden and inflammation: the paper
// ties both to toxicity and outcome and reports higher inflammatory
// markers where MTV and LDH are higher (development vs validation); the
// combined groups of Fig 4 need it strong (most CAR-HEMATOTOX-high
// patients are CAR-IMPI-high).
const rhoBI = 0.85

// stageB is the loading of Ann Arbor stage on tumour burden: stage IV
// (often marrow involvement) goes with a large MTV and, through burden and
// inflammation, with cytopenias, which is what puts most CAR-HEMATOTOX-high
// patients in the high CAR-IMPI group (Fig 4).
const stageB = 0.6

// lab is a laboratory value: its distribution, latent loading, ULN, and
// the chance it is missing.
type lab struct {
	q       quartiles
	load    loading
	uln     float64
	missing float64
}

// center is a treating center with its share of the cohort and MTV method.
type center struct {
	name, method string
	share        float64
}

// simParams holds one cohort's targets.
type simParams struct {
	name, idPrefix string
	centers        []center
	age            quartiles
	female         float64   // Table 1: female 39% / 36%
	stage          []float64 // shares of stage 1-4; Table 1: stage 3-4 77% / 70%
	ecog           []float64 // shares of ECOG 0-4; Table 1: ECOG > 1 14% / 14%
	products       []float64 // axi-cel, liso-cel, tisa-cel: Table 1
	priorLines     []float64 // shares of 1..5 lines; Table 1: median 2 (2, 3) / 2 (1, 3)
	bridging       float64
	primaryRef     float64
	bulky          float64
	autoHCT        float64
	transformed    float64
	doubleHit      float64
	mtv            quartiles // Table 1: 68 (12-306) / 24 (1-156) mL
	labs           map[string]lab
	// missing shares (Table 1 denominators)
	missBridging, missPrimaryRef, missBulky, missTransformed, missDoubleHit float64
	// follow-up window (months from infusion to data cut-off), uniform
	fuLo, fuHi float64
	// baseline PFS cumulative hazard theta (1 - exp(-t/tau)) + late t, eta centred at etaRef
	theta, tau, late float64
	// post-progression survival multiplier
	pps float64
	// log hazard ratios of PFS beyond the score: the cohort's Table 2
	lhr tableTwo
	// scoreEffect multiplies trueScore in the PFS log hazard: 1 in the
	// development cohort; 0.8 in the validation cohort, where the score
	// carries less risk per unit (a calibration slope below 1, as in most
	// external validations; its MTVs are segmented at SUV 4.0), so that
	// the validation's multivariable HR per unit (Table 2: 1.71) is not
	// far above the paper's.
	scoreEffect float64
}

// Product names in the order of simParams.products.
var simProducts = []string{"axi-cel", "liso-cel", "tisa-cel"}

// Labs shared by both cohorts: the InflaMix labs not in Table 1, at the
// type-7 quartiles of carimpi's SYNTHETIC InflaMix reference labs
// (testdata/reference/data/inflamix_synthetic_labs.csv, 200 simulated
// patients: albumin 3.3/3.8/4.1 g/dL, alp 71/97/141 U/L, ast 18/28/46 U/L,
// tbili 0.4/0.5/0.8 mg/dL, il6 2.9/5.7/14.7, il10 2.3/4.3/8.3, tnfa
// 7.2/10.6/14.1 pg/mL, ddimer 0.61/1.19/2.36 ug/mL FEU), loaded on
// inflammation with the signs the InflaMix paper describes for its
// inflammatory cluster (low albumin; high alp, ast, cytokines, D-dimer).
// No number here comes from the InflaMix derivation cohort, whose data
// are under the MSK InflaMix Terms of Use. ULNs are those of the
// reference examples (scores_examples.csv).
func sharedLabs(cytokineMissing float64) map[string]lab {
	return map[string]lab{
		"albumin":    {quartiles{3.3, 3.8, 4.1, false, 1, 1.5, 5.2, 0.1}, loading{0, -0.55, 0}, 5.2, 0.03},
		"alp":        {quartiles{71, 97, 141, true, 1, 20, 1500, 1}, loading{0.15, 0.35, 0}, 129, 0.03},
		"ast":        {quartiles{18, 28, 46, true, 1, 5, 800, 1}, loading{0, 0.35, 0}, 37, 0.03},
		"tbili":      {quartiles{0.4, 0.5, 0.8, true, 1, 0.1, 10, 0.1}, loading{0, 0.2, 0}, 1.2, 0.03},
		"il6":        {quartiles{2.9, 5.7, 14.7, true, 0.8, 1, 5000, 0.1}, loading{0.1, 0.7, 0}, 5, cytokineMissing},
		"il10":       {quartiles{2.3, 4.3, 8.3, true, 0.8, 1, 2000, 0.1}, loading{0.15, 0.5, 0}, 18, cytokineMissing},
		"tnfa":       {quartiles{7.2, 10.6, 14.1, true, 1, 1, 300, 0.1}, loading{0, 0.45, 0}, 22, cytokineMissing},
		"ddimer":     {quartiles{0.61, 1.19, 2.36, true, 0.8, 0.1, 80, 0.01}, loading{0.2, 0.45, 0}, 0.5, cytokineMissing},
		"creatinine": {quartiles{0.7, 0.85, 1.05, true, 1, 0.3, 6, 0.01}, loading{0, 0.1, 0}, 0, 0.02},
	}
}

var development = simParams{
	name: "development", idPrefix: "D",
	// Five development centers (paper, Methods); MTV by 41% of SUVmax
	// except LMU Munich (SUV 4.0). The shares are not published: assumed.
	centers: []center{
		{"Moffitt", "41pct", 0.36}, {"Erlangen", "41pct", 0.14}, {"Regensburg", "41pct", 0.12},
		{"LMU Munich", "SUV4", 0.22}, {"Vall d'Hebron", "41pct", 0.16},
	},
	age:        quartiles{57, 64, 70, false, 1, 19, 88, 1}, // Table 1: 64 (57, 70)
	female:     0.39,                                       // Table 1: 99/256
	stage:      []float64{0.08, 0.15, 0.22, 0.55},          // stage 3-4: 77%
	ecog:       []float64{0.38, 0.48, 0.12, 0.02, 0},       // > 1: 14%
	products:   []float64{0.606, 0.074, 0.320},             // 155 / 19 / 82 of 256
	priorLines: []float64{0.14, 0.46, 0.25, 0.10, 0.05},    // median 2 (2, 3)
	bridging:   0.75, primaryRef: 0.39, bulky: 0.11, autoHCT: 0.23, transformed: 0.27, doubleHit: 0.54,
	mtv: quartiles{12, 68, 306, true, 0.55, 0, 20000, 0.1}, // Table 1: 68 (12, 306) mL
	labs: withTable1(sharedLabs(0.6), table1Labs{
		ldh:      quartiles{211, 275, 455, true, 1, 80, 15000, 1},     // 275 (211, 455) U/L
		hb:       quartiles{9.3, 10.6, 11.8, false, 1, 5, 17, 0.1},    // 10.6 (9.3, 11.8) g/dL
		plt:      quartiles{108, 165, 219, false, 1, 5, 700, 1},       // 165 (108, 219)
		anc:      quartiles{1.7, 2.8, 4.4, true, 1, 0.05, 40, 0.01},   // 2.80 (1.70, 4.40)
		ferritin: quartiles{211, 447, 1026, true, 1, 5, 40000, 1},     // 447 (211, 1026) ng/mL
		crp:      quartiles{0.4, 1.3, 4.0, true, 0.6, 0.02, 35, 0.01}, // 1.3 (0.4, 4.0) mg/dL
		missCRP:  5.0 / 256, missFerritin: 5.0 / 256,                  // Table 1 footnote b
	}),
	missBridging: 2.0 / 256, missBulky: 3.0 / 256, missTransformed: 1.0 / 256, missDoubleHit: 119.0 / 256,
	// Median follow-up 27.6 months (reverse KM) = midpoint of U(6, 49.2).
	fuLo: 3.2, fuHi: 50,
	// Tuned for median PFS 7.9 months (development) and OS 33.4, and the
	// tercile medians 45.0 / 8.9 / 3.1.
	theta: 1.02, tau: 4.34, late: 0.022, pps: 0.75, scoreEffect: 1,
	// Table 2, development: liso-cel 1.74, tisa-cel 1.65, ECOG 2-4 1.46,
	// LDH > ULN 1.23, CRP 1.01 per mg/dL.
	lhr: tableTwo{liso: math.Log(1.74), tisa: math.Log(1.65), ecog: math.Log(1.46), ldh: math.Log(1.23), crp: math.Log(1.01)},
}

var validation = simParams{
	name: "validation", idPrefix: "V",
	centers:    []center{{"MSKCC", "SUV4", 1}},             // validation: MSKCC, SUV 4.0
	age:        quartiles{56, 66, 73, false, 1, 19, 90, 1}, // Table 1: 66 (56, 73)
	female:     0.36,                                       // 89/248
	stage:      []float64{0.10, 0.20, 0.22, 0.48},          // stage 3-4: 70%
	ecog:       []float64{0.38, 0.48, 0.12, 0.02, 0},       // > 1: 14%
	products:   []float64{0.524, 0.206, 0.270},             // 130 / 51 / 67 of 248
	priorLines: []float64{0.30, 0.36, 0.20, 0.09, 0.05},    // median 2 (1, 3)
	bridging:   0.79, primaryRef: 0.41, bulky: 0.093, autoHCT: 0.21, transformed: 0.37, doubleHit: 0.15,
	mtv: quartiles{1, 24, 156, true, 0.55, 0, 20000, 0.1}, // Table 1: 24 (1, 156) mL
	labs: withTable1(sharedLabs(0.05), table1Labs{
		ldh:      quartiles{185, 230, 362, true, 1, 80, 15000, 1},     // 230 (185, 362)
		hb:       quartiles{9.1, 10.5, 11.9, false, 1, 5, 17, 0.1},    // 10.5 (9.1, 11.9)
		plt:      quartiles{114, 169, 219, false, 1, 5, 700, 1},       // 169 (114, 219)
		anc:      quartiles{2.15, 3.4, 4.8, true, 1, 0.05, 40, 0.01},  // 3.40 (2.15, 4.80)
		ferritin: quartiles{74, 226, 549, true, 1, 5, 40000, 1},       // 226 (74, 549)
		crp:      quartiles{0.4, 0.8, 3.0, true, 0.6, 0.02, 35, 0.01}, // 0.8 (0.4, 3.0)
	}),
	missPrimaryRef: 1.0 / 248, missBulky: 65.0 / 248, missDoubleHit: 21.0 / 248,
	// Median follow-up 45.4 months = midpoint of U(14, 76.8).
	fuLo: 1, fuHi: 88.8,
	// Tuned for median PFS 7.5 months (validation) and OS 34.0, and the
	// tercile medians 23.5 / 8.8 / 2.0.
	theta: 1.46, tau: 5.6, late: 0.019, pps: 0.9, scoreEffect: 0.8,
	// Table 2, validation: tisa-cel 2.04, ECOG 2-4 1.29, LDH > ULN 1.58,
	// CRP 1.03 per mg/dL; liso-cel as in development (the validation
	// column prints HR 1.71 with a CI of 0.46-1.13, which cannot both hold).
	lhr: tableTwo{liso: math.Log(1.74), tisa: math.Log(2.04), ecog: math.Log(1.29), ldh: math.Log(1.58), crp: math.Log(1.03)},
}

// htInfl scales the CAR-HEMATOTOX labs' loadings on inflammation, so
// that the five labs move together: about 25% of patients then reach
// CAR-HEMATOTOX >= 3 (Table 1: 30% and 23%) and most of them have a high
// CAR-IMPI (Fig 4).
const htInfl = 1.2

// Marrow reserve M is a latent factor independent of burden and
// inflammation, made of age (weight marrowAge) and the part of Ann Arbor
// stage that burden does not explain (marrow involvement puts a patient
// in stage IV): Hb, platelets and ANC load on it with -htMarrow. Older
// and stage-IV patients then have more cytopenias at a given burden, so
// more of the CAR-HEMATOTOX-high patients have a high CAR-IMPI (which
// rises with age and stage): the double-high share 20% -> about 22%.
const (
	htMarrow  = 0.6
	marrowAge = 0.3
)

// htLoading is the loading of a CAR-HEMATOTOX lab: low Hb, platelets and
// ANC, high ferritin and CRP with inflammation.
func htLoading(name string) loading {
	switch name {
	case "hb":
		return loading{0, -0.45 * htInfl, -htMarrow}
	case "plt":
		return loading{0, -0.35 * htInfl, -htMarrow}
	case "anc":
		return loading{0, -0.15 * htInfl, -htMarrow}
	case "ferritin":
		return loading{0.1, 0.65 * htInfl, 0}
	}
	return loading{0.15, 0.7 * htInfl, 0}
}

// tableTwo holds a cohort's log hazard ratios of PFS beyond the score,
// from the paper's multivariable Table 2.
type tableTwo struct{ liso, tisa, ecog, ldh, crp float64 }

// table1Labs are the labs with Table 1 quartiles, by cohort.
type table1Labs struct {
	ldh, hb, plt, anc, ferritin, crp quartiles
	missCRP, missFerritin            float64
}

// withTable1 adds the Table 1 labs, loaded on burden (LDH) and
// inflammation (CRP, ferritin up; Hb, platelets down), with WBC following
// ANC (neutrophils about 65% of white cells).
func withTable1(m map[string]lab, t table1Labs) map[string]lab {
	m["ldh"] = lab{t.ldh, loading{0.55, 0.2, 0}, 250, 0}
	m["hb"] = lab{t.hb, htLoading("hb"), 17, 0}
	m["plt"] = lab{t.plt, htLoading("plt"), 400, 0}
	m["anc"] = lab{t.anc, htLoading("anc"), 0, 0}
	m["ferritin"] = lab{t.ferritin, htLoading("ferritin"), 415, t.missFerritin}
	m["crp"] = lab{t.crp, htLoading("crp"), 0.8, t.missCRP}
	m["wbc"] = lab{quartiles{0, 0, 0, false, 1, 0, 0, 0.01}, loading{}, 11, 0}
	return m
}

// Outcome model constants (both cohorts).
const (
	// etaRef centres eta for the baseline hazard (near the mean eta).
	etaRef = 2.015
	// A PFS event is death without progression with probability
	// expit(nrm0 + nrmHT HEMATOTOX): cytopenias and infections make
	// non-relapse mortality rise with CAR-HEMATOTOX (paper, Discussion).
	nrm0  = -2.2
	nrmHT = 0.15
	// Post-progression survival: long (median ppsLongM months) with
	// probability expit(long0 - longEta eta), else short (median
	// ppsShort), both times exp(-ppsEta eta) and the cohort's pps factor:
	// high-risk patients die sooner after progression, so OS separates
	// the risk groups more than PFS (validation HR 3.0 vs 2.5) and the
	// double-high group's 1-year OS is 38%.
	long0    = -0.6
	longEta  = 0.4
	ppsShort = 5
	ppsLongM = 60
	ppsEta   = 0.6
	// ppsHT shortens post-progression survival per CAR-HEMATOTOX point
	// (poor marrow reserve limits salvage therapy and brings infections):
	// the double-high group's 1-year OS 38% while its 1-year PFS is 22%.
	ppsHT = 0.165
)

// Toxicity model constants: latent L = slope (trueScore - 1.35) + infl I +
// product + shift + logistic noise; grade = number of cut points below L.
// ICU follows the grades (90% after CRS >= 3, 50% after ICANS >= 3), else
// icuBase exp(icuSlope (trueScore - 1.35)) for other causes. Targets
// (paper, Fig 3, pooled, above vs below the median score): CRS grade >= 3
// 13.2% vs 1.8%, ICANS grade >= 3 21.1% vs 12.3%, ICU 22% vs 7.9%.
const (
	crsSlope, crsInfl, crsAxi, crsShift         = 2.3, 0.5, 0.4, 0.8
	icansSlope, icansInfl, icansAxi, icansShift = 0.35, 0.3, 0.5, 0.2
	icuBase, icuSlope                           = 0.025, 2.1
)

// Toxicity cut points: grade = number of thresholds below the latent value.
var (
	crsCuts   = []float64{-1.6, 0.6, 3.75, 4.8, 6.5} // grade >= 1..5
	icansCuts = []float64{0.2, 0.9, 2.05, 3.4, 6.5}
)

// patient draws one patient; mtv > 0 replaces the drawn MTV (an outlier)
// before anything that depends on it.
func (p *simParams) patient(rng *rand.Rand, sc *scores.Scorer, mtv float64) record.Record {
	r := record.New("")
	r.Simulated = true
	r.Cohort = p.name
	cen := p.centers[pick(rng.Float64(), shares(p.centers))]
	r.Center, r.MTVMethod = cen.name, cen.method

	B := rng.NormFloat64()
	I := rhoBI*B + math.Sqrt(1-rhoBI*rhoBI)*rng.NormFloat64()

	f := factors{B: B, I: I}
	zAge := rng.NormFloat64()
	r.Age = p.age.at(zAge)
	r.Sex = "male"
	if rng.Float64() < p.female {
		r.Sex = "female"
	}
	r.MTV = p.mtv.at(loading{0.85, 0, 0}.draw(rng, f))
	if mtv > 0 {
		r.MTV = mtv
	}
	eStage := rng.NormFloat64()
	r.Stage = float64(1 + pick(phi(stageB*B+math.Sqrt(1-stageB*stageB)*eStage), p.stage))
	f.M = marrowAge*zAge + math.Sqrt(1-marrowAge*marrowAge)*eStage
	r.ECOG = float64(pick(phi(loading{0.25, 0.2, 0}.draw(rng, f)), p.ecog))
	r.Product = simProducts[pick(rng.Float64(), p.products)]
	r.PriorLines = float64(1 + pick(rng.Float64(), p.priorLines))
	r.Bridging = bernoulli(phi(loading{0.2, 0, 0}.draw(rng, f)), p.bridging)
	r.PrimaryRefractory = bernoulli(rng.Float64(), p.primaryRef)
	r.Bulky = bernoulli(phi(loading{0.6, 0, 0}.draw(rng, f)), p.bulky)
	r.PriorAutoHCT = bernoulli(rng.Float64(), p.autoHCT)
	r.Transformed = bernoulli(rng.Float64(), p.transformed)
	r.DoubleHit = bernoulli(rng.Float64(), p.doubleHit)
	// Extranodal sites 0-4 (IPI: > 1 in about 35%) and NCCN sites (about
	// 35%), more with higher burden; not in the paper's tables.
	r.ExtranodalSites = float64(pick(phi(loading{0.5, 0, 0}.draw(rng, f)), []float64{0.3, 0.35, 0.2, 0.1, 0.05}))
	r.NCCNExtranodal = bernoulli(phi(loading{0.4, 0, 0}.draw(rng, f)), 0.35)

	for _, name := range labOrder {
		l := p.labs[name]
		v := l.q.at(l.load.draw(rng, f))
		if name == "wbc" {
			v = math.Round(r.ANC/0.65*100) / 100
		}
		f, _ := record.Lookup(name)
		f.SetFloat(&r, v)
		if l.uln > 0 {
			u, _ := f.ULN()
			u.SetFloat(&r, l.uln)
		}
	}

	// Outcomes (step 4 and 5).
	score := trueScore(r.MTV, r.Age, r.Stage)
	ht := sc.Score(&r).Hematotox.Value
	eta := p.scoreEffect*score - etaRef + p.lhr.crp*r.CRP
	switch r.Product {
	case "liso-cel":
		eta += p.lhr.liso
	case "tisa-cel":
		eta += p.lhr.tisa
	}
	if r.ECOG >= 2 {
		eta += p.lhr.ecog
	}
	if r.LDH > r.LDHULN {
		eta += p.lhr.ldh
	}
	pfs := p.pfsTime(-math.Log(1-rng.Float64()) * math.Exp(-eta)) // H0(t) e^eta = E, E ~ Exp(1)
	nrm := rng.Float64() < expit(nrm0+nrmHT*ht)
	long := rng.Float64() < expit(long0-longEta*eta)
	e2 := -math.Log(1 - rng.Float64())
	death := pfs
	if !nrm {
		med := float64(ppsShort)
		if long {
			med = ppsLongM
		}
		death = pfs + e2*p.pps*med/math.Ln2*math.Exp(-ppsEta*eta-ppsHT*ht)
	}
	cut := p.fuLo + (p.fuHi-p.fuLo)*rng.Float64()
	r.PFSMonths, r.PFSEvent = censor(pfs, cut)
	r.OSMonths, r.OSEvent = censor(death, cut)
	// pfs_cause: the PFS event's cause, progression (1) or death without
	// progression (2).
	switch {
	case r.PFSEvent == 0:
		r.PFSCause = 0
	case nrm:
		r.PFSCause = 2
	default:
		r.PFSCause = 1
	}

	// Toxicity (step 6).
	lat := crsSlope*(score-1.35) + crsInfl*I + crsShift + logistic(rng.Float64())
	latN := icansSlope*(score-1.35) + icansInfl*I + icansShift + logistic(rng.Float64())
	if r.Product == "axi-cel" {
		lat += crsAxi
		latN += icansAxi
	}
	r.CRSGrade = float64(grade(lat, crsCuts))
	r.ICANSGrade = float64(grade(latN, icansCuts))
	// ICU: 90% after CRS >= 3, 50% after ICANS >= 3, else a small rate
	// rising with the score (other causes: infection, organ failure).
	pICU := icuBase * math.Exp(icuSlope*(score-1.35))
	switch {
	case r.CRSGrade >= 3:
		pICU = 0.9
	case r.ICANSGrade >= 3:
		pICU = 0.5
	}
	r.ICU = bernoulli(rng.Float64(), pICU)
	// Tocilizumab by CRS grade 0, 1, 2, >= 3: 3%, 35%, 90%, 97%.
	r.Tocilizumab = bernoulli(rng.Float64(), []float64{0.03, 0.35, 0.9, 0.97, 0.97, 0.97}[int(r.CRSGrade)])
	// Corticosteroids: 85% with ICANS >= 2, 70% with CRS >= 3, else 8%.
	pSteroid := 0.08
	switch {
	case r.ICANSGrade >= 2:
		pSteroid = 0.85
	case r.CRSGrade >= 3:
		pSteroid = 0.7
	}
	r.Corticosteroids = bernoulli(rng.Float64(), pSteroid)

	// Missing values (step 7), drawn for every patient in a fixed order.
	missing := func(share float64, v *float64) {
		if rng.Float64() < share {
			*v = math.NaN()
		}
	}
	missing(p.missBridging, &r.Bridging)
	missing(p.missPrimaryRef, &r.PrimaryRefractory)
	missing(p.missBulky, &r.Bulky)
	missing(p.missTransformed, &r.Transformed)
	missing(p.missDoubleHit, &r.DoubleHit)
	for _, name := range labOrder {
		f, _ := record.Lookup(name)
		v := f.Float(&r)
		missing(p.labs[name].missing, &v)
		f.SetFloat(&r, v)
	}
	return r
}

// labOrder fixes the order labs are drawn in (map order is random).
var labOrder = []string{"ldh", "crp", "ferritin", "hb", "plt", "anc", "albumin", "alp", "ast", "tbili", "wbc",
	"creatinine", "il6", "il10", "tnfa", "ddimer"}

// censor returns the observed time (rounded to 0.01 month) and event.
func censor(t, cut float64) (float64, float64) {
	if t <= cut {
		return math.Max(math.Round(t*100)/100, 0.01), 1
	}
	return math.Round(cut*100) / 100, 0
}

// pick returns the category of u in [0, 1) given shares summing to 1
// (the last category takes any rounding remainder).
func pick(u float64, shares []float64) int {
	for i, s := range shares {
		if u < s {
			return i
		}
		u -= s
	}
	return len(shares) - 1
}

func shares(cs []center) []float64 {
	out := make([]float64, len(cs))
	for i, c := range cs {
		out[i] = c.share
	}
	return out
}

// bernoulli returns 1 with probability p given u uniform on [0, 1).
func bernoulli(u, p float64) float64 {
	if u < p {
		return 1
	}
	return 0
}

// phi is the standard normal CDF: it turns a latent z into a uniform.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// logistic returns a standard logistic variate from u uniform on [0, 1).
func logistic(u float64) float64 { return math.Log(u / (1 - u)) }

// grade counts the thresholds below the latent value.
func grade(l float64, cuts []float64) int {
	g := 0
	for _, c := range cuts {
		if l > c {
			g++
		}
	}
	return g
}

// pfsTime solves H0(t) = theta (1 - exp(-t/tau)) + late t = h for t
// (H0 increases from 0; without a late hazard it is bounded by theta).
func (p *simParams) pfsTime(h float64) float64 {
	if p.late <= 0 {
		if h >= p.theta {
			return math.Inf(1)
		}
		return -p.tau * math.Log(1-h/p.theta)
	}
	lo, hi := 0.0, h/p.late
	for range 100 {
		mid := (lo + hi) / 2
		if p.theta*(1-math.Exp(-mid/p.tau))+p.late*mid < h {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// expit is the logistic function.
func expit(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
