// Package validation holds the measures of a survival prediction model on a
// cohort: time-dependent AUC and Brier score with inverse probability of
// censoring weights, the index of prediction accuracy (IPA), calibration
// (slope, calibration-in-the-large, observed/expected at a horizon, a
// calibration curve by risk groups and a smoothed one), decision curves and
// Harrell's bootstrap optimism correction. Concordance (Harrell's and Uno's
// C) is in package concordance.
//
// # Conventions
//
// Functions take plain slices, one element per patient, in any order, and
// never modify them: time (>= 0), event (true = the event, false =
// censored) and risk, the model's predicted probability of the event by
// the horizon tau (1 - S(tau | x)), or any score ordered the same way where
// only the order matters (AUC).
//
// # Censoring weights
//
// Inverse probability of censoring weights use the Kaplan-Meier estimate G
// of the censoring distribution (censoring as the event, the patients with
// an event at a time leaving the risk set before the censorings then), as
// riskRegression::Score with cens.model = "km" (prodlim with reverse =
// TRUE): a case (T_i <= tau with an event) has weight 1/G(T_i-), a control
// (T_i > tau) 1/G(tau), a patient censored before tau weight 0.
//
// # Standard errors
//
// Standard errors of AUC and Brier score are those of riskRegression::Score
// (version 2022.11.28, se.fit = TRUE, conservative = FALSE): sd(IF)/sqrt(n)
// with IF the estimated influence function, including the term of the
// Kaplan-Meier censoring weights (their Nelson-Aalen influence function),
// and sd with denominator n - 1. Limits are estimate -/+ 1.96 SE clipped
// to [0, 1]. Above n = 46340 riskRegression 2022.11.28's AUC standard
// error is wrong: its C++ computes n*n in a 32-bit integer, which
// overflows (n = 1e5: R 0.000216, here 0.00150, in line with 0.00468 at
// n = 1e4 on the same design; bench/validation.sh). The Brier SE agrees at
// every n.
package validation
