package study

import "carimpi/internal/jsonx"

// Results holds every number the study report shows, under the stable keys
// of results.json (a public contract documented in README.md).
type Results struct {
	Notice     string     `json:"notice"`
	Simulated  bool       `json:"simulated"`
	Provenance Provenance `json:"provenance"`
	Inclusion  Inclusion  `json:"inclusion"`
	Cutpoint   Cutpoint   `json:"cutpoint"`
	Model      ModelFit   `json:"model"`
	Cutoffs    Cutoffs    `json:"cutoffs"`
	// KM is keyed by cohort name, then grouping (median, terciles), then
	// endpoint (pfs, os).
	KM map[string]map[string]map[string]*GroupSurvival `json:"km"`
	// CompetingRisks (relapse and non-relapse mortality by median group,
	// from pfs_cause) is keyed by cohort name; absent without pfs_cause.
	CompetingRisks map[string]*CompetingRisks `json:"competing_risks,omitempty"`
	// CoxMultivariable is keyed by cohort name, then endpoint.
	CoxMultivariable map[string]map[string]*MultiCox `json:"cox_multivariable"`
	// Toxicity is keyed by crs3, icans3, icu.
	Toxicity          map[string]*Toxicity       `json:"toxicity"`
	CombinedHematotox map[string]*GroupSurvival  `json:"combined_hematotox"`
	CombinedInflamix  map[string]*GroupSurvival  `json:"combined_inflamix"`
	Discrimination    map[string]*Discrimination `json:"discrimination,omitempty"`
	Optimism          *Optimism                  `json:"bootstrap_optimism,omitempty"`
	// Table1 describes the patients by cohort; TableS2 and TableS3 by
	// median and tercile group of the score, keyed by "pooled" (all
	// cohorts) and by cohort name; TableS5 the toxicity by tercile group
	// (pooled); ToxicityGrades the whole CRS and ICANS grade distributions
	// and ICU by median group (pooled, Fig 3). Every row is tested with
	// the Table-1 rule.
	Table1         *Characteristics            `json:"table1"`
	TableS1        *TableS1                    `json:"table_s1"`
	TableS2        map[string]*Characteristics `json:"table_s2"`
	TableS3        map[string]*Characteristics `json:"table_s3"`
	FigS4          *ScoreByCohort              `json:"fig_s4,omitempty"`
	TableS5        *Characteristics            `json:"table_s5,omitempty"`
	ToxicityGrades *Characteristics            `json:"toxicity_grades,omitempty"`
	// PublishedComparison sets the paper's reported numbers beside this
	// cohort's.
	PublishedComparison []Published `json:"published_comparison"`
	// Prediction is keyed by cohort name.
	Prediction map[string]*Prediction `json:"prediction,omitempty"`
	Notes      []string               `json:"notes"`
	Seed       uint64                 `json:"seed"`
}

// Provenance records what produced the results.
type Provenance struct {
	Software string `json:"software"`
	Citation string `json:"citation"`
	Data     string `json:"data"`
	Endpoint string `json:"endpoint"`
}

// Inclusion is the cohort flow.
type Inclusion struct {
	Read                int            `json:"read"`
	Included            int            `json:"included"`
	ExcludedMissing     int            `json:"excluded_missing"`
	ExcludedOutliers    int            `json:"excluded_outliers"`
	MTVOutlierThreshold jsonx.Float    `json:"mtv_outlier_threshold"`
	ExcludeTopMTV       float64        `json:"exclude_top_mtv"`
	Excluded            []Exclusion    `json:"excluded"`
	ByCohort            map[string]int `json:"by_cohort"`
	// MTVMethod counts the included patients by cohort and MTV
	// segmentation (mtv_method: SUV4, 41pct, or "not recorded"): the paper
	// mixed two segmentations, so a reader must see which one the MTVs use.
	MTVMethod map[string]map[string]int `json:"mtv_method"`
	// MTVOutlierCohorts are the cohorts whose MTVs the outlier quantile
	// was taken over (the cohorts analysed); absent when it was taken over
	// every accepted row.
	MTVOutlierCohorts []string `json:"mtv_outlier_cohorts,omitempty"`
}

// Exclusion names one excluded row and why.
type Exclusion struct {
	PatientID string `json:"patient_id"`
	Line      int    `json:"line"`
	Reason    string `json:"reason"`
}

