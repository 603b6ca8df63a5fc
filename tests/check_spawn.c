/*
 * How the program's process is started (core/spawn.c, core/child.c): a
 * child sharing the supervisor's memory until its execve for a run in no
 * namespace (with or without other isolation), the isolation layer's
 * clone for a run in namespaces. Whatever starts it, a failed set-up step
 * comes back as the same errno and step, and two sandboxes of one process
 * start their programs at the same time without seeing each other's.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The ways a run's child is started. */
enum { V_PLAIN, V_ISO_SHARED, V_NAMESPACES, V_COUNT };
static const char *const vname[V_COUNT] = {
	"no isolation", "isolation, no namespace", "namespaces",
};

/* Give sb the isolation of variant v. false: the host cannot (skip). */
static bool set_variant(sandbox_t *sb, int v)
{
	switch (v) {
	case V_ISO_SHARED:
		/* An rlimit is isolation, and needs no namespace. */
		ck_assert_int_eq(sandbox_set_rlimit(sb, RLIMIT_NOFILE, 64), 0);
		return true;
	case V_NAMESPACES:
		ck_assert_int_eq(sandbox_set_namespaces(sb, S_NS_IPC | S_NS_UTS),
		                 0);
		return sandbox_check(sb) == 0;
	default:
		return true;
	}
}

/* Execute; expect the set-up error `err` at `step`, no verdict. */
static void expect_setup_error(sandbox_t *sb, int err, const char *step,
                               const char *what)
{
	int rc = sandbox_execute(sb);

	ck_assert_msg(rc == -err, "%s: execute %d (%s), expected %s", what, rc,
	              sandbox_strerror(rc), sandbox_strerror(-err));
	ck_assert_ptr_nonnull(sandbox_failed_step(sb));
	ck_assert_msg(strcmp(sandbox_failed_step(sb), step) == 0,
	              "%s: step %s, expected %s", what, sandbox_failed_step(sb),
	              step);
	ck_assert_int_eq(sandbox_result(sb), S_RESULT_PD);
}

START_TEST(missing_workdir_is_chdir)
{
	for (int v = 0; v < V_COUNT; v++) {
		sandbox_t *sb = tu_sandbox("hello", NULL);
		if (!set_variant(sb, v)) {
			tu_note("%s: not on this host", vname[v]);
			sandbox_destroy(sb);
			continue;
		}
		ck_assert_int_eq(sandbox_set_workdir(sb, "/nonexistent/spawn-wd"),
		                 0);
		expect_setup_error(sb, ENOENT, "chdir", vname[v]);
		/* The sandbox is fine for the next run. */
		ck_assert_int_eq(sandbox_reset(sb), 0);
		ck_assert_int_eq(sandbox_set_workdir(sb, tu_tmpdir()), 0);
		ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
		sandbox_destroy(sb);
	}
}
END_TEST

START_TEST(unopenable_stdio_file)
{
	for (int v = 0; v < V_COUNT; v++) {
		sandbox_t *sb = tu_sandbox("hello", NULL);
		if (!set_variant(sb, v)) {
			sandbox_destroy(sb);
			continue;
		}
		ck_assert_int_eq(sandbox_set_stdio_path(sb, 1,
		                 "/nonexistent/spawn/out.txt", false), 0);
		expect_setup_error(sb, ENOENT, "stdout", vname[v]);
		sandbox_destroy(sb);
	}
}
END_TEST

/* A script whose interpreter is missing: the program checks out (it is
 * an executable file), its execve answers ENOENT. */
START_TEST(exec_of_a_missing_interpreter)
{
	char *path = tu_tmpfile("no-interp.sh");
	const char *argv[] = { path, NULL };

	tu_write_file(path, "#!/nonexistent/spawn/interpreter\n");
	ck_assert_int_eq(chmod(path, 0755), 0);
	for (int v = 0; v < V_COUNT; v++) {
		sandbox_t *sb = sandbox_new(argv);
		ck_assert_ptr_nonnull(sb);
		if (!set_variant(sb, v)) {
			sandbox_destroy(sb);
			continue;
		}
		int rc = sandbox_check(sb);
		if (rc < 0) { /* refused before the child: no execve to test */
			tu_note("%s: check refused the script: %s", vname[v],
			        sandbox_strerror(rc));
			sandbox_destroy(sb);
			continue;
		}
		expect_setup_error(sb, ENOENT, "execve", vname[v]);
		sandbox_destroy(sb);
	}
}
END_TEST

