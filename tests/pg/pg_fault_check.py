#!/usr/bin/env python3
"""The checks after pg_fault.py, against the database and the exported tiles.

    pg_fault_check.py OUT_JSON RECORDS_TSV CHECKPOINTS_TSV TILES_DIR

RECORDS_TSV: `id<TAB>idx` of every record row whose id starts cl-fault-;
CHECKPOINTS_TSV: `size<TAB>root` of every stored checkpoint (psql -A -F tab);
TILES_DIR: `lifeline log export-tiles` of the log. Checks that every write
that got a 2xx is in the log exactly once, at the index it was told (in the
record rows and in the entries themselves); that a write found by a lookup
after a failed POST is there once too; that no id is there twice; that the
database holds one root per size and every root a server showed is that
one. Prints `N passed, N failed`; exits 1 on any failure.
"""
import json
import sys

from entries import entries

out_file, records_tsv, checkpoints_tsv, tiles = sys.argv[1:5]
with open(out_file) as f:
    seen = json.load(f)
passed = failed = 0


def expect(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


rows = read_tsv(records_tsv)
by_id = {}
for rid, idx in rows:
    by_id.setdefault(rid, []).append(int(idx))
twice = {k: v for k, v in by_id.items() if len(v) > 1}
expect("no id twice in the record rows", not twice, str(twice)[:500])

log = entries(tiles)
in_log = {}
for i, e in enumerate(log):
    rid = json.loads(e).get("id", "")
    if rid.startswith("cl-fault-"):
        in_log.setdefault(rid, []).append(i)
twice = {k: v for k, v in in_log.items() if len(v) > 1}
expect("no id twice in the log's entries", not twice, str(twice)[:500])
expect("the record rows are the entries", by_id == in_log,
       f"{len(by_id)} ids in rows, {len(in_log)} in entries")

lost = []
for rid, a in seen["acked"].items():
    if by_id.get(rid) != [a["index"]] or in_log.get(rid) != [a["index"]]:
        lost.append(f"{rid}: told {a['index']} by server {a['server']}, rows {by_id.get(rid)}, entries {in_log.get(rid)}")
expect(f"every acknowledged write ({len(seen['acked'])}) once at its index", not lost,
       f"{len(lost)} not: " + "; ".join(lost[:10]))
missing = [rid for rid in seen["unacked"] if len(in_log.get(rid, [])) != 1]
expect(f"every write found after a failed POST ({len(seen['unacked'])}) once", not missing, str(missing[:10]))
unknown = sorted(set(in_log) - set(seen["acked"]) - set(seen["unacked"]))
print(f"pg_fault_check.py: {len(unknown)} writes in the log that no client saw land (killed before answering)")

db_roots = {}
for size, root in read_tsv(checkpoints_tsv):
    db_roots.setdefault(int(size), set()).add(root)
split = {k: v for k, v in db_roots.items() if len(v) > 1}
expect("one root per size in the database", not split, str(split)[:500])
wrong = {s: r for s, r in seen["roots"].items() if db_roots.get(int(s)) != {r}}
expect(f"every checkpoint the servers showed ({len(seen['roots'])} sizes) is the database's", not wrong,
       str(wrong)[:500])
latest_size = int(seen["latest"].split("\n")[1])
expect("the tiles hold the latest checkpoint's entries", len(log) == latest_size, f"{len(log)} != {latest_size}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
