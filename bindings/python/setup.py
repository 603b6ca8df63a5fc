"""Build of the extension sandbox._sandbox for pip (see pyproject.toml).

libsandbox's compile and link flags come from `pkg-config libsandbox`;
SANDBOX_CFLAGS / SANDBOX_LIBS override them (e.g. for an uninstalled
build tree: SANDBOX_CFLAGS=-I$TOP/libsandbox
SANDBOX_LIBS="-L$TOP/libsandbox/.libs -lsandbox").
"""

import glob
import os
import shlex
import subprocess
import sys

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def flags(var, *pkgconfig):
    if os.environ.get(var) is not None:
        return shlex.split(os.environ[var])
    try:
        out = subprocess.run(['pkg-config'] + list(pkgconfig) + ['libsandbox'],
                             check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit('libsandbox not found by pkg-config (%s): install it, set '
                 'PKG_CONFIG_PATH, or set SANDBOX_CFLAGS and SANDBOX_LIBS'
                 % exc)
    return shlex.split(out)


cflags = flags('SANDBOX_CFLAGS', '--cflags')
libs = flags('SANDBOX_LIBS', '--libs')
# sandbox.h is included as "sandbox.h": add the directory holding it.
incdirs = [f[2:] for f in cflags if f.startswith('-I')]
incdirs += [os.path.join(d, 'libsandbox') for d in incdirs]
libdirs = [f[2:] for f in libs if f.startswith('-L')]

ext = Extension(
    'sandbox._sandbox',
    sources=sorted(glob.glob(os.path.join('src', '*.c'))),
    depends=[os.path.join('src', 'sbpy.h')],
    include_dirs=incdirs,
    library_dirs=libdirs,
    runtime_library_dirs=libdirs,
    libraries=[f[2:] for f in libs if f.startswith('-l')],
    extra_compile_args=['-std=gnu11', '-fvisibility=hidden'] +
    [f for f in cflags if not f.startswith('-I')],
)

setup(ext_modules=[ext])
