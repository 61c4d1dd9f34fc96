# check-issue15.R -- the statistics issue 15 added (Table S1 follow-up,
# survival and toxicity by cohort; Tables S2/S3 tests by median and tercile
# group; Fig S4; Table S5; the full-grade tests of Fig 3) recomputed in R from
# the paper's methods and README's definitions, written without reading
# carimpi's code or check-study.R (an outside audit), under results.json's
# keys. Only the JSON writer is shared (../reference/scripts/helpers.R).
#
#   Rscript check-issue15.R data.csv expected.json SEP DEC CRP_DIV HB_DIV TIME_DIV
#
# SEP/DEC: the file's separator and decimal mark; CRP_DIV, HB_DIV: divisors to
# mg/dL and g/dL (10 for mg/L and g/L); TIME_DIV: divisor of the times to
# months (30.4375 for days). Events coded exactly 1/2 are read as R's Surv.
# Definitions: inclusion needs age, stage, MTV; MTV above the type-7 0.975
# quantile of the complete rows is excluded; knot = maxstat (log-rank, Lau94,
# minprop 0.1, maxprop 0.9) on development PFS; Cox (Efron) of development PFS
# on mtv, (mtv - knot)+, age, stage 2-4; score = uncentered linear predictor;
# groups: low < development median <= high, type-7 terciles; continuous rows:
# wilcox.test / kruskal.test defaults; categorical rows: chisq.test(correct =
# FALSE), fisher.test when an expected count < 5 (empty rows/columns dropped);
# CAR-HEMATOTOX as carimpi documents it (ANC < 1.2, Hb < 9.0, platelets
# 75-175 -> 1, < 75 -> 2, CRP >= 3, ferritin 650-2000 -> 1, > 2000 -> 2),
# high >= 3; ldh_high = ldh > ldh_uln (missing without ldh_uln); follow-up:
# reverse Kaplan-Meier of OS, quantile.survfit.
suppressMessages({library(survival); library(maxstat)})
a <- commandArgs(trailingOnly = TRUE)
args_all <- commandArgs(trailingOnly = FALSE)
script_dir <- dirname(normalizePath(sub("^--file=", "", args_all[grep("^--file=", args_all)])))
source(file.path(script_dir, "..", "reference", "scripts", "helpers.R"))
sep <- a[3]; dec <- a[4]; crp_div <- as.numeric(a[5]); hb_div <- as.numeric(a[6]); t_div <- as.numeric(a[7])
d <- read.table(a[1], header = TRUE, sep = sep, dec = dec, na.strings = "", quote = "\"",
                stringsAsFactors = FALSE, check.names = FALSE, comment.char = "")
lc <- function(x) tolower(trimws(x))
yn <- function(x) { x <- lc(as.character(x)); ifelse(x %in% c("1", "yes", "y", "true"), 1, ifelse(x %in% c("0", "no", "n", "false"), 0, NA)) }
d$role <- lc(d$cohort)
if (!is.null(d$sex)) d$sex <- c(m = "male", male = "male", f = "female", female = "female", weiblich = "female")[lc(d$sex)]
if (!is.null(d$product)) d$product <- c(yescarta = "axi-cel", `axi-cel` = "axi-cel", kymriah = "tisa-cel", `tisa-cel` = "tisa-cel",
                                         breyanzi = "liso-cel", `liso-cel` = "liso-cel")[lc(d$product)]
st <- sub("[ABESX]+$", "", toupper(trimws(as.character(d$stage))))
d$stage <- c(I = 1, II = 2, III = 3, IV = 4, `1` = 1, `2` = 2, `3` = 3, `4` = 4)[st]
for (b in c("bridging", "primary_refractory", "bulky", "prior_auto_hct", "transformed", "double_hit", "icu",
            "tocilizumab", "corticosteroids")) if (!is.null(d[[b]])) d[[b]] <- yn(d[[b]])
for (e in c("pfs_event", "os_event")) {
  v <- lc(as.character(d[[e]]))
  d[[e]] <- if (all(v %in% c("1", "2", NA))) as.numeric(v) - 1 else yn(v)
}
if (!is.null(d$crp)) d$crp <- d$crp / crp_div
if (!is.null(d$hb)) d$hb <- d$hb / hb_div
d$pfs_months <- d$pfs_months / t_div; d$os_months <- d$os_months / t_div
d$pfs_event[is.na(d$pfs_months)] <- NA; d$pfs_months[is.na(d$pfs_event)] <- NA
d$os_event[is.na(d$os_months)] <- NA; d$os_months[is.na(d$os_event)] <- NA

