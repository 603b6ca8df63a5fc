#!/usr/bin/env python3
"""A small online judge in Python over libsandbox (samples/judge.c in C).

    judge.py [-t CPU_MS] [-m MEMORY_MB] [--json] SOLUTION TESTDIR

Runs SOLUTION in a box (a root of its own, a copy of SOLUTION in an
empty /box: the tests are out of its reach) on every TESTDIR/NAME.in
under quotas, compares what it
printed with TESTDIR/NAME.out token by token, and prints one line per test
(AC, WA, or the sandbox's verdict: TL, ML, RF, RT, ...) and a summary.
With --json each line is the run's report (sandbox-run's JSON fields) plus
"test" and "verdict". Exit status: 0 all accepted, 1 some not, 2 could not
judge.
"""

import argparse
import json
import os
import sys

import sandbox


def same_tokens(got, want):
    """Equal as whitespace-separated tokens."""
    return got.split() == want.split()


def list_tests(directory):
    return sorted(f[:-3] for f in os.listdir(directory)
                  if f.endswith('.in') and len(f) > 3)


def judge(solution, directory, cpu_ms=1000, memory_mb=256, as_json=False,
          out=sys.stdout):
    try:
        tests = list_tests(directory)
    except OSError as exc:
        print('judge: no tests in %s: %s' % (directory, exc.strerror),
              file=sys.stderr)
        return 2
    if not tests:
        print('judge: no tests in %s: no *.in files' % directory,
              file=sys.stderr)
        return 2
    passed = 0
    # One sandbox for every test: the library reuses it (and its compiled
    # policy) from run to run; each run gets its own input. The box (the
    # recommended setup, README): the program runs in a root of its own,
    # a copy of SOLUTION in an empty /box, so the tests and their answers
    # are out of its reach even when this judge runs unprivileged (the
    # program then has the judge's uid: without the box it could rewrite
    # the answers of the next tests).
    box = sandbox.Box(['./solution'], box=True,
                      copy_in=[(solution, 'solution')],
                      cpu=cpu_ms / 1000, wall=3 * cpu_ms / 1000,
                      memory=memory_mb << 20, output='64M',
                      stdout=sandbox.PIPE)
    for name in tests:
        with open(os.path.join(directory, name + '.out'), 'rb') as f:
            wanted = f.read()
        r = box.run(stdin=os.path.join(directory, name + '.in'))
        if r.error:
            print('judge: cannot run %s: %s (%s)' % (
                solution, r.error['message'], r.error['step']),
                file=sys.stderr)
            return 2
        verdict = r.result
        if r.ok:
            verdict = 'AC' if same_tokens(r.stdout, wanted) else 'WA'
        passed += verdict == 'AC'
        if as_json:
            line = dict(r.to_dict(), test=name, verdict=verdict)
            print(json.dumps(line), file=out)
            continue
        text = '%-10s %-2s  cpu %6.3fs  mem %7.1f MiB' % (
            name, verdict, (r.cpu_time_us or 0) / 1e6,
            (r.memory_peak_bytes or 0) / 1048576.0)
        if r.syscall:
            text += '  (%s %s)' % (r.syscall['abi'], r.syscall['name'])
        print(text, file=out)
    box.close()
    if not as_json:
        print('%d/%d tests passed' % (passed, len(tests)), file=out)
    return 0 if passed == len(tests) else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('-t', type=int, default=1000, metavar='CPU_MS',
                    help='CPU time per test, ms (default 1000)')
    ap.add_argument('-m', type=int, default=256, metavar='MEMORY_MB',
                    help='memory per test, MiB (default 256)')
    ap.add_argument('--json', action='store_true',
                    help='one JSON report per test')
    ap.add_argument('solution')
    ap.add_argument('testdir')
    a = ap.parse_args(argv)
    if a.t <= 0 or not 0 < a.m <= 1 << 20:
        ap.error('limits must be positive')
    try:
        return judge(a.solution, a.testdir, a.t, a.m, a.json)
    except sandbox.SandboxError as exc:
        print('judge: %s' % exc.strerror, file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
