# R's Surv 1/2 event coding, as carimpi reads it (issue 12).
#
# Writes events12.csv (from survival's lung data: pfs/os in months, status
# kept as R codes it, 1 = censored, 2 = dead) and survfit.json, the
# Kaplan-Meier estimate R computes from the status column as written:
# Surv(time, status) with status in {1, 2} takes 2 as the event. carimpi
# must give the same curve through validate/study (pfs_event) and km
# (without --event-value).
#
#   cd testdata/events12 && Rscript make.R
library(survival)
d <- survival::lung
out <- data.frame(
  patient_id = sprintf("L%03d", seq_len(nrow(d))),
  age = d$age,
  stage = 1 + (d$inst %% 4),
  mtv_ml = d$meal.cal / 10,
  pfs_months = d$time / 30.4375,
  pfs_event = d$status,
  os_months = d$time / 30.4375,
  os_event = d$status
)
out$stage[is.na(out$stage)] <- 2
out$mtv_ml[is.na(out$mtv_ml)] <- 50
write.csv(out, "events12.csv", row.names = FALSE, quote = FALSE)
e <- read.csv("events12.csv")
stopifnot(identical(sort(unique(e$pfs_event)), c(1L, 2L)))
f <- survfit(Surv(pfs_months, pfs_event) ~ 1, data = e)
res <- list(
  note = "survfit(Surv(pfs_months, pfs_event) ~ 1) on events12.csv; pfs_event is 1/2, R takes 2 as the event",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  n = f$n, events = sum(f$n.event),
  time = f$time, n_risk = f$n.risk, n_event = f$n.event, n_censor = f$n.censor,
  surv = f$surv, std_err = f$std.err * f$surv, lower = f$lower, upper = f$upper,
  median = unname(summary(f)$table["median"])
)
jsonlite::write_json(res, "survfit.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
