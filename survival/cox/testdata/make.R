# Writes survival/cox/testdata/extra.json: coxph results that the shared
# reference set does not cover (robust and cluster variance, case weights,
# offset, survfit per stratum). Run from the repository root:
#   Rscript survival/cox/testdata/make.R
# R 4.2.2, survival 3.5.3.
library(survival)
num <- function(x) {
  if (is.matrix(x)) return(paste0("[", paste(apply(x, 1, num), collapse = ", "), "]"))
  x <- as.vector(x)
  s <- ifelse(is.finite(x), sprintf("%.17g", x), "null")
  if (length(x) == 1) s else paste0("[", paste(s, collapse = ", "), "]")
}
obj <- function(...) {
  a <- list(...)
  paste0("{", paste(sprintf("\"%s\": %s", names(a), unlist(a)), collapse = ", "), "}")
}
lung <- read.csv("testdata/reference/data/lung.csv")
lung$w <- (seq_len(nrow(lung)) %% 3) + 1
veteran <- read.csv("testdata/reference/data/veteran.csv")
f <- list()
m <- coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, robust = TRUE)
f$robust <- obj(call = '"coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, robust = TRUE)"',
                coef = num(coef(m)), var = num(m$var), naive_var = num(m$naive.var))
m <- coxph(Surv(time, event) ~ age + sex + ph.ecog + cluster(inst), data = lung)
f$cluster <- obj(call = '"coxph(Surv(time, event) ~ age + sex + ph.ecog + cluster(inst), data = lung)"',
                 coef = num(coef(m)), var = num(m$var), n = num(m$n))
m <- coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, weights = w, ties = "breslow")
f$weights_breslow <- obj(call = '"coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, weights = w, ties = \\"breslow\\"), w = row %% 3 + 1"',
                         coef = num(coef(m)), var = num(m$var), loglik = num(m$loglik), score = num(m$score))
m <- coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, weights = w, robust = TRUE)
f$weights_efron_robust <- obj(call = '"coxph(Surv(time, event) ~ age + sex + ph.ecog, data = lung, weights = w, robust = TRUE), w = row %% 3 + 1"',
                              coef = num(coef(m)), var = num(m$var), naive_var = num(m$naive.var), loglik = num(m$loglik))
m <- coxph(Surv(time, event) ~ sex + ph.ecog + offset(0.01 * age), data = lung)
f$offset <- obj(call = '"coxph(Surv(time, event) ~ sex + ph.ecog + offset(0.01 * age), data = lung)"',
                coef = num(coef(m)), var = num(m$var), loglik = num(m$loglik))
m <- coxph(Surv(time, status) ~ trt + karno + age + strata(celltype), data = veteran)
nd <- data.frame(trt = 1, karno = 60, age = 60)
s <- summary(survfit(m, newdata = nd), times = c(30, 90))
f$survfit_strata <- obj(call = '"summary(survfit(coxph(Surv(time, status) ~ trt + karno + age + strata(celltype), data = veteran), newdata = data.frame(trt = 1, karno = 60, age = 60)), times = c(30, 90))"',
                        strata = paste0("[", paste0('"', sub("celltype=", "", as.character(s$strata)), '"', collapse = ", "), "]"),
                        time = num(s$time), n_risk = num(s$n.risk), surv = num(s$surv), std_err = num(s$std.err),
                        lower = num(s$lower), upper = num(s$upper))
writeLines(paste0("{\n", paste(sprintf("  \"%s\": %s", names(f), unlist(f)), collapse = ",\n"),
                  ",\n  \"versions\": ", obj(R = sprintf('"%s"', R.version.string), survival = sprintf('"%s"', packageVersion("survival"))), "\n}"),
           "survival/cox/testdata/extra.json")
