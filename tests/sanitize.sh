#!/bin/sh
# Run the test suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
# Usage: tests/sanitize.sh DIR, where DIR is a clean copy of the source
# (`make distdir`), configured and built here in place.
set -eu
cd "$1"
./configure --enable-sanitizers --enable-werror \
	CFLAGS="-O1 -g" >configure-sanitizers.log 2>&1 ||
	{ cat configure-sanitizers.log; exit 1; }
ASAN_OPTIONS=detect_leaks=1:exitcode=86 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	make -j2 check
