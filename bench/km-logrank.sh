#!/usr/bin/env bash
# Go survival.KaplanMeier / survival.LogRank versus R survfit / survdiff on
# the same generated data: 3 groups, exponential times (hazards 0.05, 0.10,
# 0.15 per month) with uniform censoring on (0, 60), rounded to 0.01 month
# (so there are ties). One data set per size, written by R and read by both.
# Called by bench/compare-r.sh; prints one line per size with the fastest of
# 3 runs of each side (reading the CSV excluded), the Go/R ratios, Go's peak
# resident memory, and the log-rank chi-square and medians of both sides.
#   KM_SIZES="1000 100000 1000000" (default) KM_SEED=1
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-$(mktemp -d)}"
sizes="${KM_SIZES:-1000 100000 1000000}"
seed="${KM_SEED:-1}"
bin="$out/kmlogrank"
go build -o "$bin" ./bench/kmlogrank
cat >"$out/km-logrank.R" <<'RSCRIPT'
suppressMessages(library(survival))
args <- commandArgs(TRUE)
n <- as.numeric(args[1]); set.seed(as.integer(args[2])); csv <- args[3]
g <- sample(1:3, n, replace = TRUE)
t <- rexp(n, 0.05 * g); c <- runif(n, 0, 60)
d <- data.frame(time = round(pmin(t, c), 2), status = as.integer(t <= c), group = g)
write.csv(d, csv, row.names = FALSE, quote = FALSE)
d <- read.csv(csv)
best <- function(f) min(sapply(1:3, function(i) system.time(f())[["elapsed"]]))
km <- best(function() fit <<- survfit(Surv(time, status) ~ group, data = d))
lr <- best(function() lrt <<- survdiff(Surv(time, status) ~ group, data = d))
med <- summary(fit)$table[, "median"]
cat(sprintf("r_km_seconds=%.4f r_logrank_seconds=%.4f chisq=%.10g medians=%s\n",
            km, lr, lrt$chisq, paste(med, collapse = ",")))
RSCRIPT
echo "# seed $seed; data in $out"
printf "%-8s %9s %9s %8s   %9s %9s %8s   %10s  %s\n" n go_km_s r_km_s km_go/r go_lr_s r_lr_s lr_go/r go_peak_MB "check: chisq and medians (go | R)"
for n in $sizes; do
  csv="$out/km-logrank-$n.csv"
  r=$(Rscript "$out/km-logrank.R" "$n" "$seed" "$csv")
  g=$("$bin" "$csv")
  get() { sed -E "s/.*$1=([^ ]+).*/\1/" <<<"$2"; }
  gk=$(get go_km_seconds "$g"); gl=$(get go_logrank_seconds "$g"); gm=$(get peak_rss_mb "$g")
  rk=$(get r_km_seconds "$r"); rl=$(get r_logrank_seconds "$r")
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "NA" }'; }
  printf "%-8s %9s %9s %8s   %9s %9s %8s   %10s  %s %s | %s %s\n" "$n" "$gk" "$rk" "$(ratio "$gk" "$rk")" \
    "$gl" "$rl" "$(ratio "$gl" "$rl")" "$gm" "$(get chisq "$g")" "$(get medians "$g")" "$(get chisq "$r")" "$(get medians "$r")"
done
