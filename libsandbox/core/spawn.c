/*
 * Starting the program's process: clone(CLONE_VM) on a stack of the
 * sandbox's own, the way posix_spawn() does, instead of fork().
 *
 * fork() copies the supervisor's page tables and write-protects every
 * writable page, so a run costs more the larger the supervisor (a Python
 * or Java judge), and every page the supervisor writes afterwards takes a
 * copy-on-write fault. A child that shares the supervisor's memory until
 * its execve costs neither (docs/PERFORMANCE.md).
 *
 * The price is discipline in the child (core/child.c): it writes nothing
 * but its own stack (raw system calls, util/rawsys.h), and the parent
 * leaves the plan, and everything the plan points to, alone until the
 * child has exec'd or died -- sb_run_execute() keeps them until
 * sb_trace() returns, by which time the child is reaped.
 *
 * The thread calling clone(), which is the tracer, attaches to the child
 * with PTRACE_SEIZE right away (attach(), below), its options set in the
 * same call, while the child takes its steps. The child waits for it at a
 * handshake before anything that needs a tracer (its Landlock domain,
 * its filter -- SECCOMP_RET_TRACE without a tracer is ENOSYS -- and its
 * execve): a word in a page shared with it whatever clone() shares
 * (MAP_SHARED), which the tracer sets once it is attached (SB_GO_*, core.h;
 * by then the child usually finds it set, and takes no stop and no
 * context switch). Not CLONE_VFORK: the parent must run to attach.
 * Not CLONE_FILES, CLONE_FS or CLONE_SIGHAND: the child's descriptors,
 * working directory and signal dispositions are its own copies, which its
 * set-up changes.
 *
 * Every signal is blocked in the calling thread across the clone(): the
 * child starts with them blocked, so no handler of the supervisor runs in
 * it (on the supervisor's memory) before its set-up has reset them all.
 *
 * A run in namespaces or in a cgroup of its own is still started by the
 * isolation layer's clone() without CLONE_VM (sb_iso_spawn): its child
 * waits for its user-namespace maps and does the mount work, which
 * allocates; and a child that joins a memory cgroup before its exec may
 * be OOM-killed there, which kills every process sharing its memory.
 *
 * A child that changes its ids (a run slot, sandbox_set_credentials())
 * changes the dumpable flag of the memory it shares with us: the kernel
 * sets it to fs.suid_dumpable at every id change (commit_creds). With 0
 * (the default) or 2 nobody but root may then read or write that memory,
 * and we put our flag back once no such child holds our memory any more
 * (a judge would otherwise stay non-dumpable after its first run: no core
 * dump, every later child of its own non-dumpable). With 1 (a debugging
 * setting) the child would be open to every process of its new uid --
 * process_vm_writev, /proc/PID/mem -- until its execve, and so would our
 * memory: such a child is started with its own copy (no CLONE_VM), like
 * fork(). The sysctl is read at each such run (it can change).
 *
 * A copy too under valgrind and in a build with a sanitizer that keeps
 * per-thread state (below).
 */
#include "config.h"
#include "core/core.h"
#include "util/rawsys.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Valgrind runs no clone(CLONE_VM) that is neither a thread nor a vfork
 * (it ends the whole process): under it the child gets a copy. Its
 * client request, when valgrind.h was there at build time, and at run
 * time its preloaded objects (vgpreload_core and the tool's), which are
 * in the link map of every dynamic client: a library built without the
 * header is run under valgrind too. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define BUILT_WITH_VALGRIND_H
#endif
#endif

static int find_vgpreload(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	if (info->dlpi_name && strstr(info->dlpi_name, "/vgpreload_")) {
		*(bool *)data = true;
		return 1;
	}
	return 0;
}

/* Decided once: a process does not come under valgrind later. */
static bool under_valgrind(void)
{
	static atomic_int known = -1;
	int k = atomic_load(&known);

	if (k < 0) {
		bool found = false;
#ifdef BUILT_WITH_VALGRIND_H
		found = RUNNING_ON_VALGRIND != 0;
#endif
		if (!found)
			(void)dl_iterate_phdr(find_vgpreload, &found);
		k = found;
		atomic_store(&known, k);
	}
	return k != 0;
}

/* Sanitizers whose instrumentation keeps per-thread state in the calling
 * thread's storage and cannot be left out of a function (ThreadSanitizer,
 * MemorySanitizer, HWAddressSanitizer): the child would write the
 * supervisor thread's. A library built with one gives the child a copy.
 * AddressSanitizer and UBSan are left out of the child's code instead
 * (SB_CHILD_CODE). */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_HWADDRESS__)