/* Run `fn` in a process of its own (whatever it does to itself -- a
 * Landlock domain, seccomp filters -- stays there); it exits 0 when its
 * checks held. Check's own asserts in it report through the exit code. */
static void in_own_process(void (*fn)(void))
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	              "the checking process ended with status 0x%x", st);
}

/* Each variant's run must fail with `err` at `step`; exits non-zero when
 * one does not (messages on stderr). */
static void runs_fail_at(int err, const char *step)
{
	int bad = 0;

	for (int v = 0; v < V_COUNT; v++) {
		sandbox_t *sb = tu_sandbox("hello", NULL);
		if (v != V_NAMESPACES)
			(void)set_variant(sb, v);
		else if (!set_variant(sb, v)) {
			sandbox_destroy(sb);
			continue;
		}
		int rc = sandbox_execute(sb);
		const char *s = sandbox_failed_step(sb);
		if (rc != -err || !s || strcmp(s, step) != 0) {
			fprintf(stderr, "%s: execute %d (%s) at %s, expected %s at"
			        " %s\n", vname[v], rc, sandbox_strerror(rc),
			        s ? s : "(none)", sandbox_strerror(-err), step);
			bad = 1;
		}
		sandbox_destroy(sb);
	}
	if (bad)
		_exit(1);
}

/* Landlock allows 16 stacked domains: with 16 already on the supervisor,
 * the child's own restrict_self fails (E2BIG) at the "landlock" step. */
static void landlock_full(void)
{
	struct landlock_ruleset_attr attr = {
		/* Handled with no rule: no socket file may be made. Nothing
		 * else is restricted. */
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_SOCK,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(2);
	for (int i = 0; i < 16; i++) {
		int fd = (int)syscall(SYS_landlock_create_ruleset, &attr,
		                      sizeof(attr), 0);
		if (fd < 0 || syscall(SYS_landlock_restrict_self, fd, 0) < 0)
			_exit(3);
		close(fd);
	}
	runs_fail_at(E2BIG, "landlock");
}

START_TEST(landlock_error_in_the_child)
{
	if (!tu_landlock())
		tu_skip("no Landlock on this host");
	in_own_process(landlock_full);
}
END_TEST

/* A process's filters may hold 32768 instructions in all (counted after
 * the kernel's conversion, each filter a few more): with the supervisor's
 * filled to the last instruction, the child's filter fails (ENOMEM) at the
 * "seccomp" step. */
static void seccomp_full(void)
{
	enum { MAX_LEN = 4096 };
	static struct sock_filter allow[MAX_LEN];
	int len = MAX_LEN;

	for (int i = 0; i < MAX_LEN; i++)
		allow[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		                                        SECCOMP_RET_ALLOW);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(2);
	/* As large as still fits, halving down to one instruction. */
	while (len > 0) {
		struct sock_fprog prog = { .len = (unsigned short)len,
		                           .filter = allow };
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
			continue;
		if (errno != ENOMEM)
			_exit(3);
		len /= 2;
	}
	runs_fail_at(ENOMEM, "seccomp");
}

START_TEST(seccomp_error_in_the_child)
{
	in_own_process(seccomp_full);
}
END_TEST

/* ------------------------------------------------- how the tracer attaches */

/* A filter on this process (and so on the children it starts): ptrace
 * requests `req` and, unless -1, `req2` fail with EPERM. */
static void refuse_ptrace(long req, long req2)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		         offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		         offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		         offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)req, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)req2, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
	                           .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		_exit(2);
}

/* Every variant's run of hello ends OK with its output; exits non-zero
 * when one does not. */
