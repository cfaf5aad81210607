#!/usr/bin/env python3
"""Checks the Gaza case's figures against its data, without Lifeline's code.

Reads data/cases/gaza-access-2023-24/gaza_food_trucks.csv with Python's csv
module and the case's records.jsonl as plain JSON, and compares them with
what `lifeline --json` printed (files written by gaza_case_test.sh):

  recount    DIR EXPORT.jsonl INDICATORS.json
             every CSV row is one movement on the combined crossings with
             vehicles = total_truck (the export), and the indicators' daily
             inbound vehicles equal the CSV's total_truck day by day
  headline   DIR HEADLINE.json     blockade days, water cut, and the two
                                   parties' counts of 8 Apr 2024, from the
                                   records that decide them
  compliance DIR COMPLIANCE.json   the 24 May 2024 order: every day from the
                                   rule's start violated, decided by the
                                   Rafah closure record

Prints one line per failed comparison; exit 1 if any, else "ok: ...".
"""
import csv
import datetime
import json
import pathlib
import sys

CASE = "gaza-access-2023-24"
failures = []


def expect(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def day(s):
    return datetime.date.fromisoformat(s[:10])


def records(case_dir):
    lines = (case_dir / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in (json.loads(l) for l in lines if l.strip())}


def csv_trucks(case_dir):
    """{date: total_truck} from the CSV, dates as "07 October 2023"."""
    out = {}
    with open(case_dir / "gaza_food_trucks.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            d = datetime.datetime.strptime(row["date"], "%d %B %Y").date()
            if d in out:
                failures.append(f"CSV: {d} twice")
            out[d] = int(row["total_truck"])
    return out


def recount(case_dir, export_path, indicators_path):
    trucks = csv_trucks(case_dir)
    expect("CSV rows", len(trucks), 116)
    exported = {}
    for line in pathlib.Path(export_path).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r.get("route") == "rt-gaza-crossings" and "period" not in r and r.get("direction") == "in":
            exported[day(r["date"])] = exported.get(day(r["date"]), 0) + r.get("vehicles", 0)
    expect("days exported on rt-gaza-crossings", sorted(exported), sorted(trucks))
    for d, n in trucks.items():
        expect(f"export {d} vehicles", exported.get(d), n)
    ind = json.loads(pathlib.Path(indicators_path).read_text(encoding="utf-8"))
    per_day = {}
    for dd in ind["days"]:
        per_day[day(dd["date"])] = sum(m["delivered"]["vehicles"] for m in dd["movements"] if m["direction"] == "in")
    for d, n in trucks.items():
        expect(f"indicators {d} inbound vehicles", per_day.get(d), n)
    expect("total trucks, indicators vs CSV", sum(per_day.get(d, 0) for d in trucks), sum(trucks.values()))
    return f"{len(trucks)} days, {sum(trucks.values())} trucks"


def figure(head, key):
    for f in head["figures"]:
        if f["key"] == key:
            return f
    failures.append(f"headline: no figure {key}")
    return {"value": None, "detail": {}, "records": []}


def headline(case_dir, headline_path):
    recs = records(case_dir)
    head = json.loads(pathlib.Path(headline_path).read_text(encoding="utf-8"))
    case = recs[CASE]
    lifeline = set(case["lifeline_routes"])
    # Blockade: from the first status on a lifeline route that is not open,
    # every day to the end of the range, since no later status there opens it.
    statuses = sorted((r for r in recs.values() if r["kind"] == "route_status" and r["route"] in lifeline),
                      key=lambda r: r["from"])
    first = next(r for r in statuses if r["status"] != "open")
    expect("no lifeline status opens the route", [r["id"] for r in statuses if r["status"] == "open"], [])
    b = figure(head, "blockade.days")
    to = day(head["to"])
    expect("blockade first day", b["detail"].get("first_day"), first["from"][:10])
    expect("blockade days", b["value"], float((to - day(first["from"])).days + 1))
    expect("blockade rests on", b["records"][:1], [first["id"]])
    # Water: the supply-line cut from its `from` to the day before `until`.
    cut = recs["og-2023-10-09-water-mekorot"]
    w = figure(head, "utilities.water")
    expect("water days cut", w["value"], float((day(cut["until"]) - day(cut["from"])).days))
    expect("water first day", w["detail"].get("first_supply_cut"), cut["from"][:10])
    # Trucks against the pre-war baseline: its daily figure times the days.
    bl = recs["bl-gaza-crossings-pre-war"]
    sb = figure(head, "supply.baseline.vehicles")
    days = (to - day(head["from"])).days + 1
    expect("baseline route", sb["detail"].get("route"), bl["route"])
    expect("baseline per day", sb["detail"].get("per_day"), float(bl["per_day"]["vehicles"]))
    expect("baseline expected", sb["detail"].get("expected"), float(bl["per_day"]["vehicles"] * days))
    # The two counts of 8 Apr 2024 are shown side by side, never merged.
    mv = figure(head, "movements.vehicles.in")
    cogat, unrwa = recs["mv-2024-04-08-crossings-cogat"], recs["mv-2024-04-08-crossings-unrwa"]
    pairs = {(x["a"].get("record"), x["a"].get("value"), x["b"].get("record"), x["b"].get("value"))
             for x in mv["detail"].get("discrepancies", [])}
    want = {(cogat["id"], float(cogat["vehicles"]), unrwa["id"], float(unrwa["vehicles"])),
            (unrwa["id"], float(unrwa["vehicles"]), cogat["id"], float(cogat["vehicles"]))}
    if not pairs & want:
        failures.append(f"COGAT/UNRWA discrepancy not shown: {sorted(pairs, key=str)}")
    expect("the COGAT count is a party's", cogat["reported_by"] in case["parties"], True)
    # The part of the best estimates resting on a party's own totals: the
    # period totals by a party that the estimate used, recounted here.
    used = [r for r in mv["detail"]["reports"] if r["used"]]
    own = sum(float(recs[r["record"]]["vehicles"]) for r in used if recs[r["record"]].get("reported_by") in case["parties"])
    parties = sorted({recs[r["record"]]["reported_by"] for r in used if recs[r["record"]].get("reported_by") in case["parties"]})
    expect("a party's part of the vehicles in", mv["detail"].get("one_party"), {"value": own, "parties": parties})
    expect("a party's part of the supply figure", sb["detail"].get("one_party"), {"value": own, "parties": parties})
    # Vehicles both ways repeat the vehicles in (none recorded out): marked,
    # so the report and the dashboard show the one-way figure alone.
    expect("vehicles both ways repeat the one-way figure",
           (figure(head, "movements.vehicles.both")["detail"].get("repeats_one_way"), mv["detail"].get("repeats_one_way")),
           (True, False))
    # An obligation whose days all lie after the range has no value: a zero
    # would read as compliance.
    for ob in (r for r in recs.values() if r["kind"] == "obligation" and r["rule"].get("from", "") > head["to"]):
        c = figure(head, "compliance." + ob["id"])
        expect(f"{ob['id']} outside the range", (c["value"], c["bound"], c["reason"]), (None, "unknown", "outside_range"))
    return f"blockade {b['value']:.0f} days from {first['from'][:10]}"


def compliance(case_dir, compliance_path):
    recs = records(case_dir)
    ob = recs["ob-icj-2024-05-24-rafah"]
    closure = recs["rs-2024-05-07-rafah-seized"]
    expect("the closure has no end", "until" in closure, False)
    comp = json.loads(pathlib.Path(compliance_path).read_text(encoding="utf-8"))
    entry = next((o for o in comp["obligations"] if o["obligation"] == ob["id"]), None)
    if entry is None:
        failures.append(f"compliance: no {ob['id']}")
        return ""
    days = (day(comp["to"]) - day(ob["rule"]["from"])).days + 1
    expect("24 May order: days in violation", entry["days_in_violation"], days)
    expect("24 May order: first violation", entry["first_violation"], ob["rule"]["from"])
    deciding = {rid for v in entry["violations"] for rid in v["records"]}
    if deciding != {closure["id"]}:
        failures.append(f"24 May order decided by {sorted(deciding)}, want {closure['id']}")
    return f"{days} days in violation"


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    mode, case_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    if mode == "recount" and len(sys.argv) == 5:
        summary = recount(case_dir, sys.argv[3], sys.argv[4])
    elif mode == "headline":
        summary = headline(case_dir, sys.argv[3])
    elif mode == "compliance":
        summary = compliance(case_dir, sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for f in failures:
        print(f"FAIL {mode}: {f}")
    if failures:
        return 1
    print(f"ok: {mode}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
