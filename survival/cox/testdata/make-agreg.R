# Writes survival/cox/testdata/{jasa1.csv, test1b.csv, lung-entry.csv,
# agreg.json}: coxph on (start, stop] data (survival's agreg: time-varying
# covariates, delayed entry) with weights, offset, robust and cluster
# variance, and survfit.coxph curves, for the tests of package cox and of the
# CLI. Run from the repository root:
#   Rscript survival/cox/testdata/make-agreg.R
# R 4.2.2, survival 3.5-3. jasa1 (Stanford heart transplant, survival's
# data) and test1b (survival's tests/counting.R) come with survival (LGPL);
# lung-entry.csv is survival's lung with a made-up entry time.
suppressPackageStartupMessages({library(survival); library(jsonlite)})
dir <- "survival/cox/testdata"
j <- jasa1
j$age_tx <- j$age * j$transplant
j$surgery_tx <- j$surgery * j$transplant
j$w <- (j$id %% 3) + 1
j$off <- 0.01 * j$year
write.csv(j[, c("id", "start", "stop", "event", "transplant", "age", "year", "surgery", "age_tx", "surgery_tx", "w", "off")],
          file.path(dir, "jasa1.csv"), row.names = FALSE)
t1b <- data.frame(start = c(0, 3, 0, 0, 5, 0, 6, 14, 0, 0, 10, 20, 30, 0),
                  stop = c(3, 10, 10, 5, 20, 6, 14, 20, 30, 10, 20, 30, 40, 10),
                  status = c(0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0),
                  x = c(1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, NA),
                  id = c(3, 3, 4, 5, 5, 6, 6, 6, 7, 1, 1, 1, 1, 2))
write.csv(t1b, file.path(dir, "test1b.csv"), row.names = FALSE, na = "")
# survival's tests/doweight.R (testw1) and tests/book1.R (test1)
tw1 <- data.frame(time = c(1, 1, 2, 2, 2, 2, 3, 4, 5), status = c(1, 0, 1, 1, 1, 0, 0, 1, 0),
                  x = c(2, 0, 1, 1, 0, 1, 0, 1, 0), wt = c(1, 2, 3, 4, 3, 2, 1, 2, 1))
write.csv(tw1, file.path(dir, "testw1.csv"), row.names = FALSE)
t1 <- data.frame(time = c(9, 3, 1, 1, 6, 6, 8), status = c(1, NA, 1, 0, 1, 1, 0), x = c(0, 2, 1, 1, 1, 0, 0))
write.csv(t1, file.path(dir, "test1.csv"), row.names = FALSE, na = "")
set.seed(17)
l <- lung[, c("time", "status", "age", "sex", "ph.ecog")]
l$entry <- round(l$time * runif(nrow(l), 0, 0.6))
l$entry[sample(nrow(l), 60)] <- 0
l$id <- seq_len(nrow(l))
l$w <- (l$id %% 3) + 1  # integer weights: R uses Greenwood; with non-integer weights it switches to a robust variance
l$w2 <- (l$id %% 4) / 2 + 0.25  # non-integer weights: the infinitesimal jackknife variance
write.csv(l, file.path(dir, "lung-entry.csv"), row.names = FALSE, na = "")
j <- read.csv(file.path(dir, "jasa1.csv"))
t1b <- read.csv(file.path(dir, "test1b.csv"))
l <- read.csv(file.path(dir, "lung-entry.csv"))

fit_case <- function(name, data, call, fit, args) {
  list(name = name, data = data, call = call, args = args,
       coef = I(unname(coef(fit))), var = unname(fit$var),
       naive_var = if (is.null(fit$naive.var)) NULL else unname(fit$naive.var),
       se = I(unname(sqrt(diag(fit$var)))), loglik = I(fit$loglik), score = fit$score,
       wald = unname(fit$wald.test), n = fit$n, nevent = fit$nevent,
       lp = I(unname(predict(fit, type = "lp"))),
       concordance = list(c = unname(fit$concordance["concordance"]), se = unname(fit$concordance["std"])))
}
cs <- list()
cs[[1]] <- fit_case("jasa1-kp1-breslow", "jasa1.csv", "coxph(Surv(start, stop, event) ~ (age + surgery)*transplant, jasa1, method = 'breslow') (Kalbfleisch-Prentice model 1, survival tests/jasa.R)",
  coxph(Surv(start, stop, event) ~ age + surgery + transplant + age_tx + surgery_tx, j, method = "breslow"),
  list(start = "start", time = "stop", event = "event", terms = "age,surgery,transplant,age_tx,surgery_tx", ties = "breslow"))
