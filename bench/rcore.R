# R's side of bench/compare-r.sh: times one survival call on the CSV that
# bench/gocore gen wrote, on inputs built before the clock starts, and
# prints "op=OP n=N reps=R wall=S cpu=S check=V" as bench/gocore does
# (wall and user + system seconds per call; the call is repeated until
# 0.3 s have passed, after one untimed warm-up call).
#
#   Rscript bench/rcore.R OP F.csv
#
# Core calls (what carimpi's library does, on prebuilt inputs):
#   coxfit       coxph.fit(X, Surv, method = "efron"), coxph's own centring
#   km           survfitKM(factor(s), Surv)
#   logrank      survdiff.fit(Surv, s)
#   concordance  concordancefit(Surv, x1, reverse = TRUE), with its IJ variance
# User-facing calls (formula, model frame and all):
#   coxcall      coxph(Surv(time, status) ~ x1 + ... + x5)  (includes the concordance)
#   kmcall       survfit(Surv(time, status) ~ s)
#   logrankcall  survdiff(Surv(time, status) ~ s)
# Whole processes are timed by bench/compare-r.sh with bench/rproc.R.
suppressMessages({library(survival); library(data.table)})
args <- commandArgs(TRUE)
op <- args[1]
d <- as.data.frame(fread(args[2]))
y <- Surv(d$time, d$status)
X <- as.matrix(d[, c("x1", "x2", "x3", "x4", "x5")])
g <- factor(d$s)
call <- switch(op,
  coxfit = function() coxph.fit(X, y, strata = NULL, offset = NULL, init = NULL,
                                control = coxph.control(), weights = NULL, method = "efron",
                                rownames = NULL, resid = FALSE, nocenter = c(-1, 0, 1))$loglik[2],
  coxcall = function() coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5, data = d)$concordance[["concordance"]],
  km = function() { r <- survival:::survfitKM(g, y); r$time[which(r$surv <= 0.5)[1]] },
  kmcall = function() summary(survfit(Surv(time, status) ~ s, data = d))$table[1, "median"],
  logrank = function() {
    f <- survival:::survdiff.fit(y, d$s, rep(1L, nrow(d)))
    o <- (f$observed - f$expected)[-1]
    sum(solve(f$var[-1, -1], o) * o)
  },
  logrankcall = function() survdiff(Surv(time, status) ~ s, data = d)$chisq,
  concordance = function() concordancefit(y, d$x1, reverse = TRUE)$concordance,
  stop("unknown operation ", op))
check <- call()
reps <- 0
t0 <- proc.time()
repeat {
  call()
  reps <- reps + 1
  dt <- proc.time() - t0
  if (dt[["elapsed"]] >= 0.3) break
}
cpu <- dt[["user.self"]] + dt[["sys.self"]]
cat(sprintf("op=%s n=%d reps=%d wall=%.6f cpu=%.6f check=%.10g\n", op, nrow(d), reps,
            dt[["elapsed"]] / reps, cpu / reps, check))
