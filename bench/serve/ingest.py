#!/usr/bin/python3
"""Soak ingester for bench/run_serve.sh: POSTs new, valid movement records to
a running `lifeline serve` until a deadline, one connection, one request at a
time, each request a batch of BATCH records with ids unique to this run.

    ingest.py HOST PORT TOKEN SECONDS [BATCH]

Prints one JSON line: requests, created (201s), written (records the server
says it appended), errors (any other status or a connection error), and the
first few error messages on stderr. Exits 1 if there was any error.
"""
import datetime
import http.client
import json
import os
import sys
import time

host, port, token, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
batch = int(sys.argv[5]) if len(sys.argv) > 5 else 1
run = "%x" % (int(time.time() * 1000) ^ os.getpid())
start_day = datetime.date(2022, 12, 12)
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def record(n):
    return {
        "kind": "movement",
        "id": "mv-soak-%s-%d" % (run, n),
        "case": "lachin-2022-23",
        "route": "rt-lachin-road",
        "date": (start_day + datetime.timedelta(days=n % 280)).isoformat(),
        "direction": "in" if n % 2 else "out",
        "operator": "ICRC",
        "vehicles": 1 + n % 5,
        "note": "bench/run_serve.sh soak",
        "sources": ["src-asbarez-2023-01-04-icrc"],
    }


stats = {"requests": 0, "created": 0, "written": 0, "errors": 0}
conn = None
n = 0
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    body = json.dumps([record(n + i) for i in range(batch)]) if batch > 1 else json.dumps(record(n))
    n += batch
    stats["requests"] += 1
    try:
        if conn is None:
            conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.request("POST", "/api/v1/records", body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status == 201:
            stats["created"] += 1
            stats["written"] += json.loads(data)["written"]
        else:
            stats["errors"] += 1
            if stats["errors"] <= 5:
                print("ingest: HTTP %d: %s" % (resp.status, data[:300]), file=sys.stderr)
    except (OSError, http.client.HTTPException) as e:
        stats["errors"] += 1
        if stats["errors"] <= 5:
            print("ingest: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        if conn is not None:
            conn.close()
        conn = None
print(json.dumps(stats))
sys.exit(1 if stats["errors"] else 0)
