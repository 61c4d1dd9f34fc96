// Package cox fits Cox proportional hazards models to right-censored data
// as R's survival::coxph (survival 3.5) does, and predicts from them:
// linear predictors, survival curves for a covariate vector
// (survfit.coxph), robust variance. It also turns a term list such as
// "age, factor(celltype,ref=squamous), rcs(age,4), lsp(mtv,44.3)" into a
// design matrix (ParseTerms, NewDesign) for the CLI and the study.
//
// # The partial likelihood and its derivatives
//
// Let the distinct event times of a stratum be t_1 > t_2 > ... (walked from
// the last to the first), and at t let D be the set of the d subjects who
// die, R(t) the risk set (time >= t), w_i the case weights, eta_i = x_i'b +
// offset_i and r_i = w_i exp(eta_i). Breslow's log partial likelihood is
//
//	l(b) = sum_t [ sum_{i in D} w_i eta_i - W_D log S0(t) ],   S0(t) = sum_{i in R(t)} r_i
//
// with W_D the total weight of the deaths. Efron's approximation treats the
// d tied deaths as leaving the risk set one after another, each having
// been "in" for the earlier steps with probability (d-k)/d, so step
// k = 0..d-1 has the denominator
//
//	S0_k = S0(t) - (k/d) S0_D(t),   S0_D = sum_{i in D} r_i
//
// and l(b) = sum_t [ sum_{i in D} w_i eta_i - (W_D/d) sum_k log S0_k ].
// Writing S1_k = S1(t) - (k/d) S1_D(t) and S2_k = S2(t) - (k/d) S2_D(t) for
// the same sums of r_i x_i and r_i x_i x_i', the score and information are
//
//	U(b) = sum_t [ sum_{i in D} w_i x_i - (W_D/d) sum_k xbar_k ],   xbar_k = S1_k / S0_k
//	I(b) = sum_t (W_D/d) sum_k [ S2_k / S0_k - xbar_k xbar_k' ]
//
// Breslow is the case of one step (k = 0) with weight W_D.
//
// With frequencies (Sorted.Fit: row i stands for c_i identical rows, the
// bootstrap's resamples) the same formulas run over the repeated rows: d is
// the number of repeated deaths, sum c_i over the deaths, W_D = d, and each
// of the d steps has weight 1. coxph's case weights instead take d as the
// number of death rows and W_D as their total weight, which for tied deaths
// is a different Efron likelihood.
//
// # The recursion
//
// The risk set only grows as t decreases, so S0, S1 and S2 are running
// sums: sort once by (stratum, time descending), walk the data once, add
// each subject at its own time and reset at each stratum. The subjects
// tied at t are added as a batch; the deaths among them are also summed
// separately into S0_D, S1_D, S2_D (reset after the batch), which is all
// the Efron steps need, since every S*_k is the total minus k/d times the
// death part. A death batch of size d costs O(d p^2) and a subject O(p^2),
// so one evaluation of l, U and I costs O(n p^2) with no rescan of the risk
// set, and a fit O(n log n + iterations n p^2). This is the organisation of
// survival's coxfit6.c.
//
// # Numerical safeguards
//
// Covariates are centred at their weighted means and scaled by
// sum(w)/sum(w |x - mean|) (columns holding only -1, 0, 1 are left alone,
// as coxph's nocenter), which leaves l unchanged and keeps exp(eta) in
// range whatever the units (MTV in mL beside age in years); coefficients,
// score and variance are transformed back. The information is factored as
// L D L' with a pivot tolerance of eps^0.75 relative to its largest
// diagonal element; a column below it is aliased (constant or collinear)
// and gets NaN. Newton-Raphson starts at the given beta (0), stops when
// |1 - l_old/l_new| <= 1e-9 and, when a step lowers l or overflows, moves
// back towards the last good beta by 1/2, 2/3, 3/4, ... of the step.
//
// # Survival curves
//
// The baseline cumulative hazard matching the tie rule (R's ctype 2 for
// Efron) has the increment sum_k (W_D/d) / S0_k at b-hat; survfit's
// variance adds to sum_k (W_D/d)/S0_k^2 the term q'Vq for the uncertainty
// of b (see Survfit).
package cox
