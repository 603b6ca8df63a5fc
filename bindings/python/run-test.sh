#!/bin/sh
# bindings/python/run-test.sh tests/test_NAME.pyunit -- runs tests/test_NAME.py,
# one test of `make check` (PYUNIT_LOG_COMPILER, inside
# tests/run-isolated.sh), with the in-tree
# build: the staged package bindings/python/stage/sandbox and
# libsandbox/.libs. Skips (77), saying why, when Python or its headers
# were missing at configure time. In the sanitizer build the extension
# and the library carry ASan, which must come first in an uninstrumented
# python3: it is preloaded.
test=$1
b=${PYBIND_BUILDDIR:?}
if [ -z "$PYBIND_PYTHON" ]; then
	echo "SKIP: no python3 found by configure"
	exit 77
fi
if [ "$PYBIND_HAVE_DEV" != yes ]; then
	echo "SKIP: the binding is not built: configure found no headers for $PYBIND_PYTHON (apt-get install python3-dev), or was given --without-python-binding"
	exit 77
fi
export PYTHONPATH="$b/bindings/python/stage${PYTHONPATH:+:$PYTHONPATH}"
export LD_LIBRARY_PATH="$b/libsandbox/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYBIND_PROGS="$b/bindings/python/tests"
export PYTHONDONTWRITEBYTECODE=1
case "$PYBIND_SANITIZERS" in
*address*)
	asan=$($PYBIND_CC -print-file-name=libasan.so)
	ubsan=$($PYBIND_CC -print-file-name=libubsan.so)
	if [ ! -e "$asan" ]; then
		echo "SKIP: sanitizer build, and no libasan.so to preload into $PYBIND_PYTHON"
		exit 77
	fi
	export LD_PRELOAD="$asan${ubsan:+ $ubsan}"
	export PYTHONMALLOC=malloc
	export PYBIND_SANITIZED=1
	# Python's own allocations at exit are not leaks of ours.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	;;
esac
dir=$(dirname "$test")
name=$(basename "$test" .pyunit)
cd "$dir" || exit 99
exec "$PYBIND_PYTHON" -m unittest -v "$name"
