# The verdict suites (issue 12): every ordinary program gets the right
# verdict and an intact report, in every phase of a run.
#
# tests/verdicts/progs/   the programs they run: vprog (one everyday
#                         behaviour per argument) and bigbss (a global
#                         array of BSS_MB MiB), dynamic and static, and
#                         32-bit where gcc -m32 links. Built like the other
#                         test programs: no sanitizers, no library.
# check_exec_memory       images over the memory quota (ML at once, in
#                         every mode and isolation), stack vs memory, both
#                         modes agree on allocations, the ML report
# check_matrix            each verdict x static/dynamic x fast/classic x
#                         isolated or not, with the report's figures
# check_judge             what judges' own suites check, through the
#                         library and through sandbox-run
# check_peers             the kinds of checks peers' suites make that the
#                         others do not: figures, TL at the quota alone and
#                         four at once, own rlimits, signals, identity,
#                         isolate's meta figures, Python scripts as written
if HAVE_CHECK


VPROG_FLAGS = $(WARN_CFLAGS)

check_PROGRAMS += tests/verdicts/progs/vprog \
	tests/verdicts/progs/vprog_static tests/verdicts/progs/bigbss512 \
	tests/verdicts/progs/bigbss512_static tests/verdicts/progs/bigbss100 \
	tests/verdicts/progs/bigbss64 tests/verdicts/progs/bigbss64_static
tests_verdicts_progs_vprog_SOURCES = tests/verdicts/progs/vprog.c
tests_verdicts_progs_vprog_CFLAGS = $(VPROG_FLAGS)
tests_verdicts_progs_vprog_LDFLAGS =
tests_verdicts_progs_vprog_static_SOURCES = tests/verdicts/progs/vprog.c
tests_verdicts_progs_vprog_static_CFLAGS = $(VPROG_FLAGS)
tests_verdicts_progs_vprog_static_LDFLAGS = -all-static
tests_verdicts_progs_bigbss512_SOURCES = tests/verdicts/progs/bigbss.c
tests_verdicts_progs_bigbss512_CFLAGS = $(VPROG_FLAGS) -DBSS_MB=512
tests_verdicts_progs_bigbss512_LDFLAGS =
tests_verdicts_progs_bigbss512_static_SOURCES = tests/verdicts/progs/bigbss.c
tests_verdicts_progs_bigbss512_static_CFLAGS = $(VPROG_FLAGS) -DBSS_MB=512
tests_verdicts_progs_bigbss512_static_LDFLAGS = -all-static
tests_verdicts_progs_bigbss100_SOURCES = tests/verdicts/progs/bigbss.c
tests_verdicts_progs_bigbss100_CFLAGS = $(VPROG_FLAGS) -DBSS_MB=100
tests_verdicts_progs_bigbss100_LDFLAGS =
tests_verdicts_progs_bigbss64_SOURCES = tests/verdicts/progs/bigbss.c
tests_verdicts_progs_bigbss64_CFLAGS = $(VPROG_FLAGS) -DBSS_MB=64 -DTOUCH_ALL
tests_verdicts_progs_bigbss64_LDFLAGS =
tests_verdicts_progs_bigbss64_static_SOURCES = tests/verdicts/progs/bigbss.c
tests_verdicts_progs_bigbss64_static_CFLAGS = $(VPROG_FLAGS) -DBSS_MB=64 -DTOUCH_ALL
tests_verdicts_progs_bigbss64_static_LDFLAGS = -all-static

VERDICT_CPP = $(AM_CPPFLAGS) -I$(top_srcdir)/tests \
	-DPROGS_DIR=\"$(abs_top_builddir)/tests/verdicts/progs\" \
	-DSANDBOX_RUN=\"$(abs_top_builddir)/cli/sandbox-run\"
if HAVE_M32
check_PROGRAMS += tests/verdicts/progs/bigbss512_32 \
	tests/verdicts/progs/bigbss512_32s
tests_verdicts_progs_bigbss512_32_SOURCES = tests/verdicts/progs/bigbss.c
tests_verdicts_progs_bigbss512_32_CFLAGS = $(VPROG_FLAGS) -m32 -DBSS_MB=512
tests_verdicts_progs_bigbss512_32_LDFLAGS = -m32
tests_verdicts_progs_bigbss512_32s_SOURCES = tests/verdicts/progs/bigbss.c
tests_verdicts_progs_bigbss512_32s_CFLAGS = $(VPROG_FLAGS) -m32 -DBSS_MB=512
tests_verdicts_progs_bigbss512_32s_LDFLAGS = -m32 -all-static
VERDICT_CPP += -DHAVE_M32_PROGS=1
endif

VERDICT_SUITES = tests/verdicts/check_exec_memory tests/verdicts/check_matrix \
	tests/verdicts/check_judge tests/verdicts/check_peers
check_PROGRAMS += $(VERDICT_SUITES)
TESTS += $(VERDICT_SUITES)
VERDICT_SRC = tests/testutil.c tests/testutil.h \
	tests/verdicts/vutil.c tests/verdicts/vutil.h
tests_verdicts_check_exec_memory_SOURCES = \
	tests/verdicts/check_exec_memory.c $(VERDICT_SRC)
tests_verdicts_check_exec_memory_CPPFLAGS = $(VERDICT_CPP)
tests_verdicts_check_exec_memory_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_verdicts_check_exec_memory_LDADD = libsandbox/libsandbox.la \
	$(CHECK_LIBS) $(PTHREAD_LIBS)
tests_verdicts_check_matrix_SOURCES = \
	tests/verdicts/check_matrix.c $(VERDICT_SRC)
tests_verdicts_check_matrix_CPPFLAGS = $(VERDICT_CPP)
tests_verdicts_check_matrix_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_verdicts_check_matrix_LDADD = libsandbox/libsandbox.la \
	$(CHECK_LIBS) $(PTHREAD_LIBS)
tests_verdicts_check_judge_SOURCES = \
	tests/verdicts/check_judge.c $(VERDICT_SRC)
tests_verdicts_check_judge_CPPFLAGS = $(VERDICT_CPP)
tests_verdicts_check_judge_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_verdicts_check_judge_LDADD = libsandbox/libsandbox.la \
	$(CHECK_LIBS) $(PTHREAD_LIBS)
tests_verdicts_check_peers_SOURCES = \
	tests/verdicts/check_peers.c $(VERDICT_SRC)
tests_verdicts_check_peers_CPPFLAGS = $(VERDICT_CPP)
tests_verdicts_check_peers_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_verdicts_check_peers_LDADD = libsandbox/libsandbox.la \
	$(CHECK_LIBS) $(PTHREAD_LIBS)

endif HAVE_CHECK
