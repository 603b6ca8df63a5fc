"""Signals: fatal ones are RT with the signal reported, handled ones are
handled, signals sent from the host (a thread of the policy, as
pysandbox's KillerPolicy did) end the run, SIGXFSZ over the disk quota
is OL, and a policy sees each signal before delivery."""

import os
import signal
import threading
import unittest

import sandbox
from sandbox import Sandbox, SandboxPolicy

from common import PROG, PROG_STATIC, WhitelistPolicy, require_tracing


class Killer(WhitelistPolicy):
    """Starts a thread that sends a signal to the program at its first
    event (the program's pid is known from then on)."""

    def __init__(self, sbox, signo):
        super().__init__(sbox=sbox)
        self.signo = signo
        self.job = None

    def __call__(self, e, a):
        if self.job is None:
            self.job = threading.Thread(target=os.kill,
                                        args=(self.sbox.pid, self.signo))
            self.job.start()
        return super().__call__(e, a)


@require_tracing
class TestSignals(unittest.TestCase):

    def check_rt(self, cmd, sig, policy=None):
        with open(os.devnull, 'wb') as null:
            s = Sandbox([PROG_STATIC, cmd], stderr=null)
            if policy:
                s.policy = policy
            s.run()
        self.assertEqual((s.status, s.result),
                         (sandbox.S_STATUS_FIN, sandbox.S_RESULT_RT))
        d = s.probe(False)
        self.assertEqual(d['signal_info'][0], sig)
        self.assertEqual(s.probe()['signal'], sig)
        return s

    def test_fatal_signals(self):
        for cmd, sig in (('segv', signal.SIGSEGV), ('fpe', signal.SIGFPE)):
            with self.subTest(cmd=cmd):
                self.check_rt(cmd, sig)
                self.check_rt(cmd, sig, WhitelistPolicy())

    def test_abort(self):
        p = WhitelistPolicy()
        for n in ('rt_sigprocmask', 'rt_sigaction', 'getpid', 'gettid',
                  'tgkill'):
            p.allow(n)
        s = self.check_rt('abort', signal.SIGABRT, p)
        # the last syscall seen, as pysandbox's syscall_info
        self.assertEqual(s.probe(False)['syscall_info'],
                         (sandbox.syscall_number(0, 'tgkill'), 0))
        # the same program where raising a signal is not allowed
        s = Sandbox([PROG_STATIC, 'abort'], policy=WhitelistPolicy())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_RF)
        self.assertEqual(s.probe(False)['syscall_info'][0],
                         sandbox.syscall_number(0, 'rt_sigprocmask'))

    def test_signal_codes(self):
        # 0.3.5: the SIGNAL event's ext1 and probe()'s signal_info[1] are
        # the signal's si_code (SEGV_MAPERR 1, FPE_INTDIV 1, SI_TKILL -6)
        seen = []

        class Watch(WhitelistPolicy):
            def __call__(self, e, a):
                if e.type == sandbox.S_EVENT_SIGNAL:
                    seen.append((e.data, e.ext1, e.sig_code))
                return super().__call__(e, a)
        for cmd, sig, code in (('segv', signal.SIGSEGV, 1),
                               ('fpe', signal.SIGFPE, 1)):
            with self.subTest(cmd=cmd):
                s = self.check_rt(cmd, sig)
                self.assertEqual(s.probe(False)['signal_info'], (sig, code))
                s = self.check_rt(cmd, sig, Watch())
                self.assertEqual(s.probe(False)['signal_info'], (sig, code))
                self.assertEqual(seen.pop(), (sig, code, code))
        # a handled signal: the last one the policy saw, with its code
        p = Watch()
        for n in ('rt_sigprocmask', 'rt_sigaction', 'getpid', 'gettid',
                  'tgkill', 'rt_sigreturn'):
            p.allow(n)
        s = Sandbox([PROG_STATIC, 'catch'], policy=p)
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        self.assertEqual(seen, [(signal.SIGUSR1, -6, -6)])
        self.assertEqual(s.probe()['signal_info'], (signal.SIGUSR1, -6))
        # nothing signalled: (0, 0), as 0.3.5 gave
        s = Sandbox([PROG_STATIC, 'exit', '0'])
        s.run()
        self.assertEqual(s.probe()['signal_info'], (0, 0))

    def test_handled_signal(self):
        seen = []

        class Watch(SandboxPolicy):
            def __call__(self, e, a):
                if e.type == sandbox.S_EVENT_SIGNAL:
                    seen.append((e.signal, e.data))
                return a.cont()

            # the exit: OK, as the base class decides
        s = Sandbox([PROG, 'catch'], policy=Watch())
        s.run()
        # a classic policy answering CONT to the exit is BP ...
        self.assertEqual(s.result, sandbox.S_RESULT_BP)
        self.assertEqual(seen, [(signal.SIGUSR1, signal.SIGUSR1)])
        # ... while the default policy lets the handler run
        s = Sandbox([PROG, 'catch'])
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)

    def test_policy_kills_at_a_signal(self):
        class NoSignals(SandboxPolicy):
            def __call__(self, e, a):
                if e.type == sandbox.S_EVENT_SIGNAL:
                    return a.kill()
                return super().__call__(e, a)
        s = Sandbox([PROG, 'catch'], policy=NoSignals())
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_RT)

    def test_signals_from_outside(self):
        for sig in (signal.SIGTERM, signal.SIGKILL, signal.SIGTRAP):
            with self.subTest(sig=sig):
                s = Sandbox([PROG_STATIC, 'loop'], quota=dict(wallclock=60000))
                s.policy = Killer(s, sig)
                s.run()
                s.policy.job.join()
                self.assertEqual(s.result, sandbox.S_RESULT_RT)
                info = s.probe(False)['signal_info']
                self.assertEqual(info[0], sig)
                # the code of a signal the tracer delivered (SI_USER from
                # os.kill); SIGKILL it never sees: unknown
                self.assertEqual(info[1], None if sig == signal.SIGKILL
                                 else 0)

    def test_killed_while_blocked_reading(self):
        rd, wr = os.pipe()
        s = Sandbox([PROG_STATIC, 'sum'], stdin=rd)
        s.policy = Killer(s, signal.SIGKILL)
        s.run()
        s.policy.job.join()
        os.close(rd)
        os.close(wr)
        self.assertEqual(s.result, sandbox.S_RESULT_RT)
        self.assertEqual(s.probe(False)['signal_info'][0], signal.SIGKILL)

    def test_sigxfsz_over_the_disk_quota(self):
        with open(os.devnull, 'wb') as null:
            s = Sandbox([PROG, 'print', '100'], quota=dict(disk=10),
                        stdout=null)
            s.run()
        # /dev/null is not a file: no limit applies, the program is fine
        self.assertEqual(s.result, sandbox.S_RESULT_OK)
        import tempfile
        with tempfile.TemporaryFile() as f:
            s = Sandbox([PROG, 'print', '100'], quota=dict(disk=10),
                        stdout=f)
            s.run()
            self.assertEqual(s.result, sandbox.S_RESULT_OL)
            f.seek(0)
            self.assertEqual(f.read(), b'x' * 10)


if __name__ == '__main__':
    unittest.main()
