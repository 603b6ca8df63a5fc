"""Shared helpers of the binding's tests.

The tests run from `make check` (bindings/python/run-test.sh) with the
staged package on PYTHONPATH and PYBIND_PROGS naming the directory of the
test program `prog` (and `prog_static`); see prog.c for its commands.
Run one file by hand the same way:

    PYTHONPATH=bindings/python/stage PYBIND_PROGS=bindings/python/tests \\
        python3 -m unittest -v test_classic   (from bindings/python/tests)
"""

import errno
import os
import platform
import tempfile
import unittest

import sandbox

PROGS = os.environ.get('PYBIND_PROGS') or os.path.dirname(
    os.path.abspath(__file__))
PROG = os.path.join(PROGS, 'prog')
PROG_STATIC = os.path.join(PROGS, 'prog_static')
SANITIZED = bool(os.environ.get('PYBIND_SANITIZED'))
ROOT = os.geteuid() == 0
# The file rules are Landlock's here (else a private mount view holds
# them: a refused file is then absent or read-only, and a chroot of the
# caller's own cannot be combined with them).
LANDLOCK = bool(sandbox.probe_host()['available'] & sandbox.S_ISO_LANDLOCK)
REFUSED = ((errno.EACCES,) if LANDLOCK
           else (errno.EACCES, errno.ENOENT, errno.EROFS))


def load_factor():
    """How loaded the machine is (1 when idle): bounds scale with it."""
    try:
        return max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    except OSError:
        return 1.0


def host():
    """What this host supports (sandbox.probe_host())."""
    if not hasattr(host, 'cached'):
        host.cached = sandbox.probe_host()
    return host.cached


def require_tracing(case):
    """Skip a TestCase when the host lacks ptrace or seccomp, saying why
    (SANDBOX_MUST_WORK=1 turns that into a failure, as for the C suites).
    """
    h = host()
    if h['ptrace'] and h['seccomp']:
        return case
    why = 'host lacks %s' % ('ptrace' if not h['ptrace'] else 'seccomp')
    if os.environ.get('SANDBOX_MUST_WORK'):
        raise RuntimeError(why + ' and SANDBOX_MUST_WORK is set')
    return unittest.skip(why)(case)


def open_fds():
    return len(os.listdir('/proc/self/fd'))


def rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return -1


def threads():
    return len(os.listdir('/proc/self/task'))


class TempDir:
    """A temporary directory removed at the end of a test."""

    def __init__(self, case):
        self.path = tempfile.mkdtemp(prefix='pybind-')
        # Usable by the program whatever its uid (a root supervisor runs
        # it as a run slot's).
        os.chmod(self.path, 0o777)
        case.addCleanup(self._remove)

    def _remove(self):
        import shutil
        shutil.rmtree(self.path, ignore_errors=True)

    def file(self, name, data=b'', mode=0o644):
        p = os.path.join(self.path, name)
        with open(p, 'wb') as f:
            f.write(data)
        os.chmod(p, mode)
        return p


def x86_64():
    return platform.machine() == 'x86_64'


# Syscalls a static glibc program makes to start, print and exit (the
# 2024 equivalent of pysandbox's MinimalPolicy whitelist), by name.
STATIC_START = (
    'brk', 'arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq',
    'prlimit64', 'readlink', 'getrandom', 'mprotect', 'uname', 'mmap',
    'munmap', 'newfstatat', 'fstat', 'write', 'read', 'exit_group', 'exit',
    'ioctl', 'lseek', 'close',
)


def allow_all():
    """A library policy allowing every x86_64 syscall, silently."""
    return sandbox.Policy().set_default('allow')


class WhitelistPolicy(sandbox.SandboxPolicy):
    """A classic policy in pysandbox's style: a table of (number, ABI)
    -> handler, RF for anything else, other events to the base class."""

    def __init__(self, names=STATIC_START, sbox=None):
        super().__init__()
        self.sbox = sbox
        self.table = {}
        for name in names:
            self.allow(name)

    def allow(self, name, handler=None):
        nr = sandbox.syscall_number(sandbox.S_ABI_X86_64, name)
        self.table[(nr, 0)] = handler or self.cont

    def __call__(self, e, a):
        if e.type in (sandbox.S_EVENT_SYSCALL, sandbox.S_EVENT_SYSRET):
            return self.table.get((e.data, e.ext0), self.kill_rf)(e, a)
        return super().__call__(e, a)

    def cont(self, e, a):
        a.type = sandbox.S_ACTION_CONT
        return a

    def kill_rf(self, e, a):
        a.type, a.data = sandbox.S_ACTION_KILL, sandbox.S_RESULT_RF
        return a

    def kill_rt(self, e, a):
        a.type, a.data = sandbox.S_ACTION_KILL, sandbox.S_RESULT_RT
        return a
