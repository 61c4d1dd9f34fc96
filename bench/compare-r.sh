#!/usr/bin/env bash
# Times carimpi's Go code and R's reference packages on the same generated
# data, in one run, and prints the Go/R time ratios.
#
#   bench/compare-r.sh [topic ...]     topics: km-logrank cox maxstat (default: all)
#
# Each topic lives in bench/<topic>.sh. R is optional: install it with
#   apt-get install r-base-core r-cran-survival r-cran-maxstat
# Without Rscript the script says so and exits 0 (go test never needs R).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v Rscript >/dev/null 2>&1; then
  echo "Rscript not found: install r-base-core r-cran-survival r-cran-maxstat to compare with R" >&2
  exit 0
fi
topics=("$@")
[ ${#topics[@]} -gt 0 ] || topics=(km-logrank cox maxstat)
export BENCH_OUT="${BENCH_OUT:-$(mktemp -d)}"
echo "# work folder: $BENCH_OUT"
for t in "${topics[@]}"; do
  if [ -f "bench/$t.sh" ]; then
    echo "## $t"
    bash "bench/$t.sh"
  else
    echo "## $t: bench/$t.sh not present" >&2
  fi
done
