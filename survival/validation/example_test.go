package validation_test

import (
	"fmt"

	"carimpi/survival/validation"
)

func ExampleAUC() {
	time := []float64{2, 3, 5, 7, 8, 11, 12, 14, 16, 20}
	event := []bool{true, false, true, true, false, true, false, true, false, false}
	risk := []float64{0.8, 0.3, 0.7, 0.4, 0.2, 0.6, 0.1, 0.5, 0.3, 0.2}
	a := validation.AUC(time, event, risk, 10)
	fmt.Printf("AUC(10) = %.3f (SE %.3f), %d cases, %d controls\n", a.Value, a.SE, a.Cases, a.Controls)
	// Output: AUC(10) = 0.862 (SE 0.142), 3 cases, 5 controls
}
