# Second validate-model reference case: Rscript make.R pfs; Rscript make.R os (in this folder).
# A hand-entered model applied to 700 patients of survival::rotterdam recoded into the dictionary.
suppressMessages({library(survival); library(riskRegression); library(rms)})
source("../../reference/scripts/helpers.R") # to_json, A, num_str
args <- commandArgs(TRUE); EP <- if (length(args)) args[1] else "pfs"
set.seed(2026); r <- rotterdam[sort(sample(nrow(rotterdam), 700)), ]
d <- data.frame(patient_id = sprintf("R%04d", r$pid), age = r$age,
  stage = pmin(4, 1 + (r$nodes > 0) + (r$nodes > 3) + (r$size == ">50")),
  mtv_ml = round(r$nodes * 7.3 + r$pgr / 20 + 1, 1),
  pfs_months = round(pmin(r$rtime, r$dtime) / 30.4375, 1), pfs_event = pmax(r$recur, r$death),
  os_months = round(r$dtime / 30.4375, 1), os_event = r$death)
write.csv(d, "cohort.csv", row.names = FALSE, quote = FALSE)
knot <- 30; coef <- c(mtv = 0.01, mtv_above_knot = -0.007, age = 0.015, stage2 = 0.3, stage3 = 0.5, stage4 = 0.9); centre <- 1.2
bt <- seq(3, 120, by = 3); s0p <- exp(-0.006 * bt^1.1); s0o <- exp(-0.004 * bt)
med <- 1.5; ter <- c(1.3, 1.8)
model <- sprintf('{
  "schema": "carimpi-model", "schema_version": 2,
  "id": "car-impi", "name": "CAR-IMPI", "version": "audit test model",
  "source": "hand-entered",
  "citation": "audit test model (not a published model)", "doi": "",
  "knot": %s,
  "coefficients": {"mtv": %s, "mtv_above_knot": %s, "age": %s, "stage2": %s, "stage3": %s, "stage4": %s},
  "cutoffs": {"median": %s, "terciles": [%s, %s]},
  "centre": %s,
  "baseline_survival": [{"endpoint": "pfs", "times": [%s], "survival": [%s]}, {"endpoint": "os", "times": [%s], "survival": [%s]}]
}', num_str(knot), num_str(coef[1]), num_str(coef[2]), num_str(coef[3]), num_str(coef[4]), num_str(coef[5]), num_str(coef[6]),
   num_str(med), num_str(ter[1]), num_str(ter[2]), num_str(centre),
   paste(bt, collapse=", "), paste(sapply(s0p, num_str), collapse=", "), paste(bt, collapse=", "), paste(sapply(s0o, num_str), collapse=", "))
writeLines(model, "model.json")
d <- read.csv("cohort.csv"); n <- nrow(d)
lp <- unname(with(d, coef["mtv"] * mtv_ml + coef["mtv_above_knot"] * pmax(mtv_ml - knot, 0) + coef["age"] * age +
              c(0, coef["stage2"], coef["stage3"], coef["stage4"])[stage]))
s0 <- if (EP == "pfs") s0p else s0o
S0 <- function(t) { k <- findInterval(t, bt); ifelse(k == 0, 1, s0[pmax(k, 1)]) }
times <- c(12, 36, 60)
risk <- sapply(times, function(t) 1 - S0(t)^exp(lp - centre))
v <- data.frame(time = d[[paste0(EP, "_months")]], event = d[[paste0(EP, "_event")]], lp = lp)
cumhaz <- -log(S0(v$time)) * exp(lp - centre)
sc <- Score(list(model = risk), formula = Surv(time, event) ~ 1, data = v, times = times,
            metrics = c("auc", "brier"), summary = "ipa", cens.model = "km", se.fit = TRUE, null.model = TRUE, conservative = FALSE)
auc <- sc$AUC$score; br <- sc$Brier$score; bm <- br[model == "model"]; bn <- br[model == "Null model"]
h <- concordance(Surv(time, event) ~ lp, data = v, reverse = TRUE)
u <- concordance(Surv(time, event) ~ lp, data = v, reverse = TRUE, timewt = "n/G2", ymax = max(times))
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
out <- list(n = n, times = A(times),
  harrell = list(c = unname(h$concordance), se = sqrt(unname(h$var))), uno = list(c = unname(u$concordance), se = sqrt(unname(u$var))),
  auc = A(auc$AUC), auc_se = A(auc$se), auc_lower = A(auc$lower), auc_upper = A(auc$upper),
  brier = A(bm$Brier), brier_se = A(bm$se), brier_null = A(bn$Brier), ipa = A(bm$IPA),
  observed = A(obs), expected = A(unname(expct)), oe = A(oe), oe_lower = A(oe * exp(-qnorm(.975) * se)), oe_upper = A(oe * exp(qnorm(.975) * se)),
  slope = unname(coef(sl)), slope_se = unname(sqrt(vcov(sl)[1, 1])),
  in_the_large = list(observed = sum(v$event), expected = sum(cumhaz), ratio = sum(v$event) / sum(cumhaz)),
  ici = A(sapply(smooth, `[[`, "ici")), e50 = A(sapply(smooth, `[[`, "e50")), e90 = A(sapply(smooth, `[[`, "e90")),
  net_benefit = dca,
  logrank_median = list(chisq = unname(lr$chisq), n = A(unname(as.vector(lr$n[c("grp=low", "grp=high")])))))
writeLines(to_json(out), paste0("expected_", EP, ".json"))
