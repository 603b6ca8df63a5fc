#!/bin/sh
# sandbox-run under valgrind runs its program. The engine starts a run's
# child sharing the supervisor's memory (clone(CLONE_VM), core/spawn.c),
# a clone valgrind does not run: it ends the whole process ("Unsupported
# clone() flags"), so under valgrind the child gets a copy. Classic mode
# and the unrestricted policy: valgrind 3.19 (Debian 12) has no seccomp(2)
# and no file rule is asked for. Skipped without valgrind.
# Run by make check like e2e.sh (cli/local.mk: SH_LOG_COMPILER).
: "${E2E_BUILDDIR:=.}"
if [ -n "${E2E_SAN_CFLAGS:-}" ]; then
	echo "a sanitizer build (valgrind cannot run it), skipping" >&2
	exit 77
fi
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind not installed, skipping" >&2
	exit 77
fi
# The tool "none": valgrind's core alone (it is what refuses the clone),
# no memcheck reports (it does not know what PTRACE_GET_SYSCALL_INFO
# writes). Its warnings (pidfd_open, not emulated) go to err.
err=$(mktemp)
trap 'rm -f "$err"' EXIT
out=$("$E2E_BUILDDIR/libtool" --mode=execute valgrind --tool=none -q \
	--trace-children=no "$E2E_BUILDDIR/cli/sandbox-run" --mode=classic \
	--policy=unrestricted --quiet -- "$E2E_BUILDDIR/tests/progs/hello_static" \
	2>"$err")
rc=$?
if [ "$rc" -ne 0 ] || [ "$out" != "hello" ]; then
	echo "FAIL: sandbox-run under valgrind: exit $rc, output: $out" >&2
	cat "$err" >&2
	exit 1
fi
echo "PASS: sandbox-run under valgrind ran its program (exit 0, hello)"