cmp <- d[!is.na(d$age) & !is.na(d$stage) & !is.na(d$mtv_ml), ]
all_inc <- cmp[cmp$mtv_ml <= quantile(cmp$mtv_ml, 0.975, type = 7), ]
inc <- all_inc[all_inc$role %in% c("development", "validation"), ]
dev <- inc[inc$role == "development", ]
ms <- maxstat.test(Surv(pfs_months, pfs_event) ~ mtv_ml, data = dev[!is.na(dev$pfs_months), ],
                   smethod = "LogRank", pmethod = "Lau94", minprop = 0.1, maxprop = 0.9)
knot <- unname(ms$estimate)
X <- function(z) cbind(z$mtv_ml, pmax(z$mtv_ml - knot, 0), z$age, z$stage == 2, z$stage == 3, z$stage == 4)
fit <- coxph(Surv(dev$pfs_months, dev$pfs_event) ~ X(dev), ties = "efron")
inc$score <- drop(X(inc) %*% coef(fit))
sd <- inc$score[inc$role == "development"]
cmed <- median(sd); ct <- unname(quantile(sd, c(1, 2) / 3, type = 7))
inc$med <- factor(ifelse(inc$score < cmed, "low", "high"), c("low", "high"))
inc$ter <- factor(ifelse(inc$score < ct[1], "low", ifelse(inc$score < ct[2], "intermediate", "high")), c("low", "intermediate", "high"))
names_dv <- c(unique(inc$cohort[inc$role == "development"]), unique(inc$cohort[inc$role == "validation"]))
inc$coh <- factor(inc$cohort, names_dv)

derive <- function(z) {
  if (!is.null(z$anc) && !is.null(z$hb) && !is.null(z$plt) && !is.null(z$crp) && !is.null(z$ferritin))
    z$car_hematotox <- as.numeric((z$anc < 1.2) + (z$hb < 9) + ifelse(z$plt > 175, 0, ifelse(z$plt >= 75, 1, 2)) +
                                  (z$crp >= 3) + ifelse(z$ferritin < 650, 0, ifelse(z$ferritin <= 2000, 1, 2)) >= 3)
  if (!is.null(z$ldh) && !is.null(z$ldh_uln)) z$ldh_high <- as.numeric(z$ldh > z$ldh_uln)
  if (!is.null(z$ecog)) z$ecog24 <- as.numeric(z$ecog >= 2)
  z$stage34 <- as.numeric(z$stage >= 3)
  if (!is.null(z$crs_grade)) z$crs3 <- as.numeric(z$crs_grade >= 3)
  if (!is.null(z$icans_grade)) z$icans3 <- as.numeric(z$icans_grade >= 3)
  z
}
inc <- derive(inc); all_inc <- derive(all_inc)

row_of <- function(v, col, kind, z, g) {
  x <- z[[col]]; ok <- !is.na(x) & !is.na(z[[g]]); x <- x[ok]; grp <- droplevels(z[[g]][ok])
  r <- list(variable = v)
  if (kind == "c") {
    lv <- levels(z[[g]])
    q <- sapply(lv, function(l) { y <- x[grp == l]; if (length(y)) quantile(y, c(.25, .5, .75), type = 7) else rep(NA, 3) })
    r$median <- A(unname(q[2, ])); r$q1 <- A(unname(q[1, ])); r$q3 <- A(unname(q[3, ]))
    if (nlevels(grp) >= 2) {
      t <- suppressWarnings(if (nlevels(grp) == 2) wilcox.test(x ~ grp) else kruskal.test(x ~ grp))
      r$test <- if (nlevels(grp) == 2) "wilcoxon" else "kruskal"; r$statistic <- unname(t$statistic); r$p <- t$p.value
    }
  } else {
    tb <- table(grp, x); tb <- tb[rowSums(tb) > 0, colSums(tb) > 0, drop = FALSE]
    if (nrow(tb) >= 2 && ncol(tb) >= 2) {
      e <- outer(rowSums(tb), colSums(tb)) / sum(tb)
      if (any(e < 5)) { r$test <- "fisher"; r$p <- fisher.test(tb, workspace = 2e8)$p.value }
      else { t <- chisq.test(tb, correct = FALSE); r$test <- "chisq"; r$statistic <- unname(t$statistic); r$p <- t$p.value }
      r$min_expected <- min(e)
    }
  }
  r
}
vars <- list(c("age", "age", "c"), c("sex", "sex", "k"), c("ecog", "ecog24", "k"), c("product", "product", "k"),
             c("prior_lines", "prior_lines", "c"), c("mtv_ml", "mtv_ml", "c"), c("stage", "stage34", "k"),
             c("bridging", "bridging", "k"), c("primary_refractory", "primary_refractory", "k"), c("bulky", "bulky", "k"),
             c("prior_auto_hct", "prior_auto_hct", "k"), c("transformed", "transformed", "k"), c("double_hit", "double_hit", "k"),
             c("car_hematotox", "car_hematotox", "k"), c("ldh", "ldh", "c"), c("ldh_high", "ldh_high", "k"), c("hb", "hb", "c"),
             c("plt", "plt", "c"), c("anc", "anc", "c"), c("ferritin", "ferritin", "c"), c("crp", "crp", "c"))
