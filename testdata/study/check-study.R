# check-study.R -- the CAR-IMPI study of `carimpi study`, done independently
# in R (survival, maxstat), on one cohort CSV. Writes the numbers under the
# keys of results.json so that study_test.go can compare them.
#
#   Rscript check-study.R cohort.csv expected.json
#
# R 4.2.2, survival 3.5.3, maxstat 0.7.25 (Debian packages).
args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE)))
source(file.path(script_dir, "..", "reference", "scripts", "helpers.R"))
suppressPackageStartupMessages({library(survival); library(maxstat)})

d <- read.csv(args[1], stringsAsFactors = FALSE)
n_read <- nrow(d)
d <- d[!is.na(d$age) & !is.na(d$stage) & !is.na(d$mtv_ml), ]
thr <- unname(quantile(d$mtv_ml, 1 - 0.025, type = 7))
n_out <- sum(d$mtv_ml > thr)
d <- d[d$mtv_ml <= thr, ]
dev <- d[d$cohort == "development", ]

ms <- maxstat.test(Surv(pfs_months, pfs_event) ~ mtv_ml, data = dev, smethod = "LogRank",
                   pmethod = "Lau94", minprop = 0.1, maxprop = 0.9)
knot <- unname(ms$estimate)

design <- function(x) data.frame(mtv = x$mtv_ml, mtv_above_knot = pmax(x$mtv_ml - knot, 0), age = x$age,
  stage2 = as.numeric(x$stage == 2), stage3 = as.numeric(x$stage == 3), stage4 = as.numeric(x$stage == 4))
X <- design(dev)
fit <- coxph(Surv(dev$pfs_months, dev$pfs_event) ~ ., data = X, ties = "efron")
b <- coef(fit)
d$score <- as.vector(as.matrix(design(d)) %*% b)
dev_score <- d$score[d$cohort == "development"]
cut_med <- median(dev_score)
terc <- unname(quantile(dev_score, c(1/3, 2/3), type = 7))

group_block <- function(x, grp, levels, ep) {
  tt <- x[[paste0(ep, "_months")]]; ee <- x[[paste0(ep, "_event")]]
  g <- factor(grp, levels = levels)
  ok <- !is.na(tt) & !is.na(ee) & !is.na(g)
  tt <- tt[ok]; ee <- ee[ok]; g <- droplevels(g[ok])
  sf <- survfit(Surv(tt, ee) ~ g)
  tab <- summary(sf)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  nm <- sub("^g=", "", rownames(tab))
  pick <- function(col) { v <- rep(NA_real_, length(levels)); v[match(nm, levels)] <- tab[, col]; v }
  s12 <- rep(NA_real_, length(levels))
  sm <- summary(sf, times = 12)
  s12[match(sub("^g=", "", as.character(sm$strata)), levels)] <- sm$surv
  sd <- survdiff(Surv(tt, ee) ~ g)
  df <- sum(sd$exp > 0) - 1
  cf <- coxph(Surv(tt, ee) ~ factor(g, levels = levels))
  hr <- exp(coef(cf)); ci <- exp(confint(cf))
  list(groups = A(levels), n = A(pick("records")), events = A(pick("events")),
       median = A(pick("median")), median_lower = A(pick("0.95LCL")), median_upper = A(pick("0.95UCL")),
       surv_12 = A(s12), logrank_chisq = sd$chisq, logrank_p = pchisq(sd$chisq, df, lower.tail = FALSE),
       hr_vs_low = A(unname(hr)), hr_lower = A(unname(ci[, 1])), hr_upper = A(unname(ci[, 2])))
}

km <- list()
cox_mv <- list()
for (co in unique(d$cohort)) {
  x <- d[d$cohort == co, ]
  med <- ifelse(x$score < cut_med, "low", "high")
  ter <- ifelse(x$score < terc[1], "low", ifelse(x$score < terc[2], "intermediate", "high"))
  km[[co]] <- list(
    median = list(pfs = group_block(x, med, c("low", "high"), "pfs"), os = group_block(x, med, c("low", "high"), "os")),
    terciles = list(pfs = group_block(x, ter, c("low", "intermediate", "high"), "pfs"),
                    os = group_block(x, ter, c("low", "intermediate", "high"), "os")))
  x$product <- factor(x$product, levels = c("axi-cel", sort(setdiff(unique(x$product[x$product != ""]), "axi-cel"))))
  x$ecog2 <- as.numeric(x$ecog >= 2)
  x$ldh_high <- as.numeric(x$ldh > x$ldh_uln)
  cox_mv[[co]] <- list()
  for (ep in c("pfs", "os")) {
    f <- if (length(unique(x$center)) > 1)
      as.formula(paste0("Surv(", ep, "_months, ", ep, "_event) ~ score + product + ecog2 + ldh_high + crp + strata(center)")) else
      as.formula(paste0("Surv(", ep, "_months, ", ep, "_event) ~ score + product + ecog2 + ldh_high + crp"))
    m <- coxph(f, data = x, ties = "efron")
    s <- summary(m)
    cox_mv[[co]][[ep]] <- list(terms = A(names(coef(m))), coef = A(unname(coef(m))), hr = A(unname(exp(coef(m)))),
      lower = A(unname(s$conf.int[, 3])), upper = A(unname(s$conf.int[, 4])), p = A(unname(s$coefficients[, 5])),
      n = m$n, events = m$nevent)
  }
}

grp <- ifelse(d$score < cut_med, "low", "high")
tox <- list()
for (k in c("crs3", "icans3", "icu")) {
  y <- switch(k, crs3 = d$crs_grade >= 3, icans3 = d$icans_grade >= 3, icu = d$icu == 1)
  tb <- table(factor(grp, levels = c("low", "high")), factor(y, levels = c(TRUE, FALSE)))
  tox[[k]] <- list(rate = A(unname(tb[, 1] / rowSums(tb))), chisq_p = chisq.test(tb)$p.value, fisher_p = fisher.test(tb)$p.value)
}

res <- list(
  inclusion = list(read = n_read, included = nrow(d), excluded_outliers = n_out, mtv_outlier_threshold = thr),
  cutpoint = list(value = knot, statistic = unname(ms$statistic), p_lau94 = ms$p.value),
  model = list(terms = A(names(b)), coef = A(unname(b)), se = A(unname(sqrt(diag(fit$var))))),
  cutoffs = list(median = cut_med, terciles = A(terc)),
  km = km, cox_multivariable = cox_mv, toxicity = tox,
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  maxstat = as.character(packageVersion("maxstat"))))
writeLines(to_json(res), args[2])
