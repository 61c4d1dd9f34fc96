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
// PExactGauss evaluates the integrals with the trapezoidal rule. On an
// infinite uniform grid of spacing h the rule is accurate to about
// exp(-2 pi^2 (s/h)^2) for the Gaussian kernel (4e-14 at s/h = 1.25), but
// the truncation at +-b would cost accuracy (O(h^2), and still about 1e-6
// with high-order Gregory end corrections at s/h = 3). So the nodes are
// z_k = g(k), k = 0..M, for a map g whose spacing g' equals c <= h in the
// interior and falls smoothly, like an erfc over 2 nodes, to 1e-18 c at
// the barriers over the last 26 nodes of each end; with weights g'(k) the
// transformed integrand F(g(xi)) g'(xi) and its derivatives vanish at the
// ends, and the plain trapezoidal rule in xi converges spectrally up to the
// barriers. No exponential per pair is needed in the uniform interior,
// because the kernel factorizes into a convolution between two node
// factors: with (z' - rho z)^2 = rho (z' - z)^2 + (1-rho) (z'^2 - rho z^2)
// and (1-rho)/s^2 = 1/(1+rho),
//
//	phi((z' - rho z)/s)/s = exp(-kappa z'^2) exp(-a (z' - z)^2) exp(rho kappa z^2) / (s sqrt(2 pi)),
//	kappa = 1/(2 (1+rho)),  a = rho/(2 s^2).
//
// So the recursion carries v_k = w_k f(z_k) exp(rho_i kappa_i z_k^2), and a
// step is a convolution of v with fixed symmetric taps exp(-a (t c)^2) on
// the lattice followed by one factor per node, w_j exp(-(kappa_i - rho_{i+1}
// kappa_{i+1}) z_j^2) (nearly 1: the exponent is about s^2 z^2/8, computed
// by its Taylor polynomial). Pairs with an end-zone node use exp(-a (z' -
// z)^2) directly, by products along the lattice when the other node is
// uniform; all of these are exp(-a K) for constants K of the grid, and a
// changes slowly from cut to cut, so they are updated from an anchor by a
// Taylor polynomial (the 3 outermost nodes, with weights below 1e-11 c, are
// left out). The kernel is dropped beyond 8 s_i (2 Phi(-8) = 1.2e-15 of the
// mass a step, 1e-10 over 80,000 cuts, not part of the reported accuracy),
// and f_i is symmetric, so half the grid is computed.
//
// On wide grids (many cuts with small s_i) the cuts go in blocks of up to
// 64. Far from the barriers the density does not feel them within a block,
// and the composition of Gaussian Markov steps is one such step, with rho =
// prod rho_i and s^2 = 1 - rho^2; so each block splits the density smoothly,
// with weights Phi((d - d0)/tau) and Phi((d0 - d)/tau) (d the distance from
// the barrier, tau = 3 min s_i): the far part moves by one combined step
// (the same factorization, wider taps, and every other node as a source once
// s >= 2 min s_i, as the far part and the combined kernel are then as well
// resolved on spacing 2c as a single step is on c), the near part, on a
// window of 17 sqrt(tau^2 + s^2) next to each barrier, cut by cut. d0 puts
// the far part 8.5 sqrt(tau^2 + s^2) from the end zone (the Gaussian tails
// of the split and of the paths multiply), so the mass that would reach the
// zone or the barrier within the block is of order Phi(-8.5) = 1e-17 of it;
// the block length minimizes the work per cut.
//
// The first grid has q nodes per smallest s_i with K exp(-2 pi^2 q^2) = tol
// (q = 1.23 for 80,000 cuts and tol = 1e-8), the second q + 1/8, and each
// refinement adds 1/4, until two grids agree to the tolerance; that
// difference is the reported accuracy (typically 1e-10 after the first two
// grids, which run side by side on two cores). Each cut costs O(b/s)
// operations and the whole computation O(K b/s) for K cuts: about 5 ms at
// n = 1000 and about 0.3 s at n = 1e5 with continuous x (80,000 cuts),
// where R's pmvnorm cannot even take the K x K correlation matrix.
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
