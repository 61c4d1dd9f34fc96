# Writes survival/compete/testdata/{cmprsk-test.csv, cart.csv, cuminc.json,
# crr.json}: cumulative incidence, Gray's test and Fine-Gray regression as
# cmprsk computes them, for the tests of package compete and of the CLI.
# Run from the repository root:  Rscript survival/compete/testdata/make.R
# R 4.2.2, cmprsk 2.2-11, survival 3.5-3, jsonlite 1.8.4.
#
# cmprsk-test.csv is the data of cmprsk's own tests/test.R (set.seed(2) with
# RNGversion("1.6.2")); cart.csv is a simulated CAR-T cohort made here (times
# rounded to half months, so that events of different causes tie).
suppressPackageStartupMessages({library(cmprsk); library(jsonlite)})
dir <- "survival/compete/testdata"

# --- cmprsk's tests/test.R data ---------------------------------------------
suppressWarnings(RNGversion("1.6.2"))
set.seed(2)
ss <- rexp(100)
gg <- factor(sample(1:3, 100, replace = TRUE), 1:3, c("a", "b", "c"))
cc <- sample(0:2, 100, replace = TRUE)
strt <- sample(1:2, 100, replace = TRUE)
dd <- data.frame(ss = abs(rnorm(100)))
gg2 <- gg
gg2[c(5, 10, 50)] <- NA
cv <- matrix(sample(0:1, 3 * 100, replace = TRUE), ncol = 3)
cv[c(1, 10, 20)] <- NA
t1 <- data.frame(ss = ss, ss2 = dd$ss, gg = as.character(gg), gg2 = as.character(gg2), cc = cc, strt = strt,
                 cv1 = cv[, 1], cv2 = cv[, 2], cv3 = cv[, 3])
write.csv(t1, file.path(dir, "cmprsk-test.csv"), row.names = FALSE, na = "")
RNGkind("default", "default", "default")

# --- a CAR-T-like cohort -------------------------------------------------------
set.seed(20251)
n <- 300
grp <- sample(c("low", "high"), n, replace = TRUE)
center <- sample(c("A", "B", "C"), n, replace = TRUE)
age <- round(rnorm(n, 60, 10))
mtv <- round(exp(rnorm(n, 4, 1)), 1)
stage <- sample(1:4, n, replace = TRUE)
h1 <- 0.04 * exp(0.8 * (grp == "high") + 0.004 * (mtv - 60))
h2 <- 0.006 * exp(0.03 * (age - 60))
t1e <- rexp(n, h1); t2e <- rexp(n, h2); ce <- runif(n, 3, 36)
tm <- pmin(t1e, t2e, ce)
cause <- ifelse(tm == ce, 0, ifelse(tm == t1e, 1, 2))
tm <- round(tm * 2) / 2          # half months: ties within and between causes
# a group without death without progression: product "X"
product <- sample(c("axi-cel", "tisa-cel"), n, replace = TRUE)
product[cause != 2 & seq_len(n) %% 7 == 0] <- "liso-cel"
cart <- data.frame(id = seq_len(n), time = tm, pfs_cause = cause, group = grp, center = center,
                   product = product, age = age, mtv_ml = mtv, stage = stage)
cart$time[c(3, 40)] <- NA        # missing values are dropped
write.csv(cart, file.path(dir, "cart.csv"), row.names = FALSE, na = "")

# --- cuminc cases ----------------------------------------------------------------
ci_case <- function(name, data, call, fit, args, times) {
  tests <- NULL
  if (!is.null(fit$Tests)) {
    tt <- fit$Tests
    tests <- lapply(seq_len(nrow(tt)), function(i) list(cause = rownames(tt)[i], stat = tt[i, "stat"],
                                                       pv = tt[i, "pv"], df = tt[i, "df"]))
    fit <- fit[names(fit) != "Tests"]
  }
  curves <- lapply(names(fit), function(k) list(name = k, time = fit[[k]]$time, est = fit[[k]]$est, var = fit[[k]]$var))
  tp <- timepoints(fit, times)
  list(name = name, data = data, call = call, args = args, curves = curves, tests = tests,
       timepoints = list(times = sort(unique(times)), names = rownames(tp$est),
                         est = unname(tp$est), var = unname(tp$var)))
}
cases <- list()
d <- read.csv(file.path(dir, "cmprsk-test.csv"), na.strings = "")
cases[[1]] <- ci_case("cmprsk-test-ss2-gg-strt", "cmprsk-test.csv", "cuminc(ss2, cc, gg, strt)",
                      with(d, cuminc(ss2, cc, gg, strt)), list(time = "ss2", cause = "cc", group = "gg", strata = "strt", rho = 0), c(0.5, 1, 2))
