#!/usr/bin/env python3
"""Writes the KoBoToolbox and ODK Central export fixtures of this folder.

One list of submissions per Lifeline form kind is written four ways, in the
shapes the servers' documentation gives (README.md cites the pages):
  <kind>.kobo.csv     KoBoToolbox CSV, "XML values and headers", groups
                      included with separator '/', multiple select "both"
                      (a space-separated column and one 0/1 column per
                      choice), ';' between fields, every cell quoted
  <kind>.kobo.json    KoBoToolbox API v2 data.json {count,next,previous,results}
  <kind>.central.csv  ODK Central's main-table CSV (SubmissionDate first,
                      groups joined with '-', KEY and the system columns last)
  <kind>.central.json ODK Central OData {"@odata.context", "value": [...]}
Bad submissions are listed with the formats they are written to, so each
file has its own faults. Run it from anywhere; it rewrites the files.
"""
import csv
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Form fields in form order: (path, type, choices). Paths use '/' for groups.
# Types: text, int, decimal, date, datetime, select_one, select_multiple.
SOURCES = ["src-icrc-2023-01-18", "src-ombudsman-2023-01-13", "src-monitor-log"]
FORMS = {
    "movement": [
        ("case", "text", None), ("route", "text", None), ("date", "date", None),
        ("date_precision", "select_one", None), ("direction", "select_one", None),
        ("operator", "text", None), ("outcome", "select_one", None), ("vehicles", "int", None),
        ("persons", "int", None), ("patients", "int", None), ("qualifier", "select_one", None),
        ("reported_by", "text", None), ("period/from", "date", None), ("period/to", "date", None),
        ("via", "select_multiple", ["rt-lachin-road", "rt-hakari-checkpoint"]),
        ("sources", "select_multiple", SOURCES), ("note", "text", None)],
    "route_status": [
        ("case", "text", None), ("route", "text", None), ("from", "datetime", None),
        ("until", "datetime", None), ("status", "select_one", None),
        ("restricted", "select_multiple",
         ["persons", "vehicles", "cargo", "humanitarian", "medical", "commercial"]),
        ("directions", "select_multiple", ["in", "out"]), ("imposed_by", "text", None),
        ("controls", "text", None), ("sources", "select_multiple", SOURCES), ("note", "text", None)],
    "outage": [
        ("case", "text", None), ("utility", "select_one", None), ("from", "datetime", None),
        ("until", "datetime", None), ("confirmed_until", "datetime", None), ("area", "text", None),
        ("cause", "text", None), ("attributed_to", "text", None), ("scope", "select_one", None),
        ("date_precision", "select_one", None), ("sources", "select_multiple", SOURCES),
        ("note", "text", None)],
    "incident": [
        ("case", "text", None), ("date", "date", None), ("date_precision", "select_one", None),
        ("location/name", "text", None), ("location/admin1", "text", None),
        ("location/admin2", "text", None), ("location/admin3", "text", None),
        ("location/country", "text", None), ("location/lat", "decimal", None),
        ("location/lon", "decimal", None), ("location/geo_precision", "int", None),
        ("event_type", "select_one", None), ("sub_event_type", "select_one", None),
        ("access_constraint", "int", None), ("actors", "text", None), ("fatalities/low", "int", None),
        ("fatalities/best", "int", None), ("fatalities/high", "int", None),
        ("injuries", "int", None), ("cause", "select_one", None), ("description", "text", None),
        ("sources", "select_multiple", SOURCES), ("note", "text", None)],
    "stock": [
        ("case", "text", None), ("commodity", "text", None), ("date", "date", None),
        ("quantity", "decimal", None), ("unit", "select_one", None), ("area", "text", None),
        ("sources", "select_multiple", SOURCES), ("note", "text", None)],
    "source": [
        ("case", "text", None), ("publisher", "text", None), ("title", "text", None),
        ("url", "text", None), ("published", "date", None), ("language", "text", None),
        ("publisher_type", "select_one", None), ("party", "text", None),
        ("reliability", "select_one", None), ("credibility", "int", None),
        ("archived_sha256", "text", None), ("note", "text", None)],
    "evidence": [
        ("case", "text", None), ("file", "binary", None), ("captured_at", "datetime", None),
        ("location/name", "text", None), ("location/admin1", "text", None),
        ("location/admin2", "text", None), ("location/admin3", "text", None),
        ("location/country", "text", None), ("location/lat", "decimal", None),
        ("location/lon", "decimal", None), ("location/geo_precision", "int", None),
        ("description", "text", None),
        ("sources", "select_multiple", SOURCES), ("note", "text", None)],
}

