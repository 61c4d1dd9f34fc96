#!/usr/bin/env bash
# Times carimpi's competing-risks estimators and R's cmprsk side by side on
# the same generated data, in one run, and prints Go/R ratios (wall and
# CPU seconds per call). Called by bench/compare-r.sh for its topics cif
# and finegray; runs alone too:
#
#   bench/compete.sh [cif] [finegray]
#   CIF_SIZES="1000000" FG_SIZES="2000 100000" SEED=1 BENCH_OUT=dir
#
# cif: cuminc (both causes, two groups) + Gray's test for each cause.
# finegray: crr with its variance where R can finish (crr's variance loops
# are O(n^2) to O(n^3)); at n >= 1e4 R is timed with variance = FALSE, so
# the ratio there flatters R: carimpi computes the variance as well.
# R is optional: without Rscript and cmprsk the script says so and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'suppressMessages({library(cmprsk); library(data.table)})' >/dev/null 2>&1; then
  echo "Rscript with cmprsk and data.table not found: install r-base-core r-cran-cmprsk r-cran-data.table to compare with R" >&2
  exit 0
fi
topics=("$@")
[ ${#topics[@]} -gt 0 ] || topics=(cif finegray)
seed="${SEED:-1}"
out="${BENCH_OUT:-$(mktemp -d)}"
go build -o "$out/competebench" ./bench/competebench
field() { sed -E "s/.*$1=([^ ]+).*/\1/" <<<"$2"; }
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
printf "%-10s %-9s %-12s %-12s %-10s %-10s %s\n" topic n "Go s" "R s" "Go/R wall" "Go/R CPU" "check Go | R"
pair() {
  local topic=$1 rop=$2 n=$3 csv="$out/compete-$3.csv" g r
  [ -f "$csv" ] || "$out/competebench" gen -n "$n" -seed "$seed" -out "$csv"
  g=$("$out/competebench" "$topic" -data "$csv")
  r=$(Rscript bench/rcompete.R "$rop" "$csv")
  awk -v t="$topic${rop#$topic}" -v n="$n" -v gw="$(field wall "$g")" -v gc="$(field cpu "$g")" -v rw="$(field wall "$r")" -v rc="$(field cpu "$r")" \
    -v cg="$(field check "$g")" -v cr="$(field check "$r")" \
    'BEGIN { printf "%-10s %-9s %-12.4g %-12.4g %-10.3g %-10.3g %s | %s\n", t, n, gw, rw, gw / rw, gc / rc, cg, cr }'
}
for t in "${topics[@]}"; do
  case $t in
    cif) for n in ${CIF_SIZES:-1000000}; do pair cif cif "$n"; done ;;
    finegray)
      for n in ${FG_SIZES:-2000 100000}; do
        if [ "$n" -lt 10000 ]; then pair finegray finegray "$n"; else pair finegray finegraynv "$n"; fi
      done ;;
    *) echo "unknown topic $t (cif, finegray)" >&2; exit 2 ;;
  esac
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
