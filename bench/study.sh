#!/usr/bin/env bash
# The whole `carimpi study` process (B = 200 bootstrap resamples, report
# written) at registry sizes: wall time, CPU time (user + system) and peak
# RSS of the process, with the load average before and after, so that a
# busy machine is visible. Issue 19's targets on a 2-core machine: 5e4
# patients <= 3 s, 5e5 <= 30 s, peak RSS <= 300 MB at 5e5.
#
#   bench/study.sh            # 5e3 5e4 5e5
#   bench/study.sh 5e4        # chosen sizes (half development, half validation)
#
# The cohorts are simulated ("carimpi simulate", seed 50 and up). simulate
# makes at most 50,000 patients a cohort, so a larger size is made of
# several simulated files of 50,000 + 50,000 (seeds 1, 2, ...) with their
# patient ids prefixed S1, S2, ... to keep them unique (so such a size
# is rounded up to whole 100,000s). Needs GNU time
# (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-$(mktemp -d)}"
go build -o "$out/carimpi" ./cmd/carimpi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(5e3 5e4 5e5)
echo "# data and reports in $out"
printf '%-8s %10s %10s %10s   %s\n' n wall_s cpu_s rss_MB "load before -> after"
for s in "${sizes[@]}"; do
  n=$(awk -v s="$s" 'BEGIN { printf "%d", s }')
  data="$out/cohort-$s.csv"
  if [ ! -f "$data" ]; then
    if [ "$n" -le 100000 ]; then
      "$out/carimpi" simulate --n-development $((n / 2)) --n-validation $((n - n / 2)) --out "$data" 2>/dev/null
    else
      parts=$(((n + 99999) / 100000))
      for k in $(seq 1 "$parts"); do
        "$out/carimpi" simulate --n-development 50000 --n-validation 50000 --seed "$k" --out "$out/part.csv" 2>/dev/null
        if [ "$k" = 1 ]; then sed '1!s/^/S1/' "$out/part.csv"; else tail -n +2 "$out/part.csv" | sed "s/^/S$k/"; fi
      done > "$data"
      rm "$out/part.csv"
    fi
  fi
  before=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %U %S %M' -o "$out/time-$s.txt" "$out/carimpi" study --data "$data" --out "$out/report-$s" --force --quiet
  after=$(cut -d' ' -f1 /proc/loadavg)
  read -r wall user sys rss < "$out/time-$s.txt"
  awk -v s="$s" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" -v b="$before" -v a="$after" \
    'BEGIN { printf "%-8s %10.2f %10.2f %10.0f   %s -> %s\n", s, w, u + y, r / 1024, b, a }'
done
