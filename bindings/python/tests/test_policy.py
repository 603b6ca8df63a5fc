"""Policies written in Python: classic ones that decide every syscall
(allow, deny, kill), the base policy, and library Policy objects (rules,
built-ins, files, modules) with and without a Python callback."""

import errno
import os
import tempfile
import unittest

import sandbox
from sandbox import (Policy, Sandbox, SandboxAction, SandboxEvent,
                     SandboxPolicy)

from common import (PROG, PROG_STATIC, REFUSED, STATIC_START, TempDir,
                    WhitelistPolicy, allow_all, require_tracing)


class TestBasePolicy(unittest.TestCase):
    """SandboxPolicy.__call__: the classic baseline for every event."""

    def decide(self, *event):
        a = SandboxAction()
        r = SandboxPolicy()(SandboxEvent(*event), a)
        self.assertIs(r, a)
        return a.type, a.data

    def test_events(self):
        self.assertEqual(self.decide(sandbox.S_EVENT_EXIT, 0),
                         (sandbox.S_ACTION_FINI, sandbox.S_RESULT_OK))
        self.assertEqual(self.decide(sandbox.S_EVENT_EXIT, 3),
                         (sandbox.S_ACTION_FINI, sandbox.S_RESULT_AT))
        self.assertEqual(self.decide(sandbox.S_EVENT_ERROR, 0),
                         (sandbox.S_ACTION_KILL, sandbox.S_RESULT_IE))
        self.assertEqual(self.decide(sandbox.S_EVENT_QUOTA,
                                     sandbox.S_QUOTA_CPU),
                         (sandbox.S_ACTION_KILL, sandbox.S_RESULT_TL))
        self.assertEqual(self.decide(sandbox.S_EVENT_QUOTA,
                                     sandbox.S_QUOTA_MEMORY),
                         (sandbox.S_ACTION_KILL, sandbox.S_RESULT_ML))
        self.assertEqual(self.decide(sandbox.S_EVENT_QUOTA,
                                     sandbox.S_QUOTA_DISK),
                         (sandbox.S_ACTION_KILL, sandbox.S_RESULT_OL))
        self.assertEqual(self.decide(sandbox.S_EVENT_SIGNAL, 11),
                         (sandbox.S_ACTION_CONT, 0))
        self.assertEqual(self.decide(sandbox.S_EVENT_SYSRET, 0),
                         (sandbox.S_ACTION_CONT, 0))

    def test_syscalls_follow_the_default_table(self):
        nr = lambda n: sandbox.syscall_number(0, n)  # noqa: E731
        self.assertEqual(self.decide(sandbox.S_EVENT_SYSCALL, nr('read')),
                         (sandbox.S_ACTION_CONT, 0))
        self.assertEqual(self.decide(sandbox.S_EVENT_SYSCALL, nr('fork')),
                         (sandbox.S_ACTION_KILL, sandbox.S_RESULT_RF))
        self.assertEqual(self.decide(sandbox.S_EVENT_SYSCALL, nr('socket')),
                         (sandbox.S_ACTION_KILL, sandbox.S_RESULT_RF))
        # i386 calls: the default policy has no rule for them
        self.assertEqual(self.decide(sandbox.S_EVENT_SYSCALL, 1 | (1 << 32)),
                         (sandbox.S_ACTION_KILL, sandbox.S_RESULT_RF))

    def test_bad_arguments(self):
        p = SandboxPolicy()
        self.assertRaises(AssertionError, p, 1, 2)
        self.assertRaises(TypeError, p, SandboxEvent(0))

    def test_event_views(self):
        e = SandboxEvent(sandbox.S_EVENT_SYSCALL, 2 | (1 << 32), 7, 8)
        self.assertEqual((e.data, e.ext0, e.ext1, e.ext2), (2, 1, 7, 8))
        self.assertEqual((e.nr, e.abi, e.name), (2, 1, 'fork'))
        self.assertEqual(e.args[:2], (7, 8))
        self.assertIsNone(e.ret)
        self.assertRaises(AttributeError, setattr, e, 'type', 1)
        a = SandboxAction(sandbox.S_ACTION_KILL, sandbox.S_RESULT_RF)
        self.assertEqual((a.type, a.data), (2, 2))
        self.assertIs(a.deny(errno.EPERM), a)
        self.assertEqual((a.type, a.data), (sandbox.S_ACTION_DENY, 1))