CASE = "lachin-2022-23"
S1, S2, S3 = SOURCES

# Submissions: (uuid, answers, bad) where bad is None or (formats, {path: value}).
# The answers are the same in every format; a bad entry replaces some of them
# (or, with value Ellipsis for the whole row, makes the row not an object).
SUBMISSIONS = {
    "movement": [
        ("6F1C2A9E-3B4D-4E5F-8A7B-1C2D3E4F5A6B", {
            "route": "rt-lachin-road", "date": "2023-01-18", "direction": "in", "operator": "ICRC",
            "outcome": "completed", "vehicles": "4", "persons": "0", "patients": "0",
            "reported_by": "ICRC", "sources": f"{S1} {S3}",
            "note": "Four trucks of food and medicine; escorted by peacekeepers."}),
        ("0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a", {
            "route": "rt-lachin-road", "date": "2023-01-18", "direction": "out", "operator": "ICRC",
            "patients": "7", "persons": "12", "qualifier": "at_least", "sources": S1}),
        ("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", {
            "route": "rt-lachin-road", "date": "2023-01-19", "direction": "in",
            "operator": "Russian peacekeeping contingent", "outcome": "turned_back", "vehicles": "2",
            "sources": S3}, (["kobo.csv", "central.json"], {"vehicles": "two"})),
        ("b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e", {
            "route": "rt-lachin-road", "date": "2023-01-20", "direction": "in", "operator": "ICRC",
            "vehicles": "3", "sources": S1}, (["kobo.json", "central.csv"], {"date": "20/01/2023"})),
        ("c8d9e0f1-a2b3-4c4d-9e5f-6a7b8c9d0e1f", {
            "route": "rt-lachin-road", "date": "2023-01-31", "direction": "in", "operator": "ICRC",
            "period/from": "2023-01-01", "period/to": "2023-01-31", "vehicles": "61",
            "qualifier": "about", "reported_by": "ICRC", "sources": S1}),
    ],
    "route_status": [
        ("2C3D4E5F-6A7B-4C8D-9E0F-1A2B3C4D5E6F", {
            "route": "rt-lachin-road", "from": "2022-12-12T10:30:00.000+04:00", "status": "closed",
            "imposed_by": "Azerbaijan", "sources": f"{S2} {S3}",
            "note": "Road blocked near Shushi by people presenting themselves as eco-activists."}),
        ("3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a", {
            "route": "rt-lachin-road", "from": "2023-01-18T08:00:00.000+04:00",
            "until": "2023-01-18T18:00:00.000+04:00", "status": "restricted",
            "restricted": "persons commercial", "directions": "in out", "imposed_by": "Azerbaijan",
            "controls": "ICRC and peacekeeper vehicles only", "sources": S1}),
        ("4e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b", {
            "route": "rt-lachin-road", "from": "2023-04-23T12:00:00.000+04:00", "status": "closed",
            "sources": S3}, (["kobo.json", "central.json"], {"__row__": Ellipsis})),
    ],
    "outage": [
        ("5F6A7B8C-9D0E-4F1A-8B2C-4D5E6F7A8B9C", {
            "utility": "gas", "from": "2022-12-13T00:00:00.000+04:00",
            "until": "2022-12-16T00:00:00.000+04:00", "area": "Stepanakert",
            "cause": "supply pipeline cut", "attributed_to": "Azerbaijan", "sources": S2}),
        ("6a7b8c9d-0e1f-4a2b-9c3d-5e6f7a8b9c0d", {
            "utility": "electricity", "from": "2023-01-09T00:00:00.000+04:00",
            "confirmed_until": "2023-01-20T00:00:00.000+04:00", "area": "whole region",
            "cause": "110 kV line damaged", "scope": "supply_line", "sources": f"{S2} {S3}"}),
        ("7b8c9d0e-1f2a-4b3c-8d4e-6f7a8b9c0d1e", {
            "utility": "internet", "from": "2023-01-11T09:00:00.000+04:00", "sources": S3},
         (["kobo.csv", "central.csv"], {"from": "yesterday"})),
    ],
    "incident": [
        ("8C9D0E1F-2A3B-4C4D-9E5F-7A8B9C0D1E2F", {
            "date": "2023-01-05", "location/name": "Lachin corridor near Shushi",
            "location/admin1": "Shusha", "location/country": "AZE", "location/lat": "39.7581",
            "location/lon": "46.7489", "location/geo_precision": "2",
            "event_type": "Strategic developments", "sub_event_type": "Disrupted weapons use",
            "access_constraint": "2", "actors": "Protesters at the road block\nICRC",
            "fatalities/best": "0", "injuries": "0",
            "description": "Patient transfer vehicle stopped for three hours at the protest site.",
            "sources": f"{S1} {S2}"}),
        ("9d0e1f2a-3b4c-4d5e-8f6a-8b9c0d1e2f3a", {
            "date": "2023-02-21", "date_precision": "day", "location/name": "Stepanakert",
            "location/country": "AZE", "event_type": "Violence against civilians",
            "fatalities/low": "1", "fatalities/best": "1", "fatalities/high": "2",
            "injuries": "3", "cause": "hostilities", "description": "Shelling reported in the south.",
            "sources": S3}, (["central.csv", "kobo.json"], {"location/lat": "39,81"})),
        ("0e1f2a3b-4c5d-4e6f-9a7b-9c0d1e2f3a4b", {
            "date": "2023-03-05", "location/name": "Khankendi road",
            "event_type": "Battles", "fatalities/best": "5", "sources": S3},
         (["kobo.csv", "central.json"], {"fatalities/best": "-"})),
    ],
    "stock": [
        ("1F2A3B4C-5D6E-4F7A-8B8C-0D1E2F3A4B5C", {
            "commodity": "wheat flour", "date": "2023-01-20", "quantity": "1250.5", "unit": "t",
            "area": "Stepanakert warehouses", "sources": S2}),
        ("2a3b4c5d-6e7f-4a8b-9c9d-1e2f3a4b5c6d", {
            "commodity": "insulin", "date": "2023-01-20", "quantity": "310", "unit": "doses",
            "area": "Republican Medical Center", "sources": f"{S1} {S3}"}),
        ("3b4c5d6e-7f8a-4b9c-8d0e-2f3a4b5c6d7e", {
            "commodity": "diesel", "date": "2023-02-01", "quantity": "40", "unit": "l",
            "sources": S3}, (["kobo.json", "central.csv"], {"quantity": "lots"})),
    ],
    "source": [
        ("4C5D6E7F-8A9B-4C0D-9E1F-3A4B5C6D7E8F", {
            "publisher": "ICRC", "title": "Lachin corridor: ICRC facilitates patient transfers",
            "url": "https://www.icrc.org/en/document/lachin-corridor-patient-transfers",
            "published": "2023-01-18", "language": "en", "publisher_type": "intergovernmental",
            "reliability": "A", "credibility": "2"}),
        ("5d6e7f8a-9b0c-4d1e-8f2a-4b5c6d7e8f9a", {
            "publisher": "Human Rights Defender of Artsakh", "title": "Ad hoc report on the blockade",
            "published": "2023-01-13", "language": "hy", "publisher_type": "official",
            "party": "Artsakh authorities", "reliability": "B", "credibility": "3",
            "note": "Joint report with the Armenian ombudsman."}),
        ("6e7f8a9b-0c1d-4e2f-9a3b-5c6d7e8f9a0b", {
            "publisher": "Field monitor", "title": "Daily crossing log", "published": "2023-01-31",
            "credibility": "2"}, (["kobo.csv", "central.csv"], {"credibility": "2.5"})),
    ],
    "evidence": [
        ("7F8A9B0C-1D2E-4F3A-8B4C-6D7E8F9A0B1C", {
            "file": "1674035112233.jpg", "captured_at": "2023-01-18T09:12:00.000+04:00",
            "location/name": "Hakari bridge checkpoint", "location/lat": "39.5160",
            "location/lon": "46.5561", "description": "Queue of trucks at the checkpoint.",
            "sources": S3}),
        ("8a9b0c1d-2e3f-4a4b-9c5d-7e8f9a0b1c2d", {
            "file": "1674121500111.m4a", "captured_at": "2023-01-19T10:05:00.000+04:00",
            "description": "Driver's account of being turned back.", "sources": S3},
         (["kobo.json", "central.json"], {"__row__": Ellipsis})),
    ],
}

