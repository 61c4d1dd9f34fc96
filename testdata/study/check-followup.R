# check-followup.R -- median follow-up and its quartiles by the reverse
# Kaplan-Meier method, as Table S1 reports them, on small cases chosen for
# the edges of quantile.survfit: the reverse curve flat at exactly 0.5 (the
# midpoint rule, also at the last time), deaths and censorings at the same
# time, no censoring at all (not reached), and a messy random sample.
#
#   Rscript check-followup.R expected-followup.json
#
# R 4.2.2, survival 3.5.3.
args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE)))
source(file.path(script_dir, "..", "reference", "scripts", "helpers.R"))
suppressPackageStartupMessages(library(survival))
set.seed(4)
rt <- pmax(1, round(rexp(37, 1 / 20)))
cases <- list(
  list(name = "flat at 0.5 to the end", time = c(1, 2, 3, 4), event = c(0, 0, 1, 1)),
  list(name = "flat at 0.5, then a drop", time = c(1, 2, 3, 4, 5, 6), event = c(0, 0, 0, 1, 0, 0)),
  list(name = "deaths and censorings tied", time = c(2, 2, 2, 3, 3, 5, 5, 5, 8, 8, 9, 12), event = c(1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0)),
  list(name = "no censoring", time = c(1, 2, 3, 5, 8), event = c(1, 1, 1, 1, 1)),
  list(name = "not reached", time = c(1, 2, 3, 4, 5, 6, 7, 8), event = c(1, 1, 1, 1, 1, 0, 1, 0)),
  list(name = "messy", time = rt, event = rbinom(37, 1, 0.45)))
out <- lapply(cases, function(k) {
  q <- quantile(survfit(Surv(k$time, 1 - k$event) ~ 1), c(.5, .25, .75), conf.int = FALSE)
  list(name = k$name, time = A(k$time), event = A(k$event), median = unname(q[1]), q1 = unname(q[2]), q3 = unname(q[3]))
})
writeLines(to_json(out), args[1])
