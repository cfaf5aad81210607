#!/usr/bin/env python3
"""Three `lifeline serve`s on one PostgreSQL log through SIGKILLs and a
database restart (issue #14 item 6), driven by pg_fault_test.sh.

    pg_fault.py LIFELINE STATE_JSON OUT_JSON

STATE_JSON names the three store directories (copies of one `init --db`
store), the monitor token, the seed, the number of kills, the writer count
and the shell command that restarts the database. This script starts the
servers on three free loopback ports, has the writers POST claims (one
record each, a fresh id each) to random servers and records every 2xx
(id -> log index), while a chaos thread SIGKILLs a random server at random
moments (restarting it on its port each time) and restarts the database
once half way. A POST whose connection failed, or that got a 5xx, is
ambiguous: the writer looks the id up (GET) on a random server before
posting it again, so it never counts a record twice. A sampler reads
/api/v1/checkpoint from random servers throughout (size -> root).

Afterwards one fresh POST must succeed on each server (so a server that
lived through the database restart has reconnected) and the three must
serve the same checkpoint. OUT_JSON gets what was seen, for the checks
against the database and the tiles (pg_fault_check.py). Every loop is
bounded in count and time; exits non-zero, saying why, on any failure.
"""
import json
import os
import random
import re
import subprocess
import sys
import threading
import time

from servers import Server, claim, request

LL, state_file, out_file = sys.argv[1], sys.argv[2], sys.argv[3]
with open(state_file) as f:
    cfg = json.load(f)
rng = random.Random(cfg["seed"])
print(f"pg_fault.py: seed {cfg['seed']} (replay with LIFELINE_FAULT_SEED={cfg['seed']})", flush=True)

lock = threading.Lock()
acked = {}          # id -> {"index", "server", "checkpoint"}
unacked = set()     # ids a failed POST wrote all the same (found by GET)
roots = {}          # size -> root, from every checkpoint seen
errors = []         # failures of the test, with what was seen
answers_5xx = {}    # first words of each distinct 5xx message -> count
counts = {"posts": 0, "ambiguous": 0, "retried": 0, "kills": 0}
stop_writes = threading.Event()


def fail(msg):
    with lock:
        errors.append(msg)
    print("FAIL " + msg, flush=True)


def note_root(note):
    """(size, root) of a checkpoint note."""
    lines = note.split("\n")
    return int(lines[1]), lines[2]


def see_checkpoint(note, where):
    size, root = note_root(note)
    with lock:
        old = roots.setdefault(size, root)
    if old != root:
        fail(f"split view: size {size} has root {old} and {root} ({where})")


def note_5xx(status, body):
    msg = body.get("error", "") if isinstance(body, dict) else str(body)
    if "PostgreSQL" not in msg and "database" not in msg:
        fail(f"a {status} that does not name the database: {msg!r}")
    key = f"{status} " + " ".join(re.sub(r"cl-fault-[0-9a-z-]+", "ID", msg).split()[:14])
    with lock:
        answers_5xx[key] = answers_5xx.get(key, 0) + 1


def lookup(servers, wrng, rid, deadline):
    """True when the record is in the log, False when it is not; None when no
    server could say before the deadline."""
    while time.time() < deadline:
        try:
            status, body = request(wrng.choice(servers), "GET", "/api/v1/records/" + rid)
        except OSError:
            time.sleep(0.05)
            continue
        if status == 200:
            return True
        if status == 404:
            return False
        if status >= 500:
            note_5xx(status, body)
        else:
            fail(f"GET {rid}: {status} {body}")
            return None
        time.sleep(0.05)
    return None


def post_once(servers, wrng, rid):
    """'acked', 'present' (written, no index told), 'retry' (ambiguous: look
    it up first), 'again' (certainly not written) or 'failed'."""
    server = wrng.choice(servers)
    with lock:
        counts["posts"] += 1
    try:
        status, body = request(server, "POST", "/api/v1/records", claim(rid))
    except OSError:
        return "retry"
    if status == 201 and isinstance(body, dict) and "first_index" in body:
        see_checkpoint(body["checkpoint"], f"POST {rid} on server {server.n}")
        with lock:
            acked[rid] = {"index": body["first_index"], "server": server.n, "checkpoint": body["checkpoint"]}
        return "acked"
    if status == 200 and isinstance(body, dict) and body.get("unchanged") == 1:
        return "present"  # an earlier attempt landed after the GET said not yet
    if status >= 500:
        note_5xx(status, body)
        return "retry"
    if status == 429:
        time.sleep(1)
        return "again"  # refused before it was read: not written
    if status == 409 and "already" in str(body):
        return "retry"  # an attempt whose answer was lost committed it meanwhile: the lookup says so
    fail(f"POST {rid} on server {server.n}: {status} {body}")
    return "failed"


