# make check: the Check suites of libsandbox and the programs they run.
#
# tests/progs/*    small real programs (one behaviour each) the suites run
#                  under the sandbox; built at "make check" time, never
#                  installed, without sanitizers (ASan would change their
#                  memory and syscalls).
# tests/check_*    one Check suite per capability, sharing tests/testutil.c
#                  (main(), host probe, helpers). Each runs in its own PID
#                  namespace through tests/run-isolated.sh.
#
# Environment: SANDBOX_MUST_WORK=1 turns skips (exit 77, host lacks ptrace,
# seccomp or a way to drop privileges) into failures (CI);
# CK_TIMEOUT_MULTIPLIER scales the per-test timeouts (slow hosts, valgrind)
# and, with the host's load, every bound on time in the suites
# (tu_load_factor in testutil.h; tests/cli/timing.py for sandbox-run's);
# SANDBOX_NO_ISOLATION=1 runs the suites without a PID namespace.

EXTRA_DIST += tests/run-isolated.sh

# The layers of the library: its include and call graphs run one way and
# have no cycle (libsandbox/LAYERS, docs/ARCHITECTURE.md). Needs no kernel
# feature, only the built objects.
TESTS += tests/check_layers.sh
EXTRA_DIST += tests/check_layers.sh
# Run by tests/sanitize.sh on the sanitizer build.
EXTRA_DIST += tests/check_child_code.sh

if HAVE_CHECK
# The kernel-free tier: every built-in policy's compiled filter (and random
# ones) run in a BPF interpreter against the user-space evaluation. Linked
# with the static library (libtool -static) to reach the internal calls.
check_PROGRAMS += tests/check_bpf
TESTS += tests/check_bpf
tests_check_bpf_SOURCES = tests/check_bpf.c tests/ckrun.h tests/seedrng.h
tests_check_bpf_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SECCOMP_CFLAGS)
tests_check_bpf_LDFLAGS = $(AM_LDFLAGS) -static
tests_check_bpf_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
# policy/filter_tree.c's rebuilt filters against libseccomp's programs,
# both in the interpreter.
check_PROGRAMS += tests/check_filter_tree
TESTS += tests/check_filter_tree
tests_check_filter_tree_SOURCES = tests/check_filter_tree.c tests/ckrun.h \
	tests/seedrng.h
tests_check_filter_tree_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SECCOMP_CFLAGS)
tests_check_filter_tree_LDFLAGS = $(AM_LDFLAGS) -static
tests_check_filter_tree_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
endif

if HAVE_CHECK

# ---------------------------------------------------------------- programs
# Plain flags: warnings on, no sanitizers (neither when compiling nor when
# linking: an empty per-program LDFLAGS replaces AM_LDFLAGS), no library.
TESTPROG_FLAGS = $(WARN_CFLAGS)

TEST_PROGS = \
	tests/progs/hello \
	tests/progs/hello_static \
	tests/progs/exit3 \
	tests/progs/segv \
	tests/progs/fpe \
	tests/progs/abrt \
	tests/progs/sleep \
	tests/progs/cpuloop \
	tests/progs/cpu300 \
	tests/progs/pause_blocked \
	tests/progs/malloc_hog \
	tests/progs/brk_hog \
	tests/progs/mmap_hog \
	tests/progs/output_hog \
	tests/progs/kill_self \
	tests/progs/sigtrap \
	tests/progs/double \
	tests/progs/showenv \
	tests/progs/showfds \
	tests/progs/pwd \
	tests/progs/forbidden \
	tests/progs/writefile \
	tests/progs/both \
	tests/progs/trunc_streams \
	tests/progs/affinity \
	tests/progs/peer \
	tests/progs/supervisor_work \
	tests/progs/fill \
	tests/progs/whoami \
	tests/progs/kmem_hog

check_PROGRAMS += $(TEST_PROGS)

