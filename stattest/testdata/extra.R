# Generates extra.json: more R results for the stattest tests, beyond the
# shared reference cases (exact Mann-Whitney, 2x2 Fisher at the edges of its
# support, r x c Fisher, small-deviation Yates). Run: Rscript extra.R > extra.json
num <- function(v) ifelse(is.finite(v), sprintf("%.17g", v), "null")
arr <- function(v) paste0("[", paste(num(v), collapse = ", "), "]")
mat <- function(m) paste0("[", paste(apply(m, 1, arr), collapse = ", "), "]")
set.seed(20261124)
w <- c()
add_w <- function(x, y) {
  r <- suppressWarnings(wilcox.test(x, y))
  w <<- c(w, sprintf('{"x": %s, "y": %s, "statistic": %s, "p": %s}', arr(x), arr(y), num(r$statistic), num(r$p.value)))
}
for (i in 1:4) add_w(sample(1:200, 3 * i), sample(1:200 + 0.5, 14 - 2 * i))  # exact, no ties
add_w(1:49 + 0.25, 30:78)          # exact at the largest sizes
add_w(c(1, 2, 2, 3), c(2, 3, 4, 4)) # small with ties: normal approximation
add_w(1:50, 41:70 + 0.5)           # n1 = 50: normal approximation without ties
add_w(c(5), c(1, 2, 3))            # n1 = 1
k <- c()
add_k <- function(g) {
  x <- unlist(g); f <- factor(rep(seq_along(g), lengths(g)))
  r <- kruskal.test(x, f)
  k <<- c(k, sprintf('{"groups": [%s], "statistic": %s, "df": %s, "p": %s}',
    paste(sapply(g, arr), collapse = ", "), num(r$statistic), num(r$parameter), num(r$p.value)))
}
add_k(list(c(1, 2, 3), c(4, 5, 6)))
add_k(list(c(2.1, 3.3, 3.3, 5), c(1, 1, 2.1), c(7, 8, 3.3, 9, 10)))
f <- c()
add_f <- function(m) {
  r <- fisher.test(m, workspace = 2e8)
  if (all(dim(m) == 2)) {
    f <<- c(f, sprintf('{"table": %s, "p": %s, "estimate": %s, "conf_int": %s}', mat(m), num(r$p.value), num(r$estimate), arr(r$conf.int)))
  } else {
    f <<- c(f, sprintf('{"table": %s, "p": %s, "estimate": null, "conf_int": null}', mat(m), num(r$p.value)))
  }
}
add_f(matrix(c(3, 1, 1, 3), 2, byrow = TRUE))
add_f(matrix(c(0, 5, 5, 0), 2, byrow = TRUE))
add_f(matrix(c(10, 0, 0, 10), 2, byrow = TRUE))
add_f(matrix(c(0, 7, 3, 9), 2, byrow = TRUE))
add_f(matrix(c(12, 5, 7, 9), 2, byrow = TRUE))
add_f(matrix(c(120, 80, 95, 105), 2, byrow = TRUE))
add_f(matrix(c(1, 200, 4, 180), 2, byrow = TRUE))
add_f(matrix(c(30, 28, 15, 25, 35, 20, 20, 22, 40), 3, byrow = TRUE))
add_f(matrix(c(3, 0, 2, 1, 4, 2, 0, 1, 5, 2, 1, 0), 4, byrow = TRUE))
add_f(matrix(c(10, 1, 2, 4, 2, 8, 3, 4, 3, 2, 9, 4), 3, byrow = TRUE))
add_f(matrix(c(20, 3, 2, 9, 5, 15, 4, 8, 7, 6, 18, 10), 3, byrow = TRUE))
add_f(matrix(c(2, 0, 0, 0, 2, 0, 0, 0, 2), 3, byrow = TRUE))
add_f(matrix(c(5, 0, 3, 1, 4, 0, 2, 2, 6, 1, 0, 3, 2, 1, 1), 3, byrow = TRUE))
c2 <- c()
add_c <- function(m, correct) {
  r <- suppressWarnings(chisq.test(m, correct = correct))
  c2 <<- c(c2, sprintf('{"table": %s, "correct": %s, "statistic": %s, "df": %s, "p": %s}', mat(m),
    tolower(correct), num(r$statistic), num(r$parameter), num(r$p.value)))
}
add_c(matrix(c(5, 5, 5, 6), 2), TRUE)  # |O - E| < 0.5: Yates subtracts |O - E|
add_c(matrix(c(12, 5, 7, 9), 2), TRUE)
add_c(matrix(c(12, 5, 7, 9), 2), FALSE)
add_c(matrix(c(20, 3, 2, 9, 5, 15, 4, 8, 7, 6, 18, 10), 3), TRUE)
cat(sprintf('{\n"generator": "stattest/testdata/extra.R (%s)",\n"wilcox": [\n%s\n],\n"kruskal": [\n%s\n],\n"fisher": [\n%s\n],\n"chisq": [\n%s\n]\n}\n',
  R.version.string, paste(w, collapse = ",\n"), paste(k, collapse = ",\n"), paste(f, collapse = ",\n"), paste(c2, collapse = ",\n")))
