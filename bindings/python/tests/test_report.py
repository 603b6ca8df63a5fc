"""Result and sandbox-run's JSON report describe a run alike: same keys
(at every level), same values where the run is deterministic. When
sandbox-run's report gains a key, this test names it: add it in
bindings/python/sandbox/_report.py (build_report) and in the stubs."""

import json
import os
import subprocess
import tempfile
import unittest

import sandbox

from common import PROG, PROG_STATIC, TempDir, require_tracing

CLI = os.path.join(os.environ.get('PYBIND_BUILDDIR', ''), 'cli',
                   'sandbox-run')

# Figures that differ from run to run.
VOLATILE = {'cpu_time_us', 'cpu_charged_us', 'user_time_us', 'sys_time_us', 'wall_time_us',
            'memory_peak_bytes', 'rss_peak_bytes', 'vm_peak_bytes', 'pc',
            'offset', 'stopped_ns', 'syscalls', 'command', 'args',
            'csw_voluntary', 'csw_forced', 'cpu', 'tid', 'supervisor_cpu_us',
            # the run slot is whichever is free (this process may hold one)
            'box_id', 'uid', 'gid'}


def cli_report(args, program):
    with tempfile.NamedTemporaryFile(suffix='.json') as rep:
        subprocess.run([CLI, '-q', '--report=' + rep.name] + args + program,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False, timeout=120)
        with open(rep.name) as f:
            return json.load(f)


def keys(d, prefix=''):
    """Every key path of a report ('quota.cpu_ms', 'backtrace[].pc')."""
    out = set()
    if isinstance(d, dict):
        for k, v in d.items():
            out.add(prefix + k)
            out |= keys(v, prefix + k + '.')
    elif isinstance(d, list) and d and isinstance(d[0], dict):
        out |= keys(d[0], prefix[:-1] + '[].')
    return out


def stable(d):
    if isinstance(d, dict):
        return {k: stable(v) for k, v in d.items() if k not in VOLATILE}
    if isinstance(d, list):
        return [stable(x) for x in d]
    return d


@require_tracing
@unittest.skipUnless(os.access(CLI, os.X_OK), 'sandbox-run not built')
class TestSameReport(unittest.TestCase):

    def compare(self, cli_args, program, **settings):
        want = cli_report(cli_args, program)
        got = sandbox.run(program, **settings).to_dict()
        missing = keys(want) - keys(got)
        extra = keys(got) - keys(want)
        self.assertFalse(missing, 'sandbox-run reports %s, the Python Result '
                         'does not: add them in sandbox/_report.py'
                         % sorted(missing))
        self.assertFalse(extra, 'the Python Result has keys sandbox-run does '
                         'not report: %s' % sorted(extra))
        self.assertEqual(stable(got), stable(want))
        return got

    def test_ok(self):
        d = TempDir(self)
        inp = d.file('in', b'1 2\n')
        out = os.path.join(d.path, 'out')
        got = self.compare(['--cpu=1', '--wall=3', '--memory=256M',
                            '--output=1M', '--stdin=' + inp,
                            '--stdout=' + out], [PROG, 'sum'], cpu=1, wall=3,
                           memory='256M', output='1M', stdin=inp, stdout=out)
        self.assertEqual(got['result'], 'OK')

    def test_verdicts(self):
        self.compare(['--cpu=200ms'], [PROG, 'loop'], cpu='200ms')
        self.compare([], [PROG, 'fork'])
        self.compare([], [PROG_STATIC, 'exit', '4'])
        self.compare(['--memory=16M'], [PROG, 'malloc', '64'], memory='16M')
        self.compare(['--backtrace'], [PROG, 'segv'], backtrace=True)
        # the default task cap of a policy with threads, as the quota
        got = self.compare(['--policy=threads'], [PROG, 'sum'],
                           policy='threads', stdin=sandbox.DEVNULL)
        self.assertEqual(got['quota']['tasks'], sandbox.SANDBOX_DEFAULT_TASKS)
        self.compare(['--mode=classic', '--policy=minimal'],
                     [PROG_STATIC, 'hello'], mode='classic',
                     policy='minimal', stdout=sandbox.DEVNULL)


@require_tracing
class TestChargedCpu(unittest.TestCase):

    def test_tl_cpu_shows_the_charged_time(self):
        # classic mode: every getppid is a stop the supervisor works on,
        # charged to the quota. The figure a CPU TL was judged on is at or
        # above the quota, in the Result and in stat alike; the program's
        # own part alone is below it.
        r = sandbox.run([PROG, 'getppid', '2000000000'], mode='classic',
                        cpu='300ms')
        self.assertEqual((r.result, r.limit), ('TL', 'cpu'))
        self.assertGreater(r.supervisor_cpu_us, 0)
        self.assertEqual(r.cpu_charged_us,
                         r.cpu_time_us + r.supervisor_cpu_us)
        self.assertGreaterEqual(r.cpu_charged_us, 300000)
        self.assertEqual(r.stat['cpu_charged_us'], r.cpu_charged_us)


if __name__ == '__main__':
    unittest.main()