@require_tracing
class TestClassicPython(unittest.TestCase):
    """A SandboxPolicy subclass decides everything."""

    def test_allow_deny_kill(self):
        deny_open = WhitelistPolicy()
        deny_open.allow('open', lambda e, a: a.deny(errno.EROFS)
                        if e.type == sandbox.S_EVENT_SYSCALL else a.cont())
        s = Sandbox([PROG_STATIC, 'open', '/etc/passwd'], policy=deny_open)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_AT)
        self.assertEqual(s.probe()['exitcode'], errno.EROFS)

        allow_open = WhitelistPolicy()
        allow_open.allow('open')
        s = Sandbox([PROG_STATIC, 'open', '/etc/passwd'], policy=allow_open)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)

        s = Sandbox([PROG_STATIC, 'open', '/etc/passwd'],
                    policy=WhitelistPolicy())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_RF)
        st = s.stat()
        self.assertEqual(st['syscall']['name'], 'open')

    def test_kill_with_a_result(self):
        class Fini(WhitelistPolicy):
            def kill_rf(self, e, a):
                return a.kill(sandbox.S_RESULT_ML)
        s = Sandbox([PROG_STATIC, 'fork'], policy=Fini())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_ML)

    def test_sees_entries_and_returns(self):
        seen = []

        class Log(SandboxPolicy):
            def __call__(self, e, a):
                seen.append((e.type, e.name, e.ret))
                return super().__call__(e, a)
        s = Sandbox([PROG_STATIC, 'getppid', '3'], policy=Log())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        calls = [x for x in seen if x[1] == 'getppid']
        self.assertEqual(len(calls), 6)  # three entries, three returns
        self.assertEqual([t for t, _, _ in calls],
                         [sandbox.S_EVENT_SYSCALL, sandbox.S_EVENT_SYSRET] * 3)
        self.assertEqual(calls[1][2], os.getpid())  # our pid: its parent

    def test_fast_mode_gives_entries_only(self):
        seen = []

        class Log(SandboxPolicy):
            def __call__(self, e, a):
                seen.append(e.type)
                return super().__call__(e, a)
        s = Sandbox([PROG_STATIC, 'getppid', '3'], policy=Log())
        s.set_mode(sandbox.S_MODE_FAST)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        self.assertNotIn(sandbox.S_EVENT_SYSRET, seen)

    def test_quota_events(self):
        # 0.3.5 asked the policy when a quota was exceeded: S_EVENT_QUOTA
        # with data the S_QUOTA_*, and its answer was the verdict; no
        # S_EVENT_EXIT follows. The program is already ended by the
        # library: CONT leaves the library's verdict.
        class Ask(WhitelistPolicy):
            def __init__(self, answer=None):
                super().__init__(STATIC_START + ('pause',))
                self.ends, self.answer = [], answer

            def __call__(self, e, a):
                if e.type in (sandbox.S_EVENT_QUOTA, sandbox.S_EVENT_EXIT,
                              sandbox.S_EVENT_ERROR):
                    self.ends.append((e.type, e.data))
                    if self.answer:
                        return self.answer(e, a)
                return super().__call__(e, a)

        def run(cmd, arg, quota, answer=None, out=None):
            p = Ask(answer)
            s = Sandbox([PROG_STATIC, cmd, arg], quota=quota, policy=p,
                        stdout=out)
            s.run()
            return s, p.ends

        Q = sandbox.S_EVENT_QUOTA
        s, ends = run('loop', '0', dict(cpu=200))
        self.assertEqual((s.result, ends),
                         (sandbox.S_RESULT_TL, [(Q, sandbox.S_QUOTA_CPU)]))
        s, ends = run('pause', '0', dict(wallclock=300))
        self.assertEqual((s.result, ends),
                         (sandbox.S_RESULT_TL,
                          [(Q, sandbox.S_QUOTA_WALLCLOCK)]))
        s, ends = run('malloc', '64', dict(memory=16 << 20))
        self.assertEqual((s.result, ends),
                         (sandbox.S_RESULT_ML, [(Q, sandbox.S_QUOTA_MEMORY)]))
        with tempfile.TemporaryFile() as f:
            s, ends = run('print', '100', dict(disk=10), out=f)
        self.assertEqual((s.result, ends),
                         (sandbox.S_RESULT_OL, [(Q, sandbox.S_QUOTA_DISK)]))
        # the answer is the verdict ...
        s, ends = run('malloc', '64', dict(memory=16 << 20),
                      lambda e, a: a.kill(sandbox.S_RESULT_TL))
        self.assertEqual(s.result, sandbox.S_RESULT_TL)
        # ... CONT cannot let the program go on: the library's stands
        s, ends = run('loop', '0', dict(cpu=200), lambda e, a: a.cont())
        self.assertEqual(s.result, sandbox.S_RESULT_TL)

        # ... and a policy that fails there is BP, with its traceback
        def boom(e, a):
            raise RuntimeError('quota boom')
        s, ends = run('loop', '0', dict(cpu=200), boom)
        self.assertEqual((s.result, len(ends)), (sandbox.S_RESULT_BP, 1))
        self.assertIn('quota boom', s.policy_traceback)
        s, ends = run('loop', '0', dict(cpu=200), lambda e, a: a.deny(1))
        self.assertEqual(s.result, sandbox.S_RESULT_BP)
        # a normal exit is still an S_EVENT_EXIT with the exit code
        s, ends = run('exit', '3', dict(cpu=2000))
        self.assertEqual((s.result, ends),
                         (sandbox.S_RESULT_AT, [(sandbox.S_EVENT_EXIT, 3)]))

    def test_base_class_alone_is_the_default_policy(self):
        class Plain(SandboxPolicy):
            pass
        s = Sandbox([PROG, 'fork'], policy=Plain())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_RF)
        self.assertEqual(s.stat()['mode'], sandbox.S_MODE_FAST)


