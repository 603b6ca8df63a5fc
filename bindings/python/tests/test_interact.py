"""sandbox.interact() and Sandbox.interact(): a program wired to an
interactor, one combined verdict (the guessing game of
tests/interact/progs: interactor.c and solution.c)."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import sandbox
from common import require_tracing, load_factor

BUILD = os.environ.get('PYBIND_BUILDDIR') or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', '..')
GAME_PROGS = os.path.join(BUILD, 'tests', 'interact', 'progs')
INTERACTOR = os.path.join(GAME_PROGS, 'interactor')
SOLUTION = os.path.join(GAME_PROGS, 'solution')
TOOL = os.path.join(BUILD, 'cli', 'sandbox-run')
GAME = 'guess 1000000 123457 30\n'


@require_tracing
class InteractTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        for p in (INTERACTOR, SOLUTION):
            if not os.access(p, os.X_OK):
                raise unittest.SkipTest('%s not built' % p)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='pybind-interact.')
        # A sandboxed interactor of a root caller is a run slot of its
        # own: the judge opens the test's directory to it.
        os.chmod(self.dir, 0o777)
        self.old = os.getcwd()
        os.chdir(self.dir)       # testlib writes its OUTPUT here
        self.game(GAME)
        self.wall = round(5 * load_factor(), 3)

    def tearDown(self):
        os.chdir(self.old)
        shutil.rmtree(self.dir, ignore_errors=True)

    def game(self, text):
        with open('t.in', 'w') as f:
            f.write(text)

    def judge(self, solution, **kw):
        kw.setdefault('wall', self.wall)
        kw.setdefault('cpu', 2)
        return sandbox.interact([SOLUTION, solution],
                                [INTERACTOR, 't.in', 'out.txt'], **kw)

    def test_accepted(self):
        r = self.judge('correct', log='t.log')
        self.assertEqual((r.verdict, r.decided_by), ('OK', 'interactor'))
        self.assertTrue(r.accepted)
        self.assertEqual(r.program.result, 'OK')
        self.assertIsNone(r.interactor_result)     # not sandboxed
        ia = r.interaction
        self.assertEqual((ia['to_interactor_bytes'], ia['to_program_bytes']),
                         (151, 40))
        self.assertEqual(r.interactor['exit_code'], 0)
        self.assertEqual(r.interactor['message'], 'ok found in time\n')
        with open('out.txt') as f:
            self.assertEqual(f.read(), 'queries 16\n')
        with open('t.log', 'rb') as f:
            log = f.read()
        self.assertEqual(len(log), ia['log_bytes'])
        self.assertTrue(log.startswith(b'< 1000000\n> ? 500000\n'))

    def test_every_solution(self):
        for solution, verdict, by in (('wrong', 'WA', 'interactor'),
                                      ('crash', 'RT', 'program'),
                                      ('sigpipe', 'RT', 'program'),
                                      ('noread', 'WA', 'interactor')):
            r = self.judge(solution)
            self.assertEqual((r.verdict, r.decided_by), (verdict, by),
                             (solution, r.to_dict()))
            # The program's own Result keeps a run's verdicts only.
            self.assertIn(r.program.result, ('OK', 'RT', 'TL', 'AT'))

    def test_too_slow(self):
        r = self.judge('slow', cpu=0.3)
        self.assertEqual((r.verdict, r.program.limit), ('TL', 'cpu'))
        self.assertFalse(r.interaction['idle'])

    def test_never_writes_is_idle(self):
        r = self.judge('nowrite', wall=round(load_factor(), 3))
        self.assertEqual((r.verdict, r.decided_by), ('TL', 'program'))
        self.assertEqual(r.program.limit, 'wall')
        self.assertTrue(r.interaction['idle'])
        self.assertEqual(r.interaction['program_wait'], 'reading')

    def test_interactor_verdicts(self):
        for text, verdict in (('crash 1000 5 30', 'JF'),
                              ('fail 1000 5 30', 'JF'),
                              ('pe 1000 5 30', 'PE'),
                              ('points 1000000 77 30', 'PT')):
            self.game(text)
            r = self.judge('correct')
            self.assertEqual((r.verdict, r.decided_by),
                             (verdict, 'interactor'), (text, r.interactor))
            if verdict == 'PT':
                self.assertEqual(r.interaction['points'], 0.5)
            if text.startswith('crash'):
                self.assertEqual(r.interactor['signal_name'], 'SIGSEGV')

    def test_sandboxed_interactor_and_classic_mode(self):
        r = self.judge('correct', mode='classic', interactor_policy='default',
                       interactor_cpu=1, interactor_memory='64M')
        self.assertEqual(r.verdict, 'OK')
        self.assertEqual(r.program.mode, 'classic')
        self.assertTrue(r.interactor['sandboxed'])
        if os.geteuid() == 0:   # never root (review-box2 S1)
            self.assertNotIn(r.interactor['uid'], (0, None))
            self.assertIsNotNone(r.interactor['box_id'])
        self.assertEqual(r.interactor_result.result, 'OK')
        self.assertEqual(r.interactor['quota']['memory_bytes'], 64 << 20)
        # Its own policy: 'minimal' refuses what the interactor needs.
        r = self.judge('correct', interactor_policy='minimal')
        self.assertEqual(r.verdict, 'JF')
        self.assertEqual(r.interactor_result.result, 'RF')

    def test_python_policy_on_the_program(self):
        seen = []

        def observe(event, decision):
            seen.append(event.type)
        r = self.judge('correct', observer=observe)
        self.assertEqual(r.verdict, 'OK')
        self.assertIn(sandbox.S_EVENT_EXIT, seen)

    def test_interactor_policy_must_not_be_python(self):
        ibox = sandbox.Box([INTERACTOR, 't.in', 'out.txt'], wall=self.wall,
                           policy=lambda e, a: a)
        with ibox, self.assertRaises(ValueError):
            sandbox.interact([SOLUTION, 'correct'], ibox, wall=self.wall)

    def test_refused_settings(self):
        with self.assertRaises(ValueError):
            sandbox.interact([SOLUTION], [INTERACTOR])          # no wall
        with self.assertRaises(ValueError):
            sandbox.interact([SOLUTION], [INTERACTOR], wall=1, stdin=b'x')
        with self.assertRaises(ValueError):
            sandbox.interact([SOLUTION], [INTERACTOR], wall=1,
                             interactor_cpu=1)

    def test_interactor_cannot_start(self):
        with open('noexec', 'w') as f:
            f.write('no interpreter line\n')
        os.chmod('noexec', 0o755)
        r = sandbox.interact([SOLUTION, 'correct'], [os.path.abspath('noexec')],
                             wall=self.wall)
        self.assertIsNone(r.verdict)
        self.assertEqual(r.error['step'], 'interactor')
        self.assertEqual(r.interactor['error']['step'], 'execve')

    def test_program_cannot_start(self):
        # the program's failure, as sandbox-run reports it (it was
        # {'step': 'interactor'}, the interactor blamed: review-interact F4)
        with open('badexec', 'w') as f:
            f.write('#!/nonexistent/interpreter\n')
        os.chmod('badexec', 0o755)
        for kw in ({}, {'interactor_policy': 'default'}):
            with self.subTest(**kw):
                r = sandbox.interact([os.path.abspath('badexec')],
                                     [INTERACTOR, 't.in', 'out.txt'],
                                     wall=self.wall, **kw)
                self.assertIsNone(r.verdict)
                self.assertEqual(r.error['step'], 'execve')
                if not kw:
                    self.assertIsNone(r.interactor['error'])
                # (a sandboxed interactor is stopped when the program
                # cannot start: before its own exec, its section says
                # so, EINTR, as sandbox-run's does; the call is still
                # the program's failure)
                self.assertEqual(r.program.error['step'], 'execve')
                self.assertEqual(r.error['errno'], r.program.error['errno'])

    @unittest.skipUnless(os.access(TOOL, os.X_OK), 'sandbox-run not built')
    def test_program_cannot_start_as_sandbox_run(self):
        with open('badexec', 'w') as f:
            f.write('#!/nonexistent/interpreter\n')
        os.chmod('badexec', 0o755)
        bad = os.path.abspath('badexec')
        r = sandbox.interact([bad], [INTERACTOR, 't.in', 'out.txt'],
                             wall=self.wall)
        subprocess.run([TOOL, '-q', '--report=r.json',
                        '--wall=%g' % self.wall,
                        '--interactor=' + INTERACTOR, 't.in', 'out.txt',
                        '--', bad], timeout=60 * load_factor())
        with open('r.json') as f:
            cli = json.load(f)
        mine = json.loads(r.to_json())
        for k in ('verdict', 'error'):
            self.assertEqual(mine[k], cli[k], k)
        self.assertEqual(mine['interactor']['error'],
                         cli['interactor']['error'])

    def test_interaction_attributes(self):
        # what the docstring names exists (review-interact F5: it named
        # r.idle and r.points)
        r = self.judge('correct')
        for name in ('verdict', 'verdict_text', 'decided_by',
                     'interaction', 'interactor', 'error', 'program',
                     'interactor_result', 'accepted'):
            getattr(r, name)
        self.assertIn('idle', r.interaction)
        self.assertIn('points', r.interaction)
        for name in ('idle', 'points'):
            self.assertNotIn(' %s (' % name, sandbox.Interaction.__doc__)

    def test_verdict_names_apart_from_results(self):
        self.assertEqual(sandbox.verdict_name(sandbox.S_VERDICT_WA), 'WA')
        self.assertEqual(sandbox.verdict_name(sandbox.S_VERDICT_JF), 'JF')
        self.assertEqual(sandbox.verdict_name(sandbox.S_VERDICT_TL), 'TL')
        self.assertEqual(sandbox.S_VERDICT_TL, sandbox.S_RESULT_TL)
        # A run's result names stop at BP: WA is not one of them.
        self.assertEqual(sandbox.result_name(sandbox.S_VERDICT_WA), '??')

    def test_low_level(self):
        sb = sandbox.Sandbox([SOLUTION, 'wrong'])
        sb.set_quota(sandbox.S_QUOTA_WALLCLOCK, int(self.wall * 1000))
        d = sb.interact(command=[INTERACTOR, 't.in', 'out.txt'],
                        wall=int(2 * self.wall * 1000))
        self.assertEqual((d['rc'], d['verdict'], d['verdict_name']),
                         (0, sandbox.S_VERDICT_WA, 'WA'))
        self.assertEqual(sb.result, sandbox.S_RESULT_OK)
        with self.assertRaises(TypeError):
            sb.interact()
        with self.assertRaises(ValueError):
            sb.interact(interactor=sb)

    @unittest.skipUnless(os.access(TOOL, os.X_OK), 'sandbox-run not built')
    def test_report_as_sandbox_run(self):
        r = self.judge('wrong')
        p = subprocess.run([TOOL, '-q', '--report=r.json',
                            '--wall=%g' % self.wall, '--cpu=2',
                            '--interactor=' + INTERACTOR, 't.in', 'out.txt',
                            '--', SOLUTION, 'wrong'], timeout=60 * load_factor())
        self.assertEqual(p.returncode, 1)
        with open('r.json') as f:
            cli = json.load(f)
        mine = json.loads(r.to_json())
        self.assertEqual(list(mine), list(cli))
        for k in ('interaction', 'interactor'):
            self.assertEqual(list(mine[k]), list(cli[k]), k)
        self.assertEqual(list(mine['program']), list(cli['program']))
        self.assertEqual((mine['verdict'], mine['decided_by']),
                         (cli['verdict'], cli['decided_by']))
        for k in ('to_interactor_bytes', 'to_program_bytes'):
            self.assertEqual(mine['interaction'][k], cli['interaction'][k])


if __name__ == '__main__':
    unittest.main()
