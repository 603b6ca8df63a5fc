"""Careless or hostile host code: values out of range are refused, never
cast into other ones (an id of 2**32 is not root, an errno of 2**32 + 1
is not EPERM); what the caller gave the sandbox stays what the program
gets, whatever the caller does with its own objects afterwards."""

import os
import tempfile
import threading
import time
import unittest

import sandbox
from sandbox import Sandbox

from common import PROG, require_tracing


class TestIds(unittest.TestCase):
    """uid_t and gid_t are 32 bits; (uid_t)-1 means no id."""

    OUT_OF_RANGE = (2 ** 32, 2 ** 32 + 65534, 2 ** 40, 2 ** 64, -2,
                    2 ** 32 - 1)

    def test_set_credentials(self):
        s = Sandbox([PROG, 'exit', '0'])
        for v in self.OUT_OF_RANGE:
            for kw in ({'uid': v}, {'gid': v}, {'groups': [v]}):
                with self.assertRaises(ValueError, msg=kw):
                    s.set_credentials(**kw)
        with self.assertRaises(TypeError):
            s.set_credentials(uid='0')
        # -1 and None keep what is set; the sandbox was left as it was
        s.set_credentials(-1, None, None)
        self.assertEqual((s.owner, s.group), (os.getuid(), os.getgid()))

    def test_modern_run(self):
        for v in self.OUT_OF_RANGE:
            with self.assertRaises(ValueError, msg=v):
                sandbox.run([PROG, 'exit', '0'], uid=v)
            with self.assertRaises(ValueError, msg=v):
                sandbox.run([PROG, 'exit', '0'], gid=v)

    def test_classic_owner_and_group(self):
        for v in self.OUT_OF_RANGE + (-1,):
            with self.assertRaises(ValueError, msg=v):
                Sandbox([PROG, 'exit', '0'], owner=v)
            with self.assertRaises(ValueError, msg=v):
                Sandbox([PROG, 'exit', '0'], group=v)


