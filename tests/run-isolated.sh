#!/bin/sh
# LOG_COMPILER of the Check suites: run one test binary in its own PID
# namespace (with its own /proc), so that whatever a sandbox bug lets a
# test program do -- kill(-1, SIGKILL), a fork bomb -- stays inside it and
# everything is gone when the test ends.
#
#   run-isolated.sh PROGRAM [ARGS...]
#
# Falls back to running PROGRAM directly, saying why, when the host cannot
# create the namespaces (no privilege and no user namespaces). Set
# SANDBOX_NO_ISOLATION=1 to skip the namespace on purpose (debugging).
#
# The test runs as a child of a small shell, not as PID 1 of the
# namespace: PID 1 ignores signals it has no handler for, which would
# change what the tests observe.

if [ $# -lt 1 ]; then
	echo "usage: $0 PROGRAM [ARGS...]" >&2
	exit 99
fi

if [ -n "$SANDBOX_NO_ISOLATION" ]; then
	echo "run-isolated: SANDBOX_NO_ISOLATION set, running without a PID namespace" >&2
	exec "$@"
fi

if ! command -v unshare >/dev/null 2>&1; then
	echo "run-isolated: unshare(1) not found, running without a PID namespace" >&2
	exec "$@"
fi

# The inner shell waits for the test and passes its exit status on;
# "exit" after the command keeps it from exec'ing the test as PID 1.
inner='"$@"; rc=$?; exit $rc'

if err=$(unshare --pid --fork --mount-proc true 2>&1); then
	exec unshare --pid --fork --mount-proc sh -c "$inner" sh "$@"
fi
if uerr=$(unshare --user --map-root-user --pid --fork --mount-proc true 2>&1); then
	echo "run-isolated: unprivileged, using a user namespace ($err)" >&2
	exec unshare --user --map-root-user --pid --fork --mount-proc sh -c "$inner" sh "$@"
fi
echo "run-isolated: cannot create a PID namespace ($err; $uerr), running directly" >&2
exec "$@"