tox <- list(c("crs_grade", "crs_grade", "k"), c("crs3", "crs3", "k"), c("icans_grade", "icans_grade", "k"), c("icans3", "icans3", "k"),
            c("icu", "icu", "k"), c("tocilizumab", "tocilizumab", "k"), c("corticosteroids", "corticosteroids", "k"))
present <- Filter(function(v) !is.null(all_inc[[v[2]]]) && any(!is.na(all_inc[[v[2]]])), c(vars, tox))
keep <- function(vs) Filter(function(v) any(vapply(present, function(p) identical(p, v), TRUE)), vs)
table_of <- function(vs, z, g) list(rows = lapply(keep(vs), function(v) row_of(v[1], v[2], v[3], z, g)))

res <- list()
res$table1 <- table_of(vars, inc, "coh")
res$table_s2 <- list(pooled = table_of(vars, inc, "med"))
res$table_s3 <- list(pooled = table_of(vars, inc, "ter"))
for (c in names_dv) {
  res$table_s2[[c]] <- table_of(vars, inc[inc$coh %in% c, ], "med")
  res$table_s3[[c]] <- table_of(vars, inc[inc$coh %in% c, ], "ter")
}
short <- tox[c(1, 3, 5)]
if (length(keep(tox))) {
  res$table_s5 <- table_of(tox, inc, "ter")
  res$toxicity_grades <- table_of(short, inc, "med")
}
km <- function(time, ev, g, reverse = FALSE) {
  ok <- !is.na(time); time <- time[ok]; ev <- ev[ok]; g <- droplevels(g[ok])
  if (reverse) ev <- 1 - ev
  f <- survfit(Surv(time, ev) ~ g); f0 <- survfit(Surv(time, ev) ~ 1)
  q <- quantile(f, c(.25, .5, .75)); q0 <- quantile(f0, c(.25, .5, .75))
  sdf <- survdiff(Surv(time, ev) ~ g); p <- pchisq(sdf$chisq, length(sdf$n) - 1, lower.tail = FALSE)
  if (reverse)
    return(list(median = A(unname(q$quantile[, 2])), q1 = A(unname(q$quantile[, 1])), q3 = A(unname(q$quantile[, 3])),
                overall_median = unname(q0$quantile[2]), overall_q1 = unname(q0$quantile[1]), overall_q3 = unname(q0$quantile[3]),
                logrank_p = p))
  list(n = A(as.vector(table(g))), events = A(unname(tapply(ev, g, sum))),
       median = A(unname(q$quantile[, 2])), median_lower = A(unname(q$lower[, 2])), median_upper = A(unname(q$upper[, 2])),
       overall_median = unname(q0$quantile[2]), overall_lower = unname(q0$lower[2]), overall_upper = unname(q0$upper[2]),
       logrank_chisq = sdf$chisq, logrank_p = p)
}
res$table_s1 <- list(followup = km(inc$os_months, inc$os_event, inc$coh, reverse = TRUE),
                     pfs = km(inc$pfs_months, inc$pfs_event, inc$coh), os = km(inc$os_months, inc$os_event, inc$coh))
if (length(keep(short))) res$table_s1$toxicity <- table_of(short, inc, "coh")$rows
w <- wilcox.test(score ~ coh, data = inc)
res$fig_s4 <- list(median = A(unname(tapply(inc$score, inc$coh, median))), statistic = unname(w$statistic), p = w$p.value)
res$versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")), maxstat = as.character(packageVersion("maxstat")))
writeLines(to_json(res), a[2])