cs[[2]] <- fit_case("jasa1-efron", "jasa1.csv", "coxph(Surv(start, stop, event) ~ age + surgery + transplant, jasa1)",
  coxph(Surv(start, stop, event) ~ age + surgery + transplant, j),
  list(start = "start", time = "stop", event = "event", terms = "age,surgery,transplant", ties = "efron"))
cs[[3]] <- fit_case("jasa1-efron-cluster", "jasa1.csv", "coxph(Surv(start, stop, event) ~ age + surgery + transplant + cluster(id), jasa1)",
  coxph(Surv(start, stop, event) ~ age + surgery + transplant + cluster(id), j),
  list(start = "start", time = "stop", event = "event", terms = "age,surgery,transplant", ties = "efron", cluster = "id"))
cs[[4]] <- fit_case("jasa1-weights-cluster", "jasa1.csv", "coxph(Surv(start, stop, event) ~ age + surgery + transplant + cluster(id), jasa1, weights = w), w = id %% 3 + 1",
  coxph(Surv(start, stop, event) ~ age + surgery + transplant + cluster(id), j, weights = w),
  list(start = "start", time = "stop", event = "event", terms = "age,surgery,transplant", ties = "efron", weights = "w", cluster = "id"))
cs[[5]] <- fit_case("jasa1-offset", "jasa1.csv", "coxph(Surv(start, stop, event) ~ age + transplant + offset(0.01 * year), jasa1)",
  coxph(Surv(start, stop, event) ~ age + transplant + offset(off), j),
  list(start = "start", time = "stop", event = "event", terms = "age,transplant", ties = "efron", offset = "off"))
cs[[6]] <- fit_case("test1b-efron", "test1b.csv", "coxph(Surv(start, stop, status) ~ x, test1b) (survival tests/counting.R; the row with x = NA dropped)",
  coxph(Surv(start, stop, status) ~ x, t1b),
  list(start = "start", time = "stop", event = "status", terms = "x", ties = "efron"))
cs[[7]] <- fit_case("test1b-breslow-cluster", "test1b.csv", "coxph(Surv(start, stop, status) ~ x + cluster(id), test1b, ties = 'breslow')",
  coxph(Surv(start, stop, status) ~ x + cluster(id), t1b, ties = "breslow"),
  list(start = "start", time = "stop", event = "status", terms = "x", ties = "breslow", cluster = "id"))
cs[[8]] <- fit_case("lung-entry", "lung-entry.csv", "coxph(Surv(entry, time, status) ~ age + sex + ph.ecog, lung-entry) (delayed entry)",
  coxph(Surv(entry, time, status) ~ age + sex + ph.ecog, l),
  list(start = "entry", time = "time", event = "status", event_value = 2, terms = "age,sex,ph.ecog", ties = "efron"))
cs[[9]] <- fit_case("lung-entry-strata-robust", "lung-entry.csv", "coxph(Surv(entry, time, status) ~ age + ph.ecog + strata(sex) + cluster(id), lung-entry) (one row per patient: robust variance)",
  coxph(Surv(entry, time, status) ~ age + ph.ecog + strata(sex) + cluster(id), l),
  list(start = "entry", time = "time", event = "status", event_value = 2, terms = "age,ph.ecog", ties = "efron", strata = "sex", cluster = "id"))

tw1 <- read.csv(file.path(dir, "testw1.csv"))
t1 <- read.csv(file.path(dir, "test1.csv"))
cs[[10]] <- fit_case("testw1-breslow", "testw1.csv", "coxph(Surv(time, status) ~ x, testw1, weights = wt, ties = 'breslow') (survival tests/doweight.R)",
  coxph(Surv(time, status) ~ x, tw1, weights = wt, ties = "breslow"),
  list(data = "testw1.csv", time = "time", event = "status", terms = "x", ties = "breslow", weights = "wt"))
cs[[11]] <- fit_case("testw1-efron", "testw1.csv", "coxph(Surv(time, status) ~ x, testw1, weights = wt)",
  coxph(Surv(time, status) ~ x, tw1, weights = wt),
  list(data = "testw1.csv", time = "time", event = "status", terms = "x", ties = "efron", weights = "wt"))
cs[[12]] <- fit_case("test1-breslow", "test1.csv", "coxph(Surv(time, status) ~ x, test1, ties = 'breslow') (survival tests/book1.R; the NA row dropped)",
  coxph(Surv(time, status) ~ x, t1, ties = "breslow"), list(data = "test1.csv", time = "time", event = "status", terms = "x", ties = "breslow"))
