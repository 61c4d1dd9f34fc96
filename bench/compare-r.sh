#!/usr/bin/env bash
# Times carimpi and R side by side on the same data, in one run, and prints
# the Go/R ratios of equal work, each as median [range] over interleaved
# repetitions, with the machine's load at the start and the end.
#
#   bench/compare-r.sh [topic ...]   topics: cox km logrank concordance floor lifelines maxstat validation cif finegray
#                                    (default: cox km logrank concordance floor)
#   SIZES="1000 100000 1000000" REPS=3 SEED=1 BENCH_OUT=dir
#   CSV=file.csv bench/compare-r.sh cox km logrank
#                                    the whole processes on a file of your own
#                                    (columns time, status 0/1, x1..x5, s; any
#                                    others are read by neither) instead of
#                                    generated data
#
# Three levels of comparison, each named in the output:
#   core     the computation on prebuilt inputs, in-process: carimpi's
#            library (bench/gocore) vs R's fitting functions (bench/rcore.R:
#            coxph.fit, survfitKM, survdiff.fit, concordancefit);
#   call     the user-facing call: cox.Fit + concordance vs coxph() (which
#            computes the concordance too), KaplanMeier vs survfit(),
#            LogRank vs survdiff();
#   process  a whole process on one CSV: the carimpi command vs Rscript
#            reading with data.table::fread (bench/rproc.R), with the peak
#            resident memory of both.
# "cif" (cumulative incidence + Gray's test at n = 1e6) and "finegray"
# (Fine-Gray at n = 2e3 with crr's variance and 1e5 without it) compare
# with R's cmprsk through bench/compete.sh (CIF_SIZES, FG_SIZES).
# "lifelines" compares KM and log-rank in-process with Python's lifelines
# (LIFELINES_SIZES="1000000 10000000", PYTHON=python3, PYTHONPATH: see the
# lifelines section below; the "other" columns are then lifelines).
# "floor" compares carimpi's Cox and Kaplan-Meier kernels with the plainest
# Go loops doing the same work (go test -bench Core|Floor; KMCore|KMFloor on
# times with few distinct values, KMContinuous|KMSortFloor on distinct ones),
# by wall and by CPU time per call (the benchmarks' cpu-ns/op metric); the
# ratios pair run i of one with run i of the other.
# In-process calls are repeated until 0.3 s have passed (timer resolution
# at small n); wall and CPU (user + system) seconds per call are both
# recorded: on a loaded machine the CPU ratio is the steadier one.
# Each check column must agree between Go and R.
#
# R is optional (apt-get install r-base-core r-cran-survival r-cran-maxstat
# r-cran-data.table): without Rscript the script says so and exits 0; go
# test never needs R.
set -euo pipefail
cd "$(dirname "$0")/.."
for t in "$@"; do
  case $t in
    cox | km | logrank | concordance | floor | lifelines | maxstat | validation | cif | finegray) ;;
    -h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "compare-r.sh: unknown topic $t (bench/compare-r.sh --help lists them)" >&2; exit 2 ;;
  esac
done
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'suppressMessages({library(survival); library(data.table)})' >/dev/null 2>&1; then
  echo "Rscript with survival and data.table not found: install r-base-core r-cran-survival r-cran-data.table to compare with R" >&2
  exit 0
