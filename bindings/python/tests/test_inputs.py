"""Careless or hostile host code: values out of range are refused, never
cast into other ones (an id of 2**32 is not root, an errno of 2**32 + 1
is not EPERM); what the caller gave the sandbox stays what the program
gets, whatever the caller does with its own objects afterwards."""

import os
import unittest

import sandbox
from sandbox import Sandbox

from common import PROG


class TestIds(unittest.TestCase):
    """uid_t and gid_t are 32 bits; (uid_t)-1 means no id."""

    OUT_OF_RANGE = (2 ** 32, 2 ** 32 + 65534, 2 ** 40, 2 ** 64, -2,
                    2 ** 32 - 1)

    def test_set_credentials(self):
        s = Sandbox([PROG, 'exit', '0'])
        for v in self.OUT_OF_RANGE:
            for kw in ({'uid': v}, {'gid': v}, {'groups': [v]}):
                with self.assertRaises(ValueError, msg=kw):
                    s.set_credentials(**kw)
        with self.assertRaises(TypeError):
            s.set_credentials(uid='0')
        # -1 and None keep what is set; the sandbox was left as it was
        s.set_credentials(-1, None, None)
        self.assertEqual((s.owner, s.group), (os.getuid(), os.getgid()))

    def test_modern_run(self):
        for v in self.OUT_OF_RANGE:
            with self.assertRaises(ValueError, msg=v):
                sandbox.run([PROG, 'exit', '0'], uid=v)
            with self.assertRaises(ValueError, msg=v):
                sandbox.run([PROG, 'exit', '0'], gid=v)

    def test_classic_owner_and_group(self):
        for v in self.OUT_OF_RANGE + (-1,):
            with self.assertRaises(ValueError, msg=v):
                Sandbox([PROG, 'exit', '0'], owner=v)
            with self.assertRaises(ValueError, msg=v):
                Sandbox([PROG, 'exit', '0'], group=v)


if __name__ == '__main__':
    unittest.main()
