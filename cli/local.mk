# sandbox-run, the command-line tool: a thin main over its argument parser
# (args.c, unit-tested by tests/check_cli_args.c), the report writers and
# the --trace callback. End-to-end tests: tests/cli/e2e.sh.

bin_PROGRAMS += cli/sandbox-run
cli_sandbox_run_SOURCES = \
	cli/sandbox-run.c \
	cli/args.c cli/args.h \
	cli/report.c cli/report.h \
	cli/trace.c cli/trace.h
cli_sandbox_run_LDADD = libsandbox/libsandbox.la

dist_man_MANS += man/sandbox-run.1

# The program the end-to-end tests run. Built like the hostile corpus,
# without $(SAN_CFLAGS): a sanitizer runtime makes syscalls of its own and
# reserves terabytes of address space, which would change the verdicts.
check_PROGRAMS += tests/cli/victim
tests_cli_victim_SOURCES = tests/cli/victim.c
tests_cli_victim_CFLAGS = $(WARN_CFLAGS)
tests_cli_victim_LDFLAGS =


TESTS += tests/cli/e2e.sh
EXTRA_DIST += tests/cli/e2e.sh tests/cli/e2e.py
