# The hostile-program corpus (tests/hostile), the fault tests
# (tests/check_faults.c), and the analysis targets:
#   make check            builds the corpus, runs check_hostile and check_faults
#   make check-soak       check_faults with a 60 s concurrent soak
#   make check-valgrind   the core Check suites under valgrind (memcheck)
#   make lint             cppcheck + clang-tidy on libsandbox/ policies/ cli/
#
# The attack programs are built by a suffix rule of our own, never with
# $(SAN_CFLAGS): a sanitizer runtime makes syscalls of its own and reserves
# terabytes of address space, which would change the verdicts under test.
# They are named *.hostile; the runner adds the suffix.

HOSTILE_PROGS = \
	tests/hostile/abi_int80_execve.hostile \
	tests/hostile/abi_int80_fork.hostile \
	tests/hostile/abi_int80_getpid.hostile \
	tests/hostile/abi_int80_socketcall.hostile \
	tests/hostile/abi_nr_highbits.hostile \
	tests/hostile/abi_sysenter.hostile \
	tests/hostile/abi_unknown_nr.hostile \
	tests/hostile/abi_x32_execve.hostile \
	tests/hostile/abi_x32_fork.hostile \
	tests/hostile/abi_x32_getpid.hostile \
	tests/hostile/esc_fcntl_setown.hostile \
	tests/hostile/esc_fcntl_setown_ex.hostile \
	tests/hostile/esc_kill_all.hostile \
	tests/hostile/esc_kill_neg_pgid.hostile \
	tests/hostile/esc_kill_parent.hostile \
	tests/hostile/esc_kill_pgrp.hostile \
	tests/hostile/esc_kill_pid_highbits.hostile \
	tests/hostile/esc_other_processes.hostile \
	tests/hostile/esc_pidfd_signal.hostile \
	tests/hostile/esc_prctl_dumpable.hostile \
	tests/hostile/esc_prctl_pdeathsig.hostile \
	tests/hostile/esc_prctl_ptracer.hostile \
	tests/hostile/esc_prctl_seccomp_strict.hostile \
	tests/hostile/esc_ptrace_attach_parent.hostile \
	tests/hostile/esc_ptrace_seize_parent.hostile \
	tests/hostile/esc_ptrace_traceme.hostile \
	tests/hostile/esc_seccomp_errno_all.hostile \
	tests/hostile/esc_setpgid.hostile \
	tests/hostile/esc_setsid.hostile \
	tests/hostile/esc_sigqueue_parent.hostile \
	tests/hostile/esc_sigstop_self.hostile \
	tests/hostile/esc_tgkill_foreign_tid.hostile \
	tests/hostile/esc_tgkill_parent.hostile \
	tests/hostile/exec_execve.hostile \
	tests/hostile/exec_execveat.hostile \
	tests/hostile/exec_fexecve_memfd.hostile \
	tests/hostile/exec_self.hostile \
	tests/hostile/fd_dup2_huge.hostile \
	tests/hostile/fd_exhaust_dup.hostile \
	tests/hostile/fd_exhaust_open.hostile \
	tests/hostile/fs_hardlink_in.hostile \
	tests/hostile/fs_proc_root.hostile \
	tests/hostile/fs_read_outside.hostile \
	tests/hostile/fs_write_outside.hostile \
	tests/hostile/fs_zoneinfo_walk.hostile \
	tests/hostile/mem_exec_stack_shellcode.hostile \
	tests/hostile/mem_proc_parent_mem_read.hostile \
	tests/hostile/mem_proc_parent_mem_relative.hostile \
	tests/hostile/mem_proc_parent_mem_write.hostile \
	tests/hostile/mem_proc_self_mem_write.hostile \
	tests/hostile/mem_process_vm_readv.hostile \
	tests/hostile/mem_process_vm_writev.hostile \
	tests/hostile/mem_rwx_int80_execve.hostile \
	tests/hostile/out_ftruncate.hostile \
	tests/hostile/out_many_files.hostile \
	tests/hostile/out_own_file.hostile \
	tests/hostile/out_sigxfsz_blocked.hostile \
	tests/hostile/out_sigxfsz_ignored.hostile \
	tests/hostile/out_sparse_seek.hostile \
	tests/hostile/out_stdout.hostile \
	tests/hostile/priv_acct.hostile \
	tests/hostile/priv_add_key.hostile \
	tests/hostile/priv_bpf.hostile \
	tests/hostile/priv_chdir_root.hostile \
	tests/hostile/priv_chroot.hostile \
	tests/hostile/priv_clock_settime.hostile \
	tests/hostile/priv_delete_module.hostile \
	tests/hostile/priv_finit_module.hostile \
	tests/hostile/priv_init_module.hostile \
	tests/hostile/priv_io_uring_setup.hostile \
	tests/hostile/priv_ioctl_tiocsti.hostile \
	tests/hostile/priv_kexec_load.hostile \
	tests/hostile/priv_keyctl.hostile \
	tests/hostile/priv_mknod.hostile \
	tests/hostile/priv_mount.hostile \
	tests/hostile/priv_name_to_handle_at.hostile \
	tests/hostile/priv_open_by_handle_at.hostile \
	tests/hostile/priv_perf_event_open.hostile \
	tests/hostile/priv_personality.hostile \
	tests/hostile/priv_pivot_root.hostile \
	tests/hostile/priv_reboot.hostile \
	tests/hostile/priv_setgid.hostile \
	tests/hostile/priv_setgroups.hostile \
	tests/hostile/priv_sethostname.hostile \
	tests/hostile/priv_setns.hostile \
	tests/hostile/priv_setresuid.hostile \
	tests/hostile/priv_settimeofday.hostile \
	tests/hostile/priv_setuid.hostile \
	tests/hostile/priv_socket.hostile \
	tests/hostile/priv_swapon.hostile \
	tests/hostile/priv_symlink.hostile \
	tests/hostile/priv_umount2.hostile \
	tests/hostile/priv_unshare_ns.hostile \
	tests/hostile/priv_unshare_user.hostile \
	tests/hostile/priv_userfaultfd.hostile \
	tests/hostile/proc_clone3_raw.hostile \
	tests/hostile/proc_clone_raw.hostile \
	tests/hostile/proc_clone_thread.hostile \
	tests/hostile/proc_fork.hostile \
	tests/hostile/proc_fork_bomb.hostile \
	tests/hostile/proc_posix_spawn.hostile \
	tests/hostile/proc_pthread.hostile \
	tests/hostile/proc_system.hostile \
	tests/hostile/proc_vfork.hostile \
	tests/hostile/res_brk.hostile \
	tests/hostile/res_cpu_sigxcpu_blocked.hostile \
	tests/hostile/res_cpu_sigxcpu_handler.hostile \
	tests/hostile/res_cpu_sigxcpu_ignored.hostile \
	tests/hostile/res_malloc_exit0.hostile \
	tests/hostile/res_mmap.hostile \
	tests/hostile/res_mmap_noreserve.hostile \
	tests/hostile/res_mremap.hostile \
	tests/hostile/res_prlimit_as_self.hostile \
	tests/hostile/res_prlimit_cpu.hostile \
	tests/hostile/res_prlimit_parent.hostile \
	tests/hostile/res_setrlimit_as.hostile \
	tests/hostile/res_stack.hostile \
	tests/hostile/res_stack_altstack.hostile \
	tests/hostile/time_alarm_storm.hostile \
	tests/hostile/time_futex_forever.hostile \
	tests/hostile/time_itimer_prof_pause.hostile \
	tests/hostile/time_itimer_storm.hostile \
	tests/hostile/time_pause_blocked.hostile \
	tests/hostile/time_sigstop_sleep.hostile \
	tests/hostile/time_sleep_blocked.hostile \
	tests/hostile/time_yield_loop.hostile
