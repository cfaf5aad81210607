#!/usr/bin/env python3
"""The forecast's Monte Carlo in vectorised numpy: the comparison for
bench/forecast_bench in bench/run_analysis.sh.

    forecast_numpy.py MODEL.json [--reps R] [--compare PERCENTILES.json]

MODEL.json is the model forecast_bench fitted (transition counts, prior or
given matrix, initial state, inflow pools and ranges per state, normal
stocks, daily consumption and airlift per commodity). The model is the same
as src/analysis/forecast.cc's (docs/analysis.md):

    P_t       = the given matrix, or per trajectory t each row drawn from
                Dirichlet(counts + prior)
    state(d)  ~ row state(d-1) of P_t; forced open from reopen_offset
    K         = capacity of state(d): a range's value, drawn once per
                trajectory, uniform in [low, high]; else a uniform draw from
                the trajectory's own bootstrap resample of the state's pool
                (0 if the pool is empty); 0 on closed days
    L         = stock(d-1) + airlift(d) - consumption(d)
    stock(d)  = max(0, L + K) without a normal stock N; with one and
                r = 1 / restock_days,
                min(max((1 - r) stock(d-1) + r N, max(0, L)), max(0, L + K))
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


def transitions(model, rng, n):
    """Per trajectory cumulative rows [n, 3, 2]: drawn from the posterior, or the given matrix."""
    if model["transition_given"]:
        cum = np.cumsum(np.asarray(model["transition"], dtype=np.float64), axis=1)[:, :2]
        return np.broadcast_to(cum, (n, 3, 2))
    alpha = np.asarray(model["transition_counts"], dtype=np.float64) + float(model["route_prior"])
    g = rng.gamma(alpha, size=(n, 3, 3))
    p = g / g.sum(axis=2, keepdims=True)
    return np.cumsum(p, axis=2)[:, :, :2]


def capacities(c, rng, n):
    """Per state: ("range", values[n]), ("pool", pool, resample[n, len]) or None (nothing comes in)."""
    out = []
    for s in range(3):
        r = c["ranges"][s] if s < 2 else None
        pool = np.asarray(c["pools"][s], dtype=np.float64) if s < 2 else np.zeros(0)
        if r is not None:
            out.append(("range", rng.uniform(r[0], r[1], size=n)))
        elif len(pool) > 0:
            # Each trajectory's bootstrap resample of the pool, as indices.
            dtype = np.uint16 if len(pool) < 65536 else np.uint32
            out.append(("pool", pool, rng.integers(0, len(pool), size=(n, len(pool)), dtype=dtype)))
        else:
            out.append(None)
    return out


def capacity(src, state, rng, n, rows):
    k = np.zeros(n)
    for s, x in enumerate(src):
        if x is None:
            continue
        sel = state == s
        if not sel.any():
            continue
        if x[0] == "range":
            k[sel] = x[1][sel]
        else:
            pool, resample = x[1], x[2]
            slot = (rng.random(int(sel.sum())) * len(pool)).astype(np.int64)
            k[sel] = pool[resample[rows[sel], slot]]
    return k


def run(model):
    n = int(model["trajectories"])
    h = int(model["horizon"])
    rng = np.random.default_rng(int(model["seed"]))
    cum = transitions(model, rng, n)
    reopen = int(model["reopen_offset"])
    comms = model["commodities"]
    sources = [capacities(c, rng, n) for c in comms]
    rows = np.arange(n)
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
        row = cum[rows, state]  # [n, 2]
        nxt = (u >= row[:, 0]).astype(np.int64) + (u >= row[:, 1])
        state = np.zeros(n, dtype=np.int64) if (reopen >= 0 and d >= reopen) else nxt
        for k, c in enumerate(comms):
            cap = capacity(sources[k], state, rng, n, rows)
            low = level[k] + (c["airlift"][d] - c["consumption"][d])
            s = np.maximum(low + cap, 0.0)
            if c["normal_stock"] is not None:
                r = 1.0 / float(c["restock_days"])
                target = (1.0 - r) * level[k] + r * float(c["normal_stock"])
                s = np.minimum(np.maximum(target, np.maximum(low, 0.0)), s)
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
