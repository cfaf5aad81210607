#!/usr/bin/env python3
"""Fails when code names a bundled case: no C++, SQL or JavaScript may.

Every directory under data/cases/ is a case id (its records.jsonl names it).
Code that names one assumes that case (its routes, units, parties), so the
second case would silently get the first one's behaviour: case-specific
things belong in data/cases/<id>/. This scans src/ and cmd/ (C++ sources and
headers, SQL; not *_test.cc, not testdata/), web/js/ (JavaScript) and
web/index.html, and prints FILE:LINE: the line, for each occurrence of any
case id (case-insensitive).

Usage: check_case_ids.py REPO_DIR        (exit 1 when a case id is named)
       check_case_ids.py --self-test     (plants an id in a scratch tree and
                                          checks that the scan finds it)
"""
import pathlib
import sys
import tempfile

CODE_SUFFIXES = {".cc", ".h", ".inc", ".sql", ".js", ".mjs"}


def case_ids(repo: pathlib.Path) -> list[str]:
    cases = repo / "data" / "cases"
    if not cases.is_dir():
        raise SystemExit(f"check_case_ids: {cases} is not a directory")
    return sorted(p.name for p in cases.iterdir() if p.is_dir())


def code_files(repo: pathlib.Path):
    for top in ("src", "cmd", "web/js"):
        root = repo / top
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix not in CODE_SUFFIXES:
                continue
            if path.name.endswith("_test.cc") or "testdata" in path.parts:
                continue
            yield path
    index = repo / "web" / "index.html"
    if index.is_file():
        yield index


def scan(repo: pathlib.Path) -> list[str]:
    ids = [i.lower() for i in case_ids(repo)]
    found = []
    for path in code_files(repo):
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), 1):
            low = line.lower()
            for cid in ids:
                if cid in low:
                    rel = path.relative_to(repo)
                    found.append(f"{rel}:{n}: names case '{cid}': {line.strip()}")
    return found


def self_test() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        repo = pathlib.Path(tmp)
        (repo / "data" / "cases" / "siege-x-2024").mkdir(parents=True)
        (repo / "src" / "m").mkdir(parents=True)
        (repo / "src" / "m" / "a.cc").write_text("int x;\n// for Siege-X-2024 only\n")
        (repo / "src" / "m" / "a_test.cc").write_text("// siege-x-2024 in a test is fine\n")
        (repo / "web" / "js").mkdir(parents=True)
        (repo / "web" / "js" / "b.js").write_text("const c = 'siege-x-2024';\n")
        found = scan(repo)
        want = ["src/m/a.cc:2:", "web/js/b.js:1:"]
        got = [f.split(" ", 1)[0] for f in found]
        if got != want:
            print(f"check_case_ids self-test: found {got}, want {want}", file=sys.stderr)
            return 1
    print("check_case_ids self-test: ok")
    return 0


def main() -> int:
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    repo = pathlib.Path(sys.argv[1])
    found = scan(repo)
    for f in found:
        print(f)
    if found:
        print(f"check_case_ids: {len(found)} line(s) of code name a case; keep case-specific "
              "things in data/cases/<id>/", file=sys.stderr)
        return 1
    print(f"check_case_ids: no code names any of {', '.join(case_ids(repo))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
