package reftest

import "carimpi/internal/jsonx"

// CumIncCase is one case of survival/compete/testdata/cuminc.json
// (cmprsk::cuminc, written by make.R there), read by the package's tests
// and by the CLI's.
type CumIncCase struct {
	Name string
	Data string
	Args struct {
		Time, Cause, Group, Strata string
		Rho                        float64
		Cencode                    *float64
	}
	Curves []struct {
		Name           string
		Time, Est, Var jsonx.Floats
	}
	Tests []struct {
		Cause string
		Stat  float64
		PV    float64 `json:"pv"`
		DF    int
	}
	Timepoints struct {
		Times    []float64
		Names    []string
		Est, Var []jsonx.Floats
	}
}
