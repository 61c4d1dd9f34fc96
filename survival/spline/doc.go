// Package spline builds regression-spline covariates for Cox models and
// evaluates a fitted spline's log hazard ratio curve.
//
// Three bases are provided, each evaluated one value at a time into a
// reusable dst slice so a caller can fill a design matrix row by row:
//
//   - RCS, the restricted cubic spline of Stone and Koo in Harrell's
//     truncated-power form (rms::rcs, Hmisc::rcspline.eval with norm = 2),
//     with RCSKnots placing the default knots at quantiles of the data;
//   - LSP, the linear spline of rms::lsp: x, (x-k1)+, (x-k2)+, ..., whose
//     coefficients after the first are changes of slope at each knot;
//   - LSPSegments, the same linear spline parameterised by the slope of each
//     segment (min(x, k1), then the part of x falling in each segment).
//
// LogHRCurve turns a fitted spline term (its coefficients and their
// covariance) into the curve log HR(x) - log HR(ref) with a pointwise 95%
// confidence band, as plotted in the CAR-IMPI paper (Fig 1, Fig S2A).
//
// The package does no I/O and keeps no state.
package spline