static void runs_ok(const char *what)
{
	int bad = 0;

	for (int v = 0; v < V_COUNT; v++) {
		sandbox_t *sb = tu_sandbox("hello", NULL);
		char *out = tu_tmpfile("attach-out.txt");
		if (!set_variant(sb, v)) {
			sandbox_destroy(sb);
			free(out);
			continue;
		}
		if (sandbox_set_stdio_path(sb, 1, out, true) < 0)
			_exit(3);
		int rc = sandbox_execute(sb);
		char *text = rc == 0 ? tu_slurp(out) : NULL;
		if (rc < 0 || sandbox_result(sb) != S_RESULT_OK || !text ||
		    !strstr(text, "hello")) {
			fprintf(stderr, "%s, %s: execute %d (%s) at %s, result "
			        "%s, output %s\n", what, vname[v], rc,
			        sandbox_strerror(rc),
			        sandbox_failed_step(sb) ? sandbox_failed_step(sb)
			                                : "(none)",
			        sandbox_result_name(sandbox_result(sb)),
			        text ? text : "(none)");
			bad = 1;
		}
		free(text);
		free(out);
		sandbox_destroy(sb);
	}
	if (bad)
		_exit(1);
}

/* No child of ours is left, running or unreaped. */
static void nothing_left(void)
{
	if (waitpid(-1, NULL, WNOHANG | __WALL) != -1 || errno != ECHILD) {
		fprintf(stderr, "a child of the supervisor was left\n");
		_exit(1);
	}
}

static void seize_refused(void)
{
	refuse_ptrace(PTRACE_SEIZE, -1);
	runs_ok("PTRACE_SEIZE refused");
	nothing_left();
}

/* The tracer seizes its child (spawn.c); where it may not, the child
 * asks to be traced instead and the run is the same. */
START_TEST(refused_seize_is_not_an_error)
{
	in_own_process(seize_refused);
}
END_TEST

static void ptrace_refused(void)
{
	refuse_ptrace(PTRACE_SEIZE, PTRACE_TRACEME);
	runs_fail_at(EPERM, "ptrace");
	nothing_left();
}

/* Neither way to trace the child works (as under Yama's ptrace_scope 3):
 * the run fails at the "ptrace" step, and no child is left behind. */
START_TEST(no_way_to_trace_is_the_ptrace_step)
{
	in_own_process(ptrace_refused);
}
END_TEST

