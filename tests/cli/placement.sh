#!/bin/sh
# CPU placement of concurrent sandbox-run processes, end to end
# (tests/cli/placement.py). The runs get a /dev/shm of their own -- an
# empty tmpfs in a private mount namespace, inside a user namespace when
# not root -- so that the CPU claims of whatever else runs on the host at
# the same time cannot change what the test sees.
#
# Run by make check like e2e.sh (cli/local.mk); by hand:
#   E2E_BUILDDIR=. sh tests/cli/placement.sh
here=$(dirname "$0")
. "$here/common.sh"
PLACEMENT_PROG=${PLACEMENT_PROG:-$E2E_BUILDDIR/tests/progs/affinity}
export PLACEMENT_PROG

inner='mount --make-rprivate / && mount -t tmpfs -o mode=1777 tmpfs /dev/shm && exec python3 "$1"'
script=$E2E_SRCDIR/tests/cli/placement.py
if unshare --mount true 2>/dev/null; then
	exec unshare --mount sh -c "$inner" sh "$script"
fi
if unshare --user --map-root-user --mount true 2>/dev/null; then
	exec unshare --user --map-root-user --mount sh -c "$inner" sh "$script"
fi
echo "placement: cannot make a private mount namespace, skipping" >&2
if [ -n "$SANDBOX_MUST_WORK" ]; then
	exit 1
fi
exit 77
