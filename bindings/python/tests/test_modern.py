"""The modern interface: sandbox.run() and Box, their settings (quotas,
streams, policies, process, isolation, diagnostics) and the Result."""

import errno
import json
import os
import signal
import tempfile
import threading
import time
import unittest

import sandbox

from common import (PROG, PROG_STATIC, ROOT, TempDir, WhitelistPolicy,
                    SANITIZED, allow_all, host, require_tracing, rss_kb,
                    threads)


def _read_all(fd):
    chunks = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            return b''.join(chunks)
        chunks.append(b)


class TestParsing(unittest.TestCase):

    def test_time(self):
        t = sandbox.parse_time
        self.assertEqual(t(1), 1000)
        self.assertEqual(t(1.5), 1500)
        self.assertEqual(t(0.001), 1)
        self.assertEqual(t('1500ms'), 1500)
        self.assertEqual(t('2s'), 2000)
        self.assertEqual(t('1m'), 60000)
        self.assertEqual(t('0.5'), 500)
        self.assertIsNone(t(None))
        for bad in ('abc', '1.5.5', '1x', 0, -1, 0.0001, '0'):
            self.assertRaises(ValueError, t, bad)
        self.assertRaises(TypeError, t, [])

    def test_size(self):
        s = sandbox.parse_size
        self.assertEqual(s('256M'), 256 << 20)
        self.assertEqual(s('1K'), 1024)
        self.assertEqual(s('1.5KiB'), 1536)
        self.assertEqual(s('64m'), 64 << 20)
        self.assertEqual(s(12345), 12345)
        self.assertEqual(s('100'), 100)
        self.assertIsNone(s('unlimited'))
        for bad in ('1Q', '-1', 'M', '0.3'):
            self.assertRaises(ValueError, s, bad)
        self.assertRaises(ValueError, s, -5)


