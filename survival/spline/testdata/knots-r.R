# Regenerates knots-r.json (run from this directory): Rscript knots-r.R
# R 4.2.2, Hmisc 4.8.0 (Debian r-cran-hmisc 4.8-0-1): default knots of
# rcspline.eval(x, nk = nk, knots.only = TRUE), as rms::rcs(x, nk) uses, on
# data sets that exercise each rule. Random data use set.seed(20251124).
suppressMessages(library(Hmisc))
set.seed(20251124)
lung <- read.csv("../../../testdata/reference/data/lung.csv")
pbc <- read.csv("../../../testdata/reference/data/pbc312.csv")
dlbcl <- read.csv("../../../testdata/reference/data/dlbcl.csv")
hx <- c(rep(0, 744), rep(1, 6), rep(2, 4), rep(3, 10), rep(4, 2), rep(6, 6),
  rep(7, 3), rep(8, 2), rep(9, 4), rep(10, 2), rep(11, 9), rep(12, 10), rep(13, 13),
  rep(14, 5), rep(15, 5), rep(16, 10), rep(17, 6), rep(18, 3), rep(19, 11), rep(20, 16),
  rep(21, 6), rep(22, 16), rep(23, 17), 24, rep(25, 8), rep(26, 6), rep(27, 3),
  rep(28, 7), rep(29, 9), rep(30, 10), rep(31, 4), rep(32, 4), rep(33, 6), rep(34, 6),
  rep(35, 4), rep(36, 5), rep(38, 6), 39, 39, 40, 40, 40, 41, 43, 44, 45)
sets <- list(
  list("lung-age", lung$age, 3:7),
  list("lung-wtloss", lung$wt.loss, 3:5),
  list("pbc-bili", pbc$bili, c(3, 4, 5, 6, 7)),
  list("dlbcl-mge", dlbcl$MGE, 3:5),
  list("small-50", as.numeric(1:50), 3:5),
  list("small-12", round(rnorm(12), 2), 3:4),
  list("fractied-bottom", c(rep(0, 30), 1:100), 3:5),
  list("fractied-bottom-small", c(rep(0, 20), 1:60), 3:5),
  list("fractied-top", c(1:100, rep(200, 30)), 4:5),
  list("fractied-both", c(rep(0, 30), 1:100, rep(200, 30)), 3:6),
  list("fractied-both-small", c(rep(0, 10), 1:50, rep(99, 10)), 4:5),
  list("hmisc-example", hx, c(3, 5)),
  list("interior", c(rep(0, 30), 1:4, rep(5, 30)), 5),
  list("rounded-normal", round(rnorm(300), 1), 3:7),
  list("mtv-lognormal", round(exp(rnorm(180, 4, 1.2)), 1), 3:5))
num <- function(x) paste0("[", paste(format(x, digits = 17, trim = TRUE), collapse = ", "), "]")
cases <- character(0)
for (s in sets) for (nk in s[[3]]) {
  k <- suppressWarnings(rcspline.eval(s[[2]], nk = nk, knots.only = TRUE))
  x <- s[[2]]
  xs <- ifelse(is.na(x), "null", format(x, digits = 17, trim = TRUE))
  cases <- c(cases, sprintf("{\"name\": \"%s\", \"nk\": %d, \"x\": [%s], \"knots\": %s}",
    s[[1]], nk, paste(xs, collapse = ", "), num(unname(k))))
}
writeLines(paste0("{\"method\": \"Hmisc::rcspline.eval(x, nk, knots.only = TRUE)\", \"source\": \"knots-r.R\", ",
  "\"versions\": {\"R\": \"", R.version.string, "\", \"Hmisc\": \"", packageVersion("Hmisc"), "\"},\n",
  "\"cases\": [\n", paste(cases, collapse = ",\n"), "]}"), "knots-r.json")
