"""The classic interface: the kinds of checks pysandbox 0.3.5's own test
suite made (package, sandbox attributes, bad policies, piped streams,
profiling, quotas, restrictions, tracing, memory dumps), in our words,
plus the status machine, running twice, and sample2.py's patterns."""

import errno
import os
import pwd
import struct
import threading
import unittest

import sandbox
from sandbox import *  # noqa: F401,F403  (as a pysandbox user writes it)

from common import (LANDLOCK, PROG, PROG_STATIC, ROOT, TempDir, WhitelistPolicy,
                    allow_all, load_factor, require_tracing)


def devnull():
    return open(os.devnull, 'wb')


@require_tracing
class TestSandboxObject(unittest.TestCase):

    def test_attributes(self):
        task = (PROG, 'argv', 'Hello', 'World!')
        s = Sandbox(task)
        self.assertEqual(s.task, task)
        self.assertEqual(s.jail, '/')
        self.assertEqual(s.status, S_STATUS_RDY)
        self.assertEqual(s.result, S_RESULT_PD)
        self.assertIsInstance(s.policy, SandboxPolicy)
        self.assertIsNone(s.pid)
        self.assertEqual(s.owner, os.getuid())
        self.assertEqual(s.group, os.getgid())
        self.assertEqual(s.quota, (2 ** 64 - 1,) * 4)
        self.assertTrue(callable(s.run) and callable(s.probe))

    def test_command_line_forms(self):
        self.assertEqual(Sandbox(PROG).task, (PROG,))
        self.assertEqual(Sandbox([PROG, b'x']).task, (PROG, 'x'))
        self.assertRaises(ValueError, Sandbox, [])
        self.assertRaises(TypeError, Sandbox, 42)
        self.assertRaises(TypeError, Sandbox, [PROG, 3])
        self.assertRaises(ValueError, Sandbox, '/non/existence')
        self.assertRaises(ValueError, Sandbox, '/')           # a directory
        self.assertRaises(ValueError, Sandbox, '/etc/passwd')  # not a program

    def test_quota_forms(self):
        s = Sandbox(PROG, quota=dict(wallclock=30000, cpu=2000,
                                     memory=8388608, disk=1048576))
        self.assertEqual(s.quota, (30000, 2000, 8388608, 1048576))
        self.assertEqual(s.quota[S_QUOTA_CPU], 2000)
        s = Sandbox(PROG, quota=[1000, 500])
        self.assertEqual(s.quota[:2], (1000, 500))
        self.assertEqual(s.quota[2], 2 ** 64 - 1)
        self.assertRaises(ValueError, Sandbox, PROG, quota=dict(cpu=-1))
        self.assertRaises(ValueError, Sandbox, PROG, quota=dict(gpu=1))
        self.assertRaises(TypeError, Sandbox, PROG, quota=dict(cpu='1s'))

    def test_owner_group_checks(self):
        self.assertRaises(ValueError, Sandbox, PROG, owner='no-such-user-x')
        self.assertRaises(ValueError, Sandbox, PROG, group='no-such-group-x')
        self.assertRaises(TypeError, Sandbox, PROG, owner=1.5)
        if not ROOT:
            self.assertRaises(AssertionError, Sandbox, PROG, owner=0)
            self.assertRaises(AssertionError, Sandbox, PROG, jail='/tmp')

    def test_probe_before_run(self):
        self.assertRaises(AssertionError, Sandbox(PROG).probe)

    def test_non_policy(self):
        class NonPolicy:
            def __call__(self, e, a):
                return a
        self.assertRaises(TypeError, Sandbox, PROG, policy=NonPolicy())
        s = Sandbox(PROG)
        self.assertRaises(TypeError, setattr, s, 'policy', NonPolicy())
        self.assertRaises(AssertionError, delattr, s, 'policy')


