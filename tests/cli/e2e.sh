#!/bin/sh
# End-to-end tests of sandbox-run: tests/cli/e2e.py runs the built tool (or
# the one named by $SANDBOX_RUN, e.g. an installed copy) on
# tests/cli/victim for every verdict and checks exit statuses, the JSON
# report, the meta file, interruption, atomic reports and bad input.
#
# Run by make check as "$(SHELL) e2e.sh" (cli/local.mk: SH_LOG_COMPILER),
# so the file needs no execute bit; E2E_BUILDDIR and E2E_SRCDIR come from
# there too. By hand: E2E_BUILDDIR=. sh tests/cli/e2e.sh
here=$(dirname "$0")
. "$here/common.sh"
E2E_VICTIM=${E2E_VICTIM:-$E2E_BUILDDIR/tests/cli/victim}
export E2E_VICTIM
exec python3 "$E2E_SRCDIR/tests/cli/e2e.py"