@require_tracing
class TestRun(unittest.TestCase):

    def test_ok_and_report_fields(self):
        r = sandbox.run([PROG, 'sum'], cpu=1.0, wall=3.0, memory='256M',
                        output='1M', stdin=b'1 2\n', stdout=sandbox.PIPE)
        self.assertTrue(r.ok)
        self.assertEqual((r.result, r.verdict, r.exit_code),
                         ('OK', sandbox.S_RESULT_OK, 0))
        self.assertEqual(r.stdout, b'3\n')
        self.assertEqual(r.quota, {'cpu_ms': 1000, 'wall_ms': 3000,
                                   'memory_bytes': 256 << 20,
                                   'output_bytes': 1 << 20,
                                   'stack_bytes': None, 'tasks': None,
                                   'memory_mode': 'vsize'})
        self.assertEqual(r.command, [PROG, 'sum'])
        self.assertEqual(r.policy, 'default')
        self.assertEqual(r.mode, 'fast')
        self.assertIsNone(r.signal)
        self.assertIsNone(r.limit)      # not a TL
        self.assertIsNone(r.syscall)    # not an RF
        self.assertEqual(r.report_version, 2)
        self.assertGreaterEqual(r.csw_voluntary, 0)
        self.assertGreater(r.memory_peak_bytes, 0)
        self.assertGreaterEqual(r.cpu_time_us, 0)
        self.assertEqual(r.binary['machine'], 'x86_64')
        d = r.to_dict()
        self.assertEqual(json.loads(r.to_json()), d)
        self.assertIsNone(d['limit'])
        with self.assertRaises(AttributeError):
            r.no_such_field

    def test_verdicts(self):
        cases = [
            (dict(argv=[PROG, 'loop'], cpu=0.2), 'TL', 'cpu'),
            (dict(argv=[PROG, 'sleep', '60000'], wall='200ms'), 'TL', 'wall'),
            (dict(argv=[PROG, 'malloc', '64'], memory='16M'), 'ML', None),
            (dict(argv=[PROG, 'segv']), 'RT', None),
            (dict(argv=[PROG, 'exit', '3']), 'AT', None),
            (dict(argv=[PROG, 'fork']), 'RF', None),
        ]
        for kw, verdict, limit in cases:
            with self.subTest(argv=kw['argv'][1]):
                argv = kw.pop('argv')
                r = sandbox.run(argv, **kw)
                self.assertEqual(r.result, verdict)
                if verdict == 'TL':
                    self.assertEqual(r.limit, limit)
        r = sandbox.run([PROG, 'segv'])
        self.assertEqual((r.signal, r.signal_name), (11, 'SIGSEGV'))
        self.assertEqual((r.signal_code, r.signal_code_name),
                         (1, 'SEGV_MAPERR'))
        self.assertIsNone(r.exit_code)
        r = sandbox.run([PROG, 'fork'])
        self.assertEqual(r.syscall['name'], 'clone')
        self.assertEqual(r.syscall['abi'], 'x86_64')

    def test_output_limit_on_a_pipe(self):
        rd, wr = os.pipe()
        try:
            r = sandbox.run([PROG, 'print', '100000'], output='1K', stdout=wr)
        finally:
            os.close(wr)
        with os.fdopen(rd, 'rb') as f:
            got = f.read()
        self.assertEqual(r.result, 'OL')
        self.assertLessEqual(len(got), 1024)
        r = sandbox.run([PROG, 'print', '100000'], output='1K',
                        stdout=sandbox.PIPE)
        self.assertEqual(r.result, 'OL')
        self.assertEqual(len(r.stdout), 1024)

    def _with_fd(self, fd, replacement, fn):
        """fn() with our own descriptor fd pointing at replacement."""
        saved = os.dup(fd)
        try:
            os.dup2(replacement, fd)
            return fn()
        finally:
            os.dup2(saved, fd)
            os.close(saved)

    def test_output_limit_on_stderr_pipes(self):
        # stderr given as a pipe, or inherited as one: under an output
        # quota the library captures it (review-box2 C14: 10 MB went
        # through an inherited stderr under output='1M', OK)
        for inherited in (False, True):
            rd, wr = os.pipe()
            got = []
            t = threading.Thread(
                target=lambda: got.append(len(os.fdopen(rd, 'rb').read())),
                daemon=True)
            t.start()
            try:
                run = lambda: sandbox.run(
                    [PROG, 'eprint', str(1 << 20)], output='1K',
                    stdout=sandbox.DEVNULL,
                    **({} if inherited else {'stderr': wr}))
                r = self._with_fd(2, wr, run) if inherited else run()
            finally:
                os.close(wr)
            t.join(60)
            self.assertEqual(r.result, 'OL', inherited)
            self.assertEqual(got, [1024], inherited)

    def test_inherited_log_stays_the_judges(self):
        # stderr left out while ours is the judge's log (`2>> judge.log`):
        # the program gets a copy of what it writes there, never the log's
        # own open file -- it cannot truncate it (review-box2 C12)
        d = TempDir(self)
        log = d.file('judge.log', b'the judge\'s line\n')
        self.addCleanup(sandbox.run_cache, sandbox.run_cache(0))
        sandbox.run_cache(4)  # room for the idle sandbox below
        for output in (None, '1M'):
            # first with our stderr a pipe: run() keeps that sandbox idle
            # and reuses it for the same settings -- with the log
            rd, wr = os.pipe()
            self._with_fd(2, wr, lambda: sandbox.run(
                [PROG, 'wipe', '2'], stdout=sandbox.DEVNULL, output=output))
            os.close(wr)
            os.close(rd)
            with open(log, 'ab') as f:
                r = self._with_fd(2, f.fileno(), lambda: sandbox.run(
                    [PROG, 'wipe', '2'], stdout=sandbox.DEVNULL,
                    output=output))
            self.assertEqual(r.result, 'AT', output)  # ftruncate failed
        with open(log, 'rb') as f:
            self.assertEqual(f.read(), b'the judge\'s line\nafter\nafter\n')

    def test_stdout_and_stderr_on_one_file_keep_their_order(self):
        # The judge's `> log 2>&1` (inherited: captured as a file, quota
        # or not), the same under an output quota into a pipe (`2>&1 |
        # reader`), and one file object given for both that already holds
        # bytes (captured under the quota): one open file description,
        # one capture, so the lines stay in the order written (verify23
        # V6: they came in blocks of 'out' and 'err')
        n = 3000
        want = b''.join(b'out %d\nerr %d\n' % (i, i) for i in range(n))
        d = TempDir(self)
        log = d.file('both.log', b'')
        for output in (None, '1M'):
            with open(log, 'wb') as f:
                def both():
                    return self._with_fd(2, f.fileno(), lambda: sandbox.run(
                        [PROG, 'alt', str(n)], output=output))
                r = self._with_fd(1, f.fileno(), both)
            self.assertTrue(r.ok, (output, r.result))
            with open(log, 'rb') as f:
                self.assertEqual(f.read(), want, output)
        rd, wr = os.pipe()
        got = []
        t = threading.Thread(target=lambda: got.append(_read_all(rd)))
        t.start()
        try:
            def both():
                return self._with_fd(2, wr, lambda: sandbox.run(
                    [PROG, 'alt', str(n)], output='1M'))
            r = self._with_fd(1, wr, both)
        finally:
            os.close(wr)
        t.join(60)
        os.close(rd)
        self.assertTrue(r.ok, r.result)
        self.assertEqual(got[0], want)
        with open(log, 'wb') as f:
            f.write(b'the judge\n')
        with open(log, 'ab') as f:
            r = sandbox.run([PROG, 'alt', str(n)], output='1M', stdout=f,
                            stderr=f)
        self.assertTrue(r.ok, r.result)
        with open(log, 'rb') as f:
            self.assertEqual(f.read(), b'the judge\n' + want)

    def test_output_quota_on_a_filled_log(self):
        # a stdout that already holds more than the quota (every run
        # appended to one log): the quota counts this run's bytes; it was
        # OL at the first byte (review-box2 C11)
        d = TempDir(self)
        log = d.file('runs.log', b'x' * 4096)
        with open(log, 'ab') as f:
            r = sandbox.run([PROG, 'print', '1000'], output='1K', stdout=f)
        self.assertTrue(r.ok, r.result)
        self.assertEqual(os.path.getsize(log), 4096 + 1000)

    def test_streams(self):
        d = TempDir(self)
        inp = d.file('in', b'20 22\n')
        out = os.path.join(d.path, 'out')
        r = sandbox.run([PROG, 'sum'], stdin=inp, stdout=out)
        self.assertTrue(r.ok)
        with open(out, 'rb') as f:
            self.assertEqual(f.read(), b'42\n')
        with open(inp, 'rb') as fin, tempfile.TemporaryFile() as fout:
            r = sandbox.run([PROG, 'sum'], stdin=fin, stdout=fout)
            fout.seek(0)
            self.assertEqual(fout.read(), b'42\n')
        r = sandbox.run([PROG, 'sum'], stdin=sandbox.DEVNULL,
                        stdout=sandbox.DEVNULL)
        self.assertEqual(r.result, 'AT')  # no input: scanf fails
        r = sandbox.run([PROG, 'segv'], stderr=sandbox.PIPE,
                        stdout=sandbox.PIPE)
        self.assertEqual((r.stdout, r.stderr), (b'', b''))
        r = sandbox.run([PROG, 'nonsense'], stderr=sandbox.PIPE)
        self.assertIn(b'unknown command', r.stderr)

    def test_policies(self):
        r = sandbox.run([PROG_STATIC, 'hello'], policy='io-heavy',
                        stdout=sandbox.PIPE)
        self.assertEqual((r.result, r.stdout), ('OK', b'Hello World!\n'))
        self.assertEqual(r.policy, 'io-heavy')
        d = TempDir(self)
        path = d.file('p.policy', b'include default\nclone allow\n'
                      b'wait4 allow\n')
        r = sandbox.run([PROG, 'fork'], policy=path)
        self.assertEqual(r.result, 'OK')
        self.assertEqual(r.policy, path)
        p = sandbox.Policy.builtin('default')
        r = sandbox.run([PROG, 'hello'], policy=p, stdout=sandbox.PIPE)
        self.assertEqual(r.stdout, b'Hello World!\n')
        self.assertEqual(r.policy, 'default')
        r = sandbox.run([PROG_STATIC, 'fork'], policy=WhitelistPolicy())
        self.assertEqual(r.result, 'RF')
        self.assertEqual(r.mode, 'classic')
        self.assertTrue(r.policy.startswith('python:'))
        self.assertRaises(sandbox.SandboxError, sandbox.run, [PROG],
                          policy='no-such-builtin')
        self.assertRaises(TypeError, sandbox.run, [PROG], policy=42)

    def test_callable_policy(self):
        calls = []

        def deny_getppid(e, a):
            if e.type == sandbox.S_EVENT_SYSCALL:
                calls.append(e.name)
                if e.name == 'getppid':
                    return a.deny(errno.EPERM)
            return a.cont()
        r = sandbox.run([PROG_STATIC, 'getppid', '2'], policy=deny_getppid,
                        mode='fast')
        self.assertEqual(r.result, 'OK')  # the exit is the library's
        self.assertEqual(calls.count('getppid'), 2)
        self.assertEqual(r.mode, 'fast')

        # how the run ended is not the callable's to decide: a quota is
        # the library's verdict even for a callable that knows only
        # syscalls
        def syscalls_only(e, a):
            if e.type not in (sandbox.S_EVENT_SYSCALL,
                              sandbox.S_EVENT_SYSRET):
                raise AssertionError('asked about event %d' % e.type)
            return a.cont()
        r = sandbox.run([PROG_STATIC, 'loop'], policy=syscalls_only, cpu=0.2)
        self.assertEqual((r.result, r.limit), ('TL', 'cpu'), r.policy_traceback)

    def test_policy_exception_is_bp_with_traceback(self):
        def broken(e, a):
            raise ZeroDivisionError('no policy today')
        r = sandbox.run([PROG, 'hello'], policy=broken)
        self.assertEqual(r.result, 'BP')
        self.assertIsInstance(r.policy_error, ZeroDivisionError)
        self.assertIn('no policy today', r.policy_traceback)
        self.assertIn('broken', r.policy_traceback)

    def test_process_settings(self):
        d = TempDir(self)
        r = sandbox.run([PROG, 'env', 'GREETING'], env={'GREETING': 'hi'},
                        stdout=sandbox.PIPE)
        self.assertEqual(r.stdout, b'hi\n')
        r = sandbox.run([PROG, 'env', 'HOME'], stdout=sandbox.PIPE)
        self.assertEqual(r.stdout, b'(unset)\n')
        os.environ['PYBIND_SECRET_TOKEN'] = 'x'
        os.environ['PYBIND_VISIBLE'] = 'y'
        # (the sanitizer build preloads ASan into this process: not into
        # the inheriting program)
        preload = os.environ.pop('LD_PRELOAD', None)
        try:
            r = sandbox.run([PROG, 'env', 'PYBIND_SECRET_TOKEN'],
                            inherit_env=True, stdout=sandbox.PIPE)
            self.assertEqual(r.stdout, b'(unset)\n')
            r = sandbox.run([PROG, 'env', 'PYBIND_VISIBLE'],
                            env_pass=['PYBIND_VISIBLE'], stdout=sandbox.PIPE)
            self.assertEqual(r.stdout, b'y\n')
        finally:
            del os.environ['PYBIND_SECRET_TOKEN'], os.environ['PYBIND_VISIBLE']
            if preload is not None:
                os.environ['LD_PRELOAD'] = preload
        r = sandbox.run([PROG, 'write', 'out.txt'], workdir=d.path)
        self.assertTrue(r.ok)
        self.assertTrue(os.path.exists(os.path.join(d.path, 'out.txt')))
        r = sandbox.run([PROG, 'write', 'big'], workdir=d.path,
                        rlimits={'fsize': 4})
        self.assertEqual(r.result, 'RT')  # SIGXFSZ from an rlimit, no quota

    def test_task_and_stack_quotas(self):
        # S_QUOTA_TASKS (sandbox-run --processes) and S_QUOTA_STACK
        p = allow_all()
        r = sandbox.run([PROG_STATIC, 'fork'], policy=p, tasks=1)
        self.assertEqual((r.result, r.quota_exceeded), ('RF', 'tasks'))
        self.assertEqual(r.quota['tasks'], 1)
        r = sandbox.run([PROG_STATIC, 'fork'], policy=p, processes=2)
        self.assertEqual((r.result, r.processes, r.quota['tasks']),
                         ('OK', 2, 2))
        r = sandbox.run([PROG_STATIC, 'exit', '0'], stack='4M')
        self.assertEqual((r.result, r.quota['stack_bytes']), ('OK', 4 << 20))
        with self.assertRaises(ValueError):
            sandbox.run([PROG_STATIC, 'exit', '0'], tasks=0)
        with self.assertRaises(ValueError):
            sandbox.run([PROG_STATIC, 'exit', '0'], tasks=1, processes=2)

    def test_policy_memory_mode(self):
        p = sandbox.Policy.builtin('default')
        self.assertIsNone(p.memory_mode)
        p.memory_mode = 'rss'
        self.assertEqual(p.memory_mode, sandbox.S_MEMORY_RSS)
        r = sandbox.run([PROG_STATIC, 'exit', '0'], policy=p, memory='256M')
        self.assertEqual((r.result, r.quota['memory_mode']), ('OK', 'rss'))
        # the run's own setting wins
        r = sandbox.run([PROG_STATIC, 'exit', '0'], policy=p, memory='256M',
                        memory_mode='vsize')
        self.assertEqual(r.quota['memory_mode'], 'vsize')
        p.memory_mode = None
        self.assertIsNone(p.memory_mode)
        with self.assertRaises(ValueError):
            p.memory_mode = 'heap'

    def test_open_file_and_task_counts(self):
        d = TempDir(self)
        path = d.file('in', b'20 22\n')
        fd = sandbox.open_file(path)
        try:
            r = sandbox.run([PROG, 'sum'], stdin=fd, stdout=sandbox.PIPE)
        finally:
            os.close(fd)
        self.assertEqual(r.stdout, b'42\n')
        os.symlink(path, os.path.join(d.path, 'link'))
        with self.assertRaises(sandbox.SandboxError) as cm:
            sandbox.open_file(os.path.join(d.path, 'link'))
        self.assertEqual(cm.exception.errno, errno.ELOOP)
        fd = sandbox.open_file(os.path.join(d.path, 'out'),
                               sandbox.SANDBOX_OPEN_WRITE)
        os.close(fd)
        # (classic mode: every syscall of every task stops and is counted)
        box = sandbox.Box([PROG_STATIC, 'fork'], policy=allow_all(),
                          profile=True, mode='classic')
        r = box.run()
        self.assertTrue(r.ok)
        tasks = box.sandbox.task_counts()
        self.assertEqual(len(tasks), 2)
        self.assertEqual(len({t['tgid'] for t in tasks}), 2)
        self.assertTrue(all(t['syscalls'] > 0 for t in tasks))

    def test_input_given_as_bytes_is_read_only(self):
        # The program writes over its input (pwrite on fd 0), then reads
        # it: every run of one Box reads the bytes it was given (the input
        # was a writable temporary file: runs 2 and 3 read 'TAMPERED' --
        # review-stop23 A2), and the write itself is refused.
        data = b'3\n1 2 39\n'
        with sandbox.Box([PROG, 'scribble'], stdin=data,
                         stdout=sandbox.PIPE) as box:
            outs = [box.run().stdout for _ in range(3)]
        self.assertEqual(outs, [data] * 3)
        r = sandbox.run([PROG, 'scribble'], stdin=data, stdout=sandbox.PIPE)
        self.assertEqual((r.result, r.stdout), ('OK', data))

    def test_exec_failure_is_a_report(self):
        d = TempDir(self)
        r = sandbox.run([PROG, 'hello'], workdir=os.path.join(d.path, 'x'))
        self.assertIsNone(r.result)
        self.assertEqual(r.verdict, sandbox.S_RESULT_PD)
        self.assertFalse(r.ok)
        self.assertEqual(r.error['step'], 'chdir')
        self.assertEqual(r.error['errno'], errno.ENOENT)
        self.assertTrue(r.result_text.startswith('not run'))
        with self.assertRaises(sandbox.SandboxError) as cm:
            sandbox.run(['/nonexistent/program'])
        self.assertEqual(cm.exception.errno, errno.ENOENT)

    def test_diagnostics(self):
        r = sandbox.run([PROG, 'segv'], backtrace=True)
        self.assertEqual(r.result, 'RT')
        self.assertTrue(r.backtrace)
        self.assertEqual(r.backtrace_info['reason'], 'signal')
        self.assertTrue(any(f['symbol'] == 'main' for f in r.backtrace))
        r = sandbox.run([PROG, 'hello'], stdout=sandbox.PIPE)
        self.assertIsNone(r.backtrace)
        r = sandbox.run([PROG_STATIC, 'getppid', '5'], profile=True,
                        mode='classic')
        counts = {c['name']: c['count'] for c in r.syscall_counts['calls']}
        self.assertEqual(counts['getppid'], 5)
        self.assertTrue(r.syscall_counts['all_syscalls'])
        r = sandbox.run([PROG_STATIC, 'malloc', '64'], sample_interval=0.001)
        self.assertIsInstance(r.samples, list)
        for t_us, cpu_us, user_us, sys_us, rss, vm in r.samples:
            self.assertGreaterEqual(t_us, 0)

    def test_observer(self):
        seen = []

        def watch(e, decision):
            seen.append((e.type, e.name, decision.type, decision.data))
        r = sandbox.run([PROG_STATIC, 'getppid', '2'], mode='classic',
                        observer=watch)
        self.assertTrue(r.ok)
        getppid = [s for s in seen if s[1] == 'getppid']
        self.assertEqual(len(getppid), 4)  # entries and returns
        self.assertEqual(seen[-1][0], sandbox.S_EVENT_EXIT)
        seen.clear()
        r = sandbox.run([PROG, 'loop'], cpu=0.1, observer=watch)
        self.assertEqual(r.result, 'TL')
        types = [s[0] for s in seen]
        self.assertEqual(types[-2:], [sandbox.S_EVENT_QUOTA,
                                      sandbox.S_EVENT_EXIT])
        seen.clear()
        r = sandbox.run([PROG, 'fork'], observer=watch)
        self.assertIn((sandbox.S_EVENT_SYSCALL, 'clone', sandbox.S_ACTION_KILL,
                       0), seen)

        def broken(e, d):
            raise KeyError('observer')
        r = sandbox.run([PROG, 'hello'], observer=broken, stdout=sandbox.PIPE)
        self.assertTrue(r.ok)  # an observer decides nothing
        self.assertIsInstance(r.hook_error, KeyError)

    def test_box_reuse(self):
        with sandbox.Box([PROG, 'sum'], stdin=b'2 3\n',
                         stdout=sandbox.PIPE) as box:
            for _ in range(5):
                r = box.run()
                self.assertEqual(r.stdout, b'5\n')

    def test_box_reuse_follows_a_replaced_script(self):
        # review-box2 C7: a Box run again with nothing changed keeps its
        # file rules; the script it names (python3's read-args) replaced
        # at the same path between the runs is read -- the new file (the
        # old code: AT, "Permission denied", the old inode still allowed).
        if not os.access('/usr/bin/python3', os.X_OK):
            self.skipTest('no /usr/bin/python3')
        d = TempDir(self)
        os.mkdir(os.path.join(d.path, 'wd'))
        os.chmod(os.path.join(d.path, 'wd'), 0o777)
        sol = d.file('sol.py', b'print("v1")\n')
        with sandbox.Box(['/usr/bin/python3', '-S', sol], policy='python3',
                         wall=30, workdir=os.path.join(d.path, 'wd'),
                         stdout=sandbox.PIPE, stderr=sandbox.PIPE) as box:
            r = box.run()
            self.assertEqual((r.result, r.stdout), ('OK', b'v1\n'), r.stderr)
            new = d.file('sol.new', b'print("v2")\n')
            os.rename(new, sol)
            r = box.run()
            self.assertEqual((r.result, r.stdout), ('OK', b'v2\n'), r.stderr)

    def _box(self, argv, **kw):
        """A run in a box with PROG copied in as ./prog, or a skip where
        the host cannot make one."""
        kw.setdefault('wall', 20)
        try:
            return sandbox.run(['./prog'] + argv, box=True,
                               copy_in=[(PROG, 'prog')] +
                               list(kw.pop('copy_in', ())), **kw)
        except sandbox.SandboxError as e:
            if e.errno in (errno.EPERM, errno.ENOTSUP):
                self.skipTest('no box on this host: %s' % e)
            raise

    def test_box(self):
        d = TempDir(self)
        inp = d.file('in.txt', b'seen in the box\n')
        secret = d.file('secret', b'the judge only\n')
        out = d.file('made.txt', b'an earlier run\n')
        # the input copied in, stdin opened by the supervisor; an output
        # the program did not leave is emptied and counted missing
        r = self._box(['cat'], copy_in=[inp], copy_out=[('made.txt', out)],
                      stdin=inp, stdout=sandbox.PIPE)
        self.assertTrue(r.ok, r.result)
        self.assertEqual(r.stdout, b'seen in the box\n')
        self.assertIn('box', r.isolation['in_effect'])
        self.assertEqual(r.isolation['box_missing'], 1)
        self.assertEqual(r.isolation['box_refused'], 0)
        with open(out, 'rb') as f:
            self.assertEqual(f.read(), b'')
        # what it writes in /box comes out
        r = self._box(['write', 'made.txt'], copy_out=[('made.txt', out)])
        self.assertTrue(r.ok, r.result)
        with open(out, 'rb') as f:
            self.assertEqual(f.read(), b'Hello World!\n')
        self.assertEqual(r.isolation['box_missing'], 0)
        # the judge's files are not in its sight, nor is the copy of an
        # earlier run
        r = self._box(['open', secret])
        self.assertEqual(r.exit_code, errno.ENOENT)
        r = self._box(['open', 'made.txt'])
        self.assertEqual(r.exit_code, errno.ENOENT)
        # the slot a root supervisor runs it as
        if ROOT:
            r = self._box(['hello'], box_ids=(67900, 67900, 8), box_id=5,
                          stdout=sandbox.PIPE)
            self.assertTrue(r.ok, r.result)
            self.assertEqual((r.box_id, r.uid, r.gid), (5, 67905, 67905))
        with self.assertRaises(ValueError):
            sandbox.run([PROG, 'hello'], copy_in=[inp])
        # the library's setters, as the classic interface has them
        s = sandbox.Sandbox([PROG, 'hello'])
        s.set_box(True)
        s.box_copy_in(inp, 'in.txt')
        s.box_copy_out('o', out)
        s.box_clear_copies()
        s.set_box_ids(67900, 67900, 8)
        s.set_box_id(7)
        self.assertRaises(sandbox.SandboxError, s.set_box_id, 8)
        self.assertRaises(sandbox.SandboxError, s.box_copy_in, inp, 'a/b')

    def test_box_peak(self):
        # Result.isolation has the box's space at its most: 512 KiB
        # written in /box, then truncated, leaves little at the end
        r = self._box(['fillcut', 'big.dat', '512'], output='4M')
        self.assertTrue(r.ok, r.result)
        iso = r.isolation
        self.assertIn('box_peak_bytes', iso)
        self.assertGreaterEqual(iso['box_peak_bytes'], 512 << 10)
        self.assertLess(iso['box_bytes'], 512 << 10)
        self.assertGreaterEqual(iso['box_peak_bytes'], iso['box_bytes'])

    def test_open_file_as(self):
        d = TempDir(self)
        path = d.file('in', b'1 2\n')
        fd = sandbox.open_file_as(path, sandbox.SANDBOX_OPEN_READ, 0o644,
                                  sandbox.SANDBOX_BOX_FIRST_UID,
                                  sandbox.SANDBOX_BOX_FIRST_GID,
                                  sandbox.SANDBOX_BOX_COUNT)
        os.close(fd)
        if ROOT:
            # a file of a slot's uid: the program's, refused
            closed = os.path.join(d.path, 'closed')
            os.mkdir(closed, 0o755)
            path = os.path.join(closed, 'in')
            with open(path, 'wb') as f:
                f.write(b'1 2\n')
            os.chown(path, sandbox.SANDBOX_BOX_FIRST_UID + 3, 0)
            with self.assertRaises(sandbox.SandboxError) as cm:
                sandbox.open_file_as(path)
            self.assertEqual(cm.exception.errno, errno.EPERM)
            # count 0: open_file()'s rules, a file not root's refused too
            with self.assertRaises(sandbox.SandboxError):
                sandbox.open_file_as(path, count=0)

    @unittest.skipUnless(ROOT, 'needs root for namespaces without a user ns')
    def test_isolation(self):
        want = sandbox.S_NS_PID | sandbox.S_NS_NET
        if host()['available'] & want != want:
            self.skipTest('host lacks pid/net namespaces')
        r = sandbox.run([PROG, 'hello'], namespaces='pid,net',
                        stdout=sandbox.PIPE)
        self.assertTrue(r.ok)
        self.assertEqual(set(r.isolation['requested']) & {'pid', 'net'},
                         {'pid', 'net'})
        self.assertIn('pid', r.isolation['in_effect'])



