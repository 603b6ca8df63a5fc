"""The classic vocabulary: every name pysandbox 0.3.5 exported, with its
value, where it lived (module, Sandbox, SandboxEvent, SandboxAction), and
what `from sandbox import *` gives."""

import unittest

import sandbox

# pysandbox 0.3.5 / libsandbox 0.3.5 values.
EVENTS = dict(S_EVENT_ERROR=0, S_EVENT_EXIT=1, S_EVENT_SIGNAL=2,
              S_EVENT_SYSCALL=3, S_EVENT_SYSRET=4, S_EVENT_QUOTA=5)
ACTIONS = dict(S_ACTION_CONT=0, S_ACTION_FINI=1, S_ACTION_KILL=2)
QUOTAS = dict(S_QUOTA_WALLCLOCK=0, S_QUOTA_CPU=1, S_QUOTA_MEMORY=2,
              S_QUOTA_DISK=3)
STATUS = dict(S_STATUS_PRE=0, S_STATUS_RDY=1, S_STATUS_EXE=2,
              S_STATUS_BLK=3, S_STATUS_FIN=4)
RESULTS = dict(S_RESULT_PD=0, S_RESULT_OK=1, S_RESULT_RF=2, S_RESULT_ML=3,
               S_RESULT_OL=4, S_RESULT_TL=5, S_RESULT_RT=6, S_RESULT_AT=7,
               S_RESULT_IE=8, S_RESULT_BP=9, S_RESULT_R0=10, S_RESULT_R1=11,
               S_RESULT_R2=12, S_RESULT_R3=13, S_RESULT_R4=14,
               S_RESULT_R5=15)
# CPython's old structmember.h type codes, which pysandbox re-exported.
TYPES = dict(T_SHORT=0, T_INT=1, T_LONG=2, T_FLOAT=3, T_DOUBLE=4,
             T_STRING=5, T_CHAR=7, T_BYTE=8, T_UBYTE=9, T_USHORT=10,
             T_UINT=11, T_ULONG=12)


class TestClassicConstants(unittest.TestCase):

    def check(self, table, *owners):
        for name, value in table.items():
            for owner in (sandbox,) + owners:
                with self.subTest(name=name, owner=owner.__name__):
                    self.assertEqual(getattr(owner, name), value)
                    self.assertIs(type(getattr(owner, name)), int)

    def test_events(self):
        self.check(EVENTS, sandbox.SandboxEvent)

    def test_actions(self):
        self.check(ACTIONS, sandbox.SandboxAction)

    def test_quotas_status_results_types(self):
        self.check(QUOTAS, sandbox.Sandbox)
        self.check(STATUS, sandbox.Sandbox)
        self.check(RESULTS, sandbox.Sandbox)
        self.check(TYPES, sandbox.Sandbox)

    def test_star_import(self):
        ns = {}
        exec('from sandbox import *', ns)
        expected = set(EVENTS) | set(ACTIONS) | set(QUOTAS) | set(STATUS) | \
            set(RESULTS) | set(TYPES) | {'Sandbox', 'SandboxEvent',
                                         'SandboxAction', 'SandboxPolicy'}
        got = {k for k in ns if not k.startswith('__')}
        self.assertEqual(got, expected)

    def test_result_names_match_the_library(self):
        for name, value in RESULTS.items():
            if value < 10:
                self.assertEqual(sandbox.result_name(value), name[-2:])

    def test_package(self):
        # what pysandbox's own test suite and sample2.py check
        self.assertGreaterEqual(sandbox.__version__, '0.3.5-1')
        self.assertFalse(sandbox.__version__ < '0.3.4-3')
        self.assertEqual(sandbox.__version__, sandbox.version())
        self.assertTrue(sandbox.__author__)
        for t in (sandbox.SandboxEvent, sandbox.SandboxAction,
                  sandbox.SandboxPolicy, sandbox.Sandbox):
            self.assertIsInstance(t, type)
        e = sandbox.SandboxEvent(sandbox.S_EVENT_EXIT)
        self.assertTrue(hasattr(e, 'type') and hasattr(e, 'data'))
        a = sandbox.SandboxAction(sandbox.S_ACTION_CONT)
        self.assertTrue(hasattr(a, 'type') and hasattr(a, 'data'))
        p = sandbox.SandboxPolicy()
        self.assertTrue(callable(p))
        self.assertIsInstance(p(e, a), sandbox.SandboxAction)
        self.assertEqual(p(e, a).type, sandbox.S_ACTION_FINI)


class TestLibraryConstants(unittest.TestCase):

    def test_values_follow_sandbox_h(self):
        self.assertEqual(sandbox.S_ACTION_DENY, 3)
        self.assertEqual((sandbox.S_ABI_X86_64, sandbox.S_ABI_I386,
                          sandbox.S_ABI_X32), (0, 1, 2))
        self.assertEqual((sandbox.S_DISP_ALLOW, sandbox.S_DISP_TRACE,
                          sandbox.S_DISP_ERRNO, sandbox.S_DISP_KILL),
                         (0, 1, 2, 3))
        self.assertEqual(sandbox.S_DISP_FLAG_EXIT, 0x100)
        self.assertEqual(sandbox.S_ACTION_FLAG_BACKTRACE, 0x100)
        self.assertEqual((sandbox.S_MODE_FAST, sandbox.S_MODE_CLASSIC), (0, 1))
        self.assertEqual(sandbox.SANDBOX_UNLIMITED, 2 ** 64 - 1)
        self.assertEqual(sandbox.S_NS_ALL, 0x3f)

    def test_quotas_beyond_0_3_5(self):
        # the library's stack and task quotas: constants after 0.3.5's
        # four, and keys of the classic quota dict
        for owner in (sandbox, sandbox.Sandbox):
            self.assertEqual((owner.S_QUOTA_STACK, owner.S_QUOTA_TASKS),
                             (4, 5))
        s = sandbox.Sandbox(['/bin/true'],
                            quota=dict(stack=1 << 20, tasks=3, cpu=100))
        self.assertEqual((s.stack_quota, s.tasks_quota), (1 << 20, 3))
        self.assertEqual(s.quota[sandbox.S_QUOTA_CPU], 100)
        self.assertEqual(len(s.quota), 4)  # 0.3.5's tuple
        with self.assertRaises(ValueError):
            sandbox.Sandbox(['/bin/true'], quota=dict(heap=1))

    def test_names(self):
        self.assertEqual(sandbox.abi_name(sandbox.S_ABI_I386), 'i386')
        self.assertEqual(sandbox.syscall_name(0, 0), 'read')
        self.assertEqual(sandbox.syscall_number(sandbox.S_ABI_I386, 'fork'), 2)
        with self.assertRaises(sandbox.SandboxError) as cm:
            sandbox.syscall_number(0, 'no_such_call')
        self.assertIsInstance(cm.exception, OSError)
        self.assertTrue(sandbox.strerror(-2))
        self.assertIn('default', sandbox.Policy.list())


if __name__ == '__main__':
    unittest.main()