cases[[2]] <- ci_case("cmprsk-test-ss", "cmprsk-test.csv", "cuminc(ss, cc)",
                      with(d, cuminc(ss, cc)), list(time = "ss", cause = "cc", rho = 0), c(0.5, 1, 2, 3, 10))
cases[[3]] <- ci_case("cmprsk-test-ss-gg-strt", "cmprsk-test.csv", "cuminc(ss, cc, gg, strt)",
                      with(d, cuminc(ss, cc, gg, strt)), list(time = "ss", cause = "cc", group = "gg", strata = "strt", rho = 0), c(1, 2, 3))
cases[[4]] <- ci_case("cmprsk-test-ss2-gg2-strt", "cmprsk-test.csv", "cuminc(ss2, cc, gg2, strt) (3 rows with missing group dropped)",
                      with(d, cuminc(ss2, cc, gg2, strt)), list(time = "ss2", cause = "cc", group = "gg2", strata = "strt", rho = 0), c(0.5, 1, 2))
cases[[5]] <- ci_case("cmprsk-test-ss-gg-rho1", "cmprsk-test.csv", "cuminc(ss, cc, gg, rho = 1)",
                      with(d, cuminc(ss, cc, gg, rho = 1)), list(time = "ss", cause = "cc", group = "gg", rho = 1), c(1, 2))
cases[[6]] <- ci_case("cmprsk-test-ss-cencode2", "cmprsk-test.csv", "cuminc(ss, cc, gg, cencode = 2)",
                      with(d, cuminc(ss, cc, gg, cencode = 2)), list(time = "ss", cause = "cc", group = "gg", rho = 0, cencode = 2), c(1, 2))
c <- read.csv(file.path(dir, "cart.csv"), na.strings = "")
cc2 <- c[complete.cases(c[, c("time", "pfs_cause")]), ]
cases[[7]] <- ci_case("cart-group", "cart.csv", "cuminc(time, pfs_cause, group)",
                      with(c, cuminc(time, pfs_cause, group)), list(time = "time", cause = "pfs_cause", group = "group", rho = 0), c(6, 12, 24))
cases[[8]] <- ci_case("cart-group-strata-center", "cart.csv", "cuminc(time, pfs_cause, group, center)",
                      with(c, cuminc(time, pfs_cause, group, center)), list(time = "time", cause = "pfs_cause", group = "group", strata = "center", rho = 0), c(6, 12, 24))
cases[[9]] <- ci_case("cart-product-no-nrm-in-one", "cart.csv", "cuminc(time, pfs_cause, product, rho = 0.5) (liso-cel has no cause-2 events)",
                      with(c, cuminc(time, pfs_cause, product, rho = 0.5)), list(time = "time", cause = "pfs_cause", group = "product", rho = 0.5), c(6, 12, 24))
cases[[10]] <- ci_case("cart-all", "cart.csv", "cuminc(time, pfs_cause)",
                       with(c, cuminc(time, pfs_cause)), list(time = "time", cause = "pfs_cause", rho = 0), c(0, 6, 12, 24, 100))
writeLines(toJSON(list(method = "cmprsk::cuminc and timepoints", versions = list(R = R.version.string,
                  cmprsk = as.character(packageVersion("cmprsk"))), tolerance = "1e-9 relative",
                  notes = "curves as cuminc returns them (corners of the step function); tests: Gray's test per cause (stat, pv, df); timepoints: est and var at times (rows = curves in names order, NA after a group's last time)",
                  cases = cases), digits = I(17), auto_unbox = TRUE, null = "null", na = "null", pretty = TRUE),
           file.path(dir, "cuminc.json"))

