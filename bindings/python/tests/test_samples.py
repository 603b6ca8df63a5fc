"""samples/judge.py judges samples/sum on samples/data as samples/judge
does, and says WA, TL, RF for wrong, slow and forbidden solutions."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import sandbox
from common import PROG, ROOT, SANITIZED, require_tracing

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

    @unittest.skipUnless(ROOT, 'needs root to run the judge as nobody')
    def test_unprivileged_judge_keeps_its_answers(self):
        # review-box2 C4: a judge run by an unprivileged user hands the
        # program its own uid; without the box, the program's working
        # directory (the judge's, holding the answers) was writable to
        # it: test 1's program rewrote the answers of tests 2 and 3,
        # which then passed. In the box the answers are out of reach:
        # every test stays WA and the answers are unchanged.
        nobody = 65534
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        data = os.path.join(tmp, 'data')
        shutil.copytree(DATA, data)
        for d, _, files in os.walk(tmp):
            os.chown(d, nobody, nobody)
            os.chmod(d, 0o755)
            for f in files:
                os.chown(os.path.join(d, f), nobody, nobody)
                os.chmod(os.path.join(d, f), 0o644)
        def read(f):
            with open(os.path.join(data, f)) as fh:
                return fh.read()
        answers = {f: read(f) for f in os.listdir(data) if f.endswith('.out')}

        def as_nobody():
            os.setgroups([])
            os.setresgid(nobody, nobody, nobody)
            os.setresuid(nobody, nobody, nobody)

        def run(python, code):
            return subprocess.run([python, '-c', code], cwd=tmp,
                                  preexec_fn=as_nobody, capture_output=True,
                                  text=True, timeout=300)
        # This Python, or the system's when nobody may not run this one
        # (an interpreter in root's home).
        python = probe = None
        for python in dict.fromkeys((sys.executable, '/usr/bin/python3')):
            try:
                probe = run(python, 'import sandbox; print(sandbox.'
                            'probe_host()["available"] & sandbox.S_ISO_FS)')
            except OSError as exc:
                probe = exc
                continue
            if probe.returncode == 0:
                break
        if isinstance(probe, OSError) or probe.returncode != 0:
            self.skipTest('nobody cannot use this Python or build tree: %s'
                          % (probe if isinstance(probe, OSError)
                             else probe.stderr.strip()[-200:]))
        if probe.stdout.strip() == '0':
            self.skipTest('no box for an unprivileged user on this host')
        code = ('import sys, runpy; sys.argv = ["judge.py", "--", %r, %r];'
                'import sandbox; real = sandbox.Box;'
                'sandbox.Box = lambda argv, **kw: real(argv + ["cheat", %r],'
                ' **kw); runpy.run_path(%r, run_name="__main__")'
                % (PROG, data, data, JUDGE))
        p = run(python, code)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual([ln.split()[:2] for ln in lines[:-1]],
                         [['1', 'WA'], ['2', 'WA'], ['3', 'WA']], p.stdout)
        self.assertEqual(lines[-1], '0/3 tests passed')
        for f, text in answers.items():
            self.assertEqual(read(f), text, f)

    def test_usage_errors(self):
        rc, out, err = judge(SUM, '/nonexistent-dir')
        self.assertEqual(rc, 2)
        self.assertIn('no tests', err)
        rc, out, err = judge('-t', '0', SUM, DATA)
        self.assertEqual(rc, 2)


if __name__ == '__main__':
    unittest.main()
