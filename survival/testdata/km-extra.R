# Regenerates km-extra.json (R-computed values for the survival package's
# restricted mean, reverse Kaplan-Meier follow-up and trend tests):
#   cd survival/testdata && Rscript km-extra.R
library(survival)
source("../../testdata/reference/scripts/helpers.R") # to_json, A
lung <- read.csv("../../testdata/reference/data/lung.csv")
vet <- read.csv("../../testdata/reference/data/veteran.csv")
rm <- function(fit, tau) {
  tab <- summary(fit, rmean = tau)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  list(tau = tau, rmean = A(unname(tab[, "rmean"])), se = A(unname(tab[, "se(rmean)"])))
}
fu <- function(f) {
  tab <- summary(survfit(f, data = lung))$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  list(median = A(unname(tab[, "median"])), lower = A(unname(tab[, "0.95LCL"])), upper = A(unname(tab[, "0.95UCL"])))
}
fit1 <- survfit(Surv(time, status) ~ 1, data = lung)
fit2 <- survfit(Surv(time, status) ~ sex, data = lung)
sd <- survdiff(Surv(time, status) ~ celltype, data = vet)
s <- 1:4
u <- sum(s * (sd$obs - sd$exp)); v <- drop(t(s) %*% sd$var %*% s)
sdr <- survdiff(Surv(time, status) ~ celltype, data = vet, rho = 1)
ur <- sum(s * (sdr$obs - sdr$exp)); vr <- drop(t(s) %*% sdr$var %*% s)
out <- list(
  call = c("summary(survfit(Surv(time, status) ~ 1 / ~ sex, data = lung), rmean = tau)$table",
           "summary(survfit(Surv(time, 3 - status) ~ 1 / ~ sex, data = lung))$table (reverse KM follow-up)",
           "survdiff(Surv(time, status) ~ celltype, data = veteran, rho = 0 / 1): (s'(O-E))^2 / s'Vs, s = 1..4 in read.csv's (alphabetical) level order"),
  rmst_overall = list(rm(fit1, 365), rm(fit1, 1000), rm(fit1, 5)),
  rmst_sex = list(rm(fit2, 365), rm(fit2, 700)),
  followup_overall = fu(Surv(time, 3 - status) ~ 1),
  followup_sex = fu(Surv(time, 3 - status) ~ sex),
  trend_celltype = list(levels = levels(factor(vet$celltype)), statistic = u^2 / v, p = pchisq(u^2 / v, 1, lower.tail = FALSE)),
  trend_celltype_rho1 = list(statistic = ur^2 / vr, p = pchisq(ur^2 / vr, 1, lower.tail = FALSE)),
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")))
)
writeLines(to_json(out), "km-extra.json")