def write_one(servers, wrng, rid):
    deadline = time.time() + 60
    while time.time() < deadline:
        outcome = post_once(servers, wrng, rid)
        if outcome in ("acked", "failed"):
            return
        if outcome == "again":
            continue
        if outcome == "present":
            with lock:
                unacked.add(rid)
            return
        with lock:
            counts["ambiguous"] += 1
        found = lookup(servers, wrng, rid, deadline)
        if found:
            with lock:
                unacked.add(rid)
            return
        if found is None:
            break
        with lock:
            counts["retried"] += 1
        time.sleep(0.05)
    fail(f"{rid}: no server took it, nor could say whether it was written, within 60 s")


def writer(servers, w):
    wrng = random.Random(cfg["seed"] * 1000 + w)
    for n in range(cfg["max_writes"]):
        if stop_writes.is_set():
            return
        write_one(servers, wrng, f"cl-fault-{w}-{n}")


def sampler(servers):
    srng = random.Random(cfg["seed"] + 7)
    while not stop_writes.is_set():
        s = srng.choice(servers)
        try:
            status, body = request(s, "GET", "/api/v1/checkpoint", timeout=5)
            if status == 200:
                see_checkpoint(body["note"], f"GET /api/v1/checkpoint on server {s.n}")
        except OSError:
            pass
        time.sleep(0.05)


def restart_database():
    t = time.time()
    r = subprocess.run(cfg["restart_db"], shell=True, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"restarting the database: {r.stdout}{r.stderr}")
    print(f"pg_fault.py: database restarted in {time.time() - t:.1f} s", flush=True)


def chaos(servers):
    """SIGKILLs a random server `kills` times, restarting it each time, and
    restarts the database after half of them. The server picked to live
    through the restart is not killed afterwards: its reconnection is what
    the final POSTs test."""
    survivor = None
    for k in range(cfg["kills"]):
        time.sleep(rng.uniform(0.2, 1.2))
        if k == cfg["kills"] // 2:
            survivor = rng.choice(servers)
            restart_database()
        s = rng.choice([x for x in servers if x is not survivor])
        s.kill()
        counts["kills"] += 1
        time.sleep(rng.uniform(0, 0.3))
        s.start()
    return survivor


def final_checks(servers, survivor):
    for s in servers:
        rid = f"cl-fault-after-{s.n}"
        deadline = time.time() + 20
        while True:
            status, body = request(s, "POST", "/api/v1/records", claim(rid))
            if status == 201:
                see_checkpoint(body["checkpoint"], f"final POST on server {s.n}")
                acked[rid] = {"index": body["first_index"], "server": s.n, "checkpoint": body["checkpoint"]}
                break
            if status < 500 or time.time() > deadline:
                who = " (it lived through the database restart)" if s is survivor else ""
                fail(f"server {s.n}{who} does not take writes after the faults: {status} {body}")
                break
            time.sleep(0.2)
    notes = {s.n: request(s, "GET", "/checkpoint")[1] for s in servers}
    if len(set(notes.values())) != 1:
        fail(f"the servers serve different checkpoints: {notes}")
    for n, note in notes.items():
        see_checkpoint(note, f"GET /checkpoint on server {n}")
    return notes[servers[0].n]


def run(servers):
    """The faults, then the final checks; the latest checkpoint."""
    for s in servers:
        s.start()
    threads = [threading.Thread(target=writer, args=(servers, w)) for w in range(cfg["writers"])]
    threads.append(threading.Thread(target=sampler, args=(servers,)))
    for t in threads:
        t.start()
    t0 = time.time()
    try:
        survivor = chaos(servers)
        time.sleep(1)
    finally:
        stop_writes.set()
        for t in threads:
            t.join()
    print(f"pg_fault.py: {counts['kills']} kills in {time.time() - t0:.1f} s; {counts['posts']} POSTs,"
          f" {len(acked)} acknowledged, {counts['ambiguous']} ambiguous ({len(unacked)} of those written"
          f" without an answer, {counts['retried']} posted again)", flush=True)
    for k, v in sorted(answers_5xx.items()):
        print(f"pg_fault.py: {v} x {k}", flush=True)
    return final_checks(servers, survivor)


def main():
    log_dir = os.path.dirname(os.path.abspath(out_file))
    servers = [Server(n, LL, d, cfg["token"], log_dir) for n, d in enumerate(cfg["stores"])]
    try:
        latest = run(servers)
    finally:
        for s in servers:
            s.kill()
    with open(out_file, "w") as f:
        json.dump({"acked": acked, "unacked": sorted(unacked), "roots": {str(k): v for k, v in roots.items()},
                   "latest": latest, "errors": errors}, f)
    if not acked:
        fail("no write was acknowledged")
    sys.exit(1 if errors else 0)

main()