@require_tracing
class TestLazyResult(unittest.TestCase):
    """A Result's report is assembled when first read, from what the run
    left when it ended: later runs of its sandbox do not change it."""

    def test_report_read_after_the_sandbox_ran_again(self):
        box = sandbox.Box([PROG, 'sum'], stdin=b'1 2\n', stdout=sandbox.PIPE,
                          cpu=5)
        first = box.run()
        self.assertEqual(first.verdict, sandbox.S_RESULT_OK)
        box.sandbox.set_quota(sandbox.S_QUOTA_CPU, 7000)
        box.sandbox.set_argv([PROG, 'exit', '3'])
        second = box.run()
        box.close()
        del box
        self.assertEqual((first.result, first.exit_code, first.stdout,
                          first.quota['cpu_ms'], first.command),
                         ('OK', 0, b'3\n', 5000, [PROG, 'sum']))
        self.assertEqual((second.result, second.exit_code,
                          second.quota['cpu_ms'], second.command),
                         ('AT', 3, 7000, [PROG, 'exit', '3']))
        self.assertEqual(first.to_dict()['quota']['cpu_ms'], 5000)

    def test_changing_stat_leaves_the_report(self):
        r = sandbox.run([PROG, 'exit', '2'])
        r.stat['exit_code'] = 99
        self.assertEqual(r.exit_code, 2)
        self.assertEqual(r.verdict, sandbox.S_RESULT_AT)


