# lung-cohort.R -- survival::lung (NCCTG advanced lung cancer, Loprinzi et al.
# 1994; survival package, LGPL >= 2) mapped into carimpi's cohort format: real
# ties and missing values, no labs or toxicity columns. Not lymphoma: the
# columns are stand-ins (mtv_ml = meal.cal, stage from ph.karno, wt.loss and
# age), so only the statistics, not the medicine, mean anything.
#   Rscript lung-cohort.R cohort-lung.csv
library(survival)
d <- survival::lung
out <- data.frame(
  patient_id = sprintf("L%03d", seq_len(nrow(d))),
  cohort = ifelse(d$inst %in% c(1, 3, 5, 6, 7, 11, 12, 13), "development", "validation"),
  center = ifelse(is.na(d$inst), NA, paste("Inst", d$inst)),
  age = d$age,
  sex = c("male", "female")[d$sex],
  stage = pmin(4, 1 + (d$ph.karno < 90) + (d$wt.loss > 5) + (d$age > 65)),
  mtv_ml = d$meal.cal,
  ecog = d$ph.ecog,
  pfs_months = d$time, pfs_event = d$status,   # days; 1 = censored, 2 = dead (R's Surv)
  os_months = d$time, os_event = d$status)
write.csv(out, commandArgs(trailingOnly = TRUE)[1], row.names = FALSE, na = "")