HOSTILE_HELPERS = tests/hostile/helper_fault.hostile

SUFFIXES = .hostile
HOSTILE_CC = $(CC) -std=gnu11 $(WARN_CFLAGS) $(CFLAGS) -I$(top_srcdir)/tests/hostile
.c.hostile:
	$(AM_V_CC)$(HOSTILE_CC) -o $@ $< -lpthread

EXTRA_DIST += tests/hostile/hostile.h tests/hostile/expected.tsv \
	tests/hostile/helper_fault.c $(HOSTILE_PROGS:.hostile=.c) \
	.clang-tidy tests/cppcheck.suppress tests/valgrind.supp
CLEANFILES += $(HOSTILE_PROGS) $(HOSTILE_HELPERS)

if HAVE_CHECK
check_SCRIPTS = $(HOSTILE_PROGS) $(HOSTILE_HELPERS)
HOSTILE_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests \
	-DPROGS_DIR=\"$(abs_top_builddir)/tests/hostile\"

check_PROGRAMS += tests/hostile/check_hostile tests/check_faults
TESTS += tests/hostile/check_hostile tests/check_faults

tests_hostile_check_hostile_SOURCES = tests/hostile/check_hostile.c \
	tests/testutil.c tests/testutil.h
tests_hostile_check_hostile_CPPFLAGS = $(HOSTILE_TEST_CPPFLAGS) \
	-DHOSTILE_TABLE=\"$(abs_top_srcdir)/tests/hostile/expected.tsv\"
