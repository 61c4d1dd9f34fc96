#!/usr/bin/env bash
# Go cox.Fit versus R coxph (Efron, p = 5) on the same generated data, one
# data set per size, with and without 3 strata. Called by bench/compare-r.sh;
# prints one line per case with both times (fastest of 3 fits each, reading
# the CSV excluded), the Go/R ratio and Go's peak resident memory.
#   COX_SIZES="1000 100000 1000000" (default) COX_SEED=20251124
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-$(mktemp -d)}"
sizes="${COX_SIZES:-1000 100000 1000000}"
seed="${COX_SEED:-20251124}"
bin="$out/coxbench"
go build -o "$bin" ./bench/coxbench
cat >"$out/cox.R" <<'RSCRIPT'
suppressMessages(library(survival))
args <- commandArgs(TRUE)
d <- read.csv(args[1])
strata <- args[2] == "1"
f <- if (strata) Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + strata(s) else Surv(time, status) ~ x1 + x2 + x3 + x4 + x5
best <- Inf
for (r in 1:3) {
  t0 <- proc.time()[["elapsed"]]
  m <- coxph(f, data = d, ties = "efron")
  best <- min(best, proc.time()[["elapsed"]] - t0)
}
cat(sprintf("r_seconds=%.4f loglik=%.10g\n", best, m$loglik[2]))
RSCRIPT
printf "%-9s %-7s %10s %10s %8s %12s %s\n" n strata go_s r_s go/r go_peak_MB "loglik(go; r)"
for n in $sizes; do
  csv="$out/cox-$n.csv"
  "$bin" gen -n "$n" -seed "$seed" -out "$csv" 2>&1
  for s in 0 1; do
    flag=""; [ "$s" = 1 ] && flag="-strata"
    g=$("$bin" fit -data "$csv" $flag)
    r=$(Rscript "$out/cox.R" "$csv" "$s")
    gs=$(sed -E 's/.*go_seconds=([^ ]+).*/\1/' <<<"$g")
    gm=$(sed -E 's/.*peak_rss_mb=([^ ]+).*/\1/' <<<"$g")
    gl=$(sed -E 's/.*loglik=([^ ]+).*/\1/' <<<"$g")
    rs=$(sed -E 's/.*r_seconds=([^ ]+).*/\1/' <<<"$r")
    rl=$(sed -E 's/.*loglik=([^ ]+).*/\1/' <<<"$r")
    k=1; [ "$s" = 1 ] && k=3
    ratio=$(awk -v a="$gs" -v b="$rs" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "NA" }')
    printf "%-9s %-7s %10s %10s %8s %12s %s; %s\n" "$n" "$k" "$gs" "$rs" "$ratio" "$gm" "$gl" "$rl"
  done
done
