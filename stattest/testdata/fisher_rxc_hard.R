# Generates fisher_rxc_hard.json: R references for the two r x c shapes
# that R's FEXACT cannot compute at the CAR-IMPI study's size (N ~ 500):
# tercile x CRS/ICANS grade 0-5 (3 x 6) and a strongly associated grade
# 0-4 x tercile (5 x 3). The tables are synthetic (typed in here, no
# patient data); the smaller ones are the large ones scaled down.
#   "exact": fisher.test(x, workspace = 2e8), 1e9 where that fails, on
#            smaller N of the same shapes (R can compute these);
#   "monte_carlo": fisher.test(x, simulate.p.value = TRUE, B = 1e6) after
#            set.seed(seed), for the tables R cannot compute exactly
#            (p_mc = (1 + hits) / (B + 1)).
# r_seconds is R's elapsed time on the shared 2-core development machine.
#   Run: Rscript fisher_rxc_hard.R > fisher_rxc_hard.json
#   One case only (its JSON object on one line): Rscript fisher_rxc_hard.R 3
num <- function(v) ifelse(is.finite(v), sprintf("%.17g", v), "null")
arr <- function(v) paste0("[", paste(num(v), collapse = ", "), "]")
mat <- function(m) paste0("[", paste(apply(m, 1, arr), collapse = ", "), "]")
B <- 1e6
cases <- list(
  list("tercile-x-icans-grade-0-5-n126", "exact", c(29, 7, 12, 4, 1, 0, 19, 6, 8, 4, 1, 1, 13, 5, 8, 5, 3, 0), 3),
  list("tercile-x-crs-grade-0-5-n126", "exact", c(24, 19, 9, 1, 0, 0, 6, 19, 12, 1, 0, 0, 2, 10, 18, 2, 2, 1), 3),
  list("tercile-x-icans-grade-0-5-n253", "exact", c(58, 14, 24, 7, 3, 0, 38, 12, 16, 8, 2, 1, 26, 10, 16, 11, 6, 1), 3),
  list("tercile-x-crs-grade-0-5-n253", "exact", c(48, 38, 18, 2, 0, 0, 13, 38, 24, 2, 0, 0, 4, 20, 36, 4, 4, 2), 3),
  list("grade-x-tercile-strong-n129", "exact", c(22, 12, 5, 15, 18, 15, 4, 9, 12, 1, 3, 6, 0, 1, 6), 5),
  list("grade-x-tercile-strong-n261", "exact", c(45, 25, 10, 30, 35, 30, 8, 17, 25, 3, 5, 12, 1, 3, 12), 5),
  list("tercile-x-icans-grade-0-5-n508", "monte_carlo", c(116, 27, 48, 14, 5, 0, 77, 23, 32, 16, 5, 1, 52, 19, 33, 22, 13, 1), 3),
  list("tercile-x-crs-grade-0-5-n508", "monte_carlo", c(95, 77, 35, 3, 0, 0, 26, 75, 49, 4, 0, 0, 7, 41, 73, 7, 8, 4), 3),
  list("tercile-x-crs-grade-0-5-n512-weak", "monte_carlo", c(60, 70, 25, 8, 3, 1, 55, 72, 30, 10, 4, 1, 50, 68, 35, 12, 6, 2), 3),
  list("grade-x-tercile-strong-n520", "monte_carlo", c(90, 50, 20, 60, 70, 60, 15, 35, 50, 5, 10, 25, 1, 5, 24), 5),
  list("grade-x-tercile-moderate-n514", "monte_carlo", c(80, 60, 40, 60, 65, 62, 20, 30, 40, 8, 12, 20, 2, 5, 10), 5),
  list("grade-x-tercile-strong-n194", "exact", c(33, 19, 8, 22, 26, 22, 6, 13, 19, 2, 4, 9, 0, 2, 9), 5)
)
one <- function(i) {
  cs <- cases[[i]]
  m <- matrix(cs[[3]], nrow = cs[[4]], byrow = TRUE)
  head <- sprintf('{"name": "%s", "method": "%s", "table": %s', cs[[1]], cs[[2]], mat(m))
  if (cs[[2]] == "monte_carlo") {
    set.seed(i)
    t <- system.time(r <- fisher.test(m, simulate.p.value = TRUE, B = B))[["elapsed"]]
    return(sprintf('%s, "p_mc": %s, "b": %d, "seed": %d, "r_seconds": %.1f}', head, num(r$p.value), as.integer(B), i, t))
  }
  err <- ""
  run <- function(ws) tryCatch(fisher.test(m, workspace = ws),
    error = function(e) { err <<- gsub('["\n]', " ", conditionMessage(e)); NULL })
  t <- system.time(for (ws in c(2e8, 1e9)) if (!is.null(r <- run(ws))) break)[["elapsed"]]
  if (is.null(r)) {
    return(sprintf('%s, "p": null, "r_error": "%s", "r_seconds": %.1f}', head, err, t))
  }
  sprintf('%s, "p": %s, "r_seconds": %.1f}', head, num(r$p.value), t)
}
args <- commandArgs(trailingOnly = TRUE)
if (length(args) > 0) {
  for (a in args) cat(one(as.integer(a)), "\n", sep = "")
} else {
  out <- vapply(seq_along(cases), one, "")
  cat(sprintf('{\n"generator": "stattest/testdata/fisher_rxc_hard.R (%s)",\n"fisher": [\n%s\n]\n}\n',
    R.version.string, paste(out, collapse = ",\n")))
}