// Cutpoint is the maximally selected log-rank statistic of MTV.
type Cutpoint struct {
	Value     float64      `json:"value"`
	Statistic float64      `json:"statistic"`
	PLau94    jsonx.Float  `json:"p_lau94"`
	N         int          `json:"n"`
	Cuts      jsonx.Floats `json:"cuts"`
	Stats     jsonx.Floats `json:"stats"`
}

// ModelFit is the development Cox model whose linear predictor is CAR-IMPI.
type ModelFit struct {
	Terms []string     `json:"terms"`
	Coef  jsonx.Floats `json:"coef"`
	SE    jsonx.Floats `json:"se"`
	HR    jsonx.Floats `json:"hr"`
	P     jsonx.Floats `json:"p"`
	// Var is the variance matrix of Coef, in Terms order.
	Var      []jsonx.Floats `json:"var"`
	N        int            `json:"n"`
	Events   int            `json:"events"`
	Knot     float64        `json:"knot"`
	Formula  string         `json:"formula"`
	Warnings []string       `json:"warnings"`
}

// Cutoffs are the development cohort's median and terciles of the score.
type Cutoffs struct {
	Median   float64   `json:"median"`
	Terciles []float64 `json:"terciles"`
}

// GroupSurvival is one grouping's survival comparison in one cohort and
// endpoint. Arrays are in group order; the HR arrays omit the reference.
type GroupSurvival struct {
	Groups       []string     `json:"groups"`
	N            []int        `json:"n"`
	Events       []int        `json:"events"`
	Median       jsonx.Floats `json:"median"`
	MedianLower  jsonx.Floats `json:"median_lower"`
	MedianUpper  jsonx.Floats `json:"median_upper"`
	Surv12       jsonx.Floats `json:"surv_12"`
	LogrankChisq jsonx.Float  `json:"logrank_chisq"`
	LogrankDF    int          `json:"logrank_df"`
	LogrankP     jsonx.Float  `json:"logrank_p"`
	HRVsLow      jsonx.Floats `json:"hr_vs_low"`
	HRLower      jsonx.Floats `json:"hr_lower"`
	HRUpper      jsonx.Floats `json:"hr_upper"`
	HRP          jsonx.Floats `json:"hr_p"`
	Reference    string       `json:"reference"`
}

// MultiCox is a multivariable Cox model of one cohort and endpoint.
type MultiCox struct {
	Terms    []string     `json:"terms"`
	HR       jsonx.Floats `json:"hr"`
	Lower    jsonx.Floats `json:"lower"`
	Upper    jsonx.Floats `json:"upper"`
	P        jsonx.Floats `json:"p"`
	Coef     jsonx.Floats `json:"coef"`
	SE       jsonx.Floats `json:"se"`
	N        int          `json:"n"`
	Events   int          `json:"events"`
	Dropped  int          `json:"dropped"`
	Strata   string       `json:"strata"`
	Warnings []string     `json:"warnings"`
}

// Toxicity compares a binary toxicity between the median groups.
type Toxicity struct {
	Groups  []string     `json:"groups"`
	Events  []int        `json:"events"`
	N       []int        `json:"n"`
	Rate    jsonx.Floats `json:"rate"`
	ChisqP  jsonx.Float  `json:"chisq_p"`
	FisherP jsonx.Float  `json:"fisher_p"`
}

// Discrimination compares indices by concordance within one cohort, with
// 95% confidence intervals C -/+ 1.96 SE.
type Discrimination struct {
	Endpoint     string       `json:"endpoint"`
	Index        []string     `json:"index"`
	N            []int        `json:"n"`
	HarrellC     jsonx.Floats `json:"harrell_c"`
	HarrellSE    jsonx.Floats `json:"harrell_se"`
	HarrellLower jsonx.Floats `json:"harrell_lower"`
	HarrellUpper jsonx.Floats `json:"harrell_upper"`
	UnoTau       float64      `json:"uno_tau"`
	UnoC         jsonx.Floats `json:"uno_c"`
	UnoSE        jsonx.Floats `json:"uno_se"`
	UnoLower     jsonx.Floats `json:"uno_lower"`
	UnoUpper     jsonx.Floats `json:"uno_upper"`
}
