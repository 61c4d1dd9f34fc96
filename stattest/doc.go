// Package stattest holds the two-sample and contingency-table tests and the
// descriptive statistics of a clinical "Table 1": type-7 quantiles,
// Mann-Whitney U, Kruskal-Wallis, Fisher's exact test and Pearson's
// chi-square, each matching the R function named in its doc comment.
//
// Functions take plain slices, never modify them, and return small result
// structs. Degenerate data give an error or a documented NaN, not a panic;
// a panic means a programming error such as mismatched slice lengths.
package stattest