static void non_dumpable_user(void)
{
	if (geteuid() == 0 &&
	    (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	     setresuid(65534, 65534, 65534) < 0))
		_exit(2);
	if (access(tu_prog("hello"), X_OK) < 0) {
		tu_note("uid %d cannot run %s", (int)getuid(), tu_prog("hello"));
		return;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		_exit(3);
	runs_ok("non-dumpable, unprivileged");
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		_exit(4);
	nothing_left();
}

/* A supervisor without privilege that made itself non-dumpable, as
 * sandbox-run does: its memory, which the child shares, is not open to
 * ptrace attach by its own uid (the kernel's ptrace_may_access), so the
 * seize is refused -- the child asks to be traced instead. */
START_TEST(non_dumpable_unprivileged_supervisor)
{
	in_own_process(non_dumpable_user);
}
END_TEST

/* ------------------------------------------------------------ threads */

#define THREAD_RUNS 40

struct worker {
	int id;
	int variant;
	pthread_barrier_t *go;
	char failure[256];
};

/* Even runs: showenv with this worker's own argument, which must come
 * back in its own output. Odd runs: a work directory that does not
 * exist, which must fail at chdir -- whatever the other worker's run
 * does at the same moment. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char tag[64], name[64], *out, *text;

	int waits = 0;

	snprintf(name, sizeof(name), "spawn-%d.out", w->id);
	out = tu_tmpfile(name);
	for (int i = 0; i < THREAD_RUNS && !w->failure[0]; i++) {
		snprintf(tag, sizeof(tag), "worker-%d-run-%d", w->id, i);
		sandbox_t *sb = sandbox_new((const char *[]){
			tu_prog("showenv"), tag, NULL });
		if (!sb) {
			snprintf(w->failure, sizeof(w->failure), "sandbox_new");
			break;
		}
		if (w->variant == V_ISO_SHARED)
			sandbox_set_rlimit(sb, RLIMIT_NOFILE, 64);
		sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS);
		sandbox_set_stdio_path(sb, 1, out, false);
		if (i % 2)
			sandbox_set_workdir(sb, "/nonexistent/spawn-wd");
		int rc = sandbox_check(sb);
		pthread_barrier_wait(w->go);
		waits++;
		if (rc == 0)
			rc = sandbox_execute(sb);
		const char *step = sandbox_failed_step(sb);
		if (i % 2 && (rc != -ENOENT || !step || strcmp(step, "chdir")))
			snprintf(w->failure, sizeof(w->failure),
			         "%s: %d (%s) at %s, expected chdir ENOENT", tag,
			         rc, sandbox_strerror(rc), step ? step : "-");
		else if (!(i % 2) && (rc != 0 || sandbox_result(sb) != S_RESULT_OK))
			snprintf(w->failure, sizeof(w->failure),
			         "%s: %d (%s), %s", tag, rc, sandbox_strerror(rc),
			         RN(sandbox_result(sb)));
		else if (!(i % 2)) {
			char want[96];
			snprintf(want, sizeof(want), "argv[1]=%s\n", tag);
			text = tu_slurp(out);
			if (!text || !strstr(text, want))
				snprintf(w->failure, sizeof(w->failure),
				         "%s: got %s", tag, text ? text : "nothing");
			free(text);
		}
		sandbox_destroy(sb);
	}
	/* The other worker must not wait for us at its barrier forever. */
	for (; waits < THREAD_RUNS; waits++)
		pthread_barrier_wait(w->go);
	return NULL;
}

START_TEST(two_threads_spawn_at_once)
{
	for (int v = V_PLAIN; v <= V_ISO_SHARED; v++) {
		pthread_barrier_t go;
		struct worker w[2];
		pthread_t t[2];

		(void)tu_tmpdir(); /* made once, before the threads */
		ck_assert_int_eq(pthread_barrier_init(&go, NULL, 2), 0);
		for (int i = 0; i < 2; i++) {
			memset(&w[i], 0, sizeof(w[i]));
			w[i].id = i;
			w[i].variant = v;
			w[i].go = &go;
			ck_assert_int_eq(pthread_create(&t[i], NULL, worker_main,
			                                &w[i]), 0);
		}
		for (int i = 0; i < 2; i++)
			ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		pthread_barrier_destroy(&go);
		for (int i = 0; i < 2; i++)
			ck_assert_msg(!w[i].failure[0], "%s: %s", vname[v],
			              w[i].failure);
	}
}
END_TEST

/* ------------------------------------------------- a child that changes ids */

/* The child's id change (a run slot, sandbox_set_credentials) sets the
 * dumpable flag of the memory it shares with us: a root judge must be as
 * dumpable after its runs as before (the supervisor's flag came back 0
 * after the first run). */
