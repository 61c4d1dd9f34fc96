package cohort

import (
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
