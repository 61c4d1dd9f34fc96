package survival_test

import (
	"encoding/json"
	"os"
	"testing"

	"carimpi/internal/jsonx"
	"carimpi/internal/reftest"
	"carimpi/survival"
)

// extraCase is testdata/km-extra.json, made by testdata/km-extra.R with R
// 4.2.2 and survival 3.5.3 from the reference datasets.
type extraCase struct {
	RMSTOverall []rmstCase `json:"rmst_overall"`
	RMSTSex     []rmstCase `json:"rmst_sex"`
	FollowUp    medians    `json:"followup_overall"`
	FollowUpSex medians    `json:"followup_sex"`
	Trend       trendCase  `json:"trend_celltype"`
	TrendRho1   trendCase  `json:"trend_celltype_rho1"`
}

type rmstCase struct {
	Tau   float64      `json:"tau"`
	RMean jsonx.Floats `json:"rmean"`
	SE    jsonx.Floats `json:"se"`
}

type medians struct {
	Median, Lower, Upper jsonx.Floats
}

type trendCase struct {
	Statistic, P float64
}

func TestExtraReference(t *testing.T) {
	b, err := os.ReadFile("testdata/km-extra.json")
	if err != nil {
		t.Fatal(err)
	}
	var want extraCase
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	d := loadData(t, "lung.csv", "time", "status", "sex")
	tm, ev := d.floats(t, "time"), d.events(t, "status", 2)
	sex, _ := d.codes(t, "sex")
	for _, tc := range []struct {
		name   string
		strata []int
		rmst   []rmstCase
		fu     medians
	}{
		{"overall", nil, want.RMSTOverall, want.FollowUp},
		{"sex", sex, want.RMSTSex, want.FollowUpSex},
	} {
		curves, err := survival.KaplanMeier(tm, ev, tc.strata, survival.KMOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.rmst {
			var mean, se []float64
			for i := range curves {
				r, err := curves[i].RMST(w.Tau)
				if err != nil {
					t.Fatal(err)
				}
				mean, se = append(mean, r.Mean), append(se, r.StdErr)
			}
			reftest.Floats(t, tc.name+" rmst", mean, w.RMean, refTol)
			reftest.Floats(t, tc.name+" rmst se", se, w.SE, refTol)
		}
		// Reverse Kaplan-Meier: one curve per stratum.
		rev := make([]bool, len(ev))
		for i := range ev {
			rev[i] = !ev[i]
		}
		back, err := survival.KaplanMeier(tm, rev, tc.strata, survival.KMOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range back {
			m := back[i].Median()
			reftest.Floats(t, tc.name+" follow-up", []float64{m.Estimate, m.Lower, m.Upper},
				jsonx.Floats{tc.fu.Median[i], tc.fu.Lower[i], tc.fu.Upper[i]}, 0)
		}
	}
	m, err := survival.MedianFollowUp(tm, ev, survival.KMOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reftest.Floats(t, "MedianFollowUp", []float64{m.Estimate, m.Lower, m.Upper},
		jsonx.Floats{want.FollowUp.Median[0], want.FollowUp.Lower[0], want.FollowUp.Upper[0]}, 0)

	v := loadData(t, "veteran.csv", "time", "status", "celltype")
	cell, _ := v.codes(t, "celltype")
	for _, tc := range []struct {
		rho  float64
		want trendCase
	}{{0, want.Trend}, {1, want.TrendRho1}} {
		r, err := survival.LogRank(v.floats(t, "time"), v.events(t, "status", 1), cell, nil, tc.rho)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := r.Trend(nil)
		if err != nil {
			t.Fatal(err)
		}
		reftest.Floats(t, "trend", []float64{tr.Statistic, tr.P}, jsonx.Floats{tc.want.Statistic, tc.want.P}, refTol)
	}
}
