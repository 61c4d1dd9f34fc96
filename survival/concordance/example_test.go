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

func ExampleHarrellWith() {
	// Two rows per patient who changed treatment: (start, stop] intervals.
	start := []float64{0, 0, 4, 0, 0, 7}
	stop := []float64{5, 4, 9, 12, 7, 15}
	event := []bool{true, false, true, true, false, false}
	risk := []float64{1.2, 0.4, 1.0, 0.3, 0.1, 0.8}
	// R: concordance(Surv(start, stop, event) ~ risk, reverse = TRUE) gives 0.8333, se 0.1843.
	r := concordance.HarrellWith(stop, event, risk, concordance.Options{Start: start})
	fmt.Printf("C = %.4f (se %.4f), concordant %v, discordant %v\n", r.C, r.SE, r.Concordant, r.Discordant)
	// Output:
	// C = 0.8333 (se 0.1843), concordant 5, discordant 1
}