START_TEST(supervisor_stays_dumpable)
{
	if (geteuid() != 0) {
		tu_note("not root: the program keeps our ids");
		return;
	}
	ck_assert_int_eq(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
	for (int how = 0; how < 3; how++) {
		sandbox_t *sb = tu_sandbox("hello", NULL);
		const char *what = how == 0 ? "run slot" :
		                   how == 1 ? "credentials" : "failed execve";
		if (how == 1)
			ck_assert_int_eq(sandbox_set_credentials(sb, 65534, 65534,
			                                         NULL, 0), 0);
		if (how == 2) { /* dies after its id change, never execs */
			char *path = tu_tmpfile("no-interp-ids.sh");
			const char *argv[] = { path, NULL };
			tu_write_file(path, "#!/nonexistent/spawn/interpreter\n");
			ck_assert_int_eq(chmod(path, 0755), 0);
			sandbox_destroy(sb);
			ck_assert_ptr_nonnull(sb = sandbox_new(argv));
			ck_assert_int_eq(sandbox_set_credentials(sb, 65534, 65534,
			                                         NULL, 0), 0);
			ck_assert_int_eq(sandbox_check(sb), 0);
			expect_setup_error(sb, ENOENT, "execve", what);
			free(path);
		} else {
			ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
		}
		ck_assert_msg(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1,
		              "%s: the supervisor is no longer dumpable", what);
		sandbox_destroy(sb);
	}
}
END_TEST

/* Minor faults of this thread while writing one byte of every page:
 * pages a fork() copy left write-protected fault once each. */
static long faults_writing(volatile char *buf, size_t len)
{
	struct rusage a, b;

	getrusage(RUSAGE_THREAD, &a);
	for (size_t i = 0; i < len; i += 4096)
		buf[i]++;
	getrusage(RUSAGE_THREAD, &b);
	return b.ru_minflt - a.ru_minflt;
}

#define TOUCHED (4u << 20) /* 1024 pages */

/* One root run (a run slot) with fs.suid_dumpable reading `value` (a file
 * bound over it in our own mount namespace): the supervisor's faults
 * afterwards on TOUCHED bytes it wrote before. */
static long faults_after_run(const char *value, char *buf)
{
	char *fake = tu_tmpfile("suid_dumpable");
	long faults;

	tu_write_file(fake, value);
	if (mount(fake, "/proc/sys/fs/suid_dumpable", NULL, MS_BIND, NULL) < 0)
		_exit(4);
	sandbox_t *sb = tu_sandbox("hello", NULL);
	if (sandbox_check(sb) < 0)
		_exit(5);
	(void)faults_writing(buf, TOUCHED);
	if (sandbox_execute(sb) < 0 || sandbox_result(sb) != S_RESULT_OK)
		_exit(6);
	faults = faults_writing(buf, TOUCHED);
	sandbox_destroy(sb);
	if (umount("/proc/sys/fs/suid_dumpable") < 0)
		_exit(7);
	free(fake);
	return faults;
}

static void suid_dumpable_decides(void)
{
	char *buf = mmap(NULL, TOUCHED, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED || madvise(buf, TOUCHED, MADV_NOHUGEPAGE) < 0)
		_exit(2);
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(3);
	/* 1: the child's new uid could write its memory: a copy of ours,
	 * which our writes then fault on (one per page). */
	long copied = faults_after_run("1\n", buf);
	/* 0 (and 2): nobody but root could: it shares our memory, and our
	 * pages stay ours. */
	long shared = faults_after_run("0\n", buf);
	long shared2 = faults_after_run("2\n", buf);
	if (copied < (long)(TOUCHED / 4096) / 2 || shared > 64 || shared2 > 64) {
		fprintf(stderr, "faults on %u pages after a run: %ld with "
		        "suid_dumpable 1 (expected a copy), %ld and %ld with 0 "
		        "and 2 (expected shared memory)\n", TOUCHED / 4096, copied,
		        shared, shared2);
		_exit(1);
	}
}

START_TEST(suid_dumpable_one_gets_a_copy)
{
	if (geteuid() != 0) {
		tu_note("not root: the program keeps our ids");
		return;
	}
	in_own_process(suid_dumpable_decides);
}
END_TEST

/* ------------------------------- a signal before the child's own stop */

/* The listener of a filter on this process (signal_at_first_step): the
 * first task to call prctl(PR_SET_PDEATHSIG) -- the run's child, at its
 * first step, every signal still blocked -- is held there until the
 * tracer has it, then sent `sig` (pending until its reset_signals
 * unblocks it: delivered before its own stop, and before its chroot),
 * then let go on. Every later call just goes on. */
struct first_step {
	int fd, sig;
	pid_t target;
	bool traced;
};

static bool is_traced(pid_t pid)
{
	char path[64], buf[4096];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *l = strstr(buf, "\nTracerPid:");
	return l && atoi(l + 11) != 0;
}

static void *first_step_listener(void *arg)
{
	struct first_step *fs = arg;

	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		if (ioctl(fs->fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL;
		}
		if (!fs->target) {
			fs->target = (pid_t)req.pid;
			/* Seized by the tracer right after its clone: a
			 * condition, bounded generously. */
			int64_t end = tu_now_us() + tu_scale_us(30000000);
			while (!(fs->traced = is_traced(fs->target)) &&
			       tu_now_us() < end)
				usleep(1000);
			(void)kill(fs->target, fs->sig);
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		(void)ioctl(fs->fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

/* This process's children call prctl(PR_SET_PDEATHSIG) through the
 * listener's thread (first_step_listener). */
/* A filter on this process whose x86_64 calls `nr` with argument `arg`
 * equal to `val` wait for a listener; its descriptor, or _exit(2). */
static int notify_on(int nr, int arg, uint32_t val)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		         offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		         offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		         (uint32_t)(offsetof(struct seccomp_data, args) +
		                    sizeof(uint64_t) * (size_t)arg)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, val, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
	                           .filter = f };
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    (fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	                       SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog)) < 0)
		_exit(2);
	return fd;
}

static void signal_at_first_step(struct first_step *fs, int sig)
{
	pthread_t th;

	memset(fs, 0, sizeof(*fs));
	fs->sig = sig;
	fs->fd = notify_on(SYS_prctl, 0, PR_SET_PDEATHSIG);
	if (pthread_create(&th, NULL, first_step_listener, fs) != 0)
		_exit(2);
}

/* A program with its own root, under the default policy's file rules:
 * its working directory /work is writable there. The rules are resolved
 * in its root at its own stop, after its chroot. */
static sandbox_t *own_root_sandbox(char **outf)
{
	char *root = tu_tmpfile("own-root"), *cmd;

	if (asprintf(&cmd, "rm -rf %s && mkdir -p %s/bin %s/work && "
	             "chmod 777 %s/work && cp %s/../fileprogs/fsop %s/bin/",
	             root, root, root, root, PROGS_DIR, root) < 0 ||
	    system(cmd) != 0)
		_exit(2);
	free(cmd);
	const char *argv[] = { "/bin/fsop", "write:x", "read:x", NULL };
	sandbox_t *sb = sandbox_new(argv);
	*outf = tu_tmpfile("own-root-out");
	if (!sb || sandbox_set_chroot(sb, root) < 0 ||
	    sandbox_set_workdir(sb, "/work") < 0 ||
	    sandbox_set_stdio_path(sb, 1, *outf, false) < 0 ||
	    sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS) < 0)
		_exit(2);
	free(root);
	return sb;
}

