# The task suites (issue 15): every thread and process of the program under
# the supervisor, in both modes.
#
# tests/threads/progs/   tprog (one multi-threaded or multi-process
#                        behaviour per argument), tsum (C++ std::thread),
#                        Tasks.java, tasks.go, tasks.js (one behaviour per
#                        argument each); built plain (no sanitizers), the
#                        last three only where configure found their
#                        compiler (the tests say which package is missing)
# check_tasks            threads and processes traced from their first
#                        instruction, the policy on each, quotas over all
#                        of them, every task killed with the verdict and
#                        with the supervisor, per-task diagnostics
# check_runtimes         the built-in policies of multi-threaded runtimes
#                        (java, go, node): hello, threads, TL, ML, RF
if HAVE_CHECK

TPROG_FLAGS = $(WARN_CFLAGS) -O2 -pthread

check_PROGRAMS += tests/threads/progs/tprog
tests_threads_progs_tprog_SOURCES = tests/threads/progs/tprog.c
tests_threads_progs_tprog_CFLAGS = $(TPROG_FLAGS)
tests_threads_progs_tprog_LDFLAGS =
tests_threads_progs_tprog_LDADD = $(PTHREAD_LIBS)

TPROGS_DIR = tests/threads/progs
EXTRA_DIST += $(TPROGS_DIR)/tsum.cc $(TPROGS_DIR)/Tasks.java \
	$(TPROGS_DIR)/tasks.go $(TPROGS_DIR)/tasks.js
TASK_LANGS =
TASK_PROG_FILES =
if HAVE_CXX_THREADS
check_PROGRAMS += tests/threads/progs/tsum
tests_threads_progs_tsum_SOURCES = tests/threads/progs/tsum.cc
tests_threads_progs_tsum_CXXFLAGS = -O2 -pthread
tests_threads_progs_tsum_LDFLAGS = -pthread
TASK_LANGS += -DHAVE_TSUM
endif
if HAVE_JAVA
TASK_PROG_FILES += $(TPROGS_DIR)/Tasks.class
$(TPROGS_DIR)/Tasks.class: $(TPROGS_DIR)/Tasks.java
	$(AM_V_GEN)$(MKDIR_P) $(TPROGS_DIR) && \
	$(JAVAC) -d $(TPROGS_DIR) $(srcdir)/$(TPROGS_DIR)/Tasks.java
TASK_LANGS += -DJAVA_BIN=\"$(JAVA)\"
CLEANFILES += $(TPROGS_DIR)/Tasks.class
endif
if HAVE_GO
# Static (no cgo), as judges build; the build cache in the build tree.
TASK_PROG_FILES += $(TPROGS_DIR)/gotasks
$(TPROGS_DIR)/gotasks: $(TPROGS_DIR)/tasks.go
	$(AM_V_GEN)$(MKDIR_P) $(TPROGS_DIR) && \
	GOCACHE=$(abs_builddir)/$(TPROGS_DIR)/gocache \
	GOPATH=$(abs_builddir)/$(TPROGS_DIR)/gopath CGO_ENABLED=0 \
	GO111MODULE=off $(GO) build -o $@ $(srcdir)/$(TPROGS_DIR)/tasks.go
TASK_LANGS += -DHAVE_GOTASKS
CLEANFILES += $(TPROGS_DIR)/gotasks
endif
if HAVE_NODE
TASK_LANGS += -DNODE_BIN=\"$(NODE)\" \
	-DTASKS_JS=\"$(abs_top_srcdir)/$(TPROGS_DIR)/tasks.js\"
endif

TASK_CPP = $(TASK_LANGS) $(AM_CPPFLAGS) -I$(top_srcdir)/tests -I$(top_srcdir)/tests/verdicts \
	-DPROGS_DIR=\"$(abs_top_builddir)/tests/threads/progs\" \
	-DSANDBOX_RUN=\"$(abs_top_builddir)/cli/sandbox-run\"
TASK_SUITES = tests/threads/check_tasks tests/threads/check_runtimes
check_PROGRAMS += $(TASK_SUITES)
TESTS += $(TASK_SUITES)
tests_threads_check_tasks_SOURCES = tests/threads/check_tasks.c \
	tests/testutil.c tests/testutil.h tests/verdicts/vutil.c \
	tests/verdicts/vutil.h
tests_threads_check_tasks_CPPFLAGS = $(TASK_CPP)
tests_threads_check_tasks_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_threads_check_tasks_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS) \
	$(PTHREAD_LIBS)
tests_threads_check_runtimes_SOURCES = tests/threads/check_runtimes.c \
	tests/testutil.c tests/testutil.h
EXTRA_tests_threads_check_runtimes_DEPENDENCIES = $(TASK_PROG_FILES)
tests_threads_check_runtimes_CPPFLAGS = $(TASK_CPP)
tests_threads_check_runtimes_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_threads_check_runtimes_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS) \
	$(PTHREAD_LIBS)

endif HAVE_CHECK

# Go's build cache (read-only files) and path.
clean-local: clean-gotasks
.PHONY: clean-gotasks
clean-gotasks:
	-chmod -R u+w tests/threads/progs/gocache tests/threads/progs/gopath 2>/dev/null
	-rm -rf tests/threads/progs/gocache tests/threads/progs/gopath
