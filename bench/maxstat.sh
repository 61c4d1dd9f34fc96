#!/usr/bin/env bash
# Go survival/maxstat.Test versus R maxstat.test (LogRank scores) on the same
# generated data, in one run. Called by bench/compare-r.sh. Data: x ~ N(0, 1)
# independent of exponential times, 70% events (the null hypothesis, where
# p-values matter), one CSV per n written by R and read by both.
#   Lau94       n = 256, 1e3, 1e4, 1e5 (R and Go)
#   exactGauss  n = 256, 1e3 (R and Go; R's pmvnorm fails beyond), 1e4, 1e5 (Go)
#   condMC      n = 1e4, 10000 permutations (Go)
# Times are per call, best of 3 rounds (reading the CSV excluded).
#   MAXSTAT_SIZES="256 1000 10000 100000" (default) MAXSTAT_SEED=20251124
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-$(mktemp -d)}"
sizes="${MAXSTAT_SIZES:-256 1000 10000 100000}"
seed="${MAXSTAT_SEED:-20251124}"
bin="$out/maxstatbench"
go build -o "$bin" ./bench/maxstatbench
cat >"$out/maxstat.R" <<'RSCRIPT'
suppressMessages({library(survival); library(maxstat)})
args <- commandArgs(TRUE)
if (args[1] == "gen") {
  n <- as.integer(args[2]); set.seed(as.integer(args[3]))
  x <- rnorm(n); time <- rexp(n); event <- rbinom(n, 1, 0.7)
  write.csv(data.frame(time = time, event = event, x = x), args[4], row.names = FALSE)
  quit(save = "no")
}
d <- read.csv(args[1]); pm <- args[2]; reps <- as.integer(args[3])
best <- Inf
for (r in 1:3) {
  set.seed(1)
  t0 <- proc.time()[["elapsed"]]
  for (i in seq_len(reps)) m <- maxstat.test(Surv(time, event) ~ x, data = d, smethod = "LogRank", pmethod = pm)
  best <- min(best, (proc.time()[["elapsed"]] - t0) / reps)
  if (best > 2) break
}
cat(sprintf("r_seconds=%.6f statistic=%.10g cutpoint=%.10g p=%.10g\n", best, m$statistic, m$estimate, m$p.value))
RSCRIPT
field() { sed -E "s/.*$1=([^ ]+).*/\1/" <<<"$2"; }
printf "%-10s %-7s %11s %11s %8s  %-34s %s\n" pmethod n go_s r_s go/r "statistic go; r" "p go (accuracy); r"
for n in $sizes; do
  csv="$out/maxstat-$n.csv"
  Rscript "$out/maxstat.R" gen "$n" "$seed" "$csv"
  reps=$(( n <= 1000 ? 50 : (n <= 10000 ? 10 : 3) ))
  for pm in Lau94 exactGauss condMC; do
    r="" greps=$reps rreps=$reps
    case $pm in
      exactGauss) greps=1; rreps=1; [ "$n" -le 1000 ] && r=$(Rscript "$out/maxstat.R" "$csv" "$pm" "$rreps" 2>&1 | tail -1) ;;
      condMC) [ "$n" -eq 10000 ] || continue; greps=1 ;;
      *) r=$(Rscript "$out/maxstat.R" "$csv" "$pm" "$rreps" | tail -1) ;;
    esac
    g=$("$bin" -data "$csv" -pmethod "$pm" -reps "$greps")
    gs=$(field go_seconds "$g"); gst=$(field statistic "$g"); gp=$(field p "$g"); ga=$(field p_accuracy "$g")
    if [ -n "$r" ]; then
      rs=$(field r_seconds "$r"); rst=$(field statistic "$r"); rp=$(field p "$r")
      ratio=$(awk -v a="$gs" -v b="$rs" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "NA" }')
    else
      rs="-"; rst="-"; rp="(R: not run)"; ratio="-"
    fi
    printf "%-10s %-7s %11s %11s %8s  %-34s %s\n" "$pm" "$n" "$gs" "$rs" "$ratio" "$gst; $rst" "$gp ($ga); $rp"
  done
done
