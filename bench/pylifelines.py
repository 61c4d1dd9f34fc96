"""Python's lifelines side of bench/compare-r.sh (topic lifelines).

Times one lifelines call on the CSV that bench/gocore gen wrote, on inputs
built before the clock starts, and prints "op=OP n=N reps=R wall=S cpu=S
check=V" as bench/gocore does (wall and CPU seconds per call; the call is
repeated until 0.3 s have passed, after one untimed warm-up call).

    python3 bench/pylifelines.py km|logrank F.csv

    km       KaplanMeierFitter().fit for each group s (lifelines fits one
             curve per call); check: the median of s = 1
    logrank  statistics.multivariate_logrank_test(time, s, status);
             check: the chi-square
"""
import sys
import time

import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test


def main():
    op, path = sys.argv[1], sys.argv[2]
    d = pd.read_csv(path)
    t, e, s = d["time"].to_numpy(), d["status"].to_numpy(), d["s"].to_numpy()
    groups = sorted(set(s.tolist()))
    parts = [(t[s == g], e[s == g]) for g in groups]

    if op == "km":
        def call():
            medians = []
            for tg, eg in parts:
                kmf = KaplanMeierFitter().fit(tg, eg)
                medians.append(kmf.median_survival_time_)
            return medians[0]
    elif op == "logrank":
        def call():
            return multivariate_logrank_test(t, s, e).test_statistic
    else:
        raise SystemExit("unknown operation " + op)

    check = call()
    reps = 0
    c0, t0 = time.process_time(), time.perf_counter()
    while True:
        call()
        reps += 1
        if time.perf_counter() - t0 >= 0.3:
            break
    wall = (time.perf_counter() - t0) / reps
    cpu = (time.process_time() - c0) / reps
    print("op=%s n=%d reps=%d wall=%.6f cpu=%.6f check=%.10g" % (op, len(t), reps, wall, cpu, check))


if __name__ == "__main__":
    main()
