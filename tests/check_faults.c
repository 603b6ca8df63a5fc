/*
 * Fault tests: what happens to the program and the verdict when the
 * supervisor itself is hurt.
 *
 *   - the supervisor SIGKILLed mid-run: the program is gone within 100 ms;
 *   - SIGTERM/SIGINT/SIGQUIT/SIGHUP to a supervisor that called
 *     sandbox_block_term_signals(): verdict IE with stat.interrupted set,
 *     and the supervisor survives to report it;
 *   - the program killed during a stop (by the policy callback itself):
 *     a verdict, no hang, whatever the callback answers next;
 *   - a callback that gives no action, or one that does not fit: BP;
 *   - a callback that crashes: it takes the supervisor down (callbacks run
 *     in the supervising process: documented in docs/SECURITY.md), and the
 *     program dies with it within 100 ms;
 *   - a callback that never returns cannot be bounded (same reason); what
 *     is promised is that the program is still killed by the wall clock;
 *   - soak: 1,000 sequential runs, then 4 concurrent sandboxes per CPU for
 *     SB_SOAK_SECONDS (default 20; `make check-soak` uses 60), with no
 *     leak of descriptors, memory (RSS flat), threads, zombies or mounts.
 *
 * Supervisors that are killed run in a forked process; the test process
 * watches the program through a pidfd.
 */
#include "config.h"

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int modes[] = { S_MODE_FAST, S_MODE_CLASSIC };

/* ------------------------------------------------------------ helpers */