#define SANITIZER_NEEDS_COPY true
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(hwaddress_sanitizer)
#define SANITIZER_NEEDS_COPY true
#endif
#endif
#ifndef SANITIZER_NEEDS_COPY
#define SANITIZER_NEEDS_COPY false
#endif

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define STACK_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define STACK_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* The child's stack: its steps take a few hundred bytes (a few KiB with
 * the sanitizers); a guard page below it. */
#define SPAWN_STACK_SIZE (64 * 1024)
#define SPAWN_GUARD_SIZE 4096
/* The handshake's page: shared with the child even when it gets a copy of
 * the rest of our memory. */
#define SPAWN_GO_SIZE 4096

/* Process-wide: the children that changed ids while sharing our memory
 * and have not exec'd or died yet, and our dumpable flag from before the
 * first of them (docs/ARCHITECTURE.md, process-wide state). */
static struct {
	pthread_mutex_t lock;
	unsigned holders;
	int was;
} dump = { .lock = PTHREAD_MUTEX_INITIALIZER, .was = -1 };

/* May a child that changes ids share our memory? Only when the kernel
 * makes it non-dumpable for its new uid (fs.suid_dumpable 0 or 2); an
 * unreadable sysctl counts as 1. */
static bool ids_may_share(void)
{
	char v = '1';
	int fd = open("/proc/sys/fs/suid_dumpable", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &v, 1) != 1)
			v = '1';
		close(fd);
	}
	return v == '0' || v == '2';
}

static void dump_hold(sandbox_t *sb)
{
	pthread_mutex_lock(&dump.lock);
	if (dump.holders++ == 0)
		dump.was = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	pthread_mutex_unlock(&dump.lock);
	sb->spawn_dump_held = true;
}

void sb_spawn_released(sandbox_t *sb)
{
	if (!sb->spawn_dump_held)
		return;
	sb->spawn_dump_held = false;
	pthread_mutex_lock(&dump.lock);
	if (--dump.holders == 0 && dump.was > 0 &&
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != dump.was)
		(void)prctl(PR_SET_DUMPABLE, dump.was, 0, 0, 0);
	pthread_mutex_unlock(&dump.lock);
}

SB_CHILD_CODE
static int child_main(void *arg)
{
	const struct sb_child_plan *plan = arg;

	SB_PROBE(plan->sb->spawn_go, SB_PROBE_ENTRY);
	sb_child_run_seized(plan, plan->sb->spawn_go);
	return 127; /* not reached: sb_child_run leaves by exit_group */
}

