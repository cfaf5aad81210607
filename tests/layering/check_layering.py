#!/usr/bin/env python3
"""Fails when a module under src/ includes a module above it (or beside it).

The order below, lowest first, is the one documented in README.md
("Layout") and issue #12; modules of one level may not include each other.
Usage: check_layering.py SRC_DIR   (exit 1 and one line per violation)
"""
import pathlib
import re
import sys

LEVELS = [
    ["base"],
    # tabular: what the readers (ingest) and the writers (export) of CSV
    # share; it needs nothing above base.
    # config: TOML configuration with errors naming file, line and key, used
    # by ingest (mappings), analysis (scenarios) and alerts (rules); it needs
    # nothing above base.
    ["crypto", "tabular", "config"],
    ["merkle", "note"],
    ["store"],
    ["log"],
    ["record"],
    # store_dir opens the log and creates the seal key (record/seal.h): it
    # sits above record and below server and cli, which both use it.
    ["store_dir"],
    # intake: ODK forms from the schema and OpenRosa instances back into
    # records (record, store); the server and the CLI use it.
    ["ingest", "export", "evidence", "analysis", "intake"],
    ["report", "alerts", "witness"],
    ["server"],
    ["cli"],
]

# Known exceptions, each to be removed when fixed: (module, included module).
# None today: export's reach into ingest (issue #12) ended when what both
# share moved into tabular.
ALLOWED_MODULES: set[tuple[str, str]] = set()

RANK = {m: i for i, level in enumerate(LEVELS) for m in level}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    problems = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cc", ".in") or not path.is_file():
            continue
        module = path.relative_to(src).parts[0]
        if module not in RANK:
            problems.append(f"{path}: module {module} is not in the documented order")
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m or m.group(1) == module:
                continue
            dep = m.group(1)
            if (module, dep) in ALLOWED_MODULES:
                continue
            if dep not in RANK:
                problems.append(f"{path}:{n}: includes unknown module {dep}")
            elif RANK[dep] >= RANK[module]:
                problems.append(f"{path}:{n}: {module} includes {dep}, which is not below it")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