@require_tracing
class TestLibraryPolicies(unittest.TestCase):

    def test_rules(self):
        p = allow_all()
        p.add_rule('getppid', 'errno', errno.EPERM)
        p.add_rule('fork', 'kill')
        p.add_rule('clone', 'kill')   # glibc's fork() is clone
        self.assertEqual(p.evaluate('getppid'), (sandbox.S_DISP_ERRNO,
                                                 errno.EPERM))
        self.assertEqual(p.evaluate('read'), (sandbox.S_DISP_ALLOW, 0))
        self.assertEqual(p.evaluate(57), (sandbox.S_DISP_KILL, 0))
        self.assertIn('getppid', p.explain())
        s = Sandbox([PROG, 'fork'], policy=p)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_RF)

    def test_conditions(self):
        p = allow_all()
        p.add_rule('getppid', 'kill')
        p.add_rule('write', 'errno', errno.EBADF, conds=[(0, '==', 1)])
        self.assertEqual(p.evaluate('write', args=(1,)),
                         (sandbox.S_DISP_ERRNO, errno.EBADF))
        self.assertEqual(p.evaluate('write', args=(2,)),
                         (sandbox.S_DISP_ALLOW, 0))
        self.assertRaises(ValueError, p.add_rule, 'write', 'allow',
                          conds=[(0, '~', 1)])
        self.assertRaises(ValueError, p.add_rule, 'write', 'perhaps')

    def test_callback(self):
        asked = []

        def cb(e, a):
            asked.append((e.name, e.disposition, e.format()))
            return a.deny(errno.EACCES)
        p = allow_all()
        p.add_rule('open', 'trace')
        p.callback = cb
        self.assertIs(p.callback, cb)
        s = Sandbox([PROG, 'open', '/etc/hostname'], policy=p)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_AT)
        self.assertEqual(s.probe()['exitcode'], errno.EACCES)
        self.assertEqual(len(asked), 1)
        self.assertEqual(asked[0][:2], ('open', sandbox.S_DISP_TRACE))
        self.assertIn('"/etc/hostname"', asked[0][2])
        p.callback = None
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_BP)  # TRACE, nobody asked

    def test_policy_changed_between_runs(self):
        p = allow_all()
        s = Sandbox([PROG, 'fork'], policy=p)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        p.add_rule('fork', 'kill')
        p.add_rule('clone', 'kill')
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_RF)

    def test_builtin_file_text(self):
        self.assertIn('default', Policy.list())
        self.assertTrue(Policy.describe('default'))
        self.assertIsNone(Policy.describe('no-such-policy'))
        self.assertEqual(Policy.builtin('minimal').name, 'minimal')
        self.assertRaises(sandbox.SandboxError, Policy.builtin, 'nope')
        d = TempDir(self)
        path = d.file('p.policy', b'include default\nfork allow\n')
        p = Policy.load_file(path)
        self.assertEqual(p.evaluate('fork'), (sandbox.S_DISP_ALLOW, 0))
        self.assertEqual(Policy(path).evaluate('fork'),
                         (sandbox.S_DISP_ALLOW, 0))
        bad = d.file('bad.policy', b'include default\nfork maybe\n')
        with self.assertRaises(sandbox.SandboxError) as cm:
            Policy.load_file(bad)
        self.assertIn('bad.policy:2', str(cm.exception))
        p = Policy.parse('default allow\ngetppid kill\n')
        self.assertEqual(p.evaluate('getppid'), (sandbox.S_DISP_KILL, 0))
        p.add_text('getppid allow\n')
        self.assertEqual(p.evaluate('getppid'), (sandbox.S_DISP_ALLOW, 0))

    def test_module(self):
        mod = os.path.join(os.environ.get('PYBIND_BUILDDIR', ''), 'samples',
                           '.libs', 'module_readonly.so')
        if not os.path.exists(mod):
            self.skipTest('sample module not built')
        # a module that lets the program read files under one directory
        p = Policy.load_module(mod, '/etc:' + os.devnull)
        self.assertTrue(p.name.endswith('module_readonly.so'))
        s = Sandbox([PROG_STATIC, 'open', '/etc/hostname'], policy=p)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        s = Sandbox([PROG_STATIC, 'open', '/proc/self/status'], policy=p)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_AT)
        self.assertIn(s.probe()['exitcode'], REFUSED)
        self.assertEqual(Policy(mod + ':/etc:' + os.devnull).evaluate('fork')[0],
                         sandbox.S_DISP_KILL)
        self.assertRaises(sandbox.SandboxError, Policy.load_module, mod)
        self.assertRaises(sandbox.SandboxError, Policy.load_module,
                          '/nonexistent.so')

    def test_cannot_change_while_running(self):
        p = allow_all()
        p.add_rule('getppid', 'trace')
        errors = []

        def cb(e, a):
            try:
                p.add_rule('read', 'kill')
            except RuntimeError as exc:
                errors.append(exc)
            return a.cont()
        p.callback = cb
        s = Sandbox([PROG, 'getppid', '1'], policy=p)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        self.assertEqual(len(errors), 1)


if __name__ == '__main__':
    unittest.main()
