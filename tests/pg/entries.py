#!/usr/bin/env python3
"""The entries of an exported tiles directory (`lifeline log export-tiles`),
in log order, from the widest bundle of each index.

    entries.py TILES_DIR     prints one entry a line

pg_fault_check.py imports `entries`.
"""
import os
import sys


def entries(tiles_dir):
    bundles = {}
    base = os.path.join(tiles_dir, "tile", "entries")
    for root, _, files in os.walk(base):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), base).split(os.sep)
            width = 256
            if len(rel) >= 2 and rel[-2].endswith(".p"):
                width = int(rel[-1])
                rel = rel[:-2] + [rel[-2][:-2]]
            index = int("".join(p.lstrip("x") for p in rel))
            if width >= bundles.get(index, (0, ""))[0]:
                bundles[index] = (width, os.path.join(root, name))
    out = []
    for index in range(len(bundles)):
        with open(bundles[index][1], "rb") as f:
            data = f.read()
        i = 0
        while i < len(data):
            n = int.from_bytes(data[i:i + 2], "big")
            out.append(data[i + 2:i + 2 + n].decode())
            i += 2 + n
    return out


if __name__ == "__main__":
    for e in entries(sys.argv[1]):
        print(e)
