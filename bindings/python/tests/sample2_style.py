#!/usr/bin/env python3
"""A pysandbox 0.3.5 user's script, in the shape of that release's
sample2.py, kept as such a user would keep it: Python 3 syntax is the only
change. One class is both the policy and the sandbox; it reads the
program from the command line, passes its own stdin/stdout/stderr, sets
the four classic quotas, decides every syscall from a whitelist keyed by
(number, mode), leaves other events to SandboxPolicy, and prints what
probe() gives. test_classic_suite.py runs it and checks what it prints.

The whitelist is data, not API: 0.3.5's sample listed what a static
program of 2013 called; a static glibc program of today also asks for
the calls in MODERN below.
"""

import os
import sys

try:
    system, machine = os.uname()[0], os.uname()[4]
    if system not in ('Linux', ) or machine not in ('i686', 'x86_64', ):
        raise AssertionError("Unsupported platform type.\n")
    import sandbox
    if not hasattr(sandbox, '__version__') or sandbox.__version__ < "0.3.4-3":
        raise AssertionError("Unsupported sandbox version.\n")
    from sandbox import *
except ImportError:
    sys.stderr.write("Required package(s) missing.\n")
    sys.exit(os.EX_UNAVAILABLE)
except AssertionError as e:
    sys.stderr.write(str(e))
    sys.exit(os.EX_UNAVAILABLE)

# read write fstat lseek mmap mprotect munmap brk ioctl mremap uname
# arch_prctl restart_syscall exit_group (x86_64 numbers)
CLASSIC = {0, 1, 5, 8, 9, 10, 11, 12, 16, 25, 63, 158, 219, 231}
# readlink set_tid_address newfstatat set_robust_list prlimit64 getrandom
# rseq
MODERN = {89, 218, 262, 273, 302, 318, 334}


class MiniSandbox(SandboxPolicy, Sandbox):
    sc_table = None
    sc_safe = dict(x86_64=CLASSIC | MODERN,
                   i686={1, 3, 4, 45, 90, 91, 125, 192, 243, 252})
    result_name = dict((getattr(Sandbox, 'S_RESULT_%s' % r), r) for r in
                       ('PD', 'OK', 'RF', 'RT', 'TL', 'ML', 'OL', 'AT',
                        'IE', 'BP'))

    def __init__(self, *args, **kwds):
        self.sc_table = dict()
        for mode, abi in ((0, 'x86_64'), (1, 'i686')):
            for scno in MiniSandbox.sc_safe[abi]:
                self.sc_table[(scno, mode)] = self._CONT
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
            rule = self.sc_table.get((e.data, e.ext0), self._KILL_RF)
            return rule(e, a)
        return SandboxPolicy.__call__(self, e, a)

    def _CONT(self, e, a):
        a.type = S_ACTION_CONT
        return a

    def _KILL_RF(self, e, a):
        a.type, a.data = S_ACTION_KILL, S_RESULT_RF
        return a


def main(args):
    cookbook = {
        'args': args[1:],
        'stdin': sys.stdin,
        'stdout': sys.stdout,
        'stderr': sys.stderr,
        'quota': dict(wallclock=30000, cpu=2000, memory=8388608,
                      disk=1048576)}
    msb = MiniSandbox(**cookbook)
    msb.run()
    sys.stderr.write("result: %(result)s\ncpu: %(cpu)dms\nmem: %(mem)dkB\n"
                     % msb.probe())
    return os.EX_OK


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.stderr.write("synopsis: python " + __file__ + " foo/bar.exe\n")
        sys.exit(os.EX_USAGE)
    sys.exit(main(sys.argv))
