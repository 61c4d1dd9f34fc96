package concordance_test

import (
	"fmt"

	"carimpi/survival/concordance"
)

func ExampleHarrell() {
	time := []float64{5, 8, 8, 12, 20, 25}
	event := []bool{true, true, false, true, false, true}
	risk := []float64{2.1, 1.4, 1.4, 0.3, 0.9, -0.5} // e.g. a Cox linear predictor
	// R: concordance(Surv(time, event) ~ risk, reverse = TRUE) gives 0.8636, se 0.1026.
	r := concordance.Harrell(time, event, risk, nil, nil)
	fmt.Printf("C = %.4f (se %.4f), concordant %v, discordant %v, tied.x %v\n",
		r.C, r.SE, r.Concordant, r.Discordant, r.TiedX)
	// Output:
	// C = 0.8636 (se 0.1026), concordant 9, discordant 1, tied.x 1
}

func ExampleUno() {
	time := []float64{5, 8, 8, 12, 20, 25}
	event := []bool{true, true, false, true, false, true}
	risk := []float64{2.1, 1.4, 1.4, 0.3, 0.9, -0.5}
	r := concordance.Uno(time, event, risk, 15, nil)
	fmt.Printf("C(tau = 15) = %.4f\n", r.C)
	// Output:
	// C(tau = 15) = 0.8186
}
