// Package concordance computes concordance indices of a risk score with a
// right-censored survival outcome: Harrell's C with its infinitesimal
// jackknife standard error, as R's survival::concordance and summary(coxph)
// report it (survival 3.5), and Uno's inverse-probability-of-censoring
// weighted C with a truncation time.
//
// # Orientation
//
// A higher score means higher risk (a Cox linear predictor): a pair is
// concordant when the member with the earlier event has the higher score.
// This is R's concordance(..., reverse = TRUE), which coxph uses.
//
// # Pairs
//
// Rows i and j form a comparable pair when t_i < t_j and row i is an event,
// or t_i = t_j with i an event and j censored (a censoring at the time of an
// event counts as the longer time, as in R). Two events at the same time are
// not comparable (tied.y; tied.xy if their scores are tied too). A
// comparable pair is concordant (s_i > s_j), discordant (s_i < s_j) or tied
// on the score (tied.x). With case weights a pair counts w_i w_j; a time
// weight tw(t_i) multiplies every pair whose earlier member is an event at
// t_i (1 for Harrell, 1/G(t_i-)^2 for Uno). Then
//
//	C = (concordant + tied.x/2) / (concordant + discordant + tied.x)
//
// # Algorithm
//
// Rows are sorted once by stratum, decreasing time, censored before events
// at the same time. Walking that order, every row already seen has a longer
// time (or is censored at the same time), so at an event the weights of the
// rows with a smaller, larger and equal score are three Fenwick-tree queries
// on the ranks of the scores: O(log n) per row, O(n log n) in all, never a
// loop over pairs. This is the algorithm of survival's concordance3.c, which
// uses a balanced binary tree instead (noweb/concordance.Rnw).
//
// # Counting-process data
//
// With (start, stop] rows (HarrellWith, Options.Start) the risk set of an
// event time t holds the rows with start < t <= stop, as in coxph: the walk
// also keeps the rows sorted by decreasing start, and before the events at
// t are counted every row whose start is at or after t leaves the score tree
// (survival's concordance4). A row's counts are then the events met between
// its entry and its departure, the same two Fenwick queries as above.
//
// # Standard error
//
// With Somers' d = (concordant - discordant)/npair, npair = concordant +
// discordant + tied.x, and C = (d + 1)/2, each row's influence on d is
//
//	dfbeta_i = w_i ((c_i - d_i)/npair - d (c_i + d_i + x_i)/npair)
//
// where c_i, d_i and x_i count the concordant, discordant and score-tied
// pairs row i belongs to (as either member), each pair weighted by the
// other member's case weight and the pair's time weight. The infinitesimal jackknife variance of C is sum(dfbeta_i^2)/4.
// A second Fenwick tree, of the events, gives each row's counts: for
// right-censored data from one query per row in a walk back in time (the
// events before the row's time, and at its time when it is censored); for
// counting-process data as the difference between the tree when the row
// enters the risk set and when it leaves it, in the forward walk. With
// clusters the dfbeta_i are summed within each cluster before squaring.
package concordance