fi
topics=("$@")
[ ${#topics[@]} -gt 0 ] || topics=(cox km logrank concordance floor)
sizes="${SIZES:-1000 100000 1000000}"
reps="${REPS:-3}"
seed="${SEED:-1}"
out="${BENCH_OUT:-$(mktemp -d)}"
export BENCH_OUT="$out"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "# work folder: $out; sizes: $sizes; $reps interleaved repetitions; seed $seed"
echo "# load average (1, 5, 15 min) at start: $(load); cores: $(nproc)"
go build -o "$out/gocore" ./bench/gocore
go build -o "$out/carimpi" ./cmd/carimpi
res="$out/results.txt"
: >"$res"
field() { sed -E "s/.*$1=([^ ]+).*/\1/" <<<"$2"; }

# inproc KIND TOPIC GO_OP N CSV REP OTHER...: one in-process pair, the other
# side (R's bench/rcore.R or Python's bench/pylifelines.py, with its
# operation) and Go in alternating order from one repetition to the next.
inproc() {
  local kind=$1 topic=$2 gop=$3 n=$4 csv=$5 rep=$6 g r
  shift 6
  if [ $((rep % 2)) = 1 ]; then
    r=$("$@" "$csv"); g=$("$out/gocore" "$gop" -data "$csv")
  else
    g=$("$out/gocore" "$gop" -data "$csv"); r=$("$@" "$csv")
  fi
  echo "$kind $topic $n $rep $(field wall "$g") $(field cpu "$g") $(field wall "$r") $(field cpu "$r") - - $(field check "$g") $(field check "$r")" >>"$res"
}

# proc TOPIC N CSV REP: whole processes, /usr/bin/time for wall, CPU and peak RSS.
proc() {
  local topic=$1 n=$2 csv=$3 rep=$4 args
  case $topic in
    cox) args=(cox --data "$csv" --time time --event status --terms x1,x2,x3,x4,x5) ;;
    km) args=(km --data "$csv" --time time --event status --group s) ;;
    logrank) args=(logrank --data "$csv" --time time --event status --group s) ;;
  esac
  local gt="$out/time-go" rt="$out/time-r"
  run_go() { /usr/bin/time -f "%e %U %S %M" -o "$gt" "$out/carimpi" "${args[@]}" >"$out/out-go-$topic-$n.txt"; }
  run_r() { /usr/bin/time -f "%e %U %S %M" -o "$rt" Rscript bench/rproc.R "$topic" "$csv" >"$out/out-r-$topic-$n.txt"; }
  if [ $((rep % 2)) = 1 ]; then run_r; run_go; else run_go; run_r; fi
  read -r gw gu gs gm <"$gt"
  read -r rw ru rs rm <"$rt"
  echo "process $topic $n $rep $gw $(awk -v a="$gu" -v b="$gs" 'BEGIN{print a+b}') $rw $(awk -v a="$ru" -v b="$rs" 'BEGIN{print a+b}') $((gm / 1024)) $((rm / 1024)) - -" >>"$res"
}

gen() { [ -f "$out/data-$1.csv" ] || "$out/gocore" gen -n "$1" -seed "$seed" -out "$out/data-$1.csv"; }
R=(Rscript bench/rcore.R)
if [ -n "${CSV:-}" ]; then
  # A file of one's own: the whole processes only (cox, km, logrank), n
  # being its lines after the header.
  rows=$(($(wc -l <"$CSV") - 1))
  for rep in $(seq "$reps"); do
    for t in "${topics[@]}"; do
      case $t in cox | km | logrank) proc "$t" "$rows" "$CSV" "$rep" ;; esac
    done
  done
  sizes=""
fi
for n in $sizes; do
  gen "$n"
  csv="$out/data-$n.csv"
  for rep in $(seq "$reps"); do
    for t in "${topics[@]}"; do
      case $t in
        cox) inproc core cox coxfit "$n" "$csv" "$rep" "${R[@]}" coxfit; inproc call cox coxcall "$n" "$csv" "$rep" "${R[@]}" coxcall; proc cox "$n" "$csv" "$rep" ;;
        km) inproc core km km "$n" "$csv" "$rep" "${R[@]}" km; inproc call km km "$n" "$csv" "$rep" "${R[@]}" kmcall; proc km "$n" "$csv" "$rep" ;;
        logrank) inproc core logrank logrank "$n" "$csv" "$rep" "${R[@]}" logrank; inproc call logrank logrank "$n" "$csv" "$rep" "${R[@]}" logrankcall; proc logrank "$n" "$csv" "$rep" ;;
        concordance) inproc core concordance concordance "$n" "$csv" "$rep" "${R[@]}" concordance ;;
        cif | finegray) ;; # bench/compete.sh, below, on its own data
      esac
    done
  done
done

# Python's lifelines (topic lifelines): KM and log-rank in-process, the
# "other" columns then being lifelines. PYTHONPATH must reach lifelines and
# its imports: numpy, scipy and pandas from Debian (apt-get install
# python3-numpy python3-scipy python3-pandas; PYTHON=/usr/bin/python3 if
# another python3 comes first on PATH), lifelines, autograd and
# autograd-gamma from their source trees; formulaic, which lifelines
# imports but KM and log-rank do not use, falls back to bench/pystub.
if [[ " ${topics[*]} " == *" lifelines "* ]]; then
  export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$PWD/bench/pystub"
  if "${PYTHON:-python3}" -c "import lifelines" >/dev/null 2>&1; then
    py=("${PYTHON:-python3}" bench/pylifelines.py)
    for n in ${LIFELINES_SIZES:-1000000 10000000}; do
      gen "$n"
      for rep in $(seq "$reps"); do
        inproc lifelines km km "$n" "$out/data-$n.csv" "$rep" "${py[@]}" km
        inproc lifelines logrank logrank "$n" "$out/data-$n.csv" "$rep" "${py[@]}" logrank
      done
    done
  else
    echo "# lifelines: ${PYTHON:-python3} cannot import lifelines (set PYTHON and PYTHONPATH); skipped" >&2
  fi
