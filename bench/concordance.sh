#!/usr/bin/env bash
# Harrell's C: carimpi survival/concordance vs R survival::concordance
# (reverse = TRUE, with its infinitesimal jackknife se) on the same data,
# n = 1e3, 1e5, 1e6, seed 1. Best of 3 runs each. Run via bench/compare-r.sh concordance.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-$(mktemp -d)}"
echo "# seed 1; data in $out"
Rscript - "$out" > "$out/conc-r.txt" <<'R'
suppressMessages(library(survival))
out <- commandArgs(TRUE)[1]
set.seed(1)
for (n in c(1e3, 1e5, 1e6)) {
  s <- rnorm(n); t <- rexp(n) / exp(s); c <- 3 * runif(n)
  d <- data.frame(time = pmin(t, c), event = as.integer(t <= c), score = s)
  write.csv(d, file.path(out, sprintf("conc-%d.csv", n)), row.names = FALSE)
  d <- read.csv(file.path(out, sprintf("conc-%d.csv", n)))
  el <- min(sapply(1:3, function(i) system.time(
    f <<- concordance(Surv(time, event) ~ score, data = d, reverse = TRUE))["elapsed"]))
  cat(sprintf("r n=%d seconds=%.4f C=%.10f se=%.10f\n", n, el, f$concordance, sqrt(f$var)))
}
R
go run ./bench/concordance "$out/conc-1000.csv" "$out/conc-100000.csv" "$out/conc-1000000.csv" > "$out/conc-go.txt"
paste -d' ' "$out/conc-go.txt" "$out/conc-r.txt" | awk '{
  split($3, g, "="); split($8, r, "=");
  printf "%s  go %ss  R %ss  Go/R %.3f   go %s %s | R %s %s\n", $2, g[2], r[2], g[2] / r[2], $4, $5, $9, $10 }'