cs[[13]] <- fit_case("test1-efron", "test1.csv", "coxph(Surv(time, status) ~ x, test1) (survival tests/book2.R)",
  coxph(Surv(time, status) ~ x, t1), list(data = "test1.csv", time = "time", event = "status", terms = "x", ties = "efron"))
cs[[14]] <- fit_case("jasa1-right-cluster", "jasa1.csv", "coxph(Surv(stop, event) ~ age + surgery + cluster(id), jasa1) (right-censored rows, several per cluster: the concordance's se sums by cluster)",
  coxph(Surv(stop, event) ~ age + surgery + cluster(id), j),
  list(time = "stop", event = "event", terms = "age,surgery", ties = "efron", cluster = "id"))

# non-integer case weights: coxph's robust defaults to TRUE (has.rwt), so var is
# the sandwich and naive_var the model-based one
cs[[15]] <- fit_case("lung-entry-nonint-weights", "lung-entry.csv", "coxph(Surv(entry, time, status) ~ age + sex + ph.ecog, lung-entry, weights = w2) (non-integer weights: robust variance by default)",
  coxph(Surv(entry, time, status) ~ age + sex + ph.ecog, l, weights = w2),
  list(start = "entry", time = "time", event = "status", event_value = 2, terms = "age,sex,ph.ecog", ties = "efron", weights = "w2"))
# predicted curves (survfit.coxph) on (start, stop] fits
sf_case <- function(name, call, fit, newdata, times, args) {
  s <- summary(survfit(fit, newdata = newdata), times = times)
  list(name = name, call = call, args = args, newdata = newdata, times = I(times),
       time = I(s$time), n_risk = I(s$n.risk), surv = I(as.vector(s$surv)), std_err = I(as.vector(s$std.err)),
       lower = I(as.vector(s$lower)), upper = I(as.vector(s$upper)), cumhaz = I(as.vector(s$cumhaz)),
       strata = if (is.null(s$strata)) NULL else I(as.character(s$strata)))
}
sf <- list()
sf[[1]] <- sf_case("jasa1-kp1-survfit", "summary(survfit(sfit.1, newdata = list(age = -2, surgery = 0, transplant = 0)), times = c(10, 50, 100, 500, 1000)) (survival tests/jasa.R)",
  coxph(Surv(start, stop, event) ~ age + surgery + transplant + age_tx + surgery_tx, j, method = "breslow"),
  data.frame(age = -2, surgery = 0, transplant = 0, age_tx = 0, surgery_tx = 0), c(10, 50, 100, 500, 1000), cs[[1]]$args)
sf[[2]] <- sf_case("jasa1-efron-survfit", "summary(survfit(coxph(Surv(start, stop, event) ~ age + surgery + transplant, jasa1), newdata = data.frame(age = 5, surgery = 1, transplant = 1)), times = c(30, 200, 800))",
  coxph(Surv(start, stop, event) ~ age + surgery + transplant, j),
  data.frame(age = 5, surgery = 1, transplant = 1), c(30, 200, 800), cs[[2]]$args)
sf[[3]] <- sf_case("lung-entry-strata-survfit", "summary(survfit(coxph(Surv(entry, time, status) ~ age + ph.ecog + strata(sex), lung-entry), newdata = data.frame(age = 60, ph.ecog = 1)), times = c(100, 365))",
  coxph(Surv(entry, time, status) ~ age + ph.ecog + strata(sex), l),
  data.frame(age = 60, ph.ecog = 1), c(100, 365), within(cs[[9]]$args, rm(cluster)))

sf[[4]] <- sf_case("testw1-breslow-survfit", "summary(survfit(coxph(Surv(time, status) ~ x, testw1, weights = wt, ties = 'breslow'), newdata = data.frame(x = 1)), times = c(1, 2, 4))",
  coxph(Surv(time, status) ~ x, tw1, weights = wt, ties = "breslow"), data.frame(x = 1), c(1, 2, 4), cs[[10]]$args)
sf[[5]] <- sf_case("test1-efron-survfit", "summary(survfit(coxph(Surv(time, status) ~ x, test1), newdata = data.frame(x = 0)), times = c(1, 6, 9))",
  coxph(Surv(time, status) ~ x, t1), data.frame(x = 0), c(1, 6, 9), cs[[13]]$args)
sf[[6]] <- sf_case("lung-entry-nonint-weights-survfit", "summary(survfit(coxph(Surv(entry, time, status) ~ age + sex + ph.ecog, lung-entry, weights = w2), newdata = data.frame(age = 60, sex = 2, ph.ecog = 1)), times = c(100, 365))",
  coxph(Surv(entry, time, status) ~ age + sex + ph.ecog, l, weights = w2), data.frame(age = 60, sex = 2, ph.ecog = 1), c(100, 365), cs[[15]]$args)