static int64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Read one line (the program's pid) from fd within timeout_ms. */
static pid_t read_pid(int fd, int timeout_ms)
{
	char buf[32];
	size_t n = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (n < sizeof(buf) - 1) {
		ssize_t k;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		k = read(fd, buf + n, 1);
		if (k <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

/* Milliseconds until the process behind pidfd exits, at most limit_ms;
 * -1 if it is still there. */
static int64_t wait_gone_us(int pidfd, int limit_ms, int64_t since)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	if (poll(&p, 1, limit_ms) <= 0)
		return -1;
	return now_us() - since;
}

struct report {
	int rc;
	int result;
	int interrupted;
	int signal;
};

struct supervisor {
	pid_t pid;       /* the forked supervisor */
	int in_w;        /* the program's stdin (write end) */
	int out_r;       /* the program's stdout (read end) */
	int report_r;    /* struct report, written after sandbox_execute() */
	pid_t prog;      /* the program, from its first line of output */
	int pidfd;       /* of the program */
};

typedef sandbox_policy_t *(*policy_maker)(void);

/* Fork a supervisor running the helper with `arg` in `mode`. It blocks the
 * termination signals first when `block_term`. */
static void fork_supervisor(struct supervisor *s, int mode, const char *arg,
                            policy_maker make_policy, bool block_term,
                            uint64_t wall_ms)
{
	int in[2], out[2], rep[2];

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(rep, O_CLOEXEC), 0);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		const char *argv[] = { tu_prog("helper_fault.hostile"), arg, NULL };
		struct report r = { 0, 0, 0, 0 };
		sandbox_stat_t st;
		sandbox_t *sb;

		if (block_term && sandbox_block_term_signals() != 0)
			_exit(10);
		sb = sandbox_new(argv);
		if (!sb || sandbox_set_mode(sb, mode) != 0 ||
		    sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, wall_ms) != 0 ||
		    sandbox_set_stdio_fd(sb, 0, in[0]) != 0 ||
		    sandbox_set_stdio_fd(sb, 1, out[1]) != 0 ||
		    sandbox_set_stdio_path(sb, 2, "/dev/null", false) != 0)
			_exit(11);
		if (make_policy) {
			sandbox_policy_t *p = make_policy();
			if (!p || sandbox_set_policy(sb, p) != 0)
				_exit(12);
			sandbox_policy_unref(p);
		}
		r.rc = sandbox_execute(sb);
		r.result = sandbox_result(sb);
		if (sandbox_get_stat(sb, &st, sizeof(st)) == 0) {
			r.interrupted = st.interrupted;
			r.signal = st.signal;
		}
		if (write(rep[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(13);
		sandbox_destroy(sb);
		_exit(0);
	}
	close(in[0]);
	close(out[1]);
	close(rep[1]);
	s->in_w = in[1];
	s->out_r = out[0];
	s->report_r = rep[0];
	s->prog = -1;
	s->pidfd = -1;
}

/* fork_supervisor(), then the program's pid from its first line. */
static void start_supervisor(struct supervisor *s, int mode, const char *arg,
                             policy_maker make_policy, bool block_term,
                             uint64_t wall_ms)
{
	fork_supervisor(s, mode, arg, make_policy, block_term, wall_ms);
	s->prog = read_pid(s->out_r, (int)tu_scale_ms(10000));
	ck_assert_msg(s->prog > 0, "no pid from the program");
	s->pidfd = (int)syscall(SYS_pidfd_open, s->prog, 0);
	ck_assert_msg(s->pidfd >= 0, "pidfd_open(%d): %s", (int)s->prog,
	              strerror(errno));
}

static int reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	return status;
}

static void close_supervisor(struct supervisor *s)
{
	close(s->in_w);
	close(s->out_r);
	close(s->report_r);
	if (s->pidfd >= 0)
		close(s->pidfd);
}

/* ------------------------------------------------------------ SIGKILL */

START_TEST(supervisor_sigkill_takes_the_program)
{
	struct supervisor s;
	int64_t t0, gone;
	int status;

	start_supervisor(&s, modes[_i], "pid", NULL, false, 60000);
	ck_assert_msg(wait_gone_us(s.pidfd, 0, 0) < 0, "program already gone");
	t0 = now_us();
	ck_assert_int_eq(kill(s.pid, SIGKILL), 0);
	gone = wait_gone_us(s.pidfd, (int)tu_scale_ms(2000), t0);
	status = reap(s.pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert_msg(gone >= 0, "%s mode: program still alive %lld ms after the "
	              "supervisor was SIGKILLed", tu_mode_name(modes[_i]),
	              (long long)tu_scale_ms(2000));
	printf("supervisor SIGKILL, %s mode: program gone after %lld us\n",
	       tu_mode_name(modes[_i]), (long long)gone);
	/* 100 ms on an idle host. */
	ck_assert_msg(gone <= tu_scale_us(100000),
	              "%s mode: program gone only after %lld us (load x%.1f)",
	              tu_mode_name(modes[_i]), (long long)gone, tu_load_factor());
	close_supervisor(&s);
}
END_TEST

/* ------------------------------------------------------------ SIGTERM */

static const int term_signals[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };

START_TEST(term_signal_gives_ie)
{
	int sig = term_signals[_i];
	struct supervisor s;
	struct report r;
	struct pollfd p;
	int status;

	start_supervisor(&s, S_MODE_FAST, "pid", NULL, true, 60000);
	ck_assert_int_eq(kill(s.pid, sig), 0);
	p.fd = s.report_r;
	p.events = POLLIN;
	ck_assert_msg(poll(&p, 1, (int)tu_scale_ms(5000)) == 1,
	              "no report %lld ms after signal %d",
	              (long long)tu_scale_ms(5000), sig);
	ck_assert_int_eq(read(s.report_r, &r, sizeof(r)), (ssize_t)sizeof(r));
	status = reap(s.pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "supervisor status %#x after signal %d", status, sig);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_msg(r.result == S_RESULT_IE, "verdict %s after signal %d",
	              RN(r.result), sig);
	ck_assert_int_eq(r.interrupted, sig);
	ck_assert_msg(wait_gone_us(s.pidfd, 100, now_us()) >= 0,
	              "program alive after the report");
	close_supervisor(&s);
}
END_TEST

/* ------------------------------------------------------------ callbacks */

/* Policies for the callback tests: everything of x86_64 allowed, getppid
 * traced, so the callback sees one SYSCALL event at a known point. */
static long nr_getppid;
static atomic_int cb_behaviour;

enum {
	CB_KILL_THEN_CONT,   /* SIGKILL the program, answer CONT */
	CB_KILL_THEN_DENY,   /* SIGKILL the program, answer DENY EPERM */
	CB_KILL_THEN_KILL,   /* SIGKILL the program, answer KILL */
	CB_KILL_THEN_FINI,   /* SIGKILL the program, answer FINI AT */
	CB_NO_ACTION,        /* leave the action unset */
	CB_BAD_ERRNO,        /* DENY with errno 0 */
	CB_BAD_RESULT,       /* FINI with result 99 */
	CB_DENY_SIGNAL,      /* DENY at a signal */
	CB_CRASH,            /* SIGSEGV inside the callback */
	CB_LOOP,             /* never return */
};

/* Where CB_LOOP writes the program's pid before it loops (a pipe to the
 * test process). */
static int loop_fd = -1;

static void callback(const sandbox_event_t *ev, sandbox_action_t *act,
                     void *data)
{
	int b = atomic_load(&cb_behaviour);
	bool hit = ev->type == S_EVENT_SYSCALL && ev->syscall.abi == S_ABI_X86_64 &&
	           ev->syscall.nr == nr_getppid;

	(void)data;
	if (b == CB_DENY_SIGNAL && ev->type == S_EVENT_SIGNAL) {
		act->type = S_ACTION_DENY;
		act->data = EPERM;
		return;
	}
	if (!hit) {
		act->type = S_ACTION_CONT;
		return;
	}
	switch (b) {
	case CB_KILL_THEN_CONT:
	case CB_KILL_THEN_DENY:
	case CB_KILL_THEN_KILL:
	case CB_KILL_THEN_FINI:
		/* Answered at once: the program may still sit in its stop,
		 * be on its way out, or be gone by the time the tracer acts
		 * on the answer; the verdict is RT (SIGKILL) every time. */
		kill(ev->pid, SIGKILL);
		act->type = b == CB_KILL_THEN_CONT ? S_ACTION_CONT
		          : b == CB_KILL_THEN_DENY ? S_ACTION_DENY
		          : b == CB_KILL_THEN_KILL ? S_ACTION_KILL : S_ACTION_FINI;
		act->data = b == CB_KILL_THEN_DENY ? EPERM
		          : b == CB_KILL_THEN_FINI ? S_RESULT_AT : 0;
		return;
	case CB_NO_ACTION:
		return;
	case CB_BAD_ERRNO:
		act->type = S_ACTION_DENY;
		act->data = 0;
		return;
	case CB_BAD_RESULT:
		act->type = S_ACTION_FINI;
		act->data = 99;
		return;
	case CB_CRASH:
		raise(SIGSEGV);
		return;
	case CB_LOOP:
		/* The handshake: the program is stopped in this callback. */
		if (write(loop_fd, &ev->pid, sizeof(ev->pid)) < 0)
			_exit(14);
		for (;;)
			pause();
	default:
		act->type = S_ACTION_CONT;
	}
}

static sandbox_policy_t *make_policy(void)
{
	sandbox_policy_t *p = sandbox_policy_new();

	nr_getppid = sandbox_syscall_number(S_ABI_X86_64, "getppid");
	if (!p || sandbox_policy_set_default(p, S_ABI_X86_64, S_DISP_ALLOW, 0) != 0 ||
	    sandbox_policy_add_rule(p, S_ABI_X86_64, nr_getppid, S_DISP_TRACE, 0,
	                            NULL, 0) != 0 ||
	    sandbox_policy_set_callback(p, callback, NULL, NULL) != 0)
		return NULL;
	return p;
}

struct cb_case {
	int behaviour;
	const char *arg;      /* helper mode */
	int result;           /* expected verdict */
};

static const struct cb_case cb_cases[] = {
	{ CB_KILL_THEN_CONT, "getppid", S_RESULT_RT },
	{ CB_KILL_THEN_DENY, "getppid", S_RESULT_RT },
	{ CB_KILL_THEN_KILL, "getppid", S_RESULT_RF },
	{ CB_KILL_THEN_FINI, "getppid", S_RESULT_AT },
	{ CB_NO_ACTION, "getppid", S_RESULT_BP },
	{ CB_BAD_ERRNO, "getppid", S_RESULT_BP },
	{ CB_BAD_RESULT, "getppid", S_RESULT_BP },
	{ CB_DENY_SIGNAL, "signal", S_RESULT_BP },
};
#define N_CB_CASES (int)(sizeof(cb_cases) / sizeof(cb_cases[0]))

/* Runs in-process (Check forks each test, with a timeout: a hung
 * supervisor fails the test instead of the suite). */
START_TEST(callback_verdicts)
{
	const struct cb_case *c = &cb_cases[_i % N_CB_CASES];
	int mode = modes[_i / N_CB_CASES];
	sandbox_stat_t st;
	sandbox_t *sb = tu_sandbox("helper_fault.hostile", c->arg, NULL);
	sandbox_policy_t *p = make_policy();
	int64_t t0 = now_us();
	int r;

	ck_assert_ptr_nonnull(p);
	atomic_store(&cb_behaviour, c->behaviour);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	/* stdin: one byte ready, so the helper reaches getppid at once. */
	{
		char path[] = "/tmp/sbfault.XXXXXX";
		int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "x", 1), 1);
		close(fd);
		ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, path, false), 0);
		r = tu_run(sb, &st);
		unlink(path);
	}
	printf("callback case %d, %s mode: %s (signal %d) in %lld ms\n",
	       c->behaviour, tu_mode_name(mode), RN(r), st.signal,
	       (long long)(now_us() - t0) / 1000);
	ck_assert_msg(r == c->result, "callback case %d, %s mode: verdict %s, "
	              "expected %s", c->behaviour, tu_mode_name(mode), RN(r),
	              RN(c->result));
	ck_assert_msg(now_us() - t0 < tu_scale_us(5000000), "took %lld ms",
	              (long long)(now_us() - t0) / 1000);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(callback_crash_takes_the_program)
{
	struct supervisor s;
	int64_t t0, gone;
	int status;

	atomic_store(&cb_behaviour, CB_CRASH);
	start_supervisor(&s, modes[_i], "getppid", make_policy, false, 60000);
	ck_assert_int_eq(write(s.in_w, "x", 1), 1);
	status = reap(s.pid);
	t0 = now_us();
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	              "supervisor status %#x", status);
	gone = wait_gone_us(s.pidfd, (int)tu_scale_ms(2000), t0);
	ck_assert_msg(gone >= 0 && gone <= tu_scale_us(100000),
	              "%s mode: program gone %lld us after the supervisor crashed",
	              tu_mode_name(modes[_i]), (long long)gone);
	close_supervisor(&s);
}
END_TEST

