# Generates fisher_rxc.json: R's fisher.test p-values for r x c tables of the
# sizes the CAR-IMPI study produces (CRS/ICANS grade 0-4 x tercile, stage x
# tercile, ECOG x tercile, cohort x grade), N = 100-520. The tables are
# synthetic (typed in here, no patient data). R's FEXACT needs a large
# workspace for them (it stops with "FEXACT error 7" at its default) and
# minutes of CPU for the largest.
#   Run: Rscript fisher_rxc.R > fisher_rxc.json
#   One case only (its JSON object on one line): Rscript fisher_rxc.R 3
num <- function(v) ifelse(is.finite(v), sprintf("%.17g", v), "null")
arr <- function(v) paste0("[", paste(num(v), collapse = ", "), "]")
mat <- function(m) paste0("[", paste(apply(m, 1, arr), collapse = ", "), "]")
cases <- list(
  list("crs-grade-x-tercile-n500", c(60, 48, 40, 70, 72, 68, 25, 32, 40, 8, 10, 14, 3, 4, 6), 5),
  list("icans-grade-x-tercile-n494", c(110, 95, 80, 25, 30, 32, 15, 20, 25, 10, 14, 20, 2, 7, 9), 5),
  list("crs-grade-x-tercile-n250", c(30, 25, 20, 35, 36, 33, 12, 15, 20, 4, 5, 8, 1, 2, 4), 5),
  list("grade-x-tercile-strong-n520", c(90, 50, 20, 60, 70, 60, 15, 35, 50, 5, 10, 25, 1, 5, 24), 5),
  list("tercile-x-crs-grade-n500-transposed", c(60, 70, 25, 8, 3, 48, 72, 32, 10, 4, 40, 68, 40, 14, 6), 3),
  list("stage-x-tercile-n500", c(20, 10, 5, 30, 20, 12, 40, 45, 38, 77, 92, 111), 4),
  list("stage-x-tercile-n250", c(8, 4, 2, 14, 10, 6, 22, 20, 18, 39, 49, 58), 4),
  list("ecog-x-tercile-n500", c(80, 70, 55, 80, 88, 98, 7, 9, 13), 3),
  list("product-x-tercile-n510", c(100, 90, 80, 30, 40, 45, 37, 37, 51), 3),
  list("ecog-x-tercile-n100", c(15, 12, 8, 16, 18, 21, 2, 3, 5), 3),
  list("median-x-crs-grade-n500", c(85, 95, 55, 12, 3, 60, 90, 70, 20, 10), 2),
  list("cohort-x-icans-grade-n504", c(150, 40, 35, 20, 11, 135, 47, 40, 19, 7), 2),
  list("median-x-crs-grade-n100", c(15, 20, 10, 3, 2, 10, 18, 12, 6, 4), 2),
  list("grade-x-tercile-empty-row-n300", c(40, 35, 30, 45, 50, 40, 10, 15, 20, 0, 0, 0, 4, 5, 6), 5),
  list("grade-x-tercile-sparse-n120", c(20, 15, 10, 12, 14, 16, 5, 8, 9, 1, 2, 5, 0, 1, 2), 5),
  # tercile x grade 0-5 as in the demo study's Table S5 (3 x 6 with grade 5)
  list("tercile-x-icans-grade-0-5-n508", c(116, 27, 48, 14, 5, 0, 77, 23, 32, 16, 5, 1, 52, 19, 33, 22, 13, 1), 3),
  list("tercile-x-crs-grade-0-5-n508", c(95, 77, 35, 3, 0, 0, 26, 75, 49, 4, 0, 0, 7, 41, 73, 7, 8, 4), 3)
)
one <- function(i) {
  cs <- cases[[i]]
  m <- matrix(cs[[2]], nrow = cs[[3]], byrow = TRUE)
  # FEXACT's default workspace (2e5) fails on most of these ("FEXACT
  # error 7"): 2e8, then 1e9 (4 GB); a table beyond even that is kept with
  # p null and R's error.
  err <- ""
  run <- function(ws) tryCatch(fisher.test(m, workspace = ws),
    error = function(e) { err <<- gsub('["\n]', " ", conditionMessage(e)); NULL })
  t <- system.time(for (ws in c(2e8, 1e9)) if (!is.null(r <- run(ws))) break)[["elapsed"]]
  if (is.null(r)) {
    return(sprintf('{"name": "%s", "table": %s, "p": null, "r_error": "%s", "r_seconds": %.1f}', cs[[1]], mat(m), err, t))
  }
  sprintf('{"name": "%s", "table": %s, "p": %s, "r_seconds": %.1f}', cs[[1]], mat(m), num(r$p.value), t)
}
args <- commandArgs(trailingOnly = TRUE)
if (length(args) > 0) {
  for (a in args) cat(one(as.integer(a)), "\n", sep = "")
} else {
  out <- vapply(seq_along(cases), one, "")
  cat(sprintf('{\n"generator": "stattest/testdata/fisher_rxc.R (%s)",\n"fisher": [\n%s\n]\n}\n',
    R.version.string, paste(out, collapse = ",\n")))
}
