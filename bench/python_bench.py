#!/usr/bin/env python3
"""make bench, the Python section: the binding against the C API.

    python_bench.py BUILDDIR [-r REPS] [-n RUNS] [-c CALLS] [-v]

Runs per second: the same runs (bench/getppid_loop 1, quotas, stdin and
stdout /dev/null) through the C API (bench/bench-runs) and through
`import sandbox`, interleaved repetition by repetition; each cell is the
median of the repetitions, the ratio is Python / C runs per second, the
target 0.90. The same ratio is given in CPU time (getrusage: the
supervisor process, every thread of it, and the programs it ran), which
says more than the wall clock on a loaded host; `uptime`'s load average
is printed before and after. Callback cost: one run of getppid_loop CALLS with getppid
TRACE'd to a callback that answers CONT, in C and in Python; the extra
time divided by the calls is what a Python callback costs per traced
syscall. The exit status is 0 when everything could be measured, 1 when
a run failed.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time


def median(v):
    return statistics.median(v)


def rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def load():
    with open('/proc/loadavg') as f:
        return ' '.join(f.read().split()[:3])


def cpu_now():
    """CPU seconds of this process (all threads) and of its children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


class Clock:
    """Wall and CPU time of a block: (wall, self CPU, children's CPU)."""

    def __enter__(self):
        self.t0, self.c0 = time.monotonic(), cpu_now()
        return self

    def __exit__(self, *exc):
        c1 = cpu_now()
        self.value = (time.monotonic() - self.t0, c1[0] - self.c0[0],
                      c1[1] - self.c0[1])