/* Field 52 of /proc/<pid>/stat: the task's exit_code: 0 while it runs or
 * sits in a syscall stop, the killing signal once it is in do_exit() (here
 * stopped at PTRACE_EVENT_EXIT). -1: gone. */
static int stat_exit_code(pid_t pid)
{
	char path[64], buf[1024], *p;
	FILE *f;
	int field = 2, code = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')'))) {
		for (p++; *p && field < 52; p++)
			if (*p == ' ')
				field++;
		if (field == 52)
			code = atoi(p);
	}
	fclose(f);
	return code;
}

/* The callback never returns, so sandbox_execute() cannot. What is
 * promised: the manager thread still kills the program at the wall quota.
 * A SIGKILLed tracee first stops at PTRACE_EVENT_EXIT, which only the
 * (stuck) tracer thread can resume: the program no longer runs, but it is
 * reaped -- its memory freed -- only when the callback returns. So: gone,
 * or in its exit stop. The program's pid comes from the callback once it
 * loops (a handshake: the program is stopped there); a run the wall quota
 * ended before the program reached the callback (a loaded host: once the
 * program did not print its pid within the 1 s quota at load ~80) is
 * tried again with a longer quota. */
START_TEST(callback_loop_still_wall_clock)
{
	struct supervisor s;
	int64_t t0, gone = -1;
	int code = 0, lp[2], wall_ms = 1000;
	bool looped = false;

	ck_assert_int_eq(pipe2(lp, O_CLOEXEC), 0);
	loop_fd = lp[1];
	atomic_store(&cb_behaviour, CB_LOOP);
	for (int attempt = 0; !looped; attempt++, wall_ms *= 4) {
		ck_assert_msg(attempt < 4, "the program never reached the "
		              "callback within its wall quota (last %d ms)",
		              wall_ms / 4);
		fork_supervisor(&s, modes[_i], "getppid", make_policy, false,
		                (uint64_t)wall_ms);
		/* read by the program when it gets there */
		ck_assert_int_eq(write(s.in_w, "x", 1), 1);
		struct pollfd p[2] = { { .fd = lp[0], .events = POLLIN },
		                       { .fd = s.report_r, .events = POLLIN } };
		while (poll(p, 2, -1) < 0)
			ck_assert_int_eq(errno, EINTR);
		if (p[0].revents & POLLIN) {
			ck_assert_int_eq(read(lp[0], &s.prog, sizeof(s.prog)),
			                 (ssize_t)sizeof(s.prog));
			looped = true;
			break;
		}
		/* Ended before the callback (a report, or the supervisor's
		 * end): its wall quota was too short for the start here. */
		reap(s.pid);
		close_supervisor(&s);
	}
	/* The quota counts from exec, before the callback: it ends within
	 * wall_ms of now. */
	t0 = now_us();
	s.pidfd = (int)syscall(SYS_pidfd_open, s.prog, 0);
	ck_assert_msg(s.pidfd >= 0, "pidfd_open(%d): %s", (int)s.prog,
	              strerror(errno));
	const int grace_ms = (int)tu_scale_ms(1000);
	/* gone, or killed in its exit stop: whichever comes first */
	while ((gone = wait_gone_us(s.pidfd, 10, t0)) < 0 &&
	       (code = stat_exit_code(s.prog)) != SIGKILL &&
	       now_us() - t0 < (int64_t)(wall_ms + grace_ms) * 1000)
		;
	if (gone >= 0)
		code = -1;
	printf("looping callback, %s mode: %lld ms after the callback began "
	       "(wall quota %d ms) the program is %s (stop code %#x)\n",
	       tu_mode_name(modes[_i]), (long long)(now_us() - t0) / 1000,
	       wall_ms, gone >= 0 ? "gone" : code == SIGKILL
	                                     ? "killed, in its exit stop"
	                                     : "STILL ALIVE", code);
	kill(s.pid, SIGKILL);
	reap(s.pid);
	ck_assert_msg(gone >= 0 || code == SIGKILL || code == -1,
	              "%s mode: program not killed %d ms after its wall quota "
	              "while the callback loops (stop code %#x)",
	              tu_mode_name(modes[_i]), grace_ms, code);
	close_supervisor(&s);
	close(lp[0]);
	close(lp[1]);
}
END_TEST