tests_progs_hello_SOURCES = tests/progs/hello.c
tests_progs_hello_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_hello_LDFLAGS =
tests_progs_hello_static_SOURCES = tests/progs/hello.c
tests_progs_hello_static_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_hello_static_LDFLAGS = -all-static
tests_progs_exit3_SOURCES = tests/progs/exit3.c
tests_progs_exit3_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_exit3_LDFLAGS =
tests_progs_segv_SOURCES = tests/progs/segv.c
tests_progs_segv_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_segv_LDFLAGS =
tests_progs_fpe_SOURCES = tests/progs/fpe.c
tests_progs_fpe_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_fpe_LDFLAGS =
tests_progs_abrt_SOURCES = tests/progs/abrt.c
tests_progs_abrt_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_abrt_LDFLAGS =
tests_progs_sleep_SOURCES = tests/progs/sleep.c
tests_progs_sleep_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_sleep_LDFLAGS =
tests_progs_cpuloop_SOURCES = tests/progs/cpuloop.c
tests_progs_cpuloop_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_cpuloop_LDFLAGS =
tests_progs_cpu300_SOURCES = tests/progs/cpu300.c
tests_progs_cpu300_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_cpu300_LDFLAGS =
tests_progs_pause_blocked_SOURCES = tests/progs/pause_blocked.c
tests_progs_pause_blocked_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_pause_blocked_LDFLAGS =
tests_progs_malloc_hog_SOURCES = tests/progs/malloc_hog.c
tests_progs_malloc_hog_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_malloc_hog_LDFLAGS =
tests_progs_brk_hog_SOURCES = tests/progs/brk_hog.c
tests_progs_brk_hog_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_brk_hog_LDFLAGS =
tests_progs_mmap_hog_SOURCES = tests/progs/mmap_hog.c
tests_progs_mmap_hog_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_mmap_hog_LDFLAGS =
tests_progs_output_hog_SOURCES = tests/progs/output_hog.c
tests_progs_output_hog_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_output_hog_LDFLAGS =
tests_progs_kill_self_SOURCES = tests/progs/kill_self.c
tests_progs_kill_self_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_kill_self_LDFLAGS =
tests_progs_sigtrap_SOURCES = tests/progs/sigtrap.c
tests_progs_sigtrap_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_sigtrap_LDFLAGS =
tests_progs_double_SOURCES = tests/progs/double.c
tests_progs_double_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_double_LDFLAGS =
tests_progs_showenv_SOURCES = tests/progs/showenv.c
tests_progs_showenv_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_showenv_LDFLAGS =
tests_progs_showfds_SOURCES = tests/progs/showfds.c
tests_progs_showfds_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_showfds_LDFLAGS =
tests_progs_pwd_SOURCES = tests/progs/pwd.c
tests_progs_pwd_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_pwd_LDFLAGS =
tests_progs_forbidden_SOURCES = tests/progs/forbidden.c
tests_progs_forbidden_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_forbidden_LDFLAGS =
tests_progs_writefile_SOURCES = tests/progs/writefile.c
tests_progs_writefile_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_writefile_LDFLAGS =
tests_progs_both_SOURCES = tests/progs/both.c
tests_progs_both_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_both_LDFLAGS =
tests_progs_trunc_streams_SOURCES = tests/progs/trunc_streams.c
tests_progs_trunc_streams_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_trunc_streams_LDFLAGS =
tests_progs_affinity_SOURCES = tests/progs/affinity.c
tests_progs_affinity_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_affinity_LDFLAGS =
tests_progs_peer_SOURCES = tests/progs/peer.c
tests_progs_peer_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_peer_LDFLAGS =
tests_progs_supervisor_work_SOURCES = tests/progs/supervisor_work.c
tests_progs_supervisor_work_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_supervisor_work_LDFLAGS =
tests_progs_fill_SOURCES = tests/progs/fill.c
tests_progs_fill_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_fill_LDFLAGS =
tests_progs_whoami_SOURCES = tests/progs/whoami.c
tests_progs_whoami_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_whoami_LDFLAGS =
tests_progs_kmem_hog_SOURCES = tests/progs/kmem_hog.c
tests_progs_kmem_hog_CFLAGS = $(TESTPROG_FLAGS)
tests_progs_kmem_hog_LDFLAGS =

# ---------------------------------------------------------------- suites
TESTSUITE_CPP = $(AM_CPPFLAGS) -DPROGS_DIR=\"$(abs_top_builddir)/tests/progs\"
TESTSUITE_CC = $(AM_CFLAGS) $(CHECK_CFLAGS)
TESTSUITE_LIBS = libsandbox/libsandbox.la $(CHECK_LIBS) $(PTHREAD_LIBS)

