# A whole R process for bench/compare-r.sh, the counterpart of one carimpi
# command on the same CSV: start R, load survival and data.table, read the
# file with data.table::fread, run the analysis and print what the carimpi
# command prints.
#
#   Rscript bench/rproc.R cox|km|logrank F.csv
#
#   cox      coxph(Surv(time, status) ~ x1 + ... + x5) and its summary
#            (carimpi cox --terms x1,x2,x3,x4,x5: coefficients, HRs, tests, concordance)
#   km       survfit(Surv(time, status) ~ s): print, summary at every event
#            time, and the median follow-up by reverse Kaplan-Meier
#            (carimpi km --group s)
#   logrank  survdiff(Surv(time, status) ~ s) (carimpi logrank --group s)
suppressMessages({library(survival); library(data.table)})
args <- commandArgs(TRUE)
d <- fread(args[2])
switch(args[1],
  cox = print(summary(coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5, data = d))),
  km = {
    fit <- survfit(Surv(time, status) ~ s, data = d)
    print(fit)
    print(summary(fit))
    print(survfit(Surv(time, 1 - status) ~ 1, data = d))
  },
  logrank = print(survdiff(Surv(time, status) ~ s, data = d)),
  stop("unknown analysis ", args[1]))