/* ------------------------------------------------------------ soak */

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	ck_assert_msg(d != NULL, "opendir(%s): %s", path, strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	size_t klen = strlen(key);

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			kb = atol(line + klen + 1);
			break;
		}
	fclose(f);
	return kb;
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, n = 0;

	ck_assert_ptr_nonnull(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Children of this process, zombies included. */
static int count_children(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	pid_t me = getpid();

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char path[300], buf[512], *rp;
		FILE *f;
		int ppid;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) &&
		    sscanf(rp + 2, "%*c %d", &ppid) == 1 && ppid == me)
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

struct snapshot {
	int fds, threads, children, mounts;
	long rss_kb;
};

static void snap(struct snapshot *s)
{
	s->fds = count_dir("/proc/self/fd") - 1;
	s->threads = count_dir("/proc/self/task");
	s->children = count_children();
	s->mounts = count_lines("/proc/self/mountinfo");
	s->rss_kb = status_kb("VmRSS");
}

static void same_as(const struct snapshot *a, const char *when)
{
	struct snapshot b;

	snap(&b);
	ck_assert_msg(b.fds == a->fds, "%s: %d fds, %d before", when, b.fds, a->fds);
	ck_assert_msg(b.threads == a->threads, "%s: %d threads, %d before", when,
	              b.threads, a->threads);
	ck_assert_msg(b.children == 0, "%s: %d children/zombies left", when,
	              b.children);
	ck_assert_msg(b.mounts == a->mounts, "%s: %d mounts, %d before", when,
	              b.mounts, a->mounts);
	ck_assert_msg(!TU_RSS_IS_MEANINGFUL || b.rss_kb - a->rss_kb < 4096,
	              "%s: RSS %ld kB, %ld kB before", when, b.rss_kb, a->rss_kb);
}

