#!/usr/bin/env python3
"""API latency under concurrent writers (issue #14 item 7), for
bench/run_api_pg.sh: starts `lifeline serve` on each store directory given
(one for SQLite; copies of one `init --db` directory for PostgreSQL), then
for SECONDS runs WRITERS threads POSTing one claim each to random servers
and READERS threads reading random servers (a record by id, a page of the
case's records, the checkpoint), and prints a Markdown table row headed
LABEL: p50/p99 of reads and of writes in ms, rates, and the non-2xx
answers (exits 1 on any); LOG_DIR/api-latency.jsonl gets the figures as
one JSON line too, with each read's p50/p99 apart.

    api_latency.py LABEL LIFELINE TOKEN SECONDS WRITERS READERS LOG_DIR STORE...
"""
import json
import os
import random
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "pg"))
from servers import Server, claim, request  # noqa: E402

LABEL, LL, TOKEN, SECONDS, WRITERS, READERS, LOG_DIR = sys.argv[1:8]
SECONDS, WRITERS, READERS = float(SECONDS), int(WRITERS), int(READERS)
READS = ["/api/v1/records/rs-2022-12-12-closure", "/api/v1/records?case=lachin-2022-23&limit=20", "/api/v1/checkpoint"]
lock = threading.Lock()
lat = {"read": [], "write": []}
by_path = {path: [] for path in READS}
bad = {}


def timed(kind, server, method, path, body=None):
    """Sends one request; records its latency under `kind` (and its path,
    for reads) and any answer outside 2xx."""
    t = time.perf_counter()
    try:
        status = request(server, method, path, body)[0]
    except OSError as e:
        status = "connection: " + str(e)
    ms = (time.perf_counter() - t) * 1000
    with lock:
        lat[kind].append(ms)
        if path in by_path:
            by_path[path].append(ms)
        if not (isinstance(status, int) and 200 <= status < 300):
            bad[f"{kind} {status}"] = bad.get(f"{kind} {status}", 0) + 1


def writer(servers, w, end):
    rng = random.Random(w)
    n = 0
    while time.time() < end:
        timed("write", rng.choice(servers), "POST", "/api/v1/records", claim(f"cl-bench-{os.getpid()}-{w}-{n}"))
        n += 1


def reader(servers, r, end):
    rng = random.Random(1000 + r)
    while time.time() < end:
        timed("read", rng.choice(servers), "GET", rng.choice(READS))


def pct(xs, p):
    return round(statistics.quantiles(xs, n=100)[p - 1], 1) if len(xs) >= 2 else None


def main():
    servers = [Server(n, LL, store, TOKEN, LOG_DIR) for n, store in enumerate(sys.argv[8:])]
    try:
        for s in servers:
            s.start()
        end = time.time() + SECONDS
        threads = [threading.Thread(target=writer, args=(servers, w, end)) for w in range(WRITERS)]
        threads += [threading.Thread(target=reader, args=(servers, r, end)) for r in range(READERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for s in servers:
            s.kill()
    out = {"label": LABEL, "servers": len(servers), "seconds": SECONDS, "writers": WRITERS, "readers": READERS, "errors": bad}
    for kind, xs in lat.items():
        out[kind] = {"count": len(xs), "per_s": round(len(xs) / SECONDS, 1), "p50_ms": pct(xs, 50),
                     "p99_ms": pct(xs, 99)}
    out["read_by_path"] = {p: {"count": len(xs), "p50_ms": pct(xs, 50), "p99_ms": pct(xs, 99)}
                           for p, xs in by_path.items()}
    with open(os.path.join(LOG_DIR, "api-latency.jsonl"), "a") as f:
        f.write(json.dumps(out) + "\n")
    w, r = out["write"], out["read"]
    print(f"| {LABEL} | {w['per_s']} | {w['p50_ms']} / {w['p99_ms']} | {r['per_s']} | {r['p50_ms']} / {r['p99_ms']}"
          f" | {sum(bad.values())} {json.dumps(bad) if bad else ''} |", flush=True)
    sys.exit(1 if bad else 0)


main()
