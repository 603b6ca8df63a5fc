#!/bin/sh
# End-to-end tests of sandbox-run --interactor: tests/cli/interact.py runs
# the built tool on the guessing game of tests/interact/progs (the
# interactor and every kind of solution) and checks exit statuses, the
# report, the meta file and the transcript. Run by make check as
# "$(SHELL) interact.sh" (cli/local.mk). By hand:
# E2E_BUILDDIR=. sh tests/cli/interact.sh
here=$(dirname "$0")
. "$here/common.sh"
INTERACT_PROGS=${INTERACT_PROGS:-$E2E_BUILDDIR/tests/interact/progs}
E2E_VICTIM=${E2E_VICTIM:-$E2E_BUILDDIR/tests/cli/victim}
export INTERACT_PROGS E2E_VICTIM
PYTHONPATH="$E2E_SRCDIR/tests/cli${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
exec python3 "$E2E_SRCDIR/tests/cli/interact.py"
