# Regenerates the external-validation reference of "carimpi validate-model":
#   cd testdata/validate-model && Rscript make.R
# R 4.2.2, survival 3.5.3, riskRegression 2022.11.28, rms 6.5.0.
# A hand-entered model (model.json: coefficients, knot, cutoffs, baseline
# survival S0(t) at centre 1) and a simulated cohort drawn from it
# (cohort.csv, simulated = 1); expected.json holds what R computes from the
# files as written: the linear predictor, predicted risks
# 1 - S0(t)^exp(lp - centre) (S0 a step function), riskRegression::Score,
# concordance, the calibration slope, O/E, calibration-in-the-large, the
# smoothed calibration, deciles and decision curves, and the log-rank test
# of the frozen median groups.
suppressMessages({library(survival); library(riskRegression); library(rms)})
source("../reference/scripts/helpers.R") # to_json, A
set.seed(2025)
n <- 220
knot <- 44.3
coef <- c(mtv = 0.004, mtv_above_knot = -0.003, age = 0.012, stage2 = 0.15, stage3 = 0.35, stage4 = 0.55)
centre <- 1.0
bt <- 1:36
s0 <- exp(-0.045 * bt)
d <- data.frame(patient_id = sprintf("P%03d", 1:n), age = round(rnorm(n, 62, 10)), stage = sample(1:4, n, TRUE, c(.1, .2, .3, .4)),
                mtv_ml = round(exp(rnorm(n, 4, 1.1)), 1))
lp <- with(d, coef["mtv"] * mtv_ml + coef["mtv_above_knot"] * pmax(mtv_ml - knot, 0) + coef["age"] * age +
              c(0, coef["stage2"], coef["stage3"], coef["stage4"])[stage])
tt <- rexp(n, 0.045 * exp(lp - centre)); cc <- runif(n, 4, 40)
d$pfs_months <- round(pmin(tt, cc), 1); d$pfs_event <- as.integer(tt <= cc)
ot <- tt + rexp(n, 0.05)
d$os_months <- round(pmin(ot, cc), 1); d$os_event <- as.integer(ot <= cc)
d$cohort <- "external"; d$simulated <- 1
write.csv(d, "cohort.csv", row.names = FALSE, quote = FALSE)
med <- 1.35; ter <- c(1.1, 1.6)
model <- sprintf('{
  "schema": "carimpi-model", "schema_version": 2,
  "id": "car-impi", "name": "CAR-IMPI", "version": "hand-entered test model",
  "source": "hand-entered",
  "citation": "test model entered by hand for carimpi tests (not a published model; coefficients chosen for the test)", "doi": "",
  "date": "2026-01-01",
  "knot": %s,
  "coefficients": {"mtv": %s, "mtv_above_knot": %s, "age": %s, "stage2": %s, "stage3": %s, "stage4": %s},
  "cutoffs": {"median": %s, "terciles": [%s, %s]},
  "centre": %s', num_str(knot), num_str(coef[1]), num_str(coef[2]), num_str(coef[3]), num_str(coef[4]), num_str(coef[5]), num_str(coef[6]),
   num_str(med), num_str(ter[1]), num_str(ter[2]), num_str(centre))
writeLines(paste0(model, sprintf(',\n  "baseline_survival": [{"endpoint": "pfs", "times": [%s], "survival": [%s]}]\n}',
  paste(bt, collapse = ", "), paste(sapply(s0, num_str), collapse = ", "))), "model.json")
writeLines(paste0(model, "\n}"), "model-nobaseline.json")

# Everything below from the files as read back.
d <- read.csv("cohort.csv")
lp <- with(d, coef["mtv"] * mtv_ml + coef["mtv_above_knot"] * pmax(mtv_ml - knot, 0) + coef["age"] * age +
              c(0, coef["stage2"], coef["stage3"], coef["stage4"])[stage])