static int stack_get(sandbox_t *sb)
{
	void *p;

	if (!sb->spawn_go) {
		p = mmap(NULL, SPAWN_GO_SIZE, PROT_READ | PROT_WRITE,
		         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		sb->spawn_go = p;
	}
	if (sb->spawn_stack)
		return 0;
	p = mmap(NULL, SPAWN_GUARD_SIZE + SPAWN_STACK_SIZE,
	         PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
	         -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (mprotect(p, SPAWN_GUARD_SIZE, PROT_NONE) < 0) {
		int e = -errno;
		munmap(p, SPAWN_GUARD_SIZE + SPAWN_STACK_SIZE);
		return e;
	}
	sb->spawn_stack = p;
	return 0;
}

#ifdef SB_CHILD_PROBES
/* The time stamp counter where there is one (no system call: the child
 * pays ~20 cycles a probe), else the raw clock_gettime (in ns). */
SB_CHILD_CODE
uint64_t sb_probe_now(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	struct timespec ts;
	(void)sb_rawsys2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

uint64_t *sb_probes(sandbox_t *sb)
{
	return sb->spawn_go ? (uint64_t *)((char *)sb->spawn_go + 64) : NULL;
}
#endif

void sb_spawn_free(sandbox_t *sb)
{
	if (sb->spawn_go)
		munmap((void *)sb->spawn_go, SPAWN_GO_SIZE);
	sb->spawn_go = NULL;
	if (!sb->spawn_stack)
		return;
	munmap(sb->spawn_stack, SPAWN_GUARD_SIZE + SPAWN_STACK_SIZE);
	sb->spawn_stack = NULL;
}

void sb_spawn_go(sandbox_t *sb, unsigned how)
{
	unsigned *go = sb->spawn_go;

	/* A child that found no word yet said so (SB_GO_WAITING) and sleeps
	 * on it: only then is a wake-up needed. */
	if (__atomic_exchange_n(go, how, __ATOMIC_RELEASE) == SB_GO_WAITING)
		(void)syscall(SYS_futex, go, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Seize the child at once, its options set in the same call, and, when
 * the tracer has nothing to do before its exec (no isolation layer's
 * step, no file rules to resolve in its own root, no interruption to end
 * the run with before the exec: sb_trace's first stop), tell it to go on: it usually gets to its handshake only after
 * that, and goes through without a stop or a context switch. A seize
 * refused (Yama's ptrace_scope, a tracer of our own process that took
 * the child first, a non-dumpable supervisor without CAP_SYS_PTRACE, the
 * child already dead): it asks to be traced instead, the isolation
 * layer's child's way, and fails at step "ptrace" where that fails too. */
static void attach(sandbox_t *sb, pid_t pid)
{
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)SB_LEADER_OPTIONS) < 0) {
		sb->spawn_attach = SB_ATTACH_TRACEME;
		sb_spawn_go(sb, SB_GO_TRACEME);
	} else if (!sb->iso && !sb_confine_needs_stop(sb) &&
	           !atomic_load(&sb->interrupt_sig)) {
		sb->spawn_attach = SB_ATTACH_RUNNING;
		sb_spawn_go(sb, SB_GO_RUN);
	} else {
		sb->spawn_attach = SB_ATTACH_SEIZED;
	}
}

pid_t sb_spawn(sandbox_t *sb, const struct sb_child_plan *plan,
               bool changes_ids)
{
	unsigned long all = ~0UL, saved = 0;
	int flags = CLONE_VM | SIGCHLD;
	char *stack;
	pid_t pid;
	int rc, e;

	if ((rc = stack_get(sb)) < 0) {
		errno = -rc;
		return -1;
	}
	stack = (char *)sb->spawn_stack + SPAWN_GUARD_SIZE;
	/* A previous child left its frames' poison behind (it never
	 * returned from them). */
	STACK_UNPOISON(stack, SPAWN_STACK_SIZE);
	/* glibc's sigprocmask leaves its own two signals unblocked: raw. */
	rc = sb_raw_rc(sb_rawsys4(SYS_rt_sigprocmask, SIG_SETMASK, &all, &saved,
	                          sizeof(all)));
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	if (SANITIZER_NEEDS_COPY || under_valgrind() ||
	    (changes_ids && !ids_may_share()))
		flags = SIGCHLD; /* a copy of our memory, as fork() makes */
	else if (changes_ids)
		dump_hold(sb);
	/* No earlier child is left to read it: each was reaped. */
	__atomic_store_n(sb->spawn_go, SB_GO_NOT_YET, __ATOMIC_RELAXED);
	SB_PROBE(sb->spawn_go, SB_PROBE_CLONE);
	pid = clone(child_main, stack + SPAWN_STACK_SIZE, flags, (void *)plan);
	e = errno;
	SB_PROBE(sb->spawn_go, SB_PROBE_CLONED);
	(void)sb_rawsys4(SYS_rt_sigprocmask, SIG_SETMASK, &saved, NULL,
	                 sizeof(saved));
	if (pid < 0)
		sb_spawn_released(sb);
	else
		attach(sb, pid);
	SB_PROBE(sb->spawn_go, SB_PROBE_ATTACHED);
	errno = e;
	return pid;
}
