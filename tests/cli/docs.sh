#!/bin/sh
# The documentation's examples run as written: tests/cli/docs.py compiles
# README.md's C example against the built library and runs it, and runs
# every console example of README.md, docs/CLI-EXAMPLE.md and
# sandbox-run(1) in a directory holding what they name.
#
# Run by make check like e2e.sh. By hand: E2E_BUILDDIR=. sh tests/cli/docs.sh
here=$(dirname "$0")
. "$here/common.sh"
export E2E_SRCDIR E2E_BUILDDIR
exec python3 "$E2E_SRCDIR/tests/cli/docs.py"
