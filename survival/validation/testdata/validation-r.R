# Regenerates validation-r.json and the case files validation-*.csv: R's
# values of the validation measures of package validation.
#   cd survival/validation/testdata && Rscript validation-r.R
# R 4.2.2, survival 3.5.3, riskRegression 2022.11.28, prodlim, rms 6.5.0.
# Each case is a development fit (Cox, Efron) applied to a validation
# sample: the CSV holds the validation rows (time, event, lp = uncentered
# linear predictor, risk_<t> = 1 - S0(t)^exp(lp) with S0 from
# basehaz(fit, centered = FALSE), cumhaz = H0(time) exp(lp)); the values
# below are computed from the CSV as read back.
suppressMessages({library(survival); library(riskRegression); library(rms)})
source("../../../testdata/reference/scripts/helpers.R") # to_json, A
lung <- read.csv("../../../testdata/reference/data/lung.csv")
pbc <- read.csv("../../../testdata/reference/data/pbc312.csv")

step <- function(x, y, t) { k <- findInterval(t, x); ifelse(k == 0, 0, y[pmax(k, 1)]) }

make_case <- function(name, dev, val, formula, times) {
  fit <- coxph(formula, data = dev, ties = "efron", x = TRUE, y = TRUE, model = TRUE)
  X <- model.matrix(delete.response(terms(fit)), val)[, names(coef(fit)), drop = FALSE]
  lp <- drop(X %*% coef(fit))
  bh <- basehaz(fit, centered = FALSE)
  d <- data.frame(time = val$time, event = val$event, lp = lp)
  for (t in times) d[[paste0("risk_", t)]] <- 1 - exp(-step(bh$time, bh$hazard, t) * exp(lp))
  d$cumhaz <- step(bh$time, bh$hazard, val$time) * exp(lp)
  f <- paste0("validation-", name, ".csv")
  write.csv(d, f, row.names = FALSE)
  d <- read.csv(f)
  risk <- as.matrix(d[, paste0("risk_", times)])
  sc <- Score(list(model = risk), formula = Surv(time, event) ~ 1, data = d, times = times,
              metrics = c("auc", "brier"), summary = "ipa", cens.model = "km", se.fit = TRUE,
              null.model = TRUE, conservative = FALSE)
  auc <- sc$AUC$score; br <- sc$Brier$score
  bm <- br[model == "model"]; bn <- br[model == "Null model"]
  h <- concordance(Surv(time, event) ~ lp, data = d, reverse = TRUE)
  tau <- max(times)
  u <- concordance(Surv(time, event) ~ lp, data = d, reverse = TRUE, timewt = "n/G2", ymax = tau)
  sl <- coxph(Surv(time, event) ~ lp, data = d)
  km <- summary(survfit(Surv(time, event) ~ 1, data = d), times = times)
  # The Poisson intercept is log(O/E) in closed form; rows with cumhaz = 0
  # (before the first development event) add nothing to E and, when
  # censored, nothing to the likelihood.
  pos <- d[d$cumhaz > 0, ]
  pois <- glm(event ~ offset(log(cumhaz)), family = poisson, data = pos)
  # (An event at cumhaz = 0 has no Poisson MLE; it still counts in O.)
  if (sum(d$event[d$cumhaz == 0]) == 0)
    stopifnot(isTRUE(all.equal(unname(coef(pois)), log(sum(d$event) / sum(d$cumhaz)), tolerance = 1e-7)),
              isTRUE(all.equal(unname(sqrt(diag(vcov(pois)))), 1 / sqrt(sum(d$event)), tolerance = 1e-6)))
  smooth <- lapply(seq_along(times), function(k) {
    t <- times[k]
    r <- d[[paste0("risk_", t)]]
    keep <- r > 0 & r < 1 # log(-log(1 - r)) finite; the others are left out
    cll <- log(-log(1 - r[keep]))
    y <- Surv(d$time[keep], d$event[keep])
    sf <- coxph(y ~ rcs(cll, 3))
    obs <- 1 - summary(survfit(sf, newdata = data.frame(cll = cll)), times = t)$surv[1, ]
    stopifnot(length(obs) == sum(keep))
    diff <- abs(obs - r[keep])
    full <- rep(NA_real_, nrow(d)); full[keep] <- obs
    list(tau = t, left_out = sum(!keep), knots = A(unname(attr(rcs(cll, 3), "parms"))), observed = A(full),
         ici = mean(diff), e50 = unname(quantile(diff, 0.5)), e90 = unname(quantile(diff, 0.9)), emax = max(diff))
  })
  # Decision curve (dcurves::dca's formula for a Surv outcome, written out:
  # dcurves is not in Debian) and calibration by risk decile.
  thresholds <- seq(0.05, 0.95, by = 0.05)
  kmt <- function(i, t) {
    s <- summary(survfit(Surv(d$time[i], d$event[i]) ~ 1), times = t, extend = TRUE)
    inside <- t <= max(d$time[i])
    c(s$surv, if (inside) s$lower else NA, if (inside) s$upper else NA)
  }
  dca <- lapply(times, function(t) {
    r <- d[[paste0("risk_", t)]]
    s <- kmt(seq_len(nrow(d)), t)[1]
    nbm <- sapply(thresholds, function(p) {
      hi <- which(r >= p)
      if (length(hi) == 0) return(0)
      sh <- kmt(hi, t)[1]; f <- length(hi) / nrow(d)
      f * (1 - sh) - f * sh * p / (1 - p)
    })
    list(tau = t, net_benefit = A(nbm), treat_all = A((1 - s) - s * thresholds / (1 - thresholds)))
  })
  deciles <- lapply(times, function(t) {
    r <- d[[paste0("risk_", t)]]
    o <- order(r) # stable: ties in input order
    n <- nrow(d)
    g <- lapply(0:9, function(k) o[(floor(k * n / 10) + 1):floor((k + 1) * n / 10)])
    km <- sapply(g, function(i) kmt(i, t))
    list(tau = t, n = A(sapply(g, length)), predicted = A(sapply(g, function(i) 1 - mean(r[i]))),
         observed = A(km[1, ]), lower = A(km[2, ]), upper = A(km[3, ]))
  })
  list(name = name, n = nrow(d), times = A(times), thresholds = A(thresholds), dca = dca, deciles = deciles,
    harrell = list(c = unname(h$concordance), se = sqrt(unname(h$var))),
    uno = list(tau = tau, c = unname(u$concordance), se = sqrt(unname(u$var))),
    auc = list(auc = A(auc$AUC), se = A(auc$se), lower = A(auc$lower), upper = A(auc$upper)),
    brier = list(brier = A(bm$Brier), se = A(bm$se), lower = A(bm$lower), upper = A(bm$upper),
                 null = A(bn$Brier), null_se = A(bn$se), ipa = A(bm$IPA)),
    slope = list(slope = unname(coef(sl)), se = unname(sqrt(diag(vcov(sl))))),
    km = list(surv = A(km$surv), std_err = A(km$std.err), lower = A(km$lower), upper = A(km$upper)),
    expected = A(unname(colMeans(risk))),
    in_the_large = list(observed = sum(d$event), expected = sum(d$cumhaz),
                        log_ratio = log(sum(d$event) / sum(d$cumhaz)), se = 1 / sqrt(sum(d$event))),
    smooth = smooth)
}

