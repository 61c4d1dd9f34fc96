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
  sm <- summary(sf, times = 12, extend = TRUE)         # a curve that ends before 12 months has no 12-month rate
  s12[match(sub("^g=", "", as.character(sm$strata)), levels)] <- sm$surv
  s12[levels %in% names(which(tapply(tt, g, max) < 12))] <- NA
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

# Tables 1, S2, S3 and S5 and the grade tests of Fig 3: every row tested with
# the Table-1 rule (wilcox.test / kruskal.test for continuous variables;
# chisq.test(correct = FALSE), or fisher.test when an expected count is < 5).
hematotox <- with(d, ifelse(plt < 75, 2, ifelse(plt <= 175, 1, 0)) + (anc < 1.2) + (hb < 9) + (crp >= 3) +
  ifelse(ferritin > 2000, 2, ifelse(ferritin >= 650, 1, 0)))
yn <- function(x) ifelse(is.na(x), NA, ifelse(x == 1, "yes", "no"))
present <- function(x, known) { o <- sort(unique(x[!is.na(x) & x != ""])); c(known[known %in% o], setdiff(o, known)) }
blank_na <- function(x) ifelse(x == "", NA, x)
vars <- list(
  list("age", d$age), list("sex", blank_na(d$sex), present(d$sex, c("female", "male"))),
  list("ecog", yn(as.numeric(d$ecog >= 2)), c("no", "yes")),
  list("product", blank_na(tolower(d$product)), present(tolower(d$product), c("axi-cel", "tisa-cel", "liso-cel"))),
  list("prior_lines", d$prior_lines), list("mtv_ml", d$mtv_ml),
  list("stage", yn(as.numeric(d$stage >= 3)), c("no", "yes")))
for (v in c("bridging", "primary_refractory", "bulky", "prior_auto_hct", "transformed", "double_hit"))
  vars[[length(vars) + 1]] <- list(v, yn(d[[v]]), c("no", "yes"))
vars <- c(vars, list(list("car_hematotox", yn(as.numeric(hematotox >= 3)), c("no", "yes")), list("ldh", d$ldh),
  list("ldh_high", yn(as.numeric(d$ldh > d$ldh_uln)), c("no", "yes")), list("hb", d$hb), list("plt", d$plt),
  list("anc", d$anc), list("ferritin", d$ferritin), list("crp", d$crp)))
grade_levels <- function(x) as.character(sort(unique(x[!is.na(x)])))
tox_vars <- function(extended) {
  v <- list(list("crs_grade", as.character(d$crs_grade), grade_levels(d$crs_grade)))
  if (extended) v[[length(v) + 1]] <- list("crs3", yn(as.numeric(d$crs_grade >= 3)), c("no", "yes"))
  v[[length(v) + 1]] <- list("icans_grade", as.character(d$icans_grade), grade_levels(d$icans_grade))
  if (extended) v[[length(v) + 1]] <- list("icans3", yn(as.numeric(d$icans_grade >= 3)), c("no", "yes"))
  v[[length(v) + 1]] <- list("icu", yn(d$icu), c("no", "yes"))
  if (extended) v <- c(v, list(list("tocilizumab", yn(d$tocilizumab), c("no", "yes")),
                               list("corticosteroids", yn(d$corticosteroids), c("no", "yes"))))
  v
}
row_test <- function(v, g, keep) {
  x <- v[[2]][keep]; g <- g[keep]
  out <- list(variable = v[[1]])
  if (length(v) == 2) {
    q <- function(y) { y <- y[!is.na(y)]; if (length(y)) unname(quantile(y, c(.5, .25, .75), type = 7)) else rep(NA, 3) }
    qs <- sapply(levels(g), function(l) q(x[g == l]))
    out$median <- A(qs[1, ]); out$q1 <- A(qs[2, ]); out$q3 <- A(qs[3, ])
    ok <- !is.na(x); gg <- droplevels(g[ok])
    r <- tryCatch(if (nlevels(gg) == 2) wilcox.test(x[ok] ~ gg) else kruskal.test(x[ok] ~ gg), error = function(e) NULL)
    out$test <- if (nlevels(gg) == 2) "wilcoxon" else "kruskal"
    out$statistic <- if (is.null(r)) NA else unname(r$statistic); out$p <- if (is.null(r)) NA else r$p.value
  } else {
    f <- factor(x, levels = v[[3]])
    out$counts <- unname(as.matrix(table(g, f)))
    tb <- table(droplevels(g[!is.na(f)]), droplevels(f[!is.na(f)]))
    tb <- tb[rowSums(tb) > 0, colSums(tb) > 0, drop = FALSE]
    if (nrow(tb) < 2 || ncol(tb) < 2) { out$p <- NA } else {
      cs <- suppressWarnings(chisq.test(tb, correct = FALSE))
      # Where FEXACT fails, R's Monte Carlo p-value from 1e6 random tables
      # (seed 1) is kept instead: study_test.go checks carimpi's p (exact,
      # or its own Monte Carlo fallback) against it within 4 standard errors.
      if (any(cs$expected < 5)) { out$test <- "fisher"; out$p <- tryCatch(fisher.test(tb, workspace = 2e7)$p.value, error = function(e) { message(v[[1]], ": ", paste(dim(tb), collapse = "x"), " n = ", sum(tb), ": ", conditionMessage(e)); NA })
        if (is.na(out$p)) { set.seed(1); out$p <- NULL
          out$r_monte_carlo <- list(b = 1e6, seed = 1, p = fisher.test(tb, simulate.p.value = TRUE, B = 1e6)$p.value) } }
      else { out$test <- "chisq"; out$statistic <- unname(cs$statistic); out$p <- cs$p.value }
    }
  }
  out
}
describe_by <- function(vs, g, keep) list(groups = A(levels(g)), n = A(as.vector(table(g[keep]))),
  rows = lapply(vs, row_test, g = g, keep = keep))
