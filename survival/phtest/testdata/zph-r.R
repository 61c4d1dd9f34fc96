# Regenerates zph-r.json (run from this directory): Rscript zph-r.R
# R 4.2.2, survival 3.5.3, Hmisc 4.8.0. Case weights drawn with set.seed(20251124).
# Each case gives the design columns, the fitted coefficients and
# cox.zph(fit, transform = "km", terms = TRUE)$table.
library(survival)
set.seed(20251124)
vet <- veteran
vet$w <- round(runif(nrow(vet), 0.5, 2), 2)
vet$stratum <- as.integer(factor(vet$trt))
num <- function(x) paste0("[", paste(format(x, digits = 17, trim = TRUE), collapse = ", "), "]")
str <- function(x) paste0("[", paste0("\"", x, "\"", collapse = ", "), "]")
case <- function(name, fit, data, ties, strata = NULL, weights = NULL) {
  z <- cox.zph(fit, transform = "km", terms = TRUE)
  X <- model.matrix(fit)
  asg <- fit$assign
  paste0("{\"name\": \"", name, "\", \"ties\": \"", ties, "\",\n",
    "\"time\": ", num(data$time), ",\n\"status\": ", num(data$status), ",\n",
    "\"x\": [", paste(apply(X, 2, num), collapse = ",\n"), "],\n",
    "\"coef\": ", num(unname(coef(fit))), ",\n",
    "\"term_names\": ", str(names(asg)), ",\n",
    "\"term_cols\": [", paste(sapply(asg, function(a) num(a - 1)), collapse = ", "), "],\n",
    "\"strata\": ", if (is.null(strata)) "null" else num(strata), ",\n",
    "\"weights\": ", if (is.null(weights)) "null" else num(weights), ",\n",
    "\"chisq\": ", num(unname(z$table[, 1])), ",\n\"df\": ", num(unname(z$table[, 2])),
    ",\n\"p\": ", num(unname(z$table[, 3])), "}")
}
f1 <- coxph(Surv(time, status) ~ celltype + karno + age, data = vet, weights = w)
f2 <- coxph(Surv(time, status) ~ celltype + karno + strata(stratum), data = vet, ties = "breslow")
f3 <- coxph(Surv(time, status) ~ karno + age + strata(stratum), data = vet, weights = w)
# A restricted cubic spline (Hmisc rcspline.eval, the basis of rms::rcs) as
# one matrix term, tested jointly (df 3), next to a numeric covariate.
lung <- na.omit(read.csv("../../../testdata/reference/data/lung.csv")[, c("time", "status", "age", "sex")])
lung$status <- lung$status - 1
lung$rcsage <- Hmisc::rcspline.eval(lung$age, nk = 4, inclx = TRUE)
f4 <- coxph(Surv(time, status) ~ rcsage + sex, data = lung)
out <- paste0("{\"method\": \"cox.zph(fit, transform = 'km', terms = TRUE)\", \"source\": \"zph-r.R\", ",
  "\"versions\": {\"R\": \"", R.version.string, "\", \"survival\": \"", packageVersion("survival"), "\"},\n",
  "\"cases\": [\n",
  paste(c(case("veteran-factor-weights-efron", f1, vet, "efron", weights = vet$w),
          case("veteran-factor-strata-breslow", f2, vet, "breslow", strata = vet$stratum),
          case("veteran-strata-weights-efron", f3, vet, "efron", strata = vet$stratum, weights = vet$w),
          case("lung-rcs-age-sex-efron", f4, lung, "efron")),
        collapse = ",\n"), "]}")
writeLines(out, "zph-r.json")