lung <- lung[complete.cases(lung[, c("time", "event", "age", "sex", "ph.ecog")]), ]
odd <- seq_len(nrow(lung)) %% 2 == 1
pbc$i <- seq_len(nrow(pbc))
set.seed(18)
n <- 300
sim <- data.frame(x = round(rnorm(n), 1), z = rbinom(n, 1, 0.4))
tt <- rexp(n, 0.05 * exp(0.7 * sim$x + 0.5 * sim$z)); cc <- runif(n, 0, 40)
sim$time <- pmax(1, round(pmin(tt, cc)))  # whole months: many tied times
sim$event <- as.integer(tt <= cc)
write.csv(sim, "validation-sim-cohort.csv", row.names = FALSE)
sim <- read.csv("validation-sim-cohort.csv")

cases <- list(
  make_case("lung", lung[odd, ], lung[!odd, ], Surv(time, event) ~ age + sex + ph.ecog, c(180, 365, 540)),
  make_case("pbc", pbc[pbc$i <= 156, ], pbc[pbc$i > 156, ], Surv(time, event) ~ age + log_bili + log_albumin, c(730, 1461, 2000)),
  make_case("sim", sim[1:150, ], sim[151:300, ], Surv(time, event) ~ x + z, c(6, 12, 24)))
out <- list(
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  riskRegression = as.character(packageVersion("riskRegression")), rms = as.character(packageVersion("rms"))),
  call = c("Score(list(model = risk), Surv(time, event) ~ 1, times, metrics = c('auc','brier'), summary = 'ipa', cens.model = 'km', se.fit = TRUE, conservative = FALSE)",
           "concordance(Surv(time, event) ~ lp, reverse = TRUE) and with timewt = 'n/G2', ymax = max(times)",
           "coxph(Surv(time, event) ~ lp); summary(survfit(Surv(time, event) ~ 1), times); glm(event ~ offset(log(cumhaz)), family = poisson)",
           "smooth: coxph(Surv(time, event) ~ rcs(log(-log(1 - risk)), 3)), observed = 1 - summary(survfit(fit, newdata), times = t)$surv"),
  cases = cases)
writeLines(to_json(out), "validation-r.json")
