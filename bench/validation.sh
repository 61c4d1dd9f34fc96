#!/usr/bin/env bash
# Time-dependent AUC and Brier score with their influence-function SEs:
# carimpi survival/validation vs R riskRegression::Score (cens.model =
# "km", se.fit = TRUE, null.model = FALSE) on the same data, tau = 1,
# n = 1e3, 1e4, 1e5, seed 1. Best of 3 runs each. Run via
# bench/compare-r.sh validation (needs r-cran-riskregression).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-$(mktemp -d)}"
echo "# seed 1; data in $out"
Rscript - "$out" > "$out/val-r.txt" <<'R'
suppressMessages({library(survival); library(riskRegression)})
out <- commandArgs(TRUE)[1]
set.seed(1)
for (n in c(1e3, 1e4, 1e5)) {
  s <- rnorm(n); t <- rexp(n) / exp(s); c <- 3 * runif(n)
  d <- data.frame(time = round(pmin(t, c), 3), event = as.integer(t <= c), risk = 1 - exp(-exp(s)))
  write.csv(d, file.path(out, sprintf("val-%d.csv", n)), row.names = FALSE)
  d <- read.csv(file.path(out, sprintf("val-%d.csv", n)))
  el <- min(sapply(1:3, function(i) system.time(
    f <<- Score(list(m = matrix(d$risk)), Surv(time, event) ~ 1, data = d, times = 1, metrics = c("auc", "brier"),
                cens.model = "km", se.fit = TRUE, null.model = FALSE))["elapsed"]))
  cat(sprintf("r n=%d seconds=%.4f AUC=%.10f se=%.10f Brier=%.10f se=%.10f\n", n, el, f$AUC$score$AUC, f$AUC$score$se, f$Brier$score$Brier, f$Brier$score$se))
}
R
go run ./bench/validation "$out/val-1000.csv" "$out/val-10000.csv" "$out/val-100000.csv" > "$out/val-go.txt"
paste -d' ' "$out/val-go.txt" "$out/val-r.txt" | awk '{
  split($3, g, "="); split($10, r, "=");
  printf "%s  go %ss  R %ss  Go/R %.3f   go %s %s %s %s | R %s %s %s %s\n", $2, g[2], r[2], g[2] / r[2], $4, $5, $6, $7, $11, $12, $13, $14 }'
