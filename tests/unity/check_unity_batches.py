#!/usr/bin/env python3
"""check_unity_batches.py BUILD_DIR: names a unity batch could resolve differently.

In a unity build (cmake/build_speed.cmake) the sources of a batch share one
anonymous namespace. A helper that source A defines there, and that a later
source B of the batch names without defining it itself, is what B's code
inside its own anonymous namespace finds first: B silently calls A's helper
instead of the one it includes (two definitions in both anonymous namespaces
are a compile error instead, and are caught). This lists every such name:
each is a rename to make, or a use to read and judge. Heuristic (a lexical
scan, no parser): names defined at the top of an anonymous namespace
(functions, variables, classes, aliases, an unscoped enum's enumerators),
used by a later source of the batch as a free name (not after '.', '->' or
'::') and not defined by it anywhere (a member or local of that name is
taken to be what it means).
Exit status 1 when a name is listed.
"""
import pathlib
import re
import sys

DEF = re.compile(
    r'^(?:template\s*<[^>]*>\s*)?(?:(?:class|struct|enum(?:\s+class)?)\s+(\w+)'
    r'|using\s+(\w+)\s*='
    r'|(?:static\s+|inline\s+|constexpr\s+|const\s+)*[\w:<>,\s\*&]+?[\s\*&](\w+)\s*(?:\(|=|\{|\[|;))')
COMMENT = re.compile(r'//.*?$|/\*.*?\*/', re.S | re.M)
STRING = re.compile(r'R"(\w*)\((?:.|\n)*?\)\1"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')


def strip(text):
    return STRING.sub('""', COMMENT.sub('', text))


def anonymous_defs(text):
    """Names defined at the top level of the file's anonymous namespaces,
    with the enumerators of an unscoped enum (they are names there too)."""
    names, depth, anon_depth, enum_depth = set(), 0, None, None
    for line in text.splitlines():
        if anon_depth is None and re.match(r'^namespace\s*\{', line):
            anon_depth = depth
        elif anon_depth is not None and depth == anon_depth + 1 and not line[:1].isspace():
            m = DEF.match(line)
            if m:
                names.add(next(g for g in m.groups() if g))
            if re.match(r'^enum\s+(?!class\b|struct\b)', line):
                enum_depth = depth
        if enum_depth is not None:
            names.update(re.findall(r'(?:^|[{,])\s*(k\w+)\s*(?==|,|}|$)', line))
        depth += line.count('{') - line.count('}')
        if enum_depth is not None and depth <= enum_depth and '}' in line:
            enum_depth = None
        if anon_depth is not None and depth <= anon_depth:
            anon_depth = None
    return names


def any_defs(text):
    """Names the file defines anywhere (members and locals included): a use of
    one of them most likely means the file's own."""
    names = set()
    for line in text.splitlines():
        m = DEF.match(line.strip())
        if m:
            names.add(next(g for g in m.groups() if g))
    return names


def free_uses(text, name):
    return re.search(r'(?<![\w.>:])' + re.escape(name) + r'\b', text) is not None


def main():
    build = pathlib.Path(sys.argv[1])
    found = 0
    for unity in sorted(build.rglob('Unity/unity_*_cxx.cxx')):
        sources = [pathlib.Path(p) for p in re.findall(r'#include "([^"]+)"', unity.read_text())]
        texts = {s: strip(s.read_text()) for s in sources}
        defs = {s: anonymous_defs(texts[s]) for s in sources}
        own = {s: any_defs(texts[s]) for s in sources}
        for i, a in enumerate(sources):
            for b in sources[i + 1:]:
                for name in sorted(defs[a] - own[b]):
                    if len(name) > 1 and free_uses(texts[b], name):
                        print(f'{b.name}: uses {name}, which {a.name} defines in its anonymous namespace '
                              f'({unity.relative_to(build)})')
                        found += 1
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
