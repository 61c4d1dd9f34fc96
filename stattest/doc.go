// Package stattest holds the two-sample and contingency-table tests and the
// descriptive statistics of a clinical "Table 1": type-7 quantiles,
// Mann-Whitney U, Kruskal-Wallis, Fisher's exact test and Pearson's
// chi-square, each matching the R function named in its doc comment:
//
//	Quantile, Quantiles, Median   quantile(type = 7), median
//	Describe                      n, missing, quartiles, range, mean, sd
//	MannWhitney                   wilcox.test(x, y)
//	KruskalWallis                 kruskal.test(groups)
//	FisherExact                   fisher.test(table)
//	FisherMonteCarlo              fisher.test(table, simulate.p.value = TRUE)
//	ChiSquare                     chisq.test(table, correct = ...)
//
// Functions take plain slices, never modify them, and return small result
// structs. Degenerate data give an error or a documented NaN, not a panic;
// a panic means a programming error such as a probability outside [0, 1].
package stattest
