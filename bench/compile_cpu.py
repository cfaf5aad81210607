#!/usr/bin/env python3
"""CPU seconds (user + sys) to compile a sample of translation units twice:
with the compile commands of a baseline build tree and of a new one.

    bench/compile_cpu.py BASE_BUILD NEW_BUILD [STRIDE]

Both trees must be configured from the same sources (their
compile_commands.json); NEW_BUILD's precompiled headers, if any, must be
built first (ninja -C NEW_BUILD lifeline_pch lifeline_test_pch). The sample
is every STRIDE-th library source and every STRIDE-th test source (default
24), in name order; objects go to a scratch file, so neither tree changes.
CPU time, not wall time: the machine is shared, and CPU time barely moves
with the load (see BENCHMARKS.md, "Build and CI time").
"""
import json
import os
import re
import resource
import subprocess
import sys
import tempfile


def commands(build):
    with open(os.path.join(build, 'compile_commands.json')) as f:
        return {e['file']: e for e in json.load(f)}


def cpu_seconds(entry, scratch):
    command = re.sub(r' -o \S+', ' -o ' + scratch, entry['command'])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run('nice ' + command, shell=True, cwd=entry['directory'], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    base, new = commands(sys.argv[1]), commands(sys.argv[2])
    stride = int(sys.argv[3]) if len(sys.argv) == 4 else 24
    common = sorted(f for f in base if f in new and '/bench/' not in f)
    tests = [f for f in common if f.endswith('_test.cc')]
    libs = [f for f in common if not f.endswith('_test.cc')]
    totals = [0.0, 0.0]
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = os.path.join(scratch_dir, 'sample.o')
        for path in libs[::stride] + tests[::stride]:
            times = [cpu_seconds(base[path], scratch), cpu_seconds(new[path], scratch)]
            totals = [t + s for t, s in zip(totals, times)]
            print(f'{times[0]:6.1f} {times[1]:6.1f}  {path}', flush=True)
    print(f'{totals[0]:6.1f} {totals[1]:6.1f}  total (new/base {totals[1] / totals[0]:.2f})')


if __name__ == '__main__':
    main()
