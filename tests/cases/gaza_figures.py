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
  compliance DIR COMPLIANCE.json   the default range ends on the last day a
                                   record speaks of, after the 24 May 2024
                                   order; every day from the rule's start is
                                   violated, decided by the Rafah closure
  risk       DIR RISK.json         the tags per factor and indicator equal a
                                   count of the current tag records, each
                                   citing source records with a URL
  alerts     DIR ALERTS.json       the route_closed alerts equal the closed
                                   runs recomputed from the route statuses
  severity   DIR SEVERITY.json     the sick, civilians and utilities criteria
                                   on a few days (before and after Rafah
                                   opened outbound, after its closure, after
                                   the first medical evacuation since) equal
                                   their answers recomputed from the statuses
                                   and outages, with the records in force

Prints one line per failed comparison; exit 1 if any, else "ok: ...".
"""
import collections
import csv
import datetime
import json
import pathlib
import sys
import tomllib

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


def current(recs):
    """The records no other record supersedes or retracts."""
    gone = {r[k] for r in recs.values() for k in ("supersedes", "retracts") if k in r}
    return {i: r for i, r in recs.items() if i not in gone}


def instant(s):
    """A date (00:00 UTC) or date-time as an aware UTC datetime."""
    if len(s) == 10:
        return datetime.datetime.fromisoformat(s).replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)


def last_record_day(case_dir, recs):
    """The latest day a record speaks of (docs/analysis.md, the default
    range): a movement's or incident's date, a status's, outage's or
    schedule's start, a watch's last day; the CSV rows are movements."""
    days = list(csv_trucks(case_dir))
    for r in recs.values():
        if r["kind"] in ("route_status", "outage", "schedule"):
            days.append(instant(r["from"]).date())
        elif r["kind"] in ("movement", "incident", "stock"):
            days.append(day(r["date"]))
        elif r["kind"] == "watch":
            days.append(day(r.get("to", r["from"])))
    return max(days)


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
    # Any status not open that begins on that first day may decide it (the
    # combined crossings closed both ways on 9 Oct 2023, in two records).
    first_day_ids = [r["id"] for r in statuses if r["status"] != "open" and r["from"] == first["from"]]
    expect("no lifeline status opens the route", [r["id"] for r in statuses if r["status"] == "open"], [])
    b = figure(head, "blockade.days")
    to = day(head["to"])
    expect("blockade first day", b["detail"].get("first_day"), first["from"][:10])
    expect("blockade days", b["value"], float((to - day(first["from"])).days + 1))
    expect("blockade rests on a status of its first day", b["records"][:1][0] in first_day_ids if b["records"] else None, True)
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
    recs = current(records(case_dir))
    ob = recs["ob-icj-2024-05-24-rafah"]
    closure = recs["rs-2024-05-07-rafah-seized"]
    expect("the closure has no end", "until" in closure, False)
    comp = json.loads(pathlib.Path(compliance_path).read_text(encoding="utf-8"))
    expect("the default range ends on the last day a record speaks of", day(comp["to"]), last_record_day(case_dir, recs))
    if day(comp["to"]) < day(ob["rule"]["from"]):
        failures.append(f"the default range ends on {comp['to']}, before the order of {ob['rule']['from']}")
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
    return f"{days} days in violation to {comp['to']}"


def risk(case_dir, risk_path):
    recs = current(records(case_dir))
    tags = [r for r in recs.values() if r["kind"] == "tag" and r["case"] == CASE]
    if not tags:
        failures.append("the case has no tag record")
    for t in tags:
        for s in t["sources"]:
            src = recs.get(s, {})
            expect(f"{t['id']} cites source {s} with a URL", (src.get("kind"), bool(src.get("url"))), ("source", True))
        for target in t["targets"]:
            expect(f"{t['id']} targets {target}", target in recs, True)
    per_factor = collections.Counter(t["factor"] for t in tags)
    per_indicator = collections.defaultdict(set)
    for t in tags:
        per_indicator[(t["factor"], t.get("indicator"))].add(t["id"])
    view = json.loads(pathlib.Path(risk_path).read_text(encoding="utf-8"))
    expect("tags in all", view["totals"]["tags"], len(tags))
    for f in view["factors"]:
        expect(f"tags on {f['factor']}", f["counts"]["tags"], per_factor.get(f["factor"], 0))
        for i in f["indicators"]:
            got = {x["id"] for x in i["tags"]}
            expect(f"tags on {f['factor']} {i['indicator']}", got, per_indicator.get((f["factor"], i["indicator"]), set()))
    listed = {f["factor"] for f in view["factors"]}
    expect("every tagged factor is listed", set(per_factor) - listed, set())
    return ", ".join(f"{f} {n}" for f, n in sorted(per_factor.items()))


def closed_runs(recs, route, first, last):
    """The runs of days in first..last on which a closed status is in force on
    the route in either direction; a status holds from its `from` until its
    `until` or the next status on the route in that direction."""
    closed = set()
    for way in ("in", "out"):
        sts = sorted((r for r in recs.values() if r["kind"] == "route_status" and r["route"] == route
                      and way in r.get("directions", ["in", "out"])), key=lambda r: instant(r["from"]))
        for i, s in enumerate(sts):
            if s["status"] != "closed":
                continue
            ends = [instant(x) for x in (s.get("until"),) if x] + [instant(n["from"]) for n in sts[i + 1:i + 2]]
            d, stop = instant(s["from"]).date(), min(ends) if ends else None
            while d <= last and (stop is None or instant(d.isoformat()) < stop):
                if d >= first:
                    closed.add(d)
                d += datetime.timedelta(days=1)
    runs, start = [], None
    for d in sorted(closed):
        if start is None or d != prev + datetime.timedelta(days=1):
            if start is not None:
                runs.append((start, prev))
            start = d
        prev = d
    if start is not None:
        runs.append((start, prev))
    return runs


def alerts(case_dir, alerts_path):
    recs = current(records(case_dir))
    case = next(r for r in recs.values() if r["kind"] == "case")  # the current case record
    first, last = day(case["started"]), last_record_day(case_dir, recs)
    raised = json.loads(pathlib.Path(alerts_path).read_text(encoding="utf-8"))
    raised = raised["alerts"] if isinstance(raised, dict) else raised
    got = {(a["rule"], a["first_day"], a["last_day"], a["ongoing"]) for a in raised if a["type"] == "route_closed"}
    want = set()
    for rule, route in (("gaza-crossings-closed", "rt-gaza-crossings"), ("rafah-closed", "rt-rafah"),
                        ("kerem-shalom-closed", "rt-kerem-shalom")):
        for a, b in closed_runs(recs, route, first, last):
            want.add((rule, a.isoformat(), b.isoformat(), b == last))
    expect("route_closed alerts", sorted(got), sorted(want))
    # utility_out counts days without service: each alert rests on service
    # outages of its utility, and a utility cut only as a supply line raises
    # nothing.
    rules = {r["id"]: r for r in tomllib.loads((case_dir / "alerts.toml").read_text(encoding="utf-8"))["rule"]}
    fired = collections.defaultdict(set)
    for a in raised:
        if a["type"] == "utility_out":
            utility = rules[a["rule"]]["utility"]
            fired[utility].add(a["rule"])
            for rid in a["records"]:
                r = recs.get(rid, {})
                expect(f"{a['key']} rests on {rid}", (r.get("kind"), r.get("utility"), r.get("scope", "service")),
                       ("outage", utility, "service"))
    for rule in (r for r in rules.values() if r["type"] == "utility_out"):
        service = [r for r in recs.values() if r["kind"] == "outage" and r["utility"] == rule["utility"]
                   and r.get("scope", "service") == "service"]
        if not service:
            expect(f"{rule['id']}: no service outage of {rule['utility']}, no alert", fired.get(rule["utility"], set()), set())
    if not raised:
        failures.append("no alert raised")
    return f"{len(raised)} alerts, {len(got)} of them closures"


SEVERITY_DAYS = ("2023-10-31", "2023-11-02", "2024-05-10", "2024-06-27")


def status_in_force(recs, route, way, d):
    """The status on the route that way on day d: the latest begun by d whose
    `until`, if any, is after d (a status holds until the next one)."""
    sts = [r for r in recs.values() if r["kind"] == "route_status" and r["route"] == route
           and way in r.get("directions", ["in", "out"]) and instant(r["from"]).date() <= d
           and ("until" not in r or instant(r["until"]).date() > d)]
    return max(sts, key=lambda r: instant(r["from"]), default=None)


def lets_through(status, channels):
    """Open, or restricted with one of the channels (each a set of terms, all
    of which must be free) not blocked (docs/analysis.md, "Siege severity")."""
    if status["status"] == "open":
        return True
    if status["status"] == "closed":
        return False
    blocked = set(status.get("restricted", []))
    return any(not (c & blocked) for c in channels)


def access(recs, routes, way, d, channels):
    """yes / no / unknown for one way, with the statuses in force."""
    sts = [status_in_force(recs, r, way, d) for r in routes]
    known = [s for s in sts if s]
    if any(lets_through(s, channels) for s in known):
        return "yes", {s["id"] for s in known}
    return ("no" if len(known) == len(sts) else "unknown"), {s["id"] for s in known}


def utility_cut(recs, d):
    """The outages (service or supply line) counting on day d: from `from` to
    the day before `until`, or to `confirmed_until`."""
    cut = set()
    for r in recs.values():
        if r["kind"] != "outage":
            continue
        last = instant(r["until"]).date() - datetime.timedelta(days=1) if "until" in r else (
            instant(r["confirmed_until"]).date() if "confirmed_until" in r else None)
        if instant(r["from"]).date() <= d and (last is None or d <= last):
            cut.add(r["id"])
    return cut


def severity(case_dir, severity_path):
    recs = current(records(case_dir))
    case = next(r for r in recs.values() if r["kind"] == "case")
    routes = case["lifeline_routes"]
    view = json.loads(pathlib.Path(severity_path).read_text(encoding="utf-8"))
    per_day = {p["from"]: p["criteria"] for p in view["periods"]}
    for when in SEVERITY_DAYS:
        d, got = day(when), per_day.get(when)
        if got is None:
            failures.append(f"severity: no day {when}")
            continue
        sick, out_ids = access(recs, routes, "out", d, ({"medical"}, {"persons", "vehicles"}))
        expect(f"{when} sick", got["sick"]["answer"], sick)
        civ_in, in_ids = access(recs, routes, "in", d, ({"persons"},))
        civ_out, _ = access(recs, routes, "out", d, ({"persons"},))
        civ = "no" if "no" in (civ_in, civ_out) else "yes" if civ_in == civ_out == "yes" else "unknown"
        expect(f"{when} civilians", got["civilians"]["answer"], civ)
        expect(f"{when} sick rests on the outbound statuses in force", out_ids - set(got["sick"]["records"]), set())
        cut = utility_cut(recs, d)
        expect(f"{when} utilities", got["utilities"]["answer"], "yes" if cut else "no")
        expect(f"{when} utilities rest on the outages in force", set(got["utilities"]["records"]), cut)
    return ", ".join(f"{w} sick {per_day.get(w, {}).get('sick', {}).get('answer')}" for w in SEVERITY_DAYS)


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
    elif mode == "risk":
        summary = risk(case_dir, sys.argv[3])
    elif mode == "alerts":
        summary = alerts(case_dir, sys.argv[3])
    elif mode == "severity":
        summary = severity(case_dir, sys.argv[3])
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