def c_time(runs_bin, *args, heap_kb=0):
    """bench-runs' (wall, self CPU, children's CPU) in seconds."""
    env = dict(os.environ, BENCH_RUNS_HEAP_KB=str(heap_kb))
    out = subprocess.run([runs_bin] + [str(a) for a in args], env=env,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError('bench-runs %s: %s' % (args[0], out.stderr.strip()))
    return tuple(float(x) for x in out.stdout.split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('builddir')
    ap.add_argument('-r', type=int, default=5, help='repetitions')
    ap.add_argument('-n', type=int, default=200, help='runs per cell')
    ap.add_argument('-c', type=int, default=20000,
                    help='traced getppid calls per callback cell')
    ap.add_argument('-v', action='store_true', help='print every sample')
    a = ap.parse_args()

    b = a.builddir
    sys.path.insert(0, os.path.join(b, 'bindings', 'python', 'stage'))
    import sandbox  # noqa: E402  (the in-tree build)

    runs_bin = os.path.join(b, 'bench', 'bench-runs')
    loop = os.path.join(b, 'bench', 'getppid_loop')
    argv = [loop, '1']
    null = os.open(os.devnull, os.O_RDWR)
    quota = dict(cpu=5, wall=60, memory=256 << 20)

    def py_new(n):
        with Clock() as c:
            for _ in range(n):
                r = sandbox.run(argv, stdin=sandbox.DEVNULL,
                                stdout=sandbox.DEVNULL, **quota)
                if not r.ok:
                    raise RuntimeError('sandbox.run: %s' % r.result)
        return c.value

    def py_classic(n):
        with Clock() as c:
            for _ in range(n):
                s = sandbox.Sandbox(argv, stdin=null, stdout=null,
                                    quota=dict(wallclock=60000, cpu=5000,
                                               memory=256 << 20))
                s.run()
                if s.result != sandbox.S_RESULT_OK:
                    raise RuntimeError('Sandbox.run: %d' % s.result)
                s.probe()
        return c.value

    box = sandbox.Box(argv, stdin=sandbox.DEVNULL, stdout=sandbox.DEVNULL,
                      **quota)

    def py_reuse(n):
        with Clock() as c:
            for _ in range(n):
                if not box.run().ok:
                    raise RuntimeError('Box.run failed')
        return c.value

    def py_trace(calls, classic=False):
        if classic:
            class Cont(sandbox.SandboxPolicy):
                def __call__(self, e, a):
                    if e.type == sandbox.S_EVENT_EXIT:
                        return a.fini(sandbox.S_RESULT_OK)
                    return a.cont()
            policy, mode = Cont(), None
        else:
            policy = sandbox.Policy().set_default('allow')
            policy.add_rule('getppid', 'trace')
            policy.callback = lambda e, a: a.cont()
            mode = 'fast'
        t0 = time.monotonic()
        r = sandbox.run([loop, str(calls)], policy=policy, mode=mode,
                        stdin=sandbox.DEVNULL, stdout=sandbox.DEVNULL,
                        **quota)
        t = time.monotonic() - t0
        if not r.ok:
            raise RuntimeError('traced run: %s %s' % (r.result,
                                                      r.policy_error))
        return t

    cols = {k: [] for k in ('c_new', 'c_new_same', 'py_new', 'py_classic',
                            'c_reuse_same', 'c_reuse',
                            'py_reuse', 'c_trace', 'py_trace',
                            'py_trace_classic', 'c_trace0')}
    n, calls = a.n, a.c
    load0 = load()
    try:
        py_new(5), py_reuse(5), c_time(runs_bin, 'new', 5, *argv)  # warm up
        heap = rss_kb()
        for rep in range(a.r):
            per_run = lambda v: tuple(x / n for x in v)  # noqa: E731
            cols['c_new'].append(per_run(c_time(runs_bin, 'new', n, *argv)))
            cols['c_new_same'].append(per_run(c_time(
                runs_bin, 'new', n, *argv, heap_kb=heap)))
            cols['c_reuse_same'].append(per_run(c_time(
                runs_bin, 'reuse', n, *argv, heap_kb=heap)))
            cols['py_new'].append(per_run(py_new(n)))
            cols['py_classic'].append(per_run(py_classic(n)))
            cols['c_reuse'].append(per_run(c_time(runs_bin, 'reuse', n,
                                                  *argv)))
            cols['py_reuse'].append(per_run(py_reuse(n)))
            cols['c_trace0'].append(c_time(runs_bin, 'trace', loop, 1)[0])
            cols['c_trace'].append(c_time(runs_bin, 'trace', loop,
                                          calls)[0])
            cols['py_trace'].append(py_trace(calls))
            cols['py_trace_classic'].append(py_trace(calls // 10, True))
    except RuntimeError as exc:
        print('python bench: ERROR %s' % exc)
        return 1
    finally:
        box.close()
        os.close(null)

    load1 = load()

    def cell(v, what):
        """Median over the repetitions of one figure per run: 'wall',
        'cpu' (the process and its programs) or 'self' (the process)."""
        if not isinstance(v[0], tuple):
            return median(v)
        return median(x[0] if what == 'wall' else
                      x[1] + x[2] if what == 'cpu' else x[1] for x in v)
    m = {k: cell(v, 'wall') for k, v in cols.items()}
    mc = {k: cell(v, 'cpu') for k, v in cols.items()}
    ms = {k: cell(v, 'self') for k, v in cols.items()}
    if a.v:
        for k, v in cols.items():
            print('  %-18s %s' % (k, ' '.join(
                '/'.join('%.6f' % y for y in x) if isinstance(x, tuple)
                else '%.6f' % x for x in v)))

    print()
    print('Python binding (median of %d repetitions, interleaved; load '
          'average %s before, %s after)' % (a.r, load0, load1))
    print('  %-40s %12s %12s %7s %s' % ('wall clock', 'C API', 'Python',
                                         'ratio', 'target'))

    def row(name, c, p, target=None, unit='/s'):
        ratio = c / p  # runs per second (or per CPU second), Python / C
        verdict = '' if target is None else (
            'PASS' if ratio >= target else 'MISS')
        if unit == '/s':
            figs = '%9.0f/s %9.0f/s' % (1 / c, 1 / p)
        else:
            figs = '%9.0fus %9.0fus' % (c * 1e6, p * 1e6)
        print('  %-40s %s %6.2fx %s' % (
            name, figs, ratio,
            ('>= %.2fx %s' % (target, verdict)) if target else 'info'))
    print('  (the C API from a process given as much memory as this Python,'
          ' %d KiB:' % heap)
    print('   fork() copies the supervisor\'s page tables, so that is the'
          ' fair reference)')
    row('runs, a new sandbox each (sandbox.run)', m['c_new_same'],
        m['py_new'], 0.90)
    row('runs, classic Sandbox + run + probe', m['c_new_same'],
        m['py_classic'], 0.90)
    row('runs, one sandbox reused (Box.run)', m['c_reuse_same'],
        m['py_reuse'], 0.90)
    print('  (the C API from a small process: what the Python process\'s'
          ' size costs)')
    row('runs, a new sandbox each (sandbox.run)', m['c_new'], m['py_new'])
    row('runs, one sandbox reused (Box.run)', m['c_reuse'], m['py_reuse'])
    print('  %-40s %12s %12s %7s' % ('CPU time per run (process + program)',
                                     'C API', 'Python', 'ratio'))
    row('a new sandbox each (sandbox.run)', mc['c_new_same'], mc['py_new'],
        0.90, 'us')
    row('classic Sandbox + run + probe', mc['c_new_same'], mc['py_classic'],
        0.90, 'us')
    row('one sandbox reused (Box.run)', mc['c_reuse_same'], mc['py_reuse'],
        0.90, 'us')
    print('  %-40s %12s %12s %7s' % ('CPU time per run, the process alone',
                                     'C API', 'Python', 'ratio'))
    row('a new sandbox each (sandbox.run)', ms['c_new_same'], ms['py_new'],
        None, 'us')
    row('classic Sandbox + run + probe', ms['c_new_same'], ms['py_classic'],
        None, 'us')
    row('one sandbox reused (Box.run)', ms['c_reuse_same'], ms['py_reuse'],
        None, 'us')
    c_per = (m['c_trace'] - m['c_trace0']) / calls * 1e6
    py_per = (m['py_trace'] - m['c_trace0']) / calls * 1e6
    classic_per = (m['py_trace_classic'] - m['c_trace0']) / (calls // 10) / 2 * 1e6
    print('  %-40s %10.2fus %10.2fus  +%.2f us per call (info)' % (
        'traced getppid, callback answers CONT', c_per, py_per,
        py_per - c_per))
    print('  %-40s %12s %10.2fus  per event, classic mode (info)' % (
        'classic SandboxPolicy (entry + return)', '', classic_per))
    return 0


if __name__ == '__main__':
    sys.exit(main())
