// Package survival holds the right-censored survival estimators of carimpi:
// the Kaplan-Meier curve with R's confidence intervals, median, landmark
// rates and restricted mean (KaplanMeier), the reverse Kaplan-Meier median
// follow-up (MedianFollowUp), and the G-rho family of log-rank tests with
// strata and a test for trend (LogRank), and the one reading of a
// right-continuous step function at a time (StepAt, StepIndex). Each matches the R function (from
// the survival package, version 3.5) named in its doc comment, to about
// 1e-12 relative on the reference cases in testdata/reference.
//
// Functions take plain slices in any order and never modify them. Groups
// and strata are integer codes 0..k-1. Kaplan-Meier and the log-rank test
// first count the rows by (stratum, distinct time, group): with up to 2^16
// distinct times in one hashing pass (only the distinct times are sorted),
// otherwise by one O(n) radix sort of the rows; the estimators then make
// one pass over the counts with running sums, so ten million observations
// take a few tenths of a second. The other entry points sort once.
// Times within sqrt(machine epsilon) of each other are merged first, as R's
// aeqSurv does (the timefix = TRUE default of survfit and survdiff).
//
// Degenerate data (no observations, a negative or non-finite time, too few
// groups with events for a test) give an error; quantities R leaves
// undefined (a median not reached, a confidence limit where S = 0) are NaN.
// A panic means a programming error such as slices of different lengths.
//
// Subpackages hold the Cox model and its relatives.
package survival
