package maxstat

import (
	"testing"

	"carimpi/internal/reftest"
)

// TestLau94ExtremeStatistic checks Lau94 where R's 1 - (Phi(b) - Phi(-b))
// loses the normal tail (pbc bilirubin, b = 9.6): carimpi gives R's value.
func TestLau94ExtremeStatistic(t *testing.T) {
	var c struct {
		Exp map[string]float64 `json:"expected"`
	}
	reftest.Load(t, "testdata/pbc-bili-lau94.json", &c)
	tab := reftest.Table(t, "../../testdata/reference/data/pbc312.csv")
	x, err := tab.Floats("bili")
	if err != nil {
		t.Fatal(err)
	}
	tm, err := tab.Floats("time")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := tab.Floats("event")
	if err != nil {
		t.Fatal(err)
	}
	e := make([]bool, len(ev))
	for i, v := range ev {
		e[i] = v == 1
	}
	r, err := Test(x, tm, e, Options{Method: Lau94})
	if err != nil {
		t.Fatal(err)
	}
	if r.Cutpoint != c.Exp["cutpoint"] {
		t.Errorf("cutpoint %v, R %v", r.Cutpoint, c.Exp["cutpoint"])
	}
	reftest.Close(t, "statistic", r.Statistic, c.Exp["statistic"], 1e-9)
	reftest.Close(t, "p", r.P, c.Exp["p_value"], 1e-9)
}