@require_tracing
class TestRunCache(unittest.TestCase):
    """sandbox.run() keeps idle sandboxes of plain configurations and
    reuses them; a reused one runs as a new one would."""

    def setUp(self):
        old = sandbox.run_cache(0)  # start with none idle
        sandbox.run_cache(4)
        self.addCleanup(sandbox.run_cache, old)

    def test_same_configuration_reuses_one_sandbox(self):
        # each sandbox that ran keeps its manager thread until it goes:
        # one more thread for the idle one, whatever the number of runs
        base = threads()
        for i in range(5):
            r = sandbox.run([PROG, 'sum'], stdin=b'%d 1\n' % i,
                            stdout=sandbox.PIPE, cpu=5, memory='64M')
            self.assertEqual(r.stdout, b'%d\n' % (i + 1))
            self.assertEqual(threads(), base + 1)
        self.assertEqual(sandbox.run_cache(0), 4)
        self.assertEqual(threads(), base)

    def test_an_idle_sandbox_keeps_no_output(self):
        # the captured output is the Result's; the idle sandbox gives its
        # buffer back (32 MiB here: RSS would stay that much higher)
        if SANITIZED:
            self.skipTest('RSS figures under ASan')
        n = 32 << 20
        sandbox.run([PROG, 'print', '1'], stdout=sandbox.PIPE)  # warm
        before = rss_kb()
        r = sandbox.run([PROG, 'print', str(n)], stdout=sandbox.PIPE,
                        capture_limit=n)
        self.assertEqual(len(r.stdout), n)
        del r
        self.assertLess(rss_kb() - before, 8 << 10)

    def test_other_settings_get_their_own_sandbox(self):
        base = threads()
        tmp = TempDir(self)
        with open(os.path.join(tmp.path, 'out'), 'wb') as f:
            self.assertTrue(sandbox.run([PROG, 'hello'], stdout=f).ok)
        self.assertTrue(sandbox.run([PROG, 'exit', '0'],
                                    policy=sandbox.Policy.builtin('default'),
                                    ).ok)
        self.assertTrue(sandbox.run([PROG, 'exit', '0'],
                                    observer=lambda e, d: None).ok)
        self.assertEqual(threads(), base)
        sandbox.run_cache(0)
        self.assertTrue(sandbox.run([PROG, 'exit', '0']).ok)
        self.assertEqual(threads(), base)

    def test_a_replaced_program_is_run_as_it_is_now(self):
        tmp = TempDir(self)
        prog = os.path.join(tmp.path, 'solution')
        results = []
        for src in (PROG, PROG_STATIC, PROG):
            with open(src, 'rb') as f, open(prog + '.new', 'wb') as g:
                g.write(f.read())
            os.chmod(prog + '.new', 0o755)
            os.rename(prog + '.new', prog)
            r = sandbox.run([prog, 'hello'], stdout=sandbox.PIPE)
            results.append((r.result, r.stdout, r.binary['static']))
        self.assertEqual(results, [('OK', b'Hello World!\n', False),
                                   ('OK', b'Hello World!\n', True),
                                   ('OK', b'Hello World!\n', False)])

    def test_a_replaced_argument_file_is_read_as_it_is_now(self):
        # python3's policy lets the program read the files named by its
        # arguments (Landlock rules, which hold inodes): the file replaced
        # at its path between two runs of one configuration is read anew
        # (a reused sandbox kept the old rule: AT, Permission denied --
        # review-box2 C7 -- so run() sets its configuration again)
        py = '/usr/bin/python3'
        if not os.access(py, os.X_OK):
            self.skipTest('no %s' % py)
        tmp = TempDir(self)
        wd, sub = os.path.join(tmp.path, 'wd'), os.path.join(tmp.path, 'sub')
        for d in (wd, sub):
            os.mkdir(d)
            os.chmod(d, 0o755)
        sol = os.path.join(sub, 'sol.py')  # outside the work directory
        outs = []
        for v in ('v1', 'v2'):
            with open(sol + '.new', 'w') as f:
                f.write('print(%r)\n' % v)
            os.chmod(sol + '.new', 0o644)
            os.rename(sol + '.new', sol)
            r = sandbox.run([py, sol], policy='python3', wall=30,
                            workdir=wd, stdout=sandbox.PIPE,
                            stderr=sandbox.PIPE)
            outs.append((r.result, r.stdout, r.stderr[-200:]))
        self.assertEqual([o[:2] for o in outs],
                         [('OK', b'v1\n'), ('OK', b'v2\n')], outs)

    def test_a_forked_child_runs_its_own_sandboxes(self):
        # the parent's idle sandbox has no manager thread in the child (a
        # wall quota would never end its run): the child makes its own
        self.assertTrue(sandbox.run([PROG, 'loop'], wall=0.2).result == 'TL')
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            code = 3
            try:
                signal.alarm(60)  # a run that never ends fails the test
                r = sandbox.run([PROG, 'loop'], wall=0.2)
                code = 0 if r.result == 'TL' else 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        self.assertEqual(status, 0)


