"""samples/judge.py judges samples/sum on samples/data as samples/judge
does, and says WA, TL, RF for wrong, slow and forbidden solutions."""

import json
import os
import subprocess
import sys
import unittest

from common import PROG, SANITIZED, require_tracing

SRC = os.environ.get('PYBIND_SRCDIR') or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', '..')
BUILD = os.environ.get('PYBIND_BUILDDIR') or SRC
JUDGE = os.path.join(SRC, 'samples', 'judge.py')
DATA = os.path.join(SRC, 'samples', 'data')
SUM = os.path.join(BUILD, 'samples', 'sum')


def judge(*args):
    p = subprocess.run([sys.executable, JUDGE] + list(args),
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


@require_tracing
@unittest.skipUnless(os.access(SUM, os.X_OK), 'samples/sum not built')
class TestJudge(unittest.TestCase):

    @unittest.skipIf(SANITIZED, 'samples/sum carries ASan in this build, '
                     'which cannot start under a memory quota')
    def test_accepts_the_sample_solution(self):
        rc, out, err = judge('-t', '1000', '-m', '256', SUM, DATA)
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[-1], '3/3 tests passed')
        self.assertEqual([ln.split()[:2] for ln in lines[:-1]],
                         [['1', 'AC'], ['2', 'AC'], ['3', 'AC']])

    @unittest.skipIf(SANITIZED, 'samples/sum carries ASan in this build')
    def test_json(self):
        rc, out, err = judge('--json', SUM, DATA)
        self.assertEqual(rc, 0, err)
        reports = [json.loads(ln) for ln in out.splitlines()]
        self.assertEqual([r['verdict'] for r in reports], ['AC'] * 3)
        self.assertEqual(reports[0]['quota']['cpu_ms'], 1000)
        self.assertEqual(reports[0]['result'], 'OK')

    def test_wrong_slow_forbidden(self):
        # the test program with a fixed command, through the judge's own
        # Box (patched to append it to the command line)
        for cmd, verdict in (('hello', 'WA'), ('loop', 'TL'), ('fork', 'RF')):
            with self.subTest(cmd=cmd):
                # (a wall quota of 3 x 500 ms: the set-up before exec
                # counts against it, and this host may be loaded)
                code = ('import sys, runpy; sys.argv = ["judge.py", "-t", '
                        '"500", "--", %r, %r];' % (PROG, DATA) +
                        'import sandbox; real = sandbox.Box;'
                        'sandbox.Box = lambda argv, **kw: real(argv + [%r], '
                        '**kw); runpy.run_path(%r, run_name="__main__")'
                        % (cmd, JUDGE))
                p = subprocess.run([sys.executable, '-c', code],
                                   capture_output=True, text=True,
                                   timeout=300)
                self.assertEqual(p.returncode, 1, p.stderr)
                first = p.stdout.splitlines()[0].split()
                self.assertEqual(first[1], verdict)
                if verdict == 'RF':
                    self.assertIn('(x86_64 clone)', p.stdout)

    def test_usage_errors(self):
        rc, out, err = judge(SUM, '/nonexistent-dir')
        self.assertEqual(rc, 2)
        self.assertIn('no tests', err)
        rc, out, err = judge('-t', '0', SUM, DATA)
        self.assertEqual(rc, 2)


if __name__ == '__main__':
    unittest.main()
