package cohort

import (
	"testing"

	"carimpi/survival/compete"
)

// TestSimulateNonRelapseMortality: the simulated pfs_cause splits every
// PFS event into progression (1) and death without progression (2), and
// the cumulative incidence of non-relapse mortality at 12 months is 5-10%
// in each cohort, around what CAR-T series report for LBCL (pooled NRM
// 6.1% in Cordas dos Santos et al., Nat Med 2024; 6% at 12 months in the
// GLA/DRST registry, Bethge et al., Blood 2022).
func TestSimulateNonRelapseMortality(t *testing.T) {
	c := Simulate(25000, 25000, 11)
	for _, cohort := range []string{"development", "validation"} {
		var tm []float64
		var status []int
		for _, r := range c.All() {
			if r.Cohort != cohort {
				continue
			}
			if (r.PFSEvent == 1) != (r.PFSCause > 0) || r.PFSCause < 0 || r.PFSCause > 2 {
				t.Fatalf("%s: pfs_event %v with pfs_cause %v", r.PatientID, r.PFSEvent, r.PFSCause)
			}
			tm = append(tm, r.PFSMonths)
			status = append(status, int(r.PFSCause))
		}
		curves, err := compete.CumInc(tm, status, nil, 2)
		if err != nil {
			t.Fatal(err)
		}
		_, nrm, _ := curves[1].At([]float64{12})
		_, cir, _ := curves[0].At([]float64{12})
		if !(nrm[0] >= 0.05 && nrm[0] <= 0.10) || !(cir[0] > 0.3) {
			t.Errorf("%s: NRM at 12 months %.3f (want 0.05-0.10), CIR %.3f", cohort, nrm[0], cir[0])
		}
	}
}