TEST_SUITES = \
	tests/check_api \
	tests/check_verdicts \
	tests/check_quota \
	tests/check_teardown \
	tests/check_env \
	tests/check_unpriv \
	tests/check_default_policy \
	tests/check_capture \
	tests/check_files \
	tests/check_placement \
	tests/check_identity \
	tests/check_box \
	tests/check_spawn

check_PROGRAMS += $(TEST_SUITES)
TESTS += $(TEST_SUITES)

tests_check_api_SOURCES = tests/check_api.c tests/testutil.c tests/testutil.h
tests_check_api_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_api_CFLAGS = $(TESTSUITE_CC)
tests_check_api_LDADD = $(TESTSUITE_LIBS)
tests_check_verdicts_SOURCES = tests/check_verdicts.c tests/testutil.c tests/testutil.h
tests_check_verdicts_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_verdicts_CFLAGS = $(TESTSUITE_CC)
tests_check_verdicts_LDADD = $(TESTSUITE_LIBS)
tests_check_quota_SOURCES = tests/check_quota.c tests/testutil.c tests/testutil.h
tests_check_quota_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_quota_CFLAGS = $(TESTSUITE_CC)
tests_check_quota_LDADD = $(TESTSUITE_LIBS)
tests_check_teardown_SOURCES = tests/check_teardown.c tests/testutil.c tests/testutil.h
tests_check_teardown_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_teardown_CFLAGS = $(TESTSUITE_CC)
tests_check_teardown_LDADD = $(TESTSUITE_LIBS)
tests_check_spawn_SOURCES = tests/check_spawn.c tests/testutil.c tests/testutil.h
tests_check_spawn_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_spawn_CFLAGS = $(TESTSUITE_CC)
tests_check_spawn_LDADD = $(TESTSUITE_LIBS)
tests_check_env_SOURCES = tests/check_env.c tests/testutil.c tests/testutil.h
tests_check_env_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_env_CFLAGS = $(TESTSUITE_CC)
tests_check_env_LDADD = $(TESTSUITE_LIBS)
tests_check_unpriv_SOURCES = tests/check_unpriv.c tests/testutil.c tests/testutil.h
tests_check_unpriv_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_unpriv_CFLAGS = $(TESTSUITE_CC)
tests_check_unpriv_LDADD = $(TESTSUITE_LIBS)
tests_check_default_policy_SOURCES = tests/check_default_policy.c tests/testutil.c tests/testutil.h
tests_check_default_policy_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_default_policy_CFLAGS = $(TESTSUITE_CC)
tests_check_default_policy_LDADD = $(TESTSUITE_LIBS)
tests_check_capture_SOURCES = tests/check_capture.c tests/testutil.c tests/testutil.h
tests_check_capture_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_capture_CFLAGS = $(TESTSUITE_CC)
tests_check_capture_LDADD = $(TESTSUITE_LIBS)
tests_check_files_SOURCES = tests/check_files.c tests/testutil.c tests/testutil.h
tests_check_files_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_files_CFLAGS = $(TESTSUITE_CC)
tests_check_files_LDADD = $(TESTSUITE_LIBS)
tests_check_placement_SOURCES = tests/check_placement.c tests/testutil.c tests/testutil.h
tests_check_placement_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_placement_CFLAGS = $(TESTSUITE_CC)
tests_check_placement_LDADD = $(TESTSUITE_LIBS)
tests_check_identity_SOURCES = tests/check_identity.c tests/testutil.c tests/testutil.h
tests_check_identity_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_identity_CFLAGS = $(TESTSUITE_CC)
tests_check_identity_LDADD = $(TESTSUITE_LIBS)
tests_check_box_SOURCES = tests/check_box.c tests/testutil.c tests/testutil.h
tests_check_box_CPPFLAGS = $(TESTSUITE_CPP)
tests_check_box_CFLAGS = $(TESTSUITE_CC)
tests_check_box_LDADD = $(TESTSUITE_LIBS)


# Every suite binary runs in its own PID namespace (tests/run-isolated.sh).
LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/run-isolated.sh

endif HAVE_CHECK
