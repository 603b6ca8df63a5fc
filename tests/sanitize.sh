#!/bin/sh
# Run the test suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
# Usage: tests/sanitize.sh DIR, where DIR is a clean copy of the source
# (`make distdir`), configured and built here in place.
set -eu
cd "$1"
./configure --enable-sanitizers --enable-werror \
	CFLAGS="-O1 -g" >configure-sanitizers.log 2>&1 ||
	{ cat configure-sanitizers.log; exit 1; }
# The suites deliberately crash test processes (fault injection: a
# callback that segfaults) and keep helper strings for the life of a test
# process, so ASan leaves fatal signals to the kernel and leak checking is
# off here; leaks are checked with valgrind (make check-valgrind).
ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0:exitcode=86 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	make -j2 check
# The child that shares the supervisor's memory (core/spawn.c) runs no
# code taking frames from ASan's fake stack, the supervisor thread's: its
# disassembly here, then the spawn suite with that fake stack on (the
# default of clang's ASan; off above).
sh tests/check_child_code.sh .
ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0:exitcode=86:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	make check TESTS=tests/check_spawn
