"""libsandbox for Python: run one untrusted program under a supervisor.

Two interfaces over the same C extension (sandbox._sandbox):

The classic one, compatible with pysandbox 0.3.5::

    from sandbox import *
    s = Sandbox(['./a.out'], stdin=f, stdout=g,
                quota=dict(wallclock=30000, cpu=2000, memory=8388608,
                           disk=1048576))
    s.run()
    s.result == S_RESULT_OK; s.probe()['cpu']

    class MyPolicy(SandboxPolicy):
        def __call__(self, e, a):
            ...
            return a

The modern one::

    import sandbox
    r = sandbox.run(['./a.out'], cpu=1.0, wall=3.0, memory='256M',
                    output='1M', stdin='1.in', stdout='1.out')
    r.result, r.cpu_time_us, r.memory_peak_bytes   # sandbox-run's report

See docs/PYTHON.md for both, and the library's sandbox.h for the meaning
of every setting.
"""

from . import _sandbox
from ._sandbox import (  # noqa: F401  (re-exported)
    SandboxEvent, SandboxAction, SandboxPolicy, Policy, SandboxError,
    __version__, __author__,
)
from ._sandbox import *  # noqa: F401,F403  the constants
from ._sandbox import (  # noqa: F401
    version, abi_name, result_name, result_text, verdict_name, verdict_text,
    strerror, syscall_name,
    syscall_number, probe_host, cgroup_sweep, block_term_signals, open_file,
    open_file_as,
)


class Sandbox(_sandbox.Sandbox):
    """One sandboxed program, the classic pysandbox interface.

    Sandbox(args, jail='/', owner=None, group=None, stdin=None,
            stdout=None, stderr=None, quota=None, policy=None)

    args is the command line (argv[0] is a path, not looked up in PATH);
    quota is dict(wallclock=ms, cpu=ms, memory=bytes, disk=bytes) or a
    sequence in that order; policy is a SandboxPolicy (or a Policy). The
    program is checked at once: ValueError when it is missing or not
    executable. run() executes it; status, result and probe() tell what
    happened. Every other setting of the library is a set_*() method
    (set_env, set_workdir, set_namespaces, set_cgroup_limits, ...), and
    report() gives the outcome as sandbox-run's JSON report.
    """

    def report(self):
        """The outcome of the last run as a Result (sandbox-run's report)."""
        from ._report import build_report
        return build_report(self, None)


from ._report import Result  # noqa: E402,F401
from ._modern import run, run_cache, Box, PIPE, DEVNULL, parse_time, parse_size  # noqa: E402,F401,E501
from ._interact import interact, Interaction  # noqa: E402,F401

# What `from sandbox import *` gives: the names pysandbox 0.3.5 exported.
__all__ = [
    'Sandbox', 'SandboxEvent', 'SandboxAction', 'SandboxPolicy',
    'S_EVENT_ERROR', 'S_EVENT_EXIT', 'S_EVENT_SIGNAL', 'S_EVENT_SYSCALL',
    'S_EVENT_SYSRET', 'S_EVENT_QUOTA',
    'S_ACTION_CONT', 'S_ACTION_KILL', 'S_ACTION_FINI',
    'S_QUOTA_WALLCLOCK', 'S_QUOTA_CPU', 'S_QUOTA_MEMORY', 'S_QUOTA_DISK',
    'S_STATUS_PRE', 'S_STATUS_RDY', 'S_STATUS_EXE', 'S_STATUS_BLK',
    'S_STATUS_FIN',
    'S_RESULT_PD', 'S_RESULT_OK', 'S_RESULT_RF', 'S_RESULT_ML', 'S_RESULT_OL',
    'S_RESULT_TL', 'S_RESULT_RT', 'S_RESULT_AT', 'S_RESULT_IE', 'S_RESULT_BP',
    'S_RESULT_R0', 'S_RESULT_R1', 'S_RESULT_R2', 'S_RESULT_R3', 'S_RESULT_R4',
    'S_RESULT_R5',
    'T_BYTE', 'T_SHORT', 'T_INT', 'T_LONG', 'T_UBYTE', 'T_USHORT', 'T_UINT',
    'T_ULONG', 'T_FLOAT', 'T_DOUBLE', 'T_CHAR', 'T_STRING',
]
