# Regenerates concordance-r.json (run from this directory):
#   Rscript concordance-r.R
# R 4.2.2, survival 3.5.3. Scores are given in full so the test does not
# depend on a Cox fit. Weights are drawn with set.seed(20251124).
library(survival)
num <- function(x) if (is.null(x)) "null" else if (length(x) == 1) format(x, digits = 17) else
  paste0("[", paste(format(x, digits = 17, trim = TRUE), collapse = ", "), "]")
json <- function(x) {
  if (is.list(x)) {
    if (is.null(names(x))) return(paste0("[\n", paste(sapply(x, json), collapse = ",\n"), "\n]"))
    return(paste0("{", paste(sprintf("\"%s\": %s", names(x), sapply(x, json)), collapse = ",\n"), "}"))
  }
  if (is.character(x)) return(paste0("\"", x, "\""))
  num(x)
}
set.seed(20251124)
lung2 <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog")])
lung2$score <- with(lung2, 0.011 * age - 0.55 * sex + 0.46 * ph.ecog)
vet <- veteran
vet$w <- round(runif(nrow(vet), 0.5, 2), 2)
vet$stratum <- as.integer(vet$celltype)
case <- function(name, time, event, score, fit, strata = NULL, weights = NULL, tau = NULL) {
  list(name = name, time = time, event = as.integer(event), score = score,
       strata = if (is.null(strata)) NULL else as.numeric(strata), weights = weights, tau = tau,
       c = unname(fit$concordance), se = unname(sqrt(fit$var)),
       count = as.list(if (is.matrix(fit$count)) colSums(fit$count) else fit$count))
}
cases <- list(
  case("harrell-veteran-karno-weights-strata", vet$time, vet$status, -vet$karno,
       concordance(Surv(time, status) ~ I(-karno) + strata(stratum), data = vet,
                   weights = w, reverse = TRUE),
       strata = vet$stratum, weights = vet$w),
  case("harrell-veteran-karno", vet$time, vet$status, -vet$karno,
       concordance(Surv(time, status) ~ I(-karno), data = vet, reverse = TRUE))
)
for (tau in c(180, 365, 600)) {
  cases[[length(cases) + 1]] <- case(paste0("uno-lung-tau", tau), lung2$time, lung2$status == 2,
       lung2$score,
       concordance(Surv(time, status == 2) ~ score, data = lung2, timewt = "n/G2",
                   ymax = tau, reverse = TRUE), tau = tau)
}
cases[[length(cases) + 1]] <- case("uno-veteran-karno-weights-tau200", vet$time, vet$status,
       -vet$karno,
       concordance(Surv(time, status) ~ I(-karno), data = vet, weights = w, timewt = "n/G2",
                   ymax = 200, reverse = TRUE), weights = vet$w, tau = 200)
out <- list(
  method = "survival::concordance (Harrell: timewt = 'n'; Uno: timewt = 'n/G2', ymax = tau), reverse = TRUE",
  source = "concordance-r.R",
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival"))),
  cases = cases)
writeLines(json(out), "concordance-r.json")
