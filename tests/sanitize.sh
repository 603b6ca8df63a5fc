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
