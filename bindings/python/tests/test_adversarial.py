"""Policies that misbehave: raise, return garbage, run sandboxes from
inside a callback, keep events after their callback, dump huge strings and
bad addresses, touch the sandbox from other threads. Never a crash: BP
with the reason kept, or an exception where one belongs."""

import errno
import gc
import os
import threading
import unittest

import sandbox
from sandbox import Sandbox, SandboxAction, SandboxPolicy

from common import PROG, PROG_STATIC, WhitelistPolicy, require_tracing


def null():
    return open(os.devnull, 'wb')


class OnOpen(WhitelistPolicy):
    """Calls fn(self, e, a) at the entry of open(); fn answers."""

    def __init__(self, sbox, fn):
        super().__init__(sbox=sbox)
        self.fn = fn
        self.allow('open', self.on_open)

    def on_open(self, e, a):
        if e.type == sandbox.S_EVENT_SYSCALL:
            return self.fn(self, e, a)
        return a.cont()


def run_open(fn, arg='/etc/hostname'):
    s = Sandbox([PROG_STATIC, 'open', arg])
    s.policy = OnOpen(s, fn)
    s.run()
    return s


@require_tracing
class TestRaising(unittest.TestCase):

    def test_exceptions_are_bp(self):
        for exc in (ValueError('v'), MemoryError(), RecursionError(),
                    sandbox.SandboxError(1, 'x'), StopIteration()):
            def boom(p, e, a, exc=exc):
                raise exc
            with self.subTest(exc=type(exc).__name__):
                s = run_open(boom)
                self.assertEqual(s.result, sandbox.S_RESULT_BP)
                self.assertIs(s.policy_error, exc)
                self.assertIn(type(exc).__name__, s.policy_traceback)
                self.assertIn('boom', s.policy_traceback)

    def test_deep_recursion(self):
        def rec(p, e, a):
            return rec(p, e, a)
        s = run_open(rec)
        self.assertEqual(s.result, sandbox.S_RESULT_BP)
        self.assertIsInstance(s.policy_error, RecursionError)

    def test_system_exit_propagates_after_the_run(self):
        def leave(p, e, a):
            raise SystemExit(7)
        s = Sandbox([PROG_STATIC, 'open', '/etc/hostname'])
        s.policy = OnOpen(s, leave)
        with self.assertRaises(SystemExit) as cm:
            s.run()
        self.assertEqual(cm.exception.code, 7)
        self.assertEqual(s.status, sandbox.S_STATUS_FIN)
        self.assertNotEqual(s.result, sandbox.S_RESULT_OK)

    def test_call_not_callable(self):
        class P(SandboxPolicy):
            __call__ = 5
        s = Sandbox([PROG, 'hello'], policy=P())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_BP)
        self.assertIsInstance(s.policy_error, TypeError)


@require_tracing
class TestGarbage(unittest.TestCase):

    def test_garbage_answers(self):
        for value in (None, 0, 'cont', [], SandboxAction, sandbox.SandboxEvent(
                sandbox.S_EVENT_EXIT)):
            with self.subTest(value=repr(value)):
                s = run_open(lambda p, e, a, v=value: v)
                self.assertEqual(s.result, sandbox.S_RESULT_BP)
                self.assertIsInstance(s.policy_error, TypeError)

    def test_deny_at_a_return(self):
        class P(SandboxPolicy):
            def __call__(self, e, a):
                if e.type == sandbox.S_EVENT_SYSRET:
                    return a.deny(errno.EPERM)
                return super().__call__(e, a)
        s = Sandbox([PROG_STATIC, 'hello'], policy=P())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_BP)
        self.assertIn('syscall entry', str(s.policy_error))

    def test_backtrace_flag(self):
        def mark(p, e, a):
            a.type = sandbox.S_ACTION_CONT | sandbox.S_ACTION_FLAG_BACKTRACE
            return a
        s = run_open(mark)
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        self.assertEqual(s.backtrace_info()['reason'], sandbox.S_BT_MARKED)
        self.assertTrue(s.backtrace())


