#!/bin/sh
# End-to-end tests of sandbox-run --batch: tests/cli/batch.py runs the
# built tool (or $SANDBOX_RUN) over job lines on tests/cli/victim and
# checks the report lines, bad lines, endless programs, SIGTERM, a closed
# report stream and hostile job lines. Run by make check like e2e.sh.
here=$(dirname "$0")
. "$here/common.sh"
E2E_VICTIM=${E2E_VICTIM:-$E2E_BUILDDIR/tests/cli/victim}
export E2E_VICTIM
exec python3 "$E2E_SRCDIR/tests/cli/batch.py"
