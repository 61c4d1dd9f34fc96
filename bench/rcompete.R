# R's side of bench/compete.sh: times one cmprsk call on the CSV that
# bench/competebench gen wrote and prints "op=OP n=N reps=R wall=S cpu=S
# check=V" as competebench does (the call repeated until 0.3 s have passed,
# after one untimed warm-up call).
#
#   Rscript bench/rcompete.R OP F.csv
#
#   cif         cuminc(time, status, g): both causes' curves and Gray's tests
#   finegray    crr(time, status, cbind(x1, x2, x3)) with its variance
#   finegraynv  the same with variance = FALSE (crr's variance is O(n^3) in
#               the worst case; at n = 1e5 only the fit is feasible in R)
suppressMessages({library(cmprsk); library(data.table)})
args <- commandArgs(TRUE)
op <- args[1]
d <- as.data.frame(fread(args[2]))
X <- as.matrix(d[, c("x1", "x2", "x3")])
call <- switch(op,
  cif = function() cuminc(d$time, d$status, d$g)$Tests[1, "stat"],
  finegray = function() crr(d$time, d$status, X)$coef[1],
  finegraynv = function() crr(d$time, d$status, X, variance = FALSE)$coef[1],
  stop("unknown operation ", op))
t0 <- proc.time()
check <- call()
first <- proc.time() - t0
reps <- 0
t0 <- proc.time()
if (first[["elapsed"]] < 5) {
  repeat {
    call()
    reps <- reps + 1
    dt <- proc.time() - t0
    if (dt[["elapsed"]] >= 0.3) break
  }
} else {
  # a slow call is timed once (its warm-up run)
  reps <- 1
  dt <- first
}
cpu <- dt[["user.self"]] + dt[["sys.self"]]
cat(sprintf("op=%s n=%d reps=%d wall=%.6f cpu=%.6f check=%.10g\n", op, nrow(d), reps,
            dt[["elapsed"]] / reps, cpu / reps, check))