@require_tracing
class TestReentrancy(unittest.TestCase):

    def test_run_itself(self):
        def again(p, e, a):
            p.sbox.run()
            return a.cont()
        s = run_open(again)
        self.assertEqual(s.result, sandbox.S_RESULT_BP)
        self.assertIsInstance(s.policy_error, AssertionError)

    def test_change_itself(self):
        def swap(p, e, a):
            p.sbox.policy = SandboxPolicy()
            return a.cont()
        s = run_open(swap)
        self.assertEqual(s.result, sandbox.S_RESULT_BP)
        self.assertIsInstance(s.policy_error, AssertionError)
        for call in (lambda sb: sb.set_env(['A=1']),
                     lambda sb: sb.set_quota(0, 1),
                     lambda sb: sb.stat()):
            def touch(p, e, a, call=call):
                call(p.sbox)
                return a.cont()
            s = run_open(touch)
            self.assertEqual(s.result, sandbox.S_RESULT_BP)
            self.assertIsInstance(s.policy_error, AssertionError)

    def test_nested_sandbox(self):
        inner = []

        def nest(p, e, a):
            r = sandbox.run([PROG, 'sum'], stdin=b'40 2\n',
                            stdout=sandbox.PIPE)
            inner.append(r)
            return a.cont()
        s = run_open(nest)
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        self.assertEqual(inner[0].stdout, b'42\n')

    def test_probe_and_status_inside(self):
        got = []

        def look(p, e, a):
            got.append((p.sbox.probe(), p.sbox.status, p.sbox.result,
                        p.sbox.running))
            gc.collect()
            return a.cont()
        s = run_open(look)
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        d, status, result, running = got[0]
        self.assertEqual((status, result, running),
                         (sandbox.S_STATUS_BLK, sandbox.S_RESULT_PD, True))
        self.assertEqual(d['cpu'], -1)


@require_tracing
class TestKeptObjects(unittest.TestCase):

    def test_events_kept_after_the_callback(self):
        kept = []

        class Keep(SandboxPolicy):
            def __call__(self, e, a):
                kept.append((e, a))
                return super().__call__(e, a)
        with null() as out:
            s = Sandbox([PROG, 'hello'], policy=Keep(), stdout=out)
            s.run()
            s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        events = [e for e, _ in kept]
        self.assertEqual(len(set(map(id, events))), len(events))
        names = [e.name for e in events if e.type == sandbox.S_EVENT_SYSCALL]
        self.assertIn('write', names)
        for e in events:
            repr(e)
            e.format()
            e.format(json=True)
        w = [e for e in events if e.name == 'write'][0]
        self.assertIn('write(1', w.format())
        del s
        gc.collect()
        for e in events:  # the sandbox is gone
            e.format()
            if e.type != sandbox.S_EVENT_EXIT:
                self.assertGreater(e.pid, 0)

    def test_dump_from_another_thread(self):
        errors = []

        def other(p, e, a):
            t = threading.Thread(target=lambda: errors.append(
                _raises(lambda: p.sbox.dump(sandbox.T_STRING, e.ext1))))
            t.start()
            t.join()
            return a.cont()
        s = run_open(other)
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        self.assertEqual(errors, [AssertionError])


def _raises(fn):
    try:
        fn()
    except Exception as exc:
        return type(exc)
    return None


@require_tracing
class TestMemoryReads(unittest.TestCase):

    def test_huge_string(self):
        got = {}

        def big(p, e, a):
            sb = p.sbox
            got['dump'] = sb.dump(sandbox.T_STRING, e.ext1)
            got['read_string'] = _raises(lambda: sb.read_string(e.ext1))
            got['max'] = _raises(lambda: sb.read_string(e.ext1, 1 << 30))
            got['mem'] = len(sb.read_memory(e.ext1, 4 << 20))
            got['toolarge'] = _raises(lambda: sb.read_memory(e.ext1, 1 << 30))
            return a.kill()
        s = run_open(big, 'big')
        s = Sandbox([PROG_STATIC, 'openbig'])
        s.policy = OnOpen(s, big)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_RF)
        self.assertIsNone(got['dump'])
        self.assertIs(got['read_string'], sandbox.SandboxError)
        self.assertIs(got['max'], ValueError)
        self.assertEqual(got['mem'], (4 << 20) - 4096)  # up to the guard
        self.assertIs(got['toolarge'], ValueError)

    def test_bad_addresses(self):
        got = []

        def bad(p, e, a):
            for addr in (0, 1, 2 ** 64 - 1, 0xffffffffff600000, 2 ** 47):
                for t in (sandbox.T_STRING, sandbox.T_LONG, sandbox.T_CHAR):
                    got.append(p.sbox.dump(t, addr))
                got.append(_raises(lambda: p.sbox.read_memory(addr, 8)))
            got.append(_raises(lambda: p.sbox.dump(sandbox.T_INT, -1)))
            got.append(_raises(lambda: p.sbox.dump(sandbox.T_INT, 2 ** 70)))
            return a.cont()
        s = run_open(bad)
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        dumps = [g for g in got if not isinstance(g, type)]
        self.assertEqual(dumps, [None] * len(dumps))
        self.assertEqual(got[-2:], [OverflowError, OverflowError])


if __name__ == '__main__':
    unittest.main()
