# bindings/python/: the Python binding, `import sandbox` (docs/PYTHON.md).
#
#   sandbox/*.py, *.pyi   the package: the classic pysandbox interface, the
#                         modern one (run, Box, Result), type stubs
#   src/*.c               the extension sandbox._sandbox over sandbox.h
#   tests/                unittest suites, run by `make check` one file at
#                         a time (run-test.sh), and their test program
#   pyproject.toml, setup.py  `pip install` against an installed libsandbox
#
# Here the extension is a libtool module linked with the in-tree
# libsandbox.la; `make check` stages it with the package in
# bindings/python/stage/ and runs each tests/test_*.py with that on
# PYTHONPATH. Without Python headers (configure says so) nothing is built
# and the tests skip, saying why.

PYBIND_SOURCES = \
	bindings/python/src/sbpy.h \
	bindings/python/src/module.c \
	bindings/python/src/event.c \
	bindings/python/src/policy.c \
	bindings/python/src/sandbox.c \
	bindings/python/src/config.c \
	bindings/python/src/report.c \
	bindings/python/src/interrupt.c \
	bindings/python/src/capture.c \
	bindings/python/src/interact.c \
	bindings/python/src/util.c
PYBIND_PY = \
	bindings/python/sandbox/__init__.py \
	bindings/python/sandbox/_modern.py \
	bindings/python/sandbox/_report.py \
	bindings/python/sandbox/_interact.py \
	bindings/python/sandbox/__init__.pyi \
	bindings/python/sandbox/_sandbox.pyi \
	bindings/python/sandbox/py.typed
# tests/test_NAME.pyunit runs tests/test_NAME.py (an extension of our own: a
# .py test beside a .sh test of the same name elsewhere would take the
# .sh one's log file).
PYBIND_TESTS = \
	bindings/python/tests/test_constants.pyunit \
	bindings/python/tests/test_classic.pyunit \
	bindings/python/tests/test_classic_suite.pyunit \
	bindings/python/tests/test_policy.pyunit \
	bindings/python/tests/test_signals.pyunit \
	bindings/python/tests/test_modern.pyunit \
	bindings/python/tests/test_report.pyunit \
	bindings/python/tests/test_adversarial.pyunit \
	bindings/python/tests/test_stress.pyunit \
	bindings/python/tests/test_samples.pyunit \
	bindings/python/tests/test_interact.pyunit \
	bindings/python/tests/test_inputs.pyunit
PYBIND_TEST_PY = $(PYBIND_TESTS:.pyunit=.py)
EXTRA_DIST += $(PYBIND_SOURCES) $(PYBIND_PY) $(PYBIND_TESTS) \
	$(PYBIND_TEST_PY) \
	bindings/python/tests/common.py bindings/python/run-test.sh \
	bindings/python/tests/sample2_style.py \
	bindings/python/pyproject.toml bindings/python/setup.py \
	bindings/python/README.md samples/judge.py

if HAVE_PYTHON_DEV
noinst_LTLIBRARIES += bindings/python/_sandbox.la
bindings_python__sandbox_la_SOURCES = $(PYBIND_SOURCES)
bindings_python__sandbox_la_CPPFLAGS = $(AM_CPPFLAGS) $(PYTHON_CPPFLAGS)
# Python's headers break -Wstrict-prototypes/-Wshadow nowhere we include
# them; the extension exports only PyInit__sandbox.
bindings_python__sandbox_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden \
	-fno-strict-aliasing
bindings_python__sandbox_la_LIBADD = libsandbox/libsandbox.la $(PTHREAD_LIBS)
bindings_python__sandbox_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-shared -rpath /nowhere

# The staged package the tests import: the sources (symlinks) and the
# extension, under bindings/python/stage/sandbox/.
PYBIND_STAGE = bindings/python/stage
bindings/python/stage/.stamp: bindings/python/_sandbox.la $(PYBIND_PY:%=$(srcdir)/%)
	$(AM_V_GEN)rm -rf $(PYBIND_STAGE)/sandbox && \
	$(MKDIR_P) $(PYBIND_STAGE)/sandbox && \
	for f in $(PYBIND_PY); do \
		ln -s "$(abs_srcdir)/$$f" $(PYBIND_STAGE)/sandbox/ || exit 1; \
	done && \
	cp bindings/python/.libs/_sandbox.so $(PYBIND_STAGE)/sandbox/_sandbox.so && \
	touch $@
check_DATA = bindings/python/stage/.stamp
endif

clean-local: clean-pybind
clean-pybind:
	rm -rf bindings/python/stage
.PHONY: clean-pybind

# The program the tests run, dynamic and static (no sanitizers: they
# would change its syscalls and memory).
check_PROGRAMS += bindings/python/tests/prog bindings/python/tests/prog_static
bindings_python_tests_prog_SOURCES = bindings/python/tests/prog.c
bindings_python_tests_prog_CFLAGS = $(WARN_CFLAGS)
bindings_python_tests_prog_LDFLAGS =
bindings_python_tests_prog_static_SOURCES = bindings/python/tests/prog.c
bindings_python_tests_prog_static_CFLAGS = $(WARN_CFLAGS)
bindings_python_tests_prog_static_LDFLAGS = -all-static

# Each test file is one test of `make check`, in its own PID namespace.
TEST_EXTENSIONS += .pyunit
PYUNIT_LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/run-isolated.sh \
	env PYBIND_BUILDDIR=$(abs_top_builddir) PYBIND_SRCDIR=$(abs_top_srcdir) \
	PYBIND_PYTHON="$(PYTHON)" PYBIND_HAVE_DEV=$(PYBIND_HAVE_DEV) \
	PYBIND_SANITIZERS="$(SAN_CFLAGS)" PYBIND_CC="$(CC)" \
	$(SHELL) $(top_srcdir)/bindings/python/run-test.sh
TESTS += $(PYBIND_TESTS)