/* SIGTSTP (a stop signal: the set-up drops it) before the child's own
 * stop: dropped, and the tracer's work waits for the child's own stop --
 * the run is as without it, its rules resolved in its root. (Not a signal
 * that does nothing by default: the child's reset of its dispositions
 * discards such a pending one.) */
static void ignored_signal_first(void)
{
	struct first_step fs;
	char *outf;
	sandbox_t *sb = own_root_sandbox(&outf);

	signal_at_first_step(&fs, SIGTSTP);
	int rc = sandbox_execute(sb);
	char *text = rc == 0 ? tu_slurp(outf) : NULL;
	if (!fs.traced || rc < 0 || sandbox_result(sb) != S_RESULT_OK || !text ||
	    !strstr(text, "write x = OK") || !strstr(text, "read x = OK")) {
		fprintf(stderr, "SIGTSTP before the own stop (traced %d): execute "
		        "%d (%s) at %s, result %s, output %s\n", fs.traced, rc,
		        sandbox_strerror(rc), sandbox_failed_step(sb) ?
		        sandbox_failed_step(sb) : "(none)",
		        sandbox_result_name(sandbox_result(sb)),
		        text ? text : "(none)");
		_exit(1);
	}
	free(text);
	sandbox_destroy(sb);
	nothing_left();
}

/* SIGTERM before the child's own stop: it ends the set-up (killed before
 * the exec: EINTR), as it would anywhere before the exec -- the tracer
 * neither swallows it nor does its work then. */
