# sandbox-run, the command-line tool: a thin main over its argument parser
# (args.c, unit-tested by tests/check_cli_args.c), the report writers and
# the --trace callback. End-to-end tests: tests/cli/e2e.sh (+ e2e.py).

bin_PROGRAMS += cli/sandbox-run
cli_sandbox_run_SOURCES = \
	cli/sandbox-run.c \
	cli/args.c cli/args.h \
	cli/batch.c cli/batch.h \
	cli/jobs.c cli/jobs.h \
	cli/interact_args.c cli/interact_args.h \
	cli/interact.c cli/interact.h \
	cli/files.c cli/files.h \
	cli/policyinfo.c cli/policyinfo.h \
	cli/report.c cli/report.h \
	cli/render.c cli/render.h \
	cli/trace.c cli/trace.h \
	cli/timing.c cli/timing.h
# The library is linked in (its convenience library), not loaded: ld.so's
# search, mapping and relocation of libsandbox.so cost every judged run
# about 0.1 ms of CPU (docs/PERFORMANCE.md). The public API is exported
# from the executable all the same (sandbox-run.dynlist), for the policy
# modules --policy loads: they call sandbox_* of the process that loads
# them, and one copy of the library must serve both.
# -z now (configure.ac): imports bound once at start, not through the
# lazy-binding trampoline at each first call; the GOT read-only.
cli_sandbox_run_LDADD = libsandbox/libsandbox_all.la
cli_sandbox_run_LDFLAGS = $(AM_LDFLAGS) $(BIND_NOW_LDFLAGS) \
	-Wl,--dynamic-list=$(top_srcdir)/cli/sandbox-run.dynlist
EXTRA_cli_sandbox_run_DEPENDENCIES = cli/sandbox-run.dynlist
EXTRA_DIST += cli/sandbox-run.dynlist

dist_man_MANS += man/sandbox-run.1

# The same tool with timing marks at its steps (cli/timing.h), built only
# when asked for: `make cli/sandbox-run-timing` (a real binary, no libtool
# wrapper). docs/PERFORMANCE.md, "sandbox-run's own start and work".
EXTRA_PROGRAMS = cli/sandbox-run-timing
CLEANFILES += cli/sandbox-run-timing
cli_sandbox_run_timing_SOURCES = $(cli_sandbox_run_SOURCES)
cli_sandbox_run_timing_CPPFLAGS = $(AM_CPPFLAGS) -DSR_TIMING
cli_sandbox_run_timing_LDADD = $(cli_sandbox_run_LDADD)
cli_sandbox_run_timing_LDFLAGS = $(cli_sandbox_run_LDFLAGS) -no-install
EXTRA_cli_sandbox_run_timing_DEPENDENCIES = \
	$(EXTRA_cli_sandbox_run_DEPENDENCIES)

# The program the end-to-end tests run. Built like the hostile corpus,
# without $(SAN_CFLAGS): a sanitizer runtime makes syscalls of its own and
# reserves terabytes of address space, which would change the verdicts.
check_PROGRAMS += tests/cli/victim
tests_cli_victim_SOURCES = tests/cli/victim.c
tests_cli_victim_CFLAGS = $(WARN_CFLAGS)
tests_cli_victim_LDFLAGS =

# The end-to-end tests are a shell script run as "$(SHELL) e2e.sh", so it
# needs no execute bit (a fresh clone, a distcheck tree), inside the same
# PID namespace wrapper as the Check suites; it finds the built tool and
# the victim through E2E_BUILDDIR (SANDBOX_RUN=PATH tests another copy,
# e.g. an installed one).
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/run-isolated.sh \
	env E2E_BUILDDIR=$(abs_top_builddir) E2E_SRCDIR=$(abs_top_srcdir) \
	E2E_CC='$(CC)' E2E_SAN_CFLAGS='$(SAN_CFLAGS)' $(SHELL)
TESTS += tests/cli/e2e.sh tests/cli/docs.sh tests/cli/batch.sh
EXTRA_DIST += tests/cli/e2e.sh tests/cli/e2e.py tests/cli/timing.py \
	tests/cli/batch.sh tests/cli/batch.py \
	tests/cli/common.sh tests/cli/docs.sh tests/cli/docs.py \
	tests/cli/cheat.c

# CPU placement of concurrent sandbox-run processes (2 and 4 at once, a
# SIGKILLed one, --cpus), with a /dev/shm of their own; runs
# tests/progs/affinity (tests/local.mk).
TESTS += tests/cli/placement.sh
EXTRA_DIST += tests/cli/placement.sh tests/cli/placement.py

# sandbox-run --interactor on the guessing game of tests/interact/progs
# (tests/interact/local.mk builds them).
TESTS += tests/cli/interact.sh
EXTRA_DIST += tests/cli/interact.sh tests/cli/interact.py

# sandbox-run under valgrind (skipped without it): the run's child gets a
# copy of the supervisor's memory there (core/spawn.c).
TESTS += tests/cli/valgrind.sh
EXTRA_DIST += tests/cli/valgrind.sh

# Argument parsing, table by table (no program is run).
if HAVE_CHECK
check_PROGRAMS += tests/check_cli_args
TESTS += tests/check_cli_args
tests_check_cli_args_SOURCES = tests/check_cli_args.c cli/args.c cli/args.h \
	cli/interact_args.c cli/interact_args.h cli/policyinfo.c cli/policyinfo.h
tests_check_cli_args_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
tests_check_cli_args_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_cli_args_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)

# The files opened around a run, table by table (no program is run).
check_PROGRAMS += tests/check_cli_files
TESTS += tests/check_cli_files
tests_check_cli_files_SOURCES = tests/check_cli_files.c cli/files.c \
	cli/files.h cli/args.c cli/args.h cli/interact_args.c cli/interact_args.h
tests_check_cli_files_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
tests_check_cli_files_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_cli_files_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
# The job lines of --batch, table by table (no program is run); the live
# batch is tests/cli/batch.sh.
check_PROGRAMS += tests/check_cli_batch
TESTS += tests/check_cli_batch
tests_check_cli_batch_SOURCES = tests/check_cli_batch.c cli/jobs.c \
	cli/jobs.h cli/args.c cli/args.h cli/interact_args.c \
	cli/interact_args.h tests/ckrun.h
tests_check_cli_batch_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
tests_check_cli_batch_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_cli_batch_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
# What the tool draws and parses in the library's place (SVG, --check
# text, --dir specs), from synthetic figures.
check_PROGRAMS += tests/check_cli_render
TESTS += tests/check_cli_render
tests_check_cli_render_SOURCES = tests/check_cli_render.c cli/render.c \
	cli/render.h cli/args.c cli/args.h cli/interact_args.c \
	cli/interact_args.h tests/ckrun.h
tests_check_cli_render_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
tests_check_cli_render_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_cli_render_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
endif