# --- crr cases -----------------------------------------------------------------
crr_case <- function(name, data, call, fit, args) {
  s <- summary(fit)
  list(name = name, data = data, call = call, args = args, coef = I(unname(fit$coef)), se = I(unname(sqrt(diag(fit$var)))),
       p = I(unname(2 * (1 - pnorm(abs(fit$coef) / sqrt(diag(fit$var)))))), var = unname(fit$var),
       loglik = fit$loglik, loglik_null = fit$loglik.null, score = I(unname(fit$score)), inf = unname(fit$inf),
       converged = fit$converged, n = fit$n, n_missing = fit$n.missing, uftime = I(fit$uftime), bfitj = I(fit$bfitj))
}
fc <- list()
cvm <- as.matrix(d[, c("cv1", "cv2", "cv3")])
fc[[1]] <- crr_case("cmprsk-test-cv", "cmprsk-test.csv", "crr(ss, cc, cv)", crr(d$ss, d$cc, cvm),
                    list(time = "ss", cause = "cc", terms = "cv1,cv2,cv3", failcode = 1, cencode = 0))
fc[[2]] <- crr_case("cmprsk-test-cv1", "cmprsk-test.csv", "crr(ss, cc, cv[, 1])", crr(d$ss, d$cc, d$cv1),
                    list(time = "ss", cause = "cc", terms = "cv1", failcode = 1, cencode = 0))
fc[[3]] <- crr_case("cmprsk-test-cv-cengroup", "cmprsk-test.csv", "crr(ss, cc, cv[, 1:2], cengroup = cv[, 3])",
                    crr(d$ss, d$cc, cvm[, 1:2], cengroup = d$cv3),
                    list(time = "ss", cause = "cc", terms = "cv1,cv2", cengroup = "cv3", failcode = 1, cencode = 0))
fc[[4]] <- crr_case("cmprsk-test-cv-failcode2", "cmprsk-test.csv", "crr(ss, cc, cv, failcode = 2)", crr(d$ss, d$cc, cvm, failcode = 2),
                    list(time = "ss", cause = "cc", terms = "cv1,cv2,cv3", failcode = 2, cencode = 0))
fc[[5]] <- crr_case("cmprsk-test-cv-cencode2", "cmprsk-test.csv", "crr(ss, cc, cv, cencode = 2)", crr(d$ss, d$cc, cvm, cencode = 2),
                    list(time = "ss", cause = "cc", terms = "cv1,cv2,cv3", failcode = 1, cencode = 2))
mm <- model.matrix(~ age + mtv_ml + factor(stage) + group, data = cc2)[, -1]
fc[[6]] <- crr_case("cart-age-mtv-stage-group", "cart.csv", "crr(time, pfs_cause, model.matrix(~ age + mtv_ml + factor(stage) + group)[, -1])",
                    crr(cc2$time, cc2$pfs_cause, mm),
                    list(time = "time", cause = "pfs_cause", terms = "age,mtv_ml,factor(stage),factor(group,ref=high)", failcode = 1, cencode = 0))
fc[[7]] <- crr_case("cart-nrm-age-cengroup", "cart.csv", "crr(time, pfs_cause, cbind(age, mtv_ml), failcode = 2, cengroup = center)",
                    crr(cc2$time, cc2$pfs_cause, cbind(age = cc2$age, mtv_ml = cc2$mtv_ml), failcode = 2, cengroup = cc2$center),
                    list(time = "time", cause = "pfs_cause", terms = "age,mtv_ml", cengroup = "center", failcode = 2, cencode = 0))
writeLines(toJSON(list(method = "cmprsk::crr", versions = list(R = R.version.string, cmprsk = as.character(packageVersion("cmprsk"))),
                  tolerance = "1e-6 relative (coef, se, p, var); loglik 1e-9",
                  notes = "p = 2 (1 - pnorm(|coef|/se)) as summary.crr; rows with a missing value dropped (na.omit); factor columns by model.matrix (treatment contrasts)",
                  cases = fc), digits = I(17), auto_unbox = TRUE, null = "null", na = "null", pretty = TRUE),
           file.path(dir, "crr.json"))