# Kaplan-Meier with delayed entry
km <- list()
k1 <- survfit(Surv(entry, time, status) ~ sex, l)
k1s <- summary(k1, censored = TRUE)
km[[1]] <- list(name = "lung-entry-km-sex", call = "survfit(Surv(entry, time, status) ~ sex, lung-entry)",
  args = list(start = "entry", time = "time", event = "status", event_value = 2, group = "sex"),
  strata = I(as.character(k1s$strata)), time = I(k1s$time), n_risk = I(k1s$n.risk), n_event = I(k1s$n.event),
  surv = I(k1s$surv), std_err = I(k1s$std.err), lower = I(k1s$lower), upper = I(k1s$upper))
k2 <- survfit(Surv(start, stop, event) ~ 1, j)
k2s <- summary(k2, censored = TRUE)
km[[2]] <- list(name = "jasa1-km", call = "survfit(Surv(start, stop, event) ~ 1, jasa1)",
  args = list(start = "start", time = "stop", event = "event"),
  strata = NULL, time = I(k2s$time), n_risk = I(k2s$n.risk), n_event = I(k2s$n.event),
  surv = I(k2s$surv), std_err = I(k2s$std.err), lower = I(k2s$lower), upper = I(k2s$upper))

km_case <- function(name, call, fit, args, probs = c(0.25, 0.5, 0.75)) {
  s <- summary(fit, censored = TRUE)
  q <- quantile(fit, probs)
  qq <- function(m) if (is.matrix(m)) unname(split(m, row(m))) else list(unname(m))
  list(name = name, call = call, args = args,
       strata = if (is.null(s$strata)) NULL else I(as.character(s$strata)), time = I(s$time), n_risk = I(s$n.risk),
       n_event = I(s$n.event), surv = I(s$surv), std_err = I(s$std.err), lower = I(s$lower), upper = I(s$upper),
       probs = I(probs), quantile = qq(q$quantile), quantile_lower = qq(q$lower), quantile_upper = qq(q$upper))
}
km[[3]] <- km_case("lung-weights-sex", "survfit(Surv(time, status) ~ sex, lung-entry, weights = w)",
  survfit(Surv(time, status) ~ sex, l, weights = w), list(time = "time", event = "status", event_value = 2, group = "sex", weights = "w"))
km[[4]] <- km_case("lung-fh-sex", "survfit(Surv(time, status) ~ sex, lung-entry, stype = 2, ctype = 1) (Fleming-Harrington)",
  survfit(Surv(time, status) ~ sex, l, stype = 2, ctype = 1), list(time = "time", event = "status", event_value = 2, group = "sex", estimator = "fh"))
km[[5]] <- km_case("lung-loglog-90", "survfit(Surv(time, status) ~ sex, lung-entry, conf.type = 'log-log', conf.int = 0.9)",
  survfit(Surv(time, status) ~ sex, l, conf.type = "log-log", conf.int = 0.9),
  list(time = "time", event = "status", event_value = 2, group = "sex", conf_type = "log-log", conf_level = 0.9))
km[[6]] <- km_case("lung-entry-fh-weights-plain", "survfit(Surv(entry, time, status) ~ 1, lung-entry, weights = w, stype = 2, ctype = 1, conf.type = 'plain')",
  survfit(Surv(entry, time, status) ~ 1, l, weights = w, stype = 2, ctype = 1, conf.type = "plain"),
  list(start = "entry", time = "time", event = "status", event_value = 2, weights = "w", estimator = "fh", conf_type = "plain"))
km[[8]] <- km_case("lung-entry-nonint-weights-loglog", "survfit(Surv(entry, time, status) ~ sex, lung-entry, weights = w2, conf.type = 'log-log') (non-integer weights: robust variance)",
  survfit(Surv(entry, time, status) ~ sex, l, weights = w2, conf.type = "log-log"),
  list(start = "entry", time = "time", event = "status", event_value = 2, group = "sex", weights = "w2", conf_type = "log-log"))
km[[9]] <- km_case("lung-nonint-weights", "survfit(Surv(time, status) ~ 1, lung-entry, weights = w2)",
  survfit(Surv(time, status) ~ 1, l, weights = w2), list(time = "time", event = "status", event_value = 2, weights = "w2"))