def _fds():
    """This process's open descriptors."""
    return sorted(int(f) for f in os.listdir('/proc/self/fd'))


def _children():
    """This process's child processes (zombies included), with their
    state: none may outlive a run."""
    me, found = os.getpid(), []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % pid) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            found.append((int(pid), fields[0]))
    return found


@require_tracing
class TestInterrupt(unittest.TestCase):

    def setUp(self):
        # Python's own handler, whatever the test was started with
        old = signal.signal(signal.SIGINT, signal.default_int_handler)
        self.addCleanup(signal.signal, signal.SIGINT, old)

    def test_ctrl_c_between_runs_reaches_python(self):
        # sandboxes that ran keep their manager threads: none of them may
        # take a SIGINT meant for Python
        boxes = [sandbox.Box([PROG, 'exit', '0']) for _ in range(3)]
        for b in boxes:
            self.assertTrue(b.run().ok)
        lost = 0
        for _ in range(100):
            try:
                os.kill(os.getpid(), signal.SIGINT)
                for _ in range(10 ** 6):  # bounded: the signal lands here
                    pass
                lost += 1
            except KeyboardInterrupt:
                pass
        self.assertEqual(lost, 0)

    def test_keyboard_interrupt_ends_the_run(self):
        rd, wr = os.pipe()
        s = sandbox.Sandbox([PROG, 'cat'], stdin=rd)

        def ctrl_c():
            # handshake: wait until the run is under way, then ^C
            for _ in range(10 ** 7):
                if s.status == sandbox.S_STATUS_EXE:
                    break
            os.kill(os.getpid(), signal.SIGINT)
        t = threading.Thread(target=ctrl_c)
        t.start()
        start = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            s.run()
        t.join()
        os.close(wr)
        os.close(rd)
        self.assertLess(time.monotonic() - start, 60)
        self.assertEqual(s.status, sandbox.S_STATUS_FIN)
        self.assertEqual(s.result, sandbox.S_RESULT_IE)
        self.assertEqual(s.stat()['interrupted'], signal.SIGINT)
        self.assertEqual(s.report().interrupted_name, 'SIGINT')
        # the handler is Python's again, and the sandbox runs again
        self.assertIs(signal.getsignal(signal.SIGINT),
                      signal.default_int_handler)
        s.set_stdio(0, None)
        s.set_argv([PROG, 'exit', '0'])
        s.run()
        self.assertEqual(s.result, sandbox.S_RESULT_OK)

    def test_ctrl_c_before_the_handler_is_installed(self):
        # A ^C landing in run() just before the run is in the handler's
        # table (the test's hook raises it there; before stop 23, before
        # the handler was in place) ends the run before the program starts: KeyboardInterrupt at once, nothing run, nothing
        # left. (It used to set Python's flag only: the program ran to its
        # end, forever for one waiting on its input.)
        out = os.path.join(TempDir(self).path, 'out')
        before = _fds()
        for api in ('classic', 'modern'):
            with self.subTest(api=api):
                sandbox._sandbox._signal_before_run(signal.SIGINT)
                s = None
                with self.assertRaises(KeyboardInterrupt):
                    if api == 'classic':
                        with open(out, 'wb') as f:
                            s = sandbox.Sandbox([PROG, 'hello'], stdout=f)
                            s.run()
                    else:
                        sandbox.run([PROG, 'hello'], stdout=out)
                if s is not None:
                    self.assertNotEqual(s.status, sandbox.S_STATUS_FIN)
                    self.assertEqual(s.result, sandbox.S_RESULT_PD)
                    s = None  # its own descriptors go with it
                self.assertFalse(os.path.exists(out) and
                                 os.path.getsize(out), 'the program ran')
                self.assertEqual(_children(), [])
                self.assertEqual(_fds(), before)
                self.assertIs(signal.getsignal(signal.SIGINT),
                              signal.default_int_handler)
        # and the next run is a normal one
        self.assertTrue(sandbox.run([PROG, 'exit', '0']).ok)

    def test_ctrl_c_at_the_first_output_leaves_nothing(self):
        # handshake: the program echoes its first line; reading it, a
        # thread sends the host ^C. The program (blocked on its input) is
        # killed and reaped, no descriptor of the run stays open.
        before = _fds()
        for api in ('classic', 'modern'):
            with self.subTest(api=api):
                in_rd, in_wr = os.pipe()
                out_rd, out_wr = os.pipe()
                os.write(in_wr, b'first\n')
                got = []

                def ctrl_c():
                    got.append(os.read(out_rd, 100))
                    if got[0]:
                        os.kill(os.getpid(), signal.SIGINT)
                t = threading.Thread(target=ctrl_c, daemon=True)
                t.start()
                s = None
                try:
                    with self.assertRaises(KeyboardInterrupt):
                        if api == 'classic':
                            s = sandbox.Sandbox([PROG, 'cat'], stdin=in_rd,
                                                stdout=out_wr)
                            s.run()
                        else:
                            sandbox.run([PROG, 'cat'], stdin=in_rd,
                                        stdout=out_wr)
                finally:
                    # whatever happened, the reader sees an end
                    os.close(in_wr)
                    os.close(out_wr)
                    t.join()
                self.assertEqual(got, [b'first\n'])
                if s is not None:
                    self.assertEqual(s.result, sandbox.S_RESULT_IE)
                    del s
                self.assertEqual(_children(), [])
                os.close(in_rd)
                os.close(out_rd)
                self.assertEqual(_fds(), before)

    def test_ctrl_c_while_a_worker_thread_runs(self):
        # A judge running its sandboxes in a worker thread: ^C reaches
        # the main thread as KeyboardInterrupt, and the worker's run ends
        # at once (IE), its program killed and reaped, nothing left open.
        # Handshake: the program echoes a first line, then waits.
        before = _fds()
        in_rd, in_wr = os.pipe()
        out_rd, out_wr = os.pipe()
        os.write(in_wr, b'first\n')
        res = []

        def work():
            try:
                res.append(sandbox.run([PROG, 'cat'], stdin=in_rd,
                                       stdout=out_wr))
            except BaseException as exc:  # noqa: B902 (kept for the test)
                res.append(exc)
        t = threading.Thread(target=work)
        t.start()
        try:
            self.assertEqual(os.read(out_rd, 100), b'first\n')
            with self.assertRaises(KeyboardInterrupt):
                os.kill(os.getpid(), signal.SIGINT)
                t.join()
                for _ in range(10 ** 7):  # bounded: the signal lands here
                    pass
        finally:
            # the run ends without its input closing (a bound for a run
            # the ^C missed, not a time window); then, whatever happened,
            # the program sees an end
            t.join(120)
            os.close(in_wr)
            t.join()
        self.assertEqual(len(res), 1)
        self.assertIsInstance(res[0], sandbox.Result)
        self.assertEqual(res[0].result, 'IE')
        self.assertEqual(res[0].interrupted_name, 'SIGINT')
        self.assertEqual(_children(), [])
        for fd in (in_rd, out_rd, out_wr):
            os.close(fd)
        self.assertEqual(_fds(), before)

    def test_ctrl_c_as_a_worker_thread_starts_its_run(self):
        # ^C landing in a worker thread's run() before the run is entered
        # in the handler's table (the test's hook raises it there, in the
        # worker). Python tells only the main thread, so the worker never
        # learns it from Python: the run used to go on to its end (here the
        # wall quota, TL; without one, forever, and the interpreter's exit
        # waits for the thread). Now it ends at once, IE, for both APIs.
        for api in ('classic', 'modern'):
            with self.subTest(api=api):
                rd, wr = os.pipe()
                res = []

                def work():
                    try:
                        if api == 'classic':
                            s = sandbox.Sandbox([PROG, 'cat'], stdin=rd,
                                                quota=dict(wallclock=20000))
                            s.run()
                            res.append((sandbox.result_name(s.result),
                                        s.stat()['interrupted']))
                        else:
                            r = sandbox.run([PROG, 'cat'], stdin=rd, wall=20)
                            res.append((r.result, r.interrupted))
                    except BaseException as exc:  # noqa: B902
                        res.append(exc)
                sandbox._sandbox._signal_before_run(signal.SIGINT)
                t = threading.Thread(target=work)
                try:
                    with self.assertRaises(KeyboardInterrupt):
                        t.start()
                        t.join()
                        for _ in range(10 ** 7):  # bounded
                            pass
                finally:
                    t.join()
                    os.close(wr)
                    os.close(rd)
                self.assertEqual(res, [('IE', signal.SIGINT)])
                self.assertEqual(_children(), [])

    def test_interrupt_method(self):
        rd, wr = os.pipe()
        box = sandbox.Box([PROG, 'cat'], stdin=rd)
        res = []
        t = threading.Thread(target=lambda: res.append(box.run()))
        t.start()
        for _ in range(10 ** 7):
            if box.sandbox.status == sandbox.S_STATUS_EXE:
                break
        box.interrupt(signal.SIGTERM)
        t.join()
        os.close(wr)
        os.close(rd)
        self.assertEqual(res[0].result, 'IE')
        self.assertEqual(res[0].interrupted_name, 'SIGTERM')


if __name__ == '__main__':
    unittest.main()
