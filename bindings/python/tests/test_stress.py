"""Many sandboxes: 1,000 in a loop leave the process with the same file
descriptors, threads and (without ASan) memory; runs from several Python
threads at once all get their own right verdicts, Python policies
included."""

import gc
import os
import threading
import unittest

import sandbox
from sandbox import Sandbox, SandboxPolicy

from common import (PROG, PROG_STATIC, SANITIZED, WhitelistPolicy, open_fds,
                    require_tracing, rss_kb, threads)


class Counting(SandboxPolicy):
    def __init__(self):
        self.n = 0

    def __call__(self, e, a):
        self.n += 1
        return super().__call__(e, a)


def classic_run(i):
    s = Sandbox([PROG, 'exit', str(i % 3)], quota=dict(cpu=5000))
    s.run()
    assert s.result == (sandbox.S_RESULT_OK if i % 3 == 0
                        else sandbox.S_RESULT_AT), s.result
    assert s.probe()['exitcode'] == i % 3


def modern_run(i):
    r = sandbox.run([PROG, 'sum'], stdin=('%d 1\n' % i).encode(),
                    stdout=sandbox.PIPE, cpu=5, memory='64M')
    assert r.stdout == b'%d\n' % (i + 1), r.stdout


def policy_run(i):
    p = Counting()
    s = Sandbox([PROG_STATIC, 'exit', '0'], policy=p)
    s.run()
    assert s.result == sandbox.S_RESULT_OK and p.n > 0


@require_tracing
class TestLoops(unittest.TestCase):

    def loop(self, fn, n, warm=50):
        for i in range(warm):
            fn(i)
        gc.collect()
        fds, thr, rss = open_fds(), threads(), rss_kb()
        for i in range(n):
            fn(i)
        gc.collect()
        self.assertEqual(open_fds(), fds, 'file descriptors leaked')
        self.assertEqual(threads(), thr, 'threads leaked')
        if not SANITIZED:
            grown = rss_kb() - rss
            self.assertLess(grown, 2048, 'memory grew %d kB over %d runs'
                            % (grown, n))

    def test_thousand_classic(self):
        self.loop(classic_run, 1000)

    def test_thousand_modern(self):
        self.loop(modern_run, 1000)

    def test_python_policies(self):
        self.loop(policy_run, 300)


@require_tracing
class TestThreads(unittest.TestCase):

    def run_threads(self, fn, nthreads=4, per=25):
        errors = []

        def worker(k):
            try:
                for i in range(per):
                    fn(k * per + i)
            except BaseException as exc:  # noqa: B902 (reported below)
                errors.append(exc)
        ts = [threading.Thread(target=worker, args=(k,))
              for k in range(nthreads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])

    def test_classic_runs_in_threads(self):
        self.run_threads(classic_run)

    def test_modern_runs_in_threads(self):
        self.run_threads(modern_run)

    def test_python_policies_in_threads(self):
        self.run_threads(policy_run)

    def test_one_policy_object_shared(self):
        p = WhitelistPolicy()
        results = []

        def one(i):
            with open(os.devnull, 'wb') as null:
                s = Sandbox([PROG_STATIC, 'fork' if i % 2 else 'hello'],
                            policy=p, stdout=null)
                s.run()
            results.append((i % 2, s.result))
        self.run_threads(one, nthreads=3, per=10)
        for odd, result in results:
            self.assertEqual(result, sandbox.S_RESULT_RF if odd
                             else sandbox.S_RESULT_OK)

    def test_main_thread_stays_responsive(self):
        # a long run in a thread does not hold the GIL
        rd, wr = os.pipe()
        null = os.open(os.devnull, os.O_WRONLY)
        self.addCleanup(os.close, null)
        s = Sandbox([PROG, 'cat'], stdin=rd, stdout=null)
        t = threading.Thread(target=s.run)
        t.start()
        spins = 0
        while s.status != sandbox.S_STATUS_EXE and spins < 10 ** 7:
            spins += 1
        work = sum(range(100000))  # runs while the sandbox runs
        os.close(wr)
        t.join()
        os.close(rd)
        self.assertEqual(work, 4999950000)
        self.assertEqual(s.result, sandbox.S_RESULT_OK)


if __name__ == '__main__':
    unittest.main()