# Fleming-Harrington with non-integer weights: survfit's robust (infinitesimal
# jackknife) variance of the cumulative hazard. survival 3.5 flags it logse =
# FALSE for this type (stype = 2, ctype = 1), so summary's std.err is the
# jackknife se of H itself and the limits use std.err/surv on the log scale.
km[[10]] <- km_case("lung-fh-nonint-weights", "survfit(Surv(time, status) ~ 1, lung-entry, weights = w2, stype = 2, ctype = 1) (non-integer weights: robust variance)",
  survfit(Surv(time, status) ~ 1, l, weights = w2, stype = 2, ctype = 1),
  list(time = "time", event = "status", event_value = 2, weights = "w2", estimator = "fh"))
km[[11]] <- km_case("lung-entry-fh-nonint-weights-loglog", "survfit(Surv(entry, time, status) ~ sex, lung-entry, weights = w2, stype = 2, ctype = 1, conf.type = 'log-log')",
  survfit(Surv(entry, time, status) ~ sex, l, weights = w2, stype = 2, ctype = 1, conf.type = "log-log"),
  list(start = "entry", time = "time", event = "status", event_value = 2, group = "sex", weights = "w2", estimator = "fh", conf_type = "log-log"))
km[[12]] <- km_case("lung-fh-nonint-weights-plain-90", "survfit(Surv(time, status) ~ sex, lung-entry, weights = w2, stype = 2, ctype = 1, conf.type = 'plain', conf.int = 0.9)",
  survfit(Surv(time, status) ~ sex, l, weights = w2, stype = 2, ctype = 1, conf.type = "plain", conf.int = 0.9),
  list(time = "time", event = "status", event_value = 2, group = "sex", weights = "w2", estimator = "fh", conf_type = "plain", conf_level = 0.9))
km[[7]] <- km_case("lung-entry-sex-quantiles", "quantile(survfit(Surv(entry, time, status) ~ sex, lung-entry), c(0.1, 0.25, 0.5))",
  survfit(Surv(entry, time, status) ~ sex, l), list(start = "entry", time = "time", event = "status", event_value = 2, group = "sex"),
  probs = c(0.1, 0.25, 0.5))

res_case <- function(name, call, fit, args) {
  list(name = name, call = call, args = args,
       martingale = I(unname(resid(fit, "martingale"))), deviance = I(unname(resid(fit, "deviance"))),
       score = unname(as.matrix(resid(fit, "score"))), dfbeta = unname(as.matrix(resid(fit, "dfbeta"))),
       schoenfeld = unname(as.matrix(resid(fit, "schoenfeld"))),
       schoenfeld_time = I(as.numeric(rownames(as.matrix(resid(fit, "schoenfeld"))))))
}
rs <- list()
rs[[1]] <- res_case("lung-efron", "coxph(Surv(time, status) ~ age + sex + ph.ecog, lung-entry)",
  coxph(Surv(time, status) ~ age + sex + ph.ecog, l),
  list(time = "time", event = "status", event_value = 2, terms = "age,sex,ph.ecog", ties = "efron"))
rs[[2]] <- res_case("jasa1-kp1-breslow", cs[[1]]$call, coxph(Surv(start, stop, event) ~ age + surgery + transplant + age_tx + surgery_tx, j, method = "breslow"), cs[[1]]$args)
rs[[3]] <- res_case("jasa1-efron-weights", "coxph(Surv(start, stop, event) ~ age + surgery + transplant, jasa1, weights = w)",
  coxph(Surv(start, stop, event) ~ age + surgery + transplant, j, weights = w),
  list(start = "start", time = "stop", event = "event", terms = "age,surgery,transplant", ties = "efron", weights = "w"))
rs[[5]] <- res_case("testw1-breslow", cs[[10]]$call, coxph(Surv(time, status) ~ x, tw1, weights = wt, ties = "breslow"), cs[[10]]$args)
rs[[6]] <- res_case("test1-efron", cs[[13]]$call, coxph(Surv(time, status) ~ x, t1), cs[[13]]$args)
rs[[4]] <- res_case("lung-entry-strata", "coxph(Surv(entry, time, status) ~ age + ph.ecog + strata(sex), lung-entry)",
  coxph(Surv(entry, time, status) ~ age + ph.ecog + strata(sex), l), within(cs[[9]]$args, rm(cluster)))

writeLines(toJSON(list(method = "survival::coxph and survfit on (start, stop] data", versions = list(R = R.version.string,
                  survival = as.character(packageVersion("survival"))),
                  tolerance = "coef/var/loglik 1e-9 relative; survfit 1e-9; KM 1e-9",
                  notes = "var is the robust variance where robust/cluster is used (naive_var the model-based one); lp = predict(type = 'lp')",
                  fits = cs, survfit = sf, km = km, residuals = rs),
                  digits = NA, auto_unbox = TRUE, null = "null", na = "null", pretty = TRUE),
           file.path(dir, "agreg.json"))