static void run_hello(sandbox_t *reuse)
{
	sandbox_t *sb = reuse ? reuse : tu_sandbox("helper_fault.hostile", "hello", NULL);
	int r;

	if (reuse)
		ck_assert_int_eq(sandbox_reset(sb), 0);
	r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	if (!reuse)
		sandbox_destroy(sb);
}

static int soak_seconds(void)
{
	const char *v = getenv("SB_SOAK_SECONDS");
	int s = v ? atoi(v) : 20;

	return s > 0 ? s : 20;
}

START_TEST(sequential_runs_leak_nothing)
{
	struct snapshot before;
	sandbox_t *keep;
	int64_t t0;

	for (int i = 0; i < 20; i++) /* warm-up */
		run_hello(NULL);
	snap(&before);
	t0 = now_us();
	for (int i = 0; i < 500; i++)
		run_hello(NULL);
	keep = tu_sandbox("helper_fault.hostile", "hello", NULL);
	ck_assert_result(tu_run(keep, NULL), S_RESULT_OK);
	for (int i = 0; i < 499; i++)
		run_hello(keep);
	sandbox_destroy(keep);
	printf("1000 sequential runs in %lld ms\n", (long long)(now_us() - t0) / 1000);
	same_as(&before, "after 1000 sequential runs");
}
END_TEST

