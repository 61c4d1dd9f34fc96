package cohort

import (
	"math"
	"strings"
	"testing"

	"carimpi/record"
)

// A registry's MTV quantile above 10,000 mL is written in full in the
// exclusion reason, not in exponent form (2.096e+04).
func TestOutlierReasonNoExponent(t *testing.T) {
	r := &record.Record{PatientID: "P1", MTV: 25000}
	got := outlier(1, 2, r, 0.025, 20960.5).Reasons[0]
	if strings.Contains(got, "e+") || !strings.Contains(got, "20960.5 mL") {
		t.Fatalf("reason %q: want the threshold written as 20960.5 mL", got)
	}
}

// The outlier rule's fraction and quantile are written as the decimals the
// user gave, not with the noise of 1 - p in binary (0.9299999999999999),
// in the reasons and the report text as by QuantileOf and TopPercent.
func TestOutlierRuleDecimals(t *testing.T) {
	for _, tc := range []struct {
		p                 float64
		quantile, percent string
	}{
		{0.025, "0.975", "2.5%"},
		{0.07, "0.93", "7%"},
		{0.1, "0.9", "10%"},
		{0.5, "0.5", "50%"},
		{0.0125, "0.9875", "1.25%"},
		{1e-05, "0.99999", "0.001%"},
	} {
		q, pc := QuantileOf(tc.p), TopPercent(tc.p)
		if q != tc.quantile || pc != tc.percent {
			t.Errorf("p %v: quantile %q, top %q; want %q, %q", tc.p, q, pc, tc.quantile, tc.percent)
		}
		if tc.p != 0.07 {
			continue
		}
		r := &record.Record{PatientID: "P1", MTV: 500}
		if got := outlier(1, 2, r, tc.p, 400).Reasons[0]; !strings.Contains(got, "above the 0.93 quantile of MTV") {
			t.Errorf("reason %q: want the 0.93 quantile", got)
		}
		var b strings.Builder
		rep := &Report{ExcludeTopMTV: tc.p, MTVQuantile: 1 - tc.p, MTVThreshold: 400, ExcludedOutliers: 1}
		if err := rep.WriteText(&b); err != nil || !strings.Contains(b.String(), "rows above the 0.93 quantile") {
			t.Errorf("report text %q (%v): want the 0.93 quantile", b.String(), err)
		}
	}
}

// FormatMTV, the one formatter of the outlier threshold, drops the noise
// of the quantile's interpolation and keeps the digits of a measured MTV.
func TestFormatMTV(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{3341.1499999999946, "3341.15"},
		{372.69999999999993, "372.7"},
		{20960.5, "20960.5"},
		{390.25, "390.25"},
		{100000, "100000"},
		{12.3456789012, "12.3456789"},
		{math.NaN(), "NA"},
	} {
		if got := FormatMTV(tc.v); got != tc.want {
			t.Errorf("FormatMTV(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
