#!/usr/bin/env python3
"""The forecast's Monte Carlo in vectorised numpy: the comparison for
bench/forecast_bench in bench/run_analysis.sh.

    forecast_numpy.py MODEL.json [--reps R] [--compare PERCENTILES.json]

MODEL.json is the model forecast_bench fitted (transition matrix, initial
state, inflow pools per state, daily consumption and airlift per commodity).
The model is the same as src/analysis/forecast.cc's (docs/analysis.md):

    state(d)  ~ Markov chain row of state(d-1); forced open from reopen_offset
    inflow    = a uniform draw from the pool of state(d) (0 if the pool is empty)
    stock(d)  = max(0, stock(d-1) + inflow + airlift(d) - consumption(d))
    days to threshold = first d with stock(d) < threshold or stock(d) <= 0

vectorised over trajectories, one numpy step per day, the stocks kept as a
float32 [day, trajectory] matrix per commodity (as the C++ code keeps them),
then np.percentile (linear interpolation) per day. The random numbers are
numpy's (PCG64), not Lifeline's SplitMix64 streams, so the percentiles agree
statistically, not bit for bit; --compare prints how far apart they are.

Prints one JSON line: seconds (median of R runs), peak RSS, and with
--compare the largest differences.
"""
import argparse
import json
import resource
import sys
import time

import numpy as np


def run(model):
    n = int(model["trajectories"])
    h = int(model["horizon"])
    rng = np.random.default_rng(int(model["seed"]))
    cum = np.cumsum(np.asarray(model["transition"], dtype=np.float64), axis=1)[:, :2]  # [3, 2]
    reopen = int(model["reopen_offset"])
    comms = model["commodities"]
    # Pools as a padded [3, max_len] table with their lengths: one gather per day.
    tables = []
    for c in comms:
        pools = [np.asarray(p, dtype=np.float64) for p in c["pools"]]
        width = max(1, max(len(p) for p in pools))
        table = np.zeros((3, width))
        lens = np.zeros(3, dtype=np.float64)
        for s, p in enumerate(pools):
            table[s, : len(p)] = p
            lens[s] = len(p)
        tables.append((table, lens))
    state = np.full(n, int(model["initial_state"]), dtype=np.int64)
    level = [np.full(n, float(c["initial_stock"])) for c in comms]
    stocks = [np.empty((h, n), dtype=np.float32) for _ in comms]
    never = h + 1
    crossed = []
    for c in comms:
        s0 = float(c["initial_stock"])
        first = 0 if (s0 < float(c["threshold"]) or s0 <= 0) else never
        crossed.append(np.full(n, first, dtype=np.int64))
    for d in range(h):
        u = rng.random(n)
        row = cum[state]  # [n, 2]
        nxt = (u >= row[:, 0]).astype(np.int64) + (u >= row[:, 1])
        state = np.zeros(n, dtype=np.int64) if (reopen >= 0 and d >= reopen) else nxt
        for k, c in enumerate(comms):
            table, lens = tables[k]
            idx = (rng.random(n) * lens[state]).astype(np.int64)
            inflow = table[state, idx]
            s = level[k] + inflow + (c["airlift"][d] - c["consumption"][d])
            np.maximum(s, 0.0, out=s)
            level[k] = s
            stocks[k][d] = s
            below = ((s < c["threshold"]) | (s <= 0)) & (crossed[k] == never)
            crossed[k][below] = d + 1
    pct = np.asarray(model["percentiles"], dtype=np.float64)
    out = []
    for k, c in enumerate(comms):
        stock_p = np.percentile(stocks[k], pct, axis=1).T  # [h, 5]
        days_p = np.percentile(crossed[k], pct, method="inverted_cdf")
        out.append({
            "name": c["name"],
            "stock": stock_p.tolist(),
            "days_to_threshold": [None if v == never else int(v) for v in days_p],
            "never_fraction": float(np.mean(crossed[k] == never)),
        })
    return out


def compare(ours, theirs, model):
    """Largest differences between two runs' percentiles."""
    report = []
    for a, b, c in zip(ours, theirs, model["commodities"]):
        sa = np.asarray(a["stock"])
        sb = np.asarray(b["stock"])
        scale = max(float(c["initial_stock"]), 1.0)
        report.append({
            "commodity": a["name"],
            "max_abs_diff_stock_over_initial": float(np.max(np.abs(sa - sb)) / scale),
            "max_abs_diff_p50_over_initial": float(np.max(np.abs(sa[:, 2] - sb[:, 2])) / scale),
            "days_to_threshold_numpy": a["days_to_threshold"],
            "days_to_threshold_lifeline": b["days_to_threshold"],
            "never_fraction_numpy": a["never_fraction"],
            "never_fraction_lifeline": b["never_fraction"],
        })
    return report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--compare")
    args = ap.parse_args()
    with open(args.model) as f:
        model = json.load(f)
    secs = []
    out = None
    for _ in range(args.reps):
        t = time.perf_counter()
        out = run(model)
        secs.append(time.perf_counter() - t)
    report = {
        "trajectories": model["trajectories"],
        "days": model["horizon"],
        "numpy": np.__version__,
        "seconds": secs,
        "seconds_median": sorted(secs)[len(secs) // 2],
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if args.compare:
        with open(args.compare) as f:
            theirs = json.load(f)["commodities"]
        report["agreement"] = compare(out, theirs, model)
    print(json.dumps(report))


if __name__ == "__main__":
    sys.exit(main())
