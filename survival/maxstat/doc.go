// Package maxstat computes maximally selected rank statistics: the cut
// point of a continuous variable x that best separates two groups of a
// (possibly censored) outcome, with p-values that account for the search
// over cut points. It matches R's maxstat.test (maxstat 0.7.25, with
// exactRankTests 0.8.35 scores) number by number; the one deliberate
// difference is exactGauss, which R evaluates by randomized quasi-Monte
// Carlo and this package computes deterministically to a stated accuracy.
//
// Test scans the cut points with log-rank scores of a survival outcome;
// TestScores takes any scores (WilcoxonScores, NormalScores for an
// uncensored outcome). The p-values are PLau92, PLau94, PExactGauss, PHL and
// PCondMC, chosen through Options.Method. Bootstrap measures how stable
// the chosen cut point is.
//
// The package is pure numerics: slices in, small structs out, no I/O.
//
// # Cut points
//
// Sort x ascending. A cut c splits the sample into x <= c (m observations)
// and x > c. Candidate m are the last positions of each group of tied x
// values except the last group, kept when max(1, floor(N minprop)) <= m <=
// floor(N maxprop). The statistic at m is the standardized sum of the
// scores of the first group,
//
//	Z_m = (S_m - E_m) / sqrt(V_m),  E_m = m/N A,  V_m = m (N-m) / (N^2 (N-1)) (N Q - A^2),
//
// A and Q being the sum of the scores and of their squares. The estimate
// is the smallest cut attaining max |Z_m|.
//
// # The exactGauss recursion
//
// Under the null hypothesis, S_m - E_m is (asymptotically) a Brownian
// bridge B evaluated at u = m/N, scaled so that Var(B(u)) = u (1-u); Z_m =
// B(u)/sqrt(u(1-u)). For u_i < u_j,
//
//	Cov(B(u_i), B(u_j)) = u_i (1 - u_j),
//	corr(Z_i, Z_j) = u_i (1-u_j) / sqrt(u_i (1-u_i) u_j (1-u_j))
//	              = sqrt(m_i (N - m_j) / (m_j (N - m_i))),
//
// the correlation maxstat:::corrmsrs computes. Write r(i, j) for it. It
// factorizes: r(i, k) = r(i, j) r(j, k) for i < j < k, because
//
//	m_i (N-m_k) / (m_k (N-m_i)) = [m_i (N-m_j) / (m_j (N-m_i))] [m_j (N-m_k) / (m_k (N-m_j))].
//
// A zero-mean, unit-variance Gaussian sequence whose correlations factorize
// along the sequence is a Markov chain: with rho_i = r(i, i+1),
//
//	Z_{i+1} = rho_i Z_i + sqrt(1 - rho_i^2) e_i,  e_i ~ N(0, 1) independent,
//
// reproduces every correlation (Cov(Z_i, Z_k) = prod rho = r(i, k)).
// Equivalently, Z is a stationary Ornstein-Uhlenbeck process observed at the
// times tau_i = log(m_i / (N - m_i)). Hence, with f_1 = phi (the standard
// normal density) and
//
//	f_{i+1}(z') = integral_{-b}^{b} f_i(z) phi((z' - rho_i z)/s_i) / s_i dz,  s_i^2 = 1 - rho_i^2 = N (m_{i+1} - m_i) / (m_{i+1} (N - m_i)),
//
// f_i is the density of Z_i on the event that |Z_1|, ..., |Z_{i-1}| <= b,
// and
//
//	P(max_i |Z_i| >= b) = 1 - integral_{-b}^{b} f_K(z) dz.
//
// PExactGauss evaluates the integrals on a uniform grid over [-b, b] with
// nodes at both barriers: the trapezoidal rule, which for the Gaussian kernel
// is accurate to exp(-2 pi^2 (s/h)^2) away from the barriers, with Gregory
// end corrections of order 14 for the truncation at +-b. The kernel is
// dropped beyond 8.5 s_i. The kernel weights need no exponential per pair:
// with z_j on the grid and t = j - k,
//
//	(z_j - rho z_k)/s = alpha t + c_j,  alpha = rho h/s,  c_j = (1-rho) z_j / s,
//	phi(alpha t + c_j) = phi(alpha t) exp(-alpha c_j)^t exp(-c_j^2/2),
//
// a fixed tap times a geometric factor. f_i is symmetric, so half the grid
// is computed. The grid starts at 3.75 nodes per smallest s_i (for a
// tolerance of 1e-8; fewer for looser ones) and is refined by 0.75 node per
// s_i until two grids agree to the tolerance; that difference is the
// reported accuracy. Each step costs O(nodes x taps), so the whole
// computation is O(K (b/s)(s/h)^2) for K cuts: about 0.1 s at n = 1000 and
// half a minute of CPU at n = 1e5 with continuous x (80,000 cuts), where
// R's pmvnorm cannot even take the K x K correlation matrix.
//
// # References
//
// Lausen B, Schumacher M (1992). Maximally selected rank statistics.
// Biometrics 48:73-85.
//
// Lausen B, Sauerbrei W, Schumacher M (1994). Classification and regression
// trees (CART) used for the exploration of prognostic factors measured on
// different scales. In: Dirschedl P, Ostermann R (eds), Computational
// Statistics, 483-496.
//
// Hothorn T, Lausen B (2003). On the exact distribution of maximally
// selected rank statistics. Computational Statistics & Data Analysis
// 43:121-137.
//
// Hothorn T, Zeileis A (2008). Generalized maximally selected statistics.
// Biometrics 64:1263-1269.
package maxstat
