# Interactive judging (issue 18): a program wired to an interactor, one
# verdict (sandbox_interaction_run).
#
# tests/interact/progs/   the guessing game: interactor.c (testlib's
#                         conventions, one behaviour per input file) and
#                         solution.c (one kind of solution per argument).
#                         Built like the other test programs: no
#                         sanitizers, no library.
# check_interact          the game with every kind of solution and
#                         interactor, both modes, plain and sandboxed
#                         interactors, 10 MiB each way, concurrency,
#                         interruption, the API's errors
# check_interact_rule     the combined verdict, case by case, without a
#                         kernel (linked with the static library)
if HAVE_CHECK

check_PROGRAMS += tests/interact/progs/interactor tests/interact/progs/solution
tests_interact_progs_interactor_SOURCES = tests/interact/progs/interactor.c
tests_interact_progs_interactor_CFLAGS = $(WARN_CFLAGS)
tests_interact_progs_interactor_LDFLAGS =
tests_interact_progs_solution_SOURCES = tests/interact/progs/solution.c
tests_interact_progs_solution_CFLAGS = $(WARN_CFLAGS)
tests_interact_progs_solution_LDFLAGS =
tests_interact_progs_solution_LDADD = $(PTHREAD_LIBS)

check_PROGRAMS += tests/interact/check_interact
TESTS += tests/interact/check_interact
tests_interact_check_interact_SOURCES = tests/interact/check_interact.c \
	tests/testutil.c tests/testutil.h
tests_interact_check_interact_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests \
	-DPROGS_DIR=\"$(abs_top_builddir)/tests/interact/progs\"
tests_interact_check_interact_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_interact_check_interact_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS) \
	$(PTHREAD_LIBS)

check_PROGRAMS += tests/interact/check_interact_rule
TESTS += tests/interact/check_interact_rule
tests_interact_check_interact_rule_SOURCES = \
	tests/interact/check_interact_rule.c tests/ckrun.h
tests_interact_check_interact_rule_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_interact_check_interact_rule_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_interact_check_interact_rule_LDFLAGS = $(AM_LDFLAGS) -static
tests_interact_check_interact_rule_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)

endif HAVE_CHECK