SUBMITTED = "2023-01-21T06:41:{:02d}.000Z"
CENTRAL_CONTEXT = ("https://central.example.org/v1/projects/3/forms/lifeline-{}.svc/"
                   "$metadata#Submissions")


def answers_for(kind, entry, fmt):
    uuid, answers = entry[0], entry[1]
    answers = dict(answers, case=CASE)
    bad = entry[2] if len(entry) > 2 else None
    if bad and fmt in bad[0]:
        if "__row__" in bad[1]:
            return uuid, None
        answers.update(bad[1])
    return uuid, answers


def submissions(kind, fmt):
    """(index, uuid, answers or None for a row that is not an object)."""
    for i, entry in enumerate(SUBMISSIONS[kind]):
        yield (i,) + answers_for(kind, entry, fmt)


def typed(value, kind_):
    """An answer as Central's OData types it."""
    if value is None:
        return None
    if kind_ == "int":
        try:
            return int(value)
        except ValueError:
            return value
    if kind_ == "decimal":
        try:
            return float(value)
        except ValueError:
            return value
    return value


def kobo_meta(i, uuid):
    return {"_id": 25417000 + i, "_uuid": uuid,
            "_submission_time": f"2023-01-21T06:41:{i:02d}",
            "_validation_status": {}, "_notes": [], "_status": "submitted_via_web",
            "_submitted_by": "field-monitor-2", "__version__": "vLifeline2a7c", "_tags": [],
            "_index": i + 1}


