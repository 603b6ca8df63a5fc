# Sourced by the sandbox-run test scripts (e2e.sh, placement.sh) after
# they set `here` to their own directory: where the sources and the built
# tool are (E2E_SRCDIR, E2E_BUILDDIR, SANDBOX_RUN), and python3, without
# which they are skipped.
: "${E2E_SRCDIR:=$here/../..}"
: "${E2E_BUILDDIR:=.}"

if ! command -v python3 >/dev/null 2>&1; then
	echo "$(basename "$0"): python3 not found, skipping" >&2
	exit 77
fi
: "${SANDBOX_RUN:=$E2E_BUILDDIR/cli/sandbox-run}"
export SANDBOX_RUN