static void fatal_signal_first(void)
{
	struct first_step fs;
	char *outf;
	sandbox_t *sb = own_root_sandbox(&outf);

	signal_at_first_step(&fs, SIGTERM);
	int rc = sandbox_execute(sb);
	char *text = tu_slurp(outf);
	if (!fs.traced || rc != -EINTR || (text && strstr(text, "write x"))) {
		fprintf(stderr, "SIGTERM before the own stop (traced %d): execute "
		        "%d (%s), result %s, output %s\n", fs.traced, rc,
		        sandbox_strerror(rc), sandbox_result_name(sandbox_result(sb)),
		        text ? text : "(none)");
		_exit(1);
	}
	free(text);
	sandbox_destroy(sb);
	nothing_left();
}

/* The listener of lose_first_stop's filter: the first kill(..., SIGSTOP)
 * -- the run's child stopping itself for the tracer -- is answered 0
 * without being made, as if a SIGCONT had discarded the pending SIGSTOP;
 * every later one is made. */
static void *lose_listener(void *arg)
{
	int fd = *(int *)arg;
	bool lost = false;

	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return NULL;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (lost)
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		lost = true;
		(void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

static void lose_first_stop(void)
{
	static int fd;
	pthread_t th;
	char *outf;
	sandbox_t *sb = own_root_sandbox(&outf);

	fd = notify_on(SYS_kill, 1, SIGSTOP);
	if (pthread_create(&th, NULL, lose_listener, &fd) != 0)
		_exit(2);
	int rc = sandbox_execute(sb);
	char *text = rc == 0 ? tu_slurp(outf) : NULL;
	if (rc < 0 || sandbox_result(sb) != S_RESULT_OK || !text ||
	    !strstr(text, "write x = OK")) {
		fprintf(stderr, "own stop lost once: execute %d (%s) at %s, result "
		        "%s, output %s\n", rc, sandbox_strerror(rc),
		        sandbox_failed_step(sb) ? sandbox_failed_step(sb) : "(none)",
		        sandbox_result_name(sandbox_result(sb)),
		        text ? text : "(none)");
		_exit(1);
	}
	free(text);
	sandbox_destroy(sb);
	nothing_left();
}

/* The child's own SIGSTOP lost (a SIGCONT sent to it while it was
 * pending discards it; review-stop26 E3): the child stops again until
 * the tracer says its work is done, and the run is as without it. */
START_TEST(lost_own_stop_is_made_again)
{
	if (geteuid() != 0 || !tu_landlock())
		tu_skip("needs root (chroot) and Landlock");
	in_own_process(lose_first_stop);
}
END_TEST

/* A child that stops for the tracer's work before its exec (here: its
 * rules are resolved in its own root) is taken at its own stop only -- a
 * signal sent to it before (spawn25's follow-up) is handled as any
 * signal before the exec, not taken for the stop. */
START_TEST(signal_before_the_own_stop)
{
	if (geteuid() != 0 || !tu_landlock())
		tu_skip("needs root (chroot) and Landlock");
	in_own_process(_i == 0 ? ignored_signal_first : fatal_signal_first);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("spawn");
	TCase *tc = tcase_create("setup-errors");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, missing_workdir_is_chdir);
	tcase_add_test(tc, unopenable_stdio_file);
	tcase_add_test(tc, exec_of_a_missing_interpreter);
	tcase_add_test(tc, landlock_error_in_the_child);
	tcase_add_test(tc, seccomp_error_in_the_child);
	suite_add_tcase(s, tc);

	tc = tcase_create("attach");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, refused_seize_is_not_an_error);
	tcase_add_test(tc, no_way_to_trace_is_the_ptrace_step);
	tcase_add_test(tc, non_dumpable_unprivileged_supervisor);
	tcase_add_loop_test(tc, signal_before_the_own_stop, 0, 2);
	tcase_add_test(tc, lost_own_stop_is_made_again);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, two_threads_spawn_at_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("ids");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, supervisor_stays_dumpable);
	tcase_add_test(tc, suid_dumpable_one_gets_a_copy);
	suite_add_tcase(s, tc);
	return s;
}