struct soak_thread {
	pthread_t t;
	int64_t until;
	long runs;
	int bad;        /* a run that was not OK */
};

static void *soak_main(void *arg)
{
	struct soak_thread *st = arg;
	char *prog = (char *)tu_prog("helper_fault.hostile");
	const char *argv[] = { prog, "hello", NULL };
	sandbox_t *keep = NULL;

	while (now_us() < st->until) {
		sandbox_t *sb = keep;

		if (!sb) {
			sb = sandbox_new(argv);
			if (!sb || sandbox_set_stdio_path(sb, 1, "/dev/null", false) ||
			    sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS)) {
				st->bad++;
				break;
			}
		} else if (sandbox_reset(sb) != 0) {
			st->bad++;
			break;
		}
		if (sandbox_execute(sb) != 0 || sandbox_result(sb) != S_RESULT_OK)
			st->bad++;
		st->runs++;
		/* A sandbox is reused for four runs, then destroyed. */
		if (st->runs % 4 == 0) {
			sandbox_destroy(sb);
			keep = NULL;
		} else {
			keep = sb;
		}
	}
	sandbox_destroy(keep);
	free(prog);
	return NULL;
}

static void soak_round(int nthreads, int seconds, long *runs, int *bad)
{
	struct soak_thread *ts = calloc((size_t)nthreads, sizeof(*ts));
	int64_t until = now_us() + (int64_t)seconds * 1000000;

	ck_assert_ptr_nonnull(ts);
	for (int i = 0; i < nthreads; i++) {
		ts[i].until = until;
		ck_assert_int_eq(pthread_create(&ts[i].t, NULL, soak_main, &ts[i]), 0);
	}
	*runs = 0;
	*bad = 0;
	for (int i = 0; i < nthreads; i++) {
		pthread_join(ts[i].t, NULL);
		*runs += ts[i].runs;
		*bad += ts[i].bad;
	}
	free(ts);
}

START_TEST(concurrent_soak_leaks_nothing)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nthreads = (int)(ncpu > 0 ? (ncpu > 8 ? 32 : 4 * ncpu) : 8);
	int seconds = soak_seconds();
	struct snapshot before, quarter;
	long runs, total = 0;
	int bad;

	/* Warm-up: per-thread malloc arenas and the like. */
	soak_round(nthreads, 2, &runs, &bad);
	ck_assert_int_eq(bad, 0);
	snap(&before);
	soak_round(nthreads, seconds / 4 > 0 ? seconds / 4 : 1, &runs, &bad);
	total += runs;
	ck_assert_int_eq(bad, 0);
	snap(&quarter);
	soak_round(nthreads, seconds - seconds / 4, &runs, &bad);
	total += runs;
	ck_assert_msg(bad == 0, "%d runs not OK", bad);
	printf("soak: %d threads, %d s, %ld runs\n", nthreads, seconds, total);
	same_as(&before, "after the concurrent soak");
	/* RSS flat between the first quarter and the end. */
	same_as(&quarter, "soak, first quarter to end");
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("supervisor");
	TCase *soak = tcase_create("soak");

	/* Two TU_TIMEOUTs: a wait bounded by a load-scaled grace (up to 64 s
	 * at the heaviest load) must end before the test's own timeout. */
	tcase_set_timeout(tc, 2 * TU_TIMEOUT);
	tcase_add_loop_test(tc, supervisor_sigkill_takes_the_program, 0, 2);
	tcase_add_loop_test(tc, term_signal_gives_ie, 0,
	                    (int)(sizeof(term_signals) / sizeof(term_signals[0])));
	tcase_add_loop_test(tc, callback_verdicts, 0, 2 * N_CB_CASES);
	tcase_add_loop_test(tc, callback_crash_takes_the_program, 0, 2);
	tcase_add_loop_test(tc, callback_loop_still_wall_clock, 0, 2);
	suite_add_tcase(s, tc);

	tcase_set_timeout(soak, soak_seconds() + 4 * TU_TIMEOUT);
	tcase_add_test(soak, sequential_runs_leak_nothing);
	tcase_add_test(soak, concurrent_soak_leaks_nothing);
	suite_add_tcase(s, soak);
	return s;
}
