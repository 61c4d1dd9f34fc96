// Package compete holds the competing-risks estimators of carimpi, each
// equal to the function of R's cmprsk package (version 2.2, Robert Gray)
// named in its doc comment, to about 1e-12 relative on the reference cases
// in testdata:
//
//   - CumInc: the Aalen-Johansen cumulative incidence of each cause in each
//     group with the variance of cmprsk::cuminc (Fortran cinc), as the step
//     function cmprsk returns (a pair of points at every jump);
//   - Gray: Gray's (1988) k-sample test of the cumulative incidence of one
//     cause, with strata and the weight (1 - F(t-))^rho (Fortran crstm);
//   - FineGray: the Fine-Gray (1999) proportional subdistribution hazards
//     model, with the sandwich variance of cmprsk::crr (Fortran crrfsv,
//     crrvv), computed in O(n p^2) per iteration instead of crr's O(n^2).
//
// Data are plain slices in any order; a status of 0 means censored and
// 1..k the cause (callers map their own codes). Nothing here reads files.
//
// The same model as FineGray can be fitted in R with survival::finegray,
// which expands the data into (start, stop] rows with the censoring
// weights, followed by coxph(Surv(fgstart, fgstop, fgstatus) ~ x,
// weights = fgwt): the coefficients agree with crr's (both maximise the
// weighted partial likelihood of Fine and Gray), but coxph's default
// variance is the naive one unless robust = TRUE, and even the robust
// variance omits crr's term for the estimated censoring distribution, so
// its standard errors differ slightly.
package compete