fi

# median [min-max] of a list of numbers
summ='function summ(s,   a, k, i, j, t, m) {
  k = split(s, a, " "); for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
  m = (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  return sprintf("%.3g [%.3g-%.3g]", m, a[1], a[k]) }'
if [ -s "$res" ]; then
  echo
  echo "level    topic        n        Go s (wall)            other s (wall)        Go s (CPU)             other s (CPU)         Go/other wall              Go/other CPU           peak MB Go | R      check Go | other"
  awk "$summ"'
  { key = $1 " " $2 " " $3; if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
    gw[key] = gw[key] " " $5; rw[key] = rw[key] " " $7; gc[key] = gc[key] " " $6; rc[key] = rc[key] " " $8
    rwall[key] = rwall[key] " " ($7 > 0 ? $5 / $7 : "nan"); rcpu[key] = rcpu[key] " " ($8 > 0 ? $6 / $8 : "nan")
    gm[key] = gm[key] " " $9; rm[key] = rm[key] " " $10; chk[key] = $11 " | " $12 }
  END { for (i = 1; i <= nk; i++) { k = order[i]; split(k, p, " ")
      mem = (p[1] == "process") ? summ(gm[k]) " | " summ(rm[k]) : "-"
      printf "%-8s %-12s %-8s %-22s %-21s %-22s %-21s %-22s %-22s %-19s %s\n", p[1], p[2], p[3], summ(gw[k]), summ(rw[k]), summ(gc[k]), summ(rc[k]), summ(rwall[k]), summ(rcpu[k]), mem, chk[k] } }' "$res"
fi

for t in "${topics[@]}"; do
  case $t in
    cif | finegray)
      echo
      echo "## $t: carimpi vs cmprsk (bench/compete.sh)"
      bench/compete.sh "$t" ;;
    floor)
      echo
      echo "## floor: carimpi's kernels vs the plainest Go loops doing the same work (go test -bench; $reps runs; wall ns/op, and CPU ns/op: user + system)"
      top=$(for n in $sizes; do echo "$n"; done | sort -n | tail -1)
      for pair in "survival/cox Core Floor" "survival KMCore KMFloor" "survival KMContinuous KMSortFloor"; do
        set -- $pair
        BENCH_MAX=$top go test -run XXX -bench "^Benchmark($2|$3)\$" -benchtime 3x -count "$reps" "./$1" |
          awk -v a="$2" -v b="$3" "$summ"'
          /^Benchmark/ { split($1, q, "/"); name = q[1]; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", q[2]); sz = q[2]
            cpu = ""; for (f = 4; f <= NF; f++) if ($f == "cpu-ns/op") cpu = $(f - 1)
            if (name == a) { A[sz] = A[sz] " " $3; AC[sz] = AC[sz] " " cpu } else { B[sz] = B[sz] " " $3; BC[sz] = BC[sz] " " cpu }
            if (!(sz in s)) { s[sz] = 1; o[++k] = sz } }
          function ratios(P, Q, z,   x, y, j, r) { split(P[z], x, " "); split(Q[z], y, " "); r = ""
            for (j = 1; j in x; j++) r = r " " x[j] / y[j]
            return summ(r) }
          END { for (i = 1; i <= k; i++) { z = o[i]
              printf "%-12s %-10s %s: %s ns (CPU %s), %s: %s ns (CPU %s); ratio wall %s, CPU %s\n", a, z, a, summ(A[z]), summ(AC[z]), b, summ(B[z]), summ(BC[z]), ratios(A, B, z), ratios(AC, BC, z) } }'
      done ;;
    maxstat) echo; echo "## maxstat"; bash bench/maxstat.sh ;;
    validation) echo; echo "## validation (riskRegression::Score)"; bash bench/validation.sh ;;
  esac
done
echo
echo "# load average (1, 5, 15 min) at end: $(load)"