@require_tracing
class TestRuns(unittest.TestCase):

    def test_hello(self):
        with devnull() as out:
            s = Sandbox([PROG, 'hello'], stdout=out)
            s.run()
        self.assertEqual(s.status, S_STATUS_FIN)
        self.assertEqual(s.result, S_RESULT_OK)
        d = s.probe(False)
        self.assertEqual(d['exitcode'], 0)
        self.assertGreaterEqual(d['cpu_info'][0], 0)
        self.assertGreater(d['mem_info'][1], 0)
        self.assertEqual(set(d), {'elapsed', 'cpu_info', 'mem_info',
                                  'signal_info', 'syscall_info', 'exitcode'})

    def test_probe_keys_and_units(self):
        s = Sandbox([PROG, 'malloc', '16'])
        s.run()
        raw = s.probe(False)
        d = s.probe()
        self.assertEqual(d, s.probe(True))
        for k in ('cpu', 'cpu.usr', 'cpu.sys', 'cpu.tsc', 'mem.vsize',
                  'mem.rss', 'mem.minflt', 'mem.majflt', 'signal', 'syscall'):
            self.assertIn(k, d)
        self.assertEqual(d['cpu'], raw['cpu_info'][0])
        self.assertEqual(d['cpu.usr'], raw['cpu_info'][1])
        self.assertEqual(d['mem.vsize'], raw['mem_info'][1])
        self.assertEqual(d['mem.rss'], raw['mem_info'][3])
        self.assertEqual(d['mem.minflt'], raw['mem_info'][4])
        st = s.stat()
        # units: ms and kB, from the library's microseconds and bytes
        self.assertEqual(d['cpu'], st['cpu_time_us'] // 1000)
        self.assertEqual(d['mem.vsize'], st['vm_peak'] // 1024)
        self.assertEqual(d['mem.rss'], st['rss_peak'] // 1024)
        self.assertEqual(raw['elapsed'], st['wall_time_us'] // 1000)
        self.assertGreater(d['mem.rss'], 16 * 1024)  # touched 16 MiB

    def test_piped_stdin_stdout(self):
        p_rd, p_wr = os.pipe()
        os.write(p_wr, b'Hello World!\n')
        os.close(p_wr)
        s_rd, s_wr = os.pipe()
        s = Sandbox([PROG, 'cat'], stdin=p_rd, stdout=s_wr)
        s.run()
        os.close(s_wr)
        os.close(p_rd)
        with os.fdopen(s_rd, 'rb') as f:
            self.assertEqual(f.read(), b'Hello World!\n')
        self.assertEqual(s.result, S_RESULT_OK)

    def test_a_plus_b(self):
        p_rd, p_wr = os.pipe()
        os.write(p_wr, b'1 2\n')
        os.close(p_wr)
        s_rd, s_wr = os.pipe()
        s = Sandbox([PROG, 'sum'], stdin=p_rd, stdout=s_wr)
        s.run()
        os.close(s_wr)
        os.close(p_rd)
        with os.fdopen(s_rd, 'rb') as f:
            self.assertEqual(f.read(), b'3\n')

    def test_exit_codes(self):
        s = Sandbox([PROG_STATIC, 'exit1'])
        s.policy = WhitelistPolicy()
        s.run()
        self.assertEqual((s.status, s.result), (S_STATUS_FIN, S_RESULT_AT))
        self.assertEqual(s.probe(False)['exitcode'], 1)
        s = Sandbox([PROG_STATIC, 'exit', '3'], policy=WhitelistPolicy())
        s.run()
        self.assertEqual(s.result, S_RESULT_AT)
        self.assertEqual(s.probe()['exitcode'], 3)

    def test_run_twice(self):
        s = Sandbox([PROG, 'exit', '0'])
        s.run()
        self.assertEqual(s.result, S_RESULT_OK)
        first = s.probe()
        s.run()
        self.assertEqual((s.status, s.result), (S_STATUS_FIN, S_RESULT_OK))
        self.assertEqual(s.probe()['exitcode'], first['exitcode'])
        # a new verdict each time, not the old one
        s = Sandbox([PROG_STATIC, 'exit', '0'], policy=WhitelistPolicy())
        s.run()
        self.assertEqual(s.result, S_RESULT_OK)
        s.policy = WhitelistPolicy(names=('brk',))
        s.run()
        self.assertEqual(s.result, S_RESULT_RF)

    def test_status_transitions(self):
        seen = []

        class Watch(SandboxPolicy):
            def __call__(self, e, a):
                seen.append((s.status, s.pid))
                return SandboxPolicy.__call__(self, e, a)
        p_rd, p_wr = os.pipe()
        s = Sandbox([PROG, 'cat'], stdin=p_rd, stdout=os.open(
            os.devnull, os.O_WRONLY))
        self.assertEqual(s.status, S_STATUS_RDY)
        s.policy = Watch()
        self.assertEqual(s.status, S_STATUS_RDY)
        t = threading.Thread(target=s.run)
        t.start()
        # handshake: the program blocks reading the pipe; the run is seen
        # executing (or stopped in its policy) from this thread
        statuses = set()
        for _ in range(200000):
            statuses.add(s.status)
            if seen:
                break
        os.close(p_wr)
        t.join()
        os.close(p_rd)
        self.assertLessEqual(statuses, {S_STATUS_RDY, S_STATUS_EXE,
                                        S_STATUS_BLK})
        self.assertTrue(seen)
        self.assertEqual({st for st, _ in seen}, {S_STATUS_BLK})
        self.assertTrue(all(pid and pid > 0 for _, pid in seen))
        self.assertEqual(s.status, S_STATUS_FIN)
        self.assertIsNone(s.pid)


@require_tracing
class TestBadPolicies(unittest.TestCase):

    def test_returns_none(self):
        class BadPolicy(SandboxPolicy):
            def __call__(self, e, a):
                return None
        s = Sandbox([PROG, 'hello'], policy=BadPolicy())
        s.run()
        self.assertEqual(s.result, S_RESULT_BP)
        self.assertIsInstance(s.policy_error, TypeError)

    def test_always_cont(self):
        # a policy that never ends the run: BP when the program is gone
        class InfPolicy(SandboxPolicy):
            def __call__(self, e, a):
                return a
        with devnull() as out:
            s = Sandbox([PROG, 'hello'], policy=InfPolicy(), stdout=out)
            s.run()
        self.assertEqual(s.result, S_RESULT_BP)
        self.assertIsInstance(s.policy_error, ValueError)

    def test_garbage_actions(self):
        for type_, data in ((99, 0), (S_ACTION_FINI, 0), (S_ACTION_FINI, 77),
                            (S_ACTION_KILL, 12345), (sandbox.S_ACTION_DENY, 0),
                            (sandbox.S_ACTION_DENY, 5000), (-1, 0)):
            class Garbage(SandboxPolicy):
                def __call__(self, e, a):
                    a.type, a.data = type_, data
                    return a
            with self.subTest(type=type_, data=data):
                s = Sandbox([PROG, 'hello'], policy=Garbage())
                s.run()
                self.assertEqual(s.result, S_RESULT_BP)
                self.assertIsInstance(s.policy_error, ValueError)

    def test_other_action_object(self):
        class Fresh(SandboxPolicy):
            def __call__(self, e, a):
                if e.type == S_EVENT_EXIT:
                    return SandboxAction(S_ACTION_FINI, S_RESULT_OK)
                return SandboxAction(S_ACTION_CONT)
        with devnull() as out:
            s = Sandbox([PROG, 'hello'], policy=Fresh(), stdout=out)
            s.run()
        self.assertEqual(s.result, S_RESULT_OK)


@require_tracing
class TestQuotas(unittest.TestCase):

    def test_cpu(self):
        s = Sandbox([PROG_STATIC, 'loop'], quota=dict(wallclock=60000, cpu=500))
        s.policy = WhitelistPolicy()
        s.run()
        self.assertEqual((s.status, s.result), (S_STATUS_FIN, S_RESULT_TL))
        # the program's CPU and its tracer's work for it
        cpu = (s.probe(False)['cpu_info'][0] +
               s.stat()['supervisor_cpu_us'] // 1000)
        self.assertGreaterEqual(cpu + 1, s.quota[S_QUOTA_CPU])
        self.assertLess(cpu - s.quota[S_QUOTA_CPU], 200 * load_factor())

    def test_wallclock_blocking_io(self):
        rd, wr = os.pipe()
        s = Sandbox([PROG, 'cat'], quota=dict(wallclock=300, cpu=2000),
                    stdin=rd)
        s.run()
        os.close(rd)
        os.close(wr)
        self.assertEqual(s.result, S_RESULT_TL)
        elapsed = s.probe(False)['elapsed']
        self.assertGreaterEqual(elapsed, 300)
        self.assertLess(elapsed - 300, 2000 * load_factor())

    def test_memory(self):
        with devnull() as err:
            s = Sandbox([PROG, 'malloc', '64'], stderr=err,
                        quota=dict(wallclock=60000, cpu=5000,
                                   memory=16 << 20))
            s.run()
        self.assertEqual(s.result, S_RESULT_ML)

    def test_disk_file(self):
        d = TempDir(self)
        out = d.file('out', mode=0o666)  # the program's uid may write it
        s = Sandbox([PROG, 'write', out], quota=dict(disk=5))
        s.policy = allow_all()
        s.run()
        self.assertEqual(s.result, S_RESULT_OL)
        with open(out, 'rb') as f:
            self.assertEqual(f.read(), b'Hello')

    def test_disk_redirected(self):
        d = TempDir(self)
        with open(d.file('out'), 'wb') as out:
            s = Sandbox([PROG, 'print', '100'], stdout=out,
                        quota=dict(disk=5))
            s.run()
        self.assertEqual(s.result, S_RESULT_OL)
        with open(out.name, 'rb') as f:
            self.assertEqual(f.read(), b'xxxxx')


@require_tracing
class TestRestrictions(unittest.TestCase):

    def test_fork_and_exec(self):
        for cmd in (['fork'], ['exec', PROG, 'hello']):
            with self.subTest(cmd=cmd[0]):
                s = Sandbox([PROG_STATIC] + cmd, policy=WhitelistPolicy())
                s.run()
                self.assertEqual(s.result, S_RESULT_RF)

    def test_exec_once(self):
        class ExecOnce(WhitelistPolicy):
            def __init__(self):
                super().__init__()
                self.left = 1
                self.allow('execve', self.execve)

            def execve(self, e, a):
                if e.type == S_EVENT_SYSCALL:
                    if self.left == 0:
                        return self.kill_rf(e, a)
                    self.left -= 1
                return self.cont(e, a)
        rd, wr = os.pipe()
        s = Sandbox([PROG_STATIC, 'exec', PROG_STATIC, 'hello'], stdout=wr,
                    policy=ExecOnce())
        s.run()
        os.close(wr)
        with os.fdopen(rd, 'rb') as f:
            self.assertEqual(f.read(), b'Hello World!\n')
        self.assertEqual(s.result, S_RESULT_OK)
        s = Sandbox([PROG_STATIC, 'exec', PROG_STATIC, 'exec', PROG_STATIC,
                     'hello'], policy=ExecOnce())
        s.run()
        self.assertEqual(s.result, S_RESULT_RF)
        self.assertEqual(s.probe(False)['syscall_info'],
                         (sandbox.syscall_number(0, 'execve'), 0))

    def test_i386_calls_are_their_own_abi(self):
        # i386 syscall 1 is exit, x86_64 syscall 1 is write
        s = Sandbox([PROG_STATIC, 'int80exit', '1'], policy=WhitelistPolicy())
        s.run()
        self.assertEqual(s.result, S_RESULT_RF)
        self.assertEqual(s.probe(False)['syscall_info'], (1, 1))
        p = WhitelistPolicy()
        p.table[(1, 1)] = p.cont
        s = Sandbox([PROG_STATIC, 'int80exit', '1'], policy=p)
        s.run()
        self.assertEqual(s.result, S_RESULT_AT)
        self.assertEqual(s.probe(False)['exitcode'], 1)
        # i386 fork (2) against x86_64 open (2)
        p = WhitelistPolicy()
        p.table[(2, 0)] = p.cont
        s = Sandbox([PROG_STATIC, 'int80fork'], policy=p)
        s.run()
        self.assertEqual(s.result, S_RESULT_RF)
        self.assertEqual(s.probe(False)['syscall_info'], (2, 1))

    def test_kill_parent(self):
        class SelfKillOnly(WhitelistPolicy):
            def __init__(self, sbox):
                super().__init__(sbox=sbox)
                for n in ('getppid', 'getpid', 'gettid'):
                    self.allow(n)
                for n in ('kill', 'tkill', 'tgkill'):
                    self.allow(n, self.kill)

            def kill(self, e, a):
                if e.type == S_EVENT_SYSCALL and e.ext1 != self.sbox.pid:
                    return self.kill_rf(e, a)
                return self.cont(e, a)
        s = Sandbox([PROG_STATIC, 'killppid'])
        s.policy = SelfKillOnly(s)
        s.run()
        self.assertEqual(s.result, S_RESULT_RF)
        self.assertEqual(s.probe(False)['syscall_info'][0],
                         sandbox.syscall_number(0, 'kill'))

    @unittest.skipUnless(ROOT, 'needs root (setuid to nobody)')
    def test_owner_group(self):
        d = TempDir(self)
        os.chmod(d.path, 0o755)
        secret = d.file('secret', b'Magic World!', 0o600)
        nobody = pwd.getpwnam('nobody')
        s = Sandbox([PROG, 'write', secret], owner=nobody.pw_uid,
                    group=nobody.pw_gid)
        s.policy = allow_all()
        self.assertEqual((s.owner, s.group), (nobody.pw_uid, nobody.pw_gid))
        s.run()
        self.assertEqual(s.result, S_RESULT_AT)
        self.assertEqual(s.probe(False)['exitcode'], errno.EACCES)
        with open(secret, 'rb') as f:
            self.assertEqual(f.read(), b'Magic World!')

    @unittest.skipUnless(ROOT and LANDLOCK, 'needs root (chroot) and Landlock '
                         '(a chroot of its own and a policy\'s file rules)')
    def test_jail(self):
        d = TempDir(self)
        os.chmod(d.path, 0o755)
        with open(PROG_STATIC, 'rb') as f:
            d.file('prog', f.read(), 0o755)
        s = Sandbox(['/prog', 'open', '/prog'], jail=d.path)
        self.assertEqual(s.jail, d.path)
        s.run()
        self.assertEqual(s.result, S_RESULT_OK)
        s = Sandbox(['/prog', 'open', PROG], jail=d.path)
        s.run()
        self.assertEqual(s.result, S_RESULT_AT)
        self.assertEqual(s.probe(False)['exitcode'], errno.ENOENT)


class SelectiveOpen(WhitelistPolicy):
    """pysandbox's SelectiveOpenPolicy: open only what the ACL lists,
    reading the path with dump(); remember the descriptors it returned."""

    def __init__(self, sbox, acl):
        super().__init__(sbox=sbox)
        self.acl = set(acl)
        self.fds = {0, 1, 2}
        self.allow('open', self.open)
        self.allow('close', self.close)

    def open(self, e, a):
        if e.type == S_EVENT_SYSCALL:
            path = self.sbox.dump(T_STRING, e.ext1)
            if path is None:
                return self.kill_rt(e, a)
            if (path, e.ext2) not in self.acl:
                return self.kill_rf(e, a)
        elif e.ext1 >= 0:
            self.fds.add(e.ext1)
        return self.cont(e, a)

    def close(self, e, a):
        if e.type == S_EVENT_SYSCALL:
            if e.ext1 not in self.fds:
                return self.kill_rf(e, a)
            self.fds.discard(e.ext1)
        return self.cont(e, a)


@require_tracing
class TestDump(unittest.TestCase):

    def run_open(self, what, acl=()):
        s = Sandbox([PROG_STATIC, 'open', what])
        s.policy = SelectiveOpen(s, acl)
        s.run()
        return s

    def test_open_allowed(self):
        s = self.run_open('/dev/zero', [(b'/dev/zero', os.O_RDONLY)])
        self.assertEqual(s.result, S_RESULT_OK)
        self.assertIn(3, s.policy.fds)  # the SYSRET gave the descriptor

    def test_open_refused(self):
        s = self.run_open('/dev/zero')
        self.assertEqual(s.result, S_RESULT_RF)

    def test_bad_addresses(self):
        for what in ('null', 'bogus'):
            with self.subTest(what=what):
                s = self.run_open(what)
                self.assertEqual(s.result, S_RESULT_RT)
                self.assertEqual(s.probe(False)['syscall_info'],
                                 (sandbox.syscall_number(0, 'open'), 0))

    def test_types(self):
        marker = b'ABCDEFGH\xff\x80'
        got = {}

        class Peek(WhitelistPolicy):
            def __init__(self, sbox):
                super().__init__(sbox=sbox)
                self.allow('open', self.open)

            def open(self, e, a):
                if e.type == S_EVENT_SYSCALL:
                    for name in ('T_CHAR', 'T_BYTE', 'T_UBYTE', 'T_SHORT',
                                 'T_USHORT', 'T_INT', 'T_UINT', 'T_LONG',
                                 'T_ULONG', 'T_FLOAT', 'T_DOUBLE',
                                 'T_STRING'):
                        got[name] = s.dump(getattr(sandbox, name), e.ext1)
                    got['last'] = s.dump(T_UBYTE, e.ext1 + 8)
                    got['signed'] = s.dump(T_CHAR, e.ext1 + 8)
                    self.assertRaisesIn(lambda: s.dump(6, e.ext1), TypeError)
                    self.assertRaisesIn(lambda: s.dump(99, e.ext1), TypeError)
                return self.kill_rf(e, a)

            def assertRaisesIn(self, fn, exc):
                try:
                    fn()
                except exc:
                    got.setdefault('raised', []).append(exc)
        s = Sandbox([PROG_STATIC, 'open', marker])
        s.policy = Peek(s)
        s.run()
        self.assertEqual(got['T_STRING'], marker)
        self.assertEqual(got['T_CHAR'], ord('A'))
        self.assertEqual(got['T_BYTE'], ord('A'))
        self.assertEqual(got['T_UBYTE'], ord('A'))
        self.assertEqual(got['T_SHORT'], struct.unpack('<h', b'AB')[0])
        self.assertEqual(got['T_USHORT'], struct.unpack('<H', b'AB')[0])
        self.assertEqual(got['T_INT'], struct.unpack('<i', b'ABCD')[0])
        self.assertEqual(got['T_UINT'], struct.unpack('<I', b'ABCD')[0])
        self.assertEqual(got['T_LONG'], struct.unpack('<q', marker[:8])[0])
        self.assertEqual(got['T_ULONG'], struct.unpack('<Q', marker[:8])[0])
        self.assertEqual(got['T_FLOAT'], struct.unpack('<f', b'ABCD')[0])
        self.assertEqual(got['T_DOUBLE'], struct.unpack('<d', marker[:8])[0])
        self.assertEqual(got['last'], 0xff)
        self.assertEqual(got['signed'], -1)
        self.assertEqual(got['raised'], [TypeError, TypeError])

    def test_dump_outside_a_callback(self):
        s = Sandbox([PROG, 'hello'])
        self.assertRaises(AssertionError, s.dump, T_INT, 0)
        with devnull() as out:
            s = Sandbox([PROG, 'hello'], stdout=out)
            s.run()
        self.assertRaises(AssertionError, s.dump, T_STRING, 0x1000)


# sample2.py's pattern: one class that is both the policy and the sandbox,
# and a probe() that adds its own keys.
class MiniSandbox(SandboxPolicy, Sandbox):
    sc_safe = WhitelistPolicy().table
    result_name = dict((getattr(Sandbox, 'S_RESULT_%s' % r), r) for r in
                       ('PD', 'OK', 'RF', 'RT', 'TL', 'ML', 'OL', 'AT', 'IE',
                        'BP'))

    def __init__(self, *args, **kwds):
        self.sc_table = dict((k, self._CONT) for k in self.sc_safe)
        SandboxPolicy.__init__(self)
        Sandbox.__init__(self, *args, **kwds)
        self.policy = self

    def probe(self):
        d = Sandbox.probe(self, False)
        d['cpu'] = d['cpu_info'][0]
        d['mem'] = d['mem_info'][1]
        d['result'] = MiniSandbox.result_name.get(self.result, 'NA')
        return d

    def __call__(self, e, a):
        if e.type in (S_EVENT_SYSCALL, S_EVENT_SYSRET):
            return self.sc_table.get((e.data, e.ext0), self._KILL_RF)(e, a)
        return SandboxPolicy.__call__(self, e, a)

    def _CONT(self, e, a):
        a.type = S_ACTION_CONT
        return a

    def _KILL_RF(self, e, a):
        a.type, a.data = S_ACTION_KILL, S_RESULT_RF
        return a


@require_tracing
class TestSample2Pattern(unittest.TestCase):

    def test_policy_and_sandbox_in_one(self):
        cookbook = {'args': [PROG_STATIC, 'sum'], 'stdin': None,
                    'stdout': None, 'stderr': None,
                    'quota': dict(wallclock=30000, cpu=2000, memory=8388608,
                                  disk=1048576)}
        rd, wr = os.pipe()
        os.write(wr, b'20 22\n')
        os.close(wr)
        out_rd, out_wr = os.pipe()
        cookbook['stdin'], cookbook['stdout'] = rd, out_wr
        msb = MiniSandbox(**cookbook)
        self.assertIs(msb.policy, msb)
        msb.run()
        os.close(out_wr)
        os.close(rd)
        with os.fdopen(out_rd, 'rb') as f:
            self.assertEqual(f.read(), b'42\n')
        d = msb.probe()
        self.assertEqual(d['result'], 'OK')
        self.assertEqual(d['cpu'], d['cpu_info'][0])
        self.assertGreater(d['mem'], 0)
        line = 'result: %(result)s\ncpu: %(cpu)dms\nmem: %(mem)dkB\n' % d
        self.assertTrue(line.startswith('result: OK\n'))

    def test_restricted(self):
        msb = MiniSandbox([PROG_STATIC, 'fork'])
        msb.run()
        self.assertEqual(msb.probe()['result'], 'RF')

    def test_collected(self):
        import gc
        import weakref
        msb = MiniSandbox([PROG_STATIC, 'exit', '0'])
        msb.run()
        ref = weakref.ref(msb)
        del msb
        gc.collect()
        self.assertIsNone(ref())


if __name__ == '__main__':
    unittest.main()
