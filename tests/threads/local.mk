# The task suites (issue 15): every thread and process of the program under
# the supervisor, in both modes.
#
# tests/threads/progs/   tprog (one multi-threaded or multi-process
#                        behaviour per argument) and tsum (C++
#                        std::thread); built plain (no sanitizers).
# check_tasks            threads and processes traced from their first
#                        instruction, the policy on each, quotas over all
#                        of them, every task killed with the verdict and
#                        with the supervisor, per-task diagnostics
if HAVE_CHECK

TPROG_FLAGS = $(WARN_CFLAGS) -O2 -pthread

check_PROGRAMS += tests/threads/progs/tprog
tests_threads_progs_tprog_SOURCES = tests/threads/progs/tprog.c
tests_threads_progs_tprog_CFLAGS = $(TPROG_FLAGS)
tests_threads_progs_tprog_LDFLAGS =
tests_threads_progs_tprog_LDADD = $(PTHREAD_LIBS)

TASK_CPP = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -I$(top_srcdir)/tests/verdicts \
	-DPROGS_DIR=\"$(abs_top_builddir)/tests/threads/progs\" \
	-DSANDBOX_RUN=\"$(abs_top_builddir)/cli/sandbox-run\"
TASK_SUITES = tests/threads/check_tasks
check_PROGRAMS += $(TASK_SUITES)
TESTS += $(TASK_SUITES)
tests_threads_check_tasks_SOURCES = tests/threads/check_tasks.c \
	tests/testutil.c tests/testutil.h tests/verdicts/vutil.c \
	tests/verdicts/vutil.h
tests_threads_check_tasks_CPPFLAGS = $(TASK_CPP)
tests_threads_check_tasks_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_threads_check_tasks_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS) \
	$(PTHREAD_LIBS)

endif HAVE_CHECK