tests_hostile_check_hostile_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_hostile_check_hostile_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)

tests_check_faults_SOURCES = tests/check_faults.c tests/testutil.c \
	tests/testutil.h
tests_check_faults_CPPFLAGS = $(HOSTILE_TEST_CPPFLAGS)
tests_check_faults_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_faults_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS) $(PTHREAD_LIBS)
endif

# ------------------------------------------------------------ soak
.PHONY: check-soak
check-soak: $(HOSTILE_HELPERS) tests/check_faults
	SB_SOAK_SECONDS=60 $(LIBTOOL) --mode=execute ./tests/check_faults

# ------------------------------------------------------------ valgrind
# The core suites that exist in this build (each one is optional: an area
# may not have landed yet), with check_faults on a short soak. Test
# programs run by the sandbox are not traced (--trace-children=no): only
# the supervisor is under memcheck. Check's fork mode is kept: every test
# child is checked, leaks included.
# KNOWN LIMIT: valgrind 3.19 (Debian 12) does not implement seccomp(2)
# (syscall 317) nor pidfd_open(2) (434): under it, every fast-mode run
# fails at the child's "seccomp" step (ENOSYS) and the engine loses its
# pidfds. Not suppressible (no error report, missing emulation); needs a
# valgrind that wraps both syscalls.
VALGRIND_SUITES = tests/check_api tests/check_verdicts tests/check_quota \
	tests/check_teardown tests/check_env tests/check_unpriv tests/check_faults
VALGRIND = valgrind --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite --show-leak-kinds=definite \
	--trace-children=no --track-fds=no \
	--suppressions=$(abs_top_srcdir)/tests/valgrind.supp
.PHONY: check-valgrind
check-valgrind: $(HOSTILE_HELPERS)
	@command -v valgrind >/dev/null || { echo "valgrind not installed: apt-get install valgrind"; exit 1; }
	$(MAKE) $(AM_MAKEFLAGS) $(check_PROGRAMS) $(check_SCRIPTS)
	@fail=0; ran=0; \
	for t in $(VALGRIND_SUITES); do \
	  test -x $$t || { echo "check-valgrind: $$t not built here, skipped"; continue; }; \
	  ran=$$((ran + 1)); \
	  echo "== valgrind $$t"; \
	  SB_SOAK_SECONDS=2 CK_DEFAULT_TIMEOUT=600 CK_TIMEOUT_MULTIPLIER=10 \
	    $(LIBTOOL) --mode=execute $(VALGRIND) --log-file=$$t.valgrind.log ./$$t \
	    || { echo "FAIL: $$t (see $$t.valgrind.log)"; fail=1; }; \
	done; \
	test $$ran -gt 0 || { echo "check-valgrind: no suite built"; exit 1; }; \
	exit $$fail
CLEANFILES += tests/*.valgrind.log tests/hostile/*.valgrind.log

# ------------------------------------------------------------ lint
# cppcheck: the warning, performance and portability classes; the only
# suppressions are in tests/cppcheck.suppress, each with its reason.
# clang-tidy: the check set is .clang-tidy at the top of the tree.
LINT_DIRS = libsandbox policies cli
LINT_CPPFLAGS = -I$(top_srcdir)/libsandbox -I$(top_builddir) -D_GNU_SOURCE
.PHONY: lint lint-cppcheck lint-clang-tidy
lint: lint-cppcheck lint-clang-tidy
lint-cppcheck:
	@files=`for d in $(LINT_DIRS); do ls $(top_srcdir)/$$d/*.c 2>/dev/null; done`; \
	echo "cppcheck: $$files" | tr '\n' ' '; echo; \
	cppcheck --quiet --error-exitcode=1 --std=c11 --platform=unix64 \
	  --enable=warning,performance,portability --inline-suppr \
	  --suppressions-list=$(top_srcdir)/tests/cppcheck.suppress \
	  $(LINT_CPPFLAGS) -D__x86_64__ -D__linux__ -D__GNUC__ \
	  $$files
lint-clang-tidy:
	@files=`for d in $(LINT_DIRS); do ls $(top_srcdir)/$$d/*.c 2>/dev/null; done`; \
	clang-tidy --quiet --config-file=$(top_srcdir)/.clang-tidy \
	  --warnings-as-errors='*' $$files -- \
	  -std=gnu11 $(LINT_CPPFLAGS) $(SECCOMP_CFLAGS) $(LIBELF_CFLAGS) \
	  $(LIBUNWIND_CFLAGS)