med_g <- factor(ifelse(d$score < cut_med, "low", "high"), levels = c("low", "high"))
ter_g <- factor(ifelse(d$score < terc[1], "low", ifelse(d$score < terc[2], "intermediate", "high")),
                levels = c("low", "intermediate", "high"))
cohorts <- c("development", "validation")
coh_g <- factor(d$cohort, levels = cohorts)
all_rows <- rep(TRUE, nrow(d))
table_s2 <- list(pooled = describe_by(vars, med_g, all_rows))
table_s3 <- list(pooled = describe_by(vars, ter_g, all_rows))
for (co in cohorts) {
  table_s2[[co]] <- describe_by(vars, med_g, d$cohort == co)
  table_s3[[co]] <- describe_by(vars, ter_g, d$cohort == co)
}

# Table S1: reverse Kaplan-Meier follow-up (OS), median PFS and OS, toxicity by cohort.
okos <- !is.na(d$os_months) & !is.na(d$os_event)
rq <- function(keep) { k <- keep & okos
  unname(quantile(survfit(Surv(d$os_months[k], 1 - d$os_event[k]) ~ 1), c(.5, .25, .75), conf.int = FALSE)) }
fu <- sapply(cohorts, function(co) rq(d$cohort == co))
fu_all <- rq(all_rows)
med_surv <- function(ep) {
  tt <- d[[paste0(ep, "_months")]]; ee <- d[[paste0(ep, "_event")]]; ok <- !is.na(tt) & !is.na(ee)
  tab <- summary(survfit(Surv(tt[ok], ee[ok]) ~ coh_g[ok]))$table
  ov <- summary(survfit(Surv(tt[ok], ee[ok]) ~ 1))$table
  sd <- survdiff(Surv(tt[ok], ee[ok]) ~ coh_g[ok])
  list(n = A(unname(tab[, "records"])), events = A(unname(tab[, "events"])), median = A(unname(tab[, "median"])),
       median_lower = A(unname(tab[, "0.95LCL"])), median_upper = A(unname(tab[, "0.95UCL"])),
       overall_median = unname(ov["median"]), overall_lower = unname(ov["0.95LCL"]), overall_upper = unname(ov["0.95UCL"]),
       logrank_chisq = sd$chisq, logrank_p = pchisq(sd$chisq, 1, lower.tail = FALSE))
}
sdf <- survdiff(Surv(d$os_months[okos], 1 - d$os_event[okos]) ~ coh_g[okos])
table_s1 <- list(groups = A(cohorts), n = A(as.vector(table(coh_g))),
  followup = list(median = A(unname(fu[1, ])), q1 = A(unname(fu[2, ])), q3 = A(unname(fu[3, ])),
                  overall_median = fu_all[1], overall_q1 = fu_all[2], overall_q3 = fu_all[3],
                  logrank_p = pchisq(sdf$chisq, 1, lower.tail = FALSE)),
  pfs = med_surv("pfs"), os = med_surv("os"),
  toxicity = describe_by(tox_vars(FALSE), coh_g, all_rows)$rows)

# Fig S4: score by cohort, Wilcoxon rank-sum (Mann-Whitney).
wt <- wilcox.test(d$score[d$cohort == "development"], d$score[d$cohort == "validation"])
fig_s4 <- list(groups = A(cohorts), median = A(unname(tapply(d$score, coh_g, median))), test = "wilcoxon",
               statistic = unname(wt$statistic), p = wt$p.value)

res <- list(
  inclusion = list(read = n_read, included = nrow(d), excluded_outliers = n_out, mtv_outlier_threshold = thr),
  cutpoint = list(value = knot, statistic = unname(ms$statistic), p_lau94 = ms$p.value),
  model = list(terms = A(names(b)), coef = A(unname(b)), se = A(unname(sqrt(diag(fit$var))))),
  cutoffs = list(median = cut_med, terciles = A(terc)),
  km = km, cox_multivariable = cox_mv, toxicity = tox,
  table1 = describe_by(vars, coh_g, all_rows), table_s1 = table_s1, table_s2 = table_s2, table_s3 = table_s3,
  fig_s4 = fig_s4, table_s5 = describe_by(tox_vars(TRUE), ter_g, all_rows),
  toxicity_grades = describe_by(tox_vars(FALSE), med_g, all_rows),
  versions = list(R = R.version.string, survival = as.character(packageVersion("survival")),
                  maxstat = as.character(packageVersion("maxstat"))))
writeLines(to_json(res), args[2])
