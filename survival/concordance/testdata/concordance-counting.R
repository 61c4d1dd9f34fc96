# Regenerates concordance-counting.json (run from this directory):
#   Rscript concordance-counting.R
# R 4.2.2, survival 3.5.3. Concordance on (start, stop] counting-process
# data, as coxph(Surv(start, stop, event) ~ ...) reports it (concordancefit
# with reverse = TRUE on the fit's linear predictor; survival's concordance4
# in concordance3.c), with case weights, strata (also more than 10, where
# concordancefit merges the strata by shifting the times) and clusters.
# Each case holds the rows, the score (the linear predictor) and R's
# values, so the test does not depend on a Cox fit; every case also checks
# that survival::concordance() on the same score gives coxph's numbers.
# Data: survival::jasa1 (Stanford heart transplant) and survival::cgd
# (chronic granulomatous disease trial), both shipped with survival (LGPL);
# see README.md.
suppressPackageStartupMessages({library(survival); library(jsonlite)})
j <- jasa1
j$w <- (j$id %% 3) + 1
j$w2 <- (j$id %% 4) / 2 + 0.25  # non-integer weights
g <- cgd
g$center <- as.integer(g$center)
g$hos <- as.integer(g$hos.cat)

case <- function(name, call, fit, d, start, stop, event, strata = NULL, weights = NULL, cluster = NULL) {
  lp <- unname(fit$linear.predictors)
  # the same number from concordance() on the score
  cf <- concordancefit(Surv(d[[start]], d[[stop]], d[[event]]), lp,
                       strata = if (is.null(strata)) NULL else d[[strata]],
                       weights = if (is.null(weights)) NULL else d[[weights]],
                       cluster = if (is.null(cluster)) NULL else d[[cluster]],
                       reverse = TRUE)
  cc <- fit$concordance
  stopifnot(all.equal(unname(cc["concordance"]), cf$concordance, tolerance = 1e-14),
            all.equal(unname(cc["std"]), sqrt(cf$var), tolerance = 1e-14))
  list(name = name, call = call,
       start = d[[start]], stop = d[[stop]], event = as.integer(d[[event]]), score = lp,
       strata = if (is.null(strata)) NULL else as.integer(d[[strata]]),
       weights = if (is.null(weights)) NULL else d[[weights]],
       cluster = if (is.null(cluster)) NULL else as.integer(d[[cluster]]),
       c = unname(cc["concordance"]), se = unname(cc["std"]),
       count = as.list(cc[c("concordant", "discordant", "tied.x", "tied.y", "tied.xy")]))
}

cases <- list(
  case("jasa1-efron", "coxph(Surv(start, stop, event) ~ age + surgery + transplant, jasa1)",
       coxph(Surv(start, stop, event) ~ age + surgery + transplant, j), j, "start", "stop", "event"),
  case("jasa1-transplant", "coxph(Surv(start, stop, event) ~ transplant, jasa1) (a binary score: tied.x)",
       coxph(Surv(start, stop, event) ~ transplant, j), j, "start", "stop", "event"),
  case("jasa1-weights-cluster", "coxph(Surv(start, stop, event) ~ age + surgery + transplant + cluster(id), jasa1, weights = w), w = id %% 3 + 1",
       coxph(Surv(start, stop, event) ~ age + surgery + transplant + cluster(id), j, weights = w), j, "start", "stop", "event",
       weights = "w", cluster = "id"),
  case("jasa1-nonint-weights", "coxph(Surv(start, stop, event) ~ age + transplant, jasa1, weights = w2), w2 = (id %% 4)/2 + 0.25",
       coxph(Surv(start, stop, event) ~ age + transplant, j, weights = w2), j, "start", "stop", "event", weights = "w2"),
  case("cgd-strata-hos-cluster", "coxph(Surv(tstart, tstop, status) ~ treat + sex + age + inherit + steroids + strata(hos.cat) + cluster(id), cgd)",
       coxph(Surv(tstart, tstop, status) ~ treat + sex + age + inherit + steroids + strata(hos) + cluster(id), g), g,
       "tstart", "tstop", "status", strata = "hos", cluster = "id"),
  case("cgd-strata-center", "coxph(Surv(tstart, tstop, status) ~ treat + age + propylac + strata(center), cgd) (13 strata: concordancefit merges them)",
       coxph(Surv(tstart, tstop, status) ~ treat + age + propylac + strata(center), g), g,
       "tstart", "tstop", "status", strata = "center")
)
out <- list(
  method = "coxph(Surv(start, stop, event) ~ ...)$concordance on (start, stop] data = concordancefit(y, lp, strata, weights, cluster, reverse = TRUE)",
  source = "concordance-counting.R",
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
  cases = cases)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", pretty = FALSE), "concordance-counting.json")