@require_tracing
class TestStreams(unittest.TestCase):
    """A file given as a stream, closed by the caller before run(), its
    descriptor number then reused by another open(): the program must not
    get that other file (the library dup()s the number only when the run
    starts). run() refuses with ValueError; the program never runs."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name, text=None):
        p = os.path.join(self.dir.name, name)
        if text is not None:
            with open(p, 'w') as f:
                f.write(text)
        return p

    def reuse(self, f):
        """Close f; open the secret under its number."""
        fd = f.fileno()
        f.close()
        g = open(self.path('secret', 'SECRET\n'), 'r+')
        self.addCleanup(g.close)
        self.assertEqual(g.fileno(), fd)

    def check_input(self, give):
        f = open(self.path('input', 'input\n'))
        out = tempfile.TemporaryFile()
        self.addCleanup(out.close)
        s = give(f, out)
        self.reuse(f)
        with self.assertRaisesRegex(ValueError, 'no longer the file'):
            s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_PD)
        out.seek(0)
        self.assertEqual(out.read(), b'')

    def test_classic_stdin(self):
        self.check_input(lambda f, out: Sandbox([PROG, 'cat'], stdin=f,
                                                stdout=out))

    def test_set_stdio(self):
        def give(f, out):
            s = Sandbox([PROG, 'cat'], stdout=out)
            s.set_stdio(0, f)
            return s
        self.check_input(give)

    def check_output(self, give):
        f = open(self.path('output', ''), 'w')
        s = give(f)
        self.reuse(f)
        with self.assertRaisesRegex(ValueError, 'no longer the file'):
            s.run()
        with open(self.path('secret')) as f:
            self.assertEqual(f.read(), 'SECRET\n')

    def test_classic_stdout(self):
        self.check_output(lambda f: Sandbox([PROG, 'hello'], stdout=f))

    def test_capture_destination(self):
        def give(f):
            s = Sandbox([PROG, 'hello'])
            s.set_capture(1, f)
            return s
        self.check_output(give)

    def test_interactor_stderr(self):
        f = open(self.path('log', ''), 'w')
        inter = Sandbox([PROG, 'cat'], stderr=f)
        self.reuse(f)
        s = Sandbox([PROG, 'exit', '0'])
        with self.assertRaisesRegex(ValueError, 'no longer the file'):
            s.interact(interactor=inter)

    def test_same_file_again_and_forgotten_streams(self):
        # the pysandbox pattern: a pipe's write end given as stdout, closed
        # after the run: the reader sees the end (the sandbox keeps no
        # descriptor of its own)
        rd, wr = os.pipe()
        s = Sandbox([PROG, 'hello'], stdout=wr)
        s.run()
        os.close(wr)
        with os.fdopen(rd, 'rb') as r:
            self.assertEqual(r.read(), b'Hello World!\n')
        # a stream set again, by path or to None, no longer checks the
        # descriptor given before
        s.set_stdio_path(1, os.devnull)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        f = open(self.path('out', ''), 'w')
        s.set_stdio(1, f)
        f.close()
        s.set_stdio(1, None)
        s.set_stdio(0, open(os.devnull))   # a file object gone with GC
        s.set_stdio(0, None)
        s.set_capture(1, None, True)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        self.assertEqual(s.captured(1), b'Hello World!\n')


@require_tracing
class TestPolicyInUse(unittest.TestCase):
    """A Policy an interaction uses, the interactor's as well as the
    program's, refuses changes until the interaction ends: the library's
    interactor thread reads it."""

    def test_interactor_policy(self):
        ipol = sandbox.Policy.builtin('default')
        ppol = sandbox.Policy.builtin('default')
        # two cats wait for each other until interrupted (the wall quota
        # only if that failed)
        prog = Sandbox([PROG, 'cat'], check=False)
        prog.set_policy(ppol)
        prog.set_quota(sandbox.S_QUOTA_WALLCLOCK, 600000)
        inter = Sandbox([PROG, 'cat'], check=False)
        inter.set_policy(ipol)
        res = []
        t = threading.Thread(
            target=lambda: res.append(prog.interact(interactor=inter)))
        t.start()
        try:
            for _ in range(6000):
                if prog.running and inter.running:
                    break
                time.sleep(0.01)
            self.assertTrue(inter.running)
            for p in (ppol, ipol):
                with self.assertRaisesRegex(RuntimeError, 'run uses it'):
                    p.add_rule('getppid', 'errno', errno=1)
                with self.assertRaisesRegex(RuntimeError, 'run uses it'):
                    p.set_default('kill')
                with self.assertRaisesRegex(RuntimeError, 'run uses it'):
                    p.callback = lambda e, a: a
        finally:
            prog.interrupt()
            t.join()
        self.assertEqual(res[0]['verdict_name'], 'IE')
        # and changes again once it is over
        ipol.add_rule('getppid', 'errno', errno=1)


class TestActions(unittest.TestCase):
    """A SandboxAction's type and data are ints: a value beyond is
    OverflowError, never cut to 32 bits (DENY with 2**32 + 1 was EPERM,
    a type of 2**32 was CONT)."""

    def test_constructor(self):
        for kw in ({'type': 2 ** 32 + sandbox.S_ACTION_CONT},
                   {'type': sandbox.S_ACTION_DENY, 'data': 2 ** 32 + 1},
                   {'type': sandbox.S_ACTION_FINI, 'data': -2 ** 40}):
            with self.assertRaises(OverflowError, msg=kw):
                sandbox.SandboxAction(**kw)
        a = sandbox.SandboxAction(sandbox.S_ACTION_DENY, 13)
        self.assertEqual((a.type, a.data), (sandbox.S_ACTION_DENY, 13))

    def test_attributes(self):
        a = sandbox.SandboxAction()
        for name in ('type', 'data'):
            for v in (2 ** 32, 2 ** 31, -2 ** 31 - 1, 2 ** 64 + 1):
                with self.assertRaises(OverflowError, msg=(name, v)):
                    setattr(a, name, v)
            with self.assertRaises(TypeError):
                setattr(a, name, '1')
            with self.assertRaises(TypeError):
                delattr(a, name)
        self.assertEqual((a.type, a.data), (sandbox.S_ACTION_CONT, 0))
        a.type, a.data = sandbox.S_ACTION_FINI, -(2 ** 31)
        self.assertEqual((a.type, a.data), (sandbox.S_ACTION_FINI, -(2 ** 31)))

    @require_tracing
    def test_in_a_policy_it_is_bp(self):
        class Huge(sandbox.SandboxPolicy):
            def __call__(self, e, a):
                if e.type == sandbox.S_EVENT_SYSCALL:
                    a.type = sandbox.S_ACTION_DENY
                    a.data = 2 ** 32 + 1
                    return a
                return super().__call__(e, a)
        s = Sandbox([PROG, 'exit', '0'], policy=Huge())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_BP)
        self.assertIsInstance(s.policy_error, OverflowError)


@require_tracing
class TestInitAgain(unittest.TestCase):

    def test_after_a_run(self):
        # pysandbox's __init__ on a sandbox that ran takes the new
        # command line (it was SandboxError EALREADY from the check)
        s = Sandbox([PROG, 'exit', '0'])
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        s.__init__([PROG, 'exit', '1'])
        self.assertEqual(s.status, sandbox.S_STATUS_RDY)
        with self.assertRaises(AssertionError):
            s.probe()
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_AT)
        self.assertEqual(s.probe()['exitcode'], 1)
        with self.assertRaises(ValueError):
            s.__init__(['/nonexistent/program'])



class TestMalformed(unittest.TestCase):
    """A malformed value is refused with what is wrong with it."""

    def test_embedded_nul(self):
        # (review-py F6: it was TypeError "should be a str or a sequence
        # of str", the converter's ValueError replaced)
        for argv in (['/bin/tr\0ue'], [PROG, 'a\0b'], [PROG, b'a\0b']):
            with self.subTest(argv=argv):
                for make in (Sandbox, sandbox.Box,
                             lambda a: Sandbox([PROG]).set_argv(a)):
                    with self.assertRaisesRegex(ValueError,
                                                'embedded NUL'):
                        make(argv)
        with self.assertRaisesRegex(ValueError, 'env: embedded NUL'):
            Sandbox([PROG]).set_env(['A=1\0'])
        # not a string at all is still a TypeError
        with self.assertRaisesRegex(TypeError, 'sequence of str'):
            Sandbox([PROG, 3])

    def test_digits_are_ascii(self):
        # (review-py F7: '\u0661\u0662', Arabic-Indic 12, was 12 bytes;
        # sandbox-run refuses it)
        for bad in ('\u0661\u0662', '\u0661\u0662M', '\uff11', '1.\u0665'):
            with self.subTest(value=bad):
                self.assertRaises(ValueError, sandbox.parse_size, bad)
                self.assertRaises(ValueError, sandbox.parse_time, bad)
                self.assertRaises(ValueError, sandbox.Box, [PROG],
                                  memory=bad)
        self.assertEqual(sandbox.parse_size('12M'), 12 << 20)
        self.assertEqual(sandbox.parse_time('1.5'), 1500)


if __name__ == '__main__':
    unittest.main()