def kobo_csv(kind):
    fields = FORMS[kind]
    header = []
    for path, t, choices in fields:
        header.append(path)
        if t == "select_multiple":
            header += [f"{path}/{c}" for c in choices]
        if t == "binary":
            header.append(f"{path}_URL")
    header += ["meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status",
               "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(header)
    for i, uuid, a in submissions(kind, "kobo.csv"):
        if a is None:
            continue
        meta = kobo_meta(i, uuid)
        row = []
        for path, t, choices in fields:
            v = a.get(path, "")
            row.append(v)
            if t == "select_multiple":
                picked = v.split()
                row += [("1" if c in picked else "0") if v else "" for c in choices]
            if t == "binary":
                row.append(f"https://kf.kobotoolbox.org/media/original?media_file=field-monitor-2%2Fattachments%2F{v}" if v else "")
        row += [f"uuid:{uuid}", meta["_id"], meta["_uuid"], meta["_submission_time"], "", "",
                meta["_status"], meta["_submitted_by"], meta["__version__"], "", meta["_index"]]
        w.writerow(row)
    return out.getvalue()


def kobo_json(kind):
    results = []
    for i, uuid, a in submissions(kind, "kobo.json"):
        if a is None:
            results.append(f"uuid:{uuid}")  # not an object: a bad row
            continue
        r = {"_id": 25417000 + i, "formhub/uuid": "2f4e1c7a9b3d4e5f8a6b7c8d9e0f1a2b"}
        for path, t, _ in FORMS[kind]:
            if a.get(path):  # KoBo leaves unanswered questions out
                r[path] = a[path]
        if kind == "movement" and i == 0:
            r["cargo"] = [{"cargo/commodity": "wheat flour", "cargo/quantity": "20", "cargo/unit": "t"},
                          {"cargo/commodity": "medicine", "cargo/quantity": "1.5", "cargo/unit": "t"}]
        r["meta/instanceID"] = f"uuid:{uuid}"
        meta = kobo_meta(i, uuid)
        del meta["_id"], meta["_index"]
        r.update(meta)
        r["_attachments"] = ([{"download_url": "https://kf.kobotoolbox.org/api/v2/assets/aB3x/data/1/attachments/9/",
                               "mimetype": "image/jpeg", "filename": f"field-monitor-2/attachments/{a['file']}"}]
                             if a.get("file") else [])
        r["_geolocation"] = [None, None]
        results.append(r)
    doc = {"count": len(results), "next": None, "previous": None, "results": results}
    return json.dumps(doc, indent=4, ensure_ascii=False) + "\n"


CENTRAL_SYSTEM = ["SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
                  "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]


def central_system(i, kind):
    files = 1 if kind == "evidence" else 0
    return {"submissionDate": SUBMITTED.format(i), "updatedAt": None, "submitterId": "41",
            "submitterName": "field-monitor-2", "attachmentsPresent": files,
            "attachmentsExpected": files, "status": None, "reviewState": None,
            "deviceId": "collect:Xb7Tq2mK9pL4wR1s", "edits": 0, "formVersion": "vLifeline2a7c"}


def central_csv(kind):
    fields = FORMS[kind]
    header = ["SubmissionDate"] + [p.replace("/", "-") for p, _, _ in fields]
    header += ["meta-instanceID", "KEY"] + CENTRAL_SYSTEM
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for i, uuid, a in submissions(kind, "central.csv"):
        if a is None:
            continue
        s = central_system(i, kind)
        row = [s["submissionDate"]] + [a.get(p, "") for p, _, _ in fields]
        row += [f"uuid:{uuid}", f"uuid:{uuid}", s["submitterId"], s["submitterName"],
                s["attachmentsPresent"], s["attachmentsExpected"], "", "", s["deviceId"],
                s["edits"], s["formVersion"]]
        w.writerow(row)
    return out.getvalue()


def central_json(kind):
    value = []
    for i, uuid, a in submissions(kind, "central.json"):
        if a is None:
            value.append([f"uuid:{uuid}"])  # not an object: a bad row
            continue
        r = {"__id": f"uuid:{uuid}"}
        for path, t, _ in FORMS[kind]:
            v = typed(a.get(path), t)
            parts = path.split("/")
            target = r
            for g in parts[:-1]:
                target = target.setdefault(g, {})
            target[parts[-1]] = v
        if kind == "movement":
            r["cargo@odata.navigationLink"] = f"Submissions('uuid%3A{uuid}')/cargo"
        r["meta"] = {"instanceID": f"uuid:{uuid}"}
        r["__system"] = central_system(i, kind)
        value.append(r)
    doc = {"@odata.context": CENTRAL_CONTEXT.format(kind), "value": value}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main():
    writers = {"kobo.csv": kobo_csv, "kobo.json": kobo_json, "central.csv": central_csv,
               "central.json": central_json}
    for kind in FORMS:
        for suffix, write in writers.items():
            with open(os.path.join(HERE, f"{kind}.{suffix}"), "w", encoding="utf-8", newline="") as f:
                f.write(write(kind))


if __name__ == "__main__":
    main()