lp <- unname(lp)
S0 <- function(t) { k <- findInterval(t, bt); ifelse(k == 0, 1, s0[pmax(k, 1)]) }
times <- c(6, 12, 24)
risk <- sapply(times, function(t) 1 - S0(t)^exp(lp - centre))
v <- data.frame(time = d$pfs_months, event = d$pfs_event, lp = lp)
cumhaz <- -log(S0(v$time)) * exp(lp - centre)
sc <- Score(list(model = risk), formula = Surv(time, event) ~ 1, data = v, times = times,
            metrics = c("auc", "brier"), summary = "ipa", cens.model = "km", se.fit = TRUE, null.model = TRUE, conservative = FALSE)
auc <- sc$AUC$score; br <- sc$Brier$score; bm <- br[model == "model"]; bn <- br[model == "Null model"]
h <- concordance(Surv(time, event) ~ lp, data = v, reverse = TRUE)
u <- concordance(Surv(time, event) ~ lp, data = v, reverse = TRUE, timewt = "n/G2", ymax = 24)
sl <- coxph(Surv(time, event) ~ lp, data = v)
km <- summary(survfit(Surv(time, event) ~ 1, data = v), times = times)
obs <- 1 - km$surv; expct <- colMeans(risk); oe <- obs / expct; se <- km$std.err / (1 - km$surv)
smooth <- lapply(seq_along(times), function(k) {
  r <- risk[, k]; cll <- log(-log(1 - r))
  f <- coxph(Surv(v$time, v$event) ~ rcs(cll, 3))
  o <- 1 - summary(survfit(f, newdata = data.frame(cll = cll)), times = times[k])$surv[1, ]
  dd <- abs(o - r)
  list(ici = mean(dd), e50 = unname(quantile(dd, .5)), e90 = unname(quantile(dd, .9)))
})
kmt <- function(i, t) summary(survfit(Surv(v$time[i], v$event[i]) ~ 1), times = t, extend = TRUE)$surv
thresholds <- (1:19) / 20
dca <- lapply(seq_along(times), function(k) {
  r <- risk[, k]; t <- times[k]
  A(sapply(thresholds, function(p) { hi <- which(r >= p); if (!length(hi)) return(0); sh <- kmt(hi, t); f <- length(hi) / n; f * (1 - sh) - f * sh * p / (1 - p) }))
})
grp <- ifelse(lp < med, "low", "high")
lr <- survdiff(Surv(time, event) ~ grp, data = v)
out <- list(
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")), riskRegression = as.character(packageVersion("riskRegression")), rms = as.character(packageVersion("rms"))),
  n = n, times = A(times),
  harrell = list(c = unname(h$concordance), se = sqrt(unname(h$var))), uno = list(c = unname(u$concordance), se = sqrt(unname(u$var))),
  auc = A(auc$AUC), auc_se = A(auc$se), auc_lower = A(auc$lower), auc_upper = A(auc$upper),
  brier = A(bm$Brier), brier_se = A(bm$se), brier_null = A(bn$Brier), ipa = A(bm$IPA),
  observed = A(obs), expected = A(unname(expct)), oe = A(oe), oe_lower = A(oe * exp(-qnorm(.975) * se)), oe_upper = A(oe * exp(qnorm(.975) * se)),
  slope = unname(coef(sl)), slope_se = unname(sqrt(vcov(sl)[1, 1])),
  in_the_large = list(observed = sum(v$event), expected = sum(cumhaz), ratio = sum(v$event) / sum(cumhaz)),
  ici = A(sapply(smooth, `[[`, "ici")), e50 = A(sapply(smooth, `[[`, "e50")), e90 = A(sapply(smooth, `[[`, "e90")),
  net_benefit = dca,
  logrank_median_pfs = list(chisq = unname(lr$chisq), n = A(unname(as.vector(lr$n[c("grp=low", "grp=high")])))))
writeLines(to_json(out), "expected.json")
