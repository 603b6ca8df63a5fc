/*
 * Every verdict reached by a real program, under the built-in "default"
 * policy, in both tracing modes. Each case runs in S_MODE_FAST and then in
 * S_MODE_CLASSIC, and both runs must give the expected (hence identical)
 * verdict and figures. And IE: an interruption that comes after the
 * program's own end changes nothing.
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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const int modes[] = { S_MODE_FAST, S_MODE_CLASSIC };
#define NMODES 2

/* ------------------------------------------------------------ OK / AT / RT */

struct plain_case {
	const char *prog;
	const char *arg;
	int result;
	int exit_code; /* expected stat.exit_code */
	int signal;    /* expected stat.signal */
	const char *out; /* expected stdout, or NULL */
};

static const struct plain_case plain[] = {
	{ "hello", NULL, S_RESULT_OK, 0, 0, "hello\n" },
	{ "hello_static", NULL, S_RESULT_OK, 0, 0, "hello\n" },
	{ "exit3", NULL, S_RESULT_AT, 3, 0, NULL },
	{ "segv", NULL, S_RESULT_RT, -1, SIGSEGV, NULL },
	{ "fpe", NULL, S_RESULT_RT, -1, SIGFPE, NULL },
	{ "abrt", NULL, S_RESULT_RT, -1, SIGABRT, NULL },
	{ "sigtrap", NULL, S_RESULT_OK, 0, 0, "trap\n" },
	{ "kill_self", "raise", S_RESULT_OK, 0, 0, NULL },
	{ "kill_self", "kill", S_RESULT_OK, 0, 0, NULL },
};

START_TEST(plain_verdict)
{
	const struct plain_case *c = &plain[_i];

	for (int m = 0; m < NMODES; m++) {
		sandbox_t *sb = tu_sandbox(c->prog, c->arg, NULL);
		char *out = tu_tmpfile("stdout");
		sandbox_stat_t st;
		int r;

		ck_assert_int_eq(sandbox_set_mode(sb, modes[m]), 0);
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
		ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
		r = tu_run(sb, &st);
		ck_assert_msg(r == c->result, "%s %s, %s mode: verdict %s, expected %s",
		              c->prog, c->arg ? c->arg : "", tu_mode_name(modes[m]),
		              RN(r), RN(c->result));
		ck_assert_msg(st.exit_code == c->exit_code,
		              "%s, %s mode: exit_code %d, expected %d", c->prog,
		              tu_mode_name(modes[m]), st.exit_code, c->exit_code);
		ck_assert_msg(st.signal == c->signal,
		              "%s, %s mode: signal %d, expected %d", c->prog,
		              tu_mode_name(modes[m]), st.signal, c->signal);
		ck_assert_int_eq(st.mode, modes[m]);
		ck_assert_int_eq(st.tl_limit, S_TL_NONE);
		ck_assert(!st.has_syscall);
		ck_assert_int_eq(st.interrupted, 0);
		ck_assert_msg(st.cpu_time_us >= 0 && st.wall_time_us > 0,
		              "cpu %lld wall %lld", (long long)st.cpu_time_us,
		              (long long)st.wall_time_us);
		if (c->out != NULL) {
			char *text = tu_slurp(out);
			ck_assert_ptr_nonnull(text);
			ck_assert_str_eq(text, c->out);
			free(text);
		}
		sandbox_destroy(sb);
		free(out);
	}
}
END_TEST

/* ------------------------------------------------------------ RF */

struct rf_case {
	const char *what;   /* argument of tests/progs/forbidden */
	int abi;
	const char *name;   /* expected syscall name in that ABI */
	const char *alt;    /* also accepted (clone3 -> clone fallback) */
};

static const struct rf_case rf[] = {
	{ "fork", S_ABI_X86_64, "clone", "fork" },
	{ "vfork", S_ABI_X86_64, "vfork", NULL },
	{ "clone", S_ABI_X86_64, "clone", NULL },
	{ "clone3", S_ABI_X86_64, "clone3", "clone" },
	{ "execve", S_ABI_X86_64, "execve", NULL },
	{ "ptrace", S_ABI_X86_64, "ptrace", NULL },
	{ "kill_parent", S_ABI_X86_64, "kill", NULL },
	{ "socket", S_ABI_X86_64, "socket", NULL },
	{ "io_uring_setup", S_ABI_X86_64, "io_uring_setup", NULL },
	{ "mount", S_ABI_X86_64, "mount", NULL },
	{ "chroot", S_ABI_X86_64, "chroot", NULL },
	{ "setuid", S_ABI_X86_64, "setuid", NULL },
	{ "unshare", S_ABI_X86_64, "unshare", NULL },
	{ "setns", S_ABI_X86_64, "setns", NULL },
	{ "bpf", S_ABI_X86_64, "bpf", NULL },
	{ "perf_event_open", S_ABI_X86_64, "perf_event_open", NULL },
	{ "keyctl", S_ABI_X86_64, "keyctl", NULL },
	{ "process_vm_readv", S_ABI_X86_64, "process_vm_readv", NULL },
	{ "personality", S_ABI_X86_64, "personality", NULL },
	{ "seccomp", S_ABI_X86_64, "seccomp", NULL },
	{ "int80", S_ABI_I386, "getpid", NULL },
	{ "x32", S_ABI_X32, "getpid", NULL },
	{ "unknown", S_ABI_X86_64, NULL, NULL }, /* nr 1000 */
};

static long expected_nr(int abi, const char *name)
{
	long nr;

	if (name == NULL)
		return 1000;
	nr = sandbox_syscall_number(abi, name);
	ck_assert_msg(nr >= 0, "no number for %s/%s", sandbox_abi_name(abi), name);
	return abi == S_ABI_X32 ? (nr & ~0x40000000L) : nr;
}

START_TEST(rf_verdict)
{
	const struct rf_case *c = &rf[_i];
	long want = expected_nr(c->abi, c->name);
	long alt = c->alt ? expected_nr(c->abi, c->alt) : -2;
	int first = -1;

	for (int m = 0; m < NMODES; m++) {
		sandbox_stat_t st;
		char nbuf[64];
		int r = tu_run_prog(modes[m], &st, "forbidden", c->what, NULL);

		ck_assert_msg(r == S_RESULT_RF,
		              "%s, %s mode: verdict %s (exit %d, signal %d), expected RF",
		              c->what, tu_mode_name(modes[m]), RN(r), st.exit_code, st.signal);
		ck_assert_msg(st.has_syscall, "%s, %s mode: RF without has_syscall",
		              c->what, tu_mode_name(modes[m]));
		ck_assert_msg(st.syscall.abi == c->abi,
		              "%s, %s mode: abi %s, expected %s", c->what,
		              tu_mode_name(modes[m]), sandbox_abi_name(st.syscall.abi),
		              sandbox_abi_name(c->abi));
		ck_assert_msg(st.syscall.nr == want || st.syscall.nr == alt,
		              "%s, %s mode: syscall %ld (%s), expected %ld", c->what,
		              tu_mode_name(modes[m]), st.syscall.nr,
		              sandbox_syscall_name(st.syscall.abi, st.syscall.nr, nbuf, sizeof(nbuf)),
		              want);
		ck_assert_int_eq(st.mode, modes[m]);
		/* Both modes agree on the offending call, not only the verdict. */
		if (first < 0)
			first = (int)st.syscall.nr;
		else
			ck_assert_msg(st.syscall.nr == first,
			              "%s: fast mode blamed %d, classic %ld", c->what,
			              first, st.syscall.nr);
	}
}
END_TEST

/* ------------------------------------------------------------ mode figures */

START_TEST(classic_sees_more_syscalls_than_fast)
{
	sandbox_stat_t fast, classic;

	ck_assert_result(tu_run_prog(S_MODE_FAST, &fast, "hello", NULL), S_RESULT_OK);
	ck_assert_result(tu_run_prog(S_MODE_CLASSIC, &classic, "hello", NULL), S_RESULT_OK);
	ck_assert_int_eq(fast.mode, S_MODE_FAST);
	ck_assert_int_eq(classic.mode, S_MODE_CLASSIC);
	/* A dynamic hello makes dozens of syscalls; classic mode sees all. */
	ck_assert_msg(classic.syscalls >= 20, "classic saw %lld syscalls",
	              (long long)classic.syscalls);
	ck_assert_msg(fast.syscalls >= 0 && fast.syscalls < classic.syscalls,
	              "fast %lld, classic %lld", (long long)fast.syscalls,
	              (long long)classic.syscalls);
	ck_assert_msg(classic.stops >= classic.syscalls, "classic stops %lld < syscalls %lld",
	              (long long)classic.stops, (long long)classic.syscalls);
}
END_TEST

START_TEST(output_bytes_of_hello)
{
	for (int m = 0; m < NMODES; m++) {
		sandbox_stat_t st;

		ck_assert_result(tu_run_prog(modes[m], &st, "hello", NULL), S_RESULT_OK);
		ck_assert_msg(st.output_bytes == 6, "%s mode: output_bytes %lld",
		              tu_mode_name(modes[m]), (long long)st.output_bytes);
	}
}
END_TEST

/* ------------------------------------------------------------ si_code */

/* A SIGNAL event carries the si_code the signal came with, and the
 * statistics keep the code of the killing signal: a fault (SEGV_MAPERR,
 * fatal), kill(2) (SI_USER) and raise(3) (SI_TKILL) on their way to a
 * handler. SIGKILL sent by the supervisor (TL) has no code. */
static const struct {
	const char *prog, *arg;
	int sig, code, result;
} sig_cases[] = {
	{ "segv", NULL, SIGSEGV, SEGV_MAPERR, S_RESULT_RT },
	{ "kill_self", "kill", SIGTERM, SI_USER, S_RESULT_OK },
	{ "kill_self", "raise", SIGTERM, SI_TKILL, S_RESULT_OK },
	{ "cpuloop", NULL, 0, 0, S_RESULT_TL },
};

struct sig_seen {
	int n, sig, code, other_code;
};

static void sig_hook(const sandbox_event_t *ev, const sandbox_action_t *d,
                     void *data)
{
	struct sig_seen *s = data;

	(void)d;
	if (ev->type == S_EVENT_SIGNAL) {
		s->n++;
		s->sig = ev->data;
		s->code = ev->sig_code;
	} else if (ev->sig_code) {
		s->other_code = ev->sig_code;
	}
}

START_TEST(signal_codes)
{
	int c = _i / NMODES;
	sandbox_t *sb = tu_sandbox(sig_cases[c].prog, sig_cases[c].arg, NULL);
	struct sig_seen seen = { 0 };
	sandbox_stat_t st;

	ck_assert_int_eq(sandbox_set_mode(sb, modes[_i % NMODES]), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, 100), 0);
	ck_assert_int_eq(sandbox_set_event_hook(sb, sig_hook, &seen), 0);
	ck_assert_result(tu_run(sb, &st), sig_cases[c].result);
	sandbox_destroy(sb);
	ck_assert_int_eq(seen.n, sig_cases[c].sig ? 1 : 0);
	ck_assert_int_eq(seen.sig, sig_cases[c].sig);
	ck_assert_int_eq(seen.code, sig_cases[c].code);
	ck_assert_int_eq(seen.other_code, 0);
	if (st.result == S_RESULT_RT) {
		ck_assert_int_eq(st.signal, sig_cases[c].sig);
		ck_assert(st.has_signal_code);
		ck_assert_int_eq(st.signal_code, sig_cases[c].code);
	} else {
		ck_assert(!st.has_signal_code);
	}
}
END_TEST

/* ------------------------------------------------------------ interruption */

struct held_run {
	sandbox_t *sb;
	pthread_t th;
	atomic_int tid;
	int rc;
};

static void *held_run_main(void *arg)
{
	struct held_run *h = arg;
	atomic_store(&h->tid, (int)syscall(SYS_gettid));
	h->rc = sandbox_execute(h->sb);
	return NULL;
}

/* The first field of /proc/PID/stat after the name: the state letter. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	char *p;
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : '?';
}

/* The sandbox's manager -- the one thread of ours that is neither `a`
 * nor `b`: its voluntary context switches, and whether it sleeps. */
static long manager_switches(pid_t a, pid_t b, bool *sleeping)
{
	DIR *d = opendir("/proc/self/task");
	long n = -1;
	ck_assert_ptr_nonnull(d);
	for (struct dirent *e; n < 0 && (e = readdir(d)); ) {
		pid_t t = (pid_t)atoi(e->d_name);
		char path[96], line[256];
		if (t <= 0 || t == a || t == b)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)t);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "State:", 6) == 0)
				*sleeping = strchr(line, 'S') != NULL;
			sscanf(line, "voluntary_ctxt_switches: %ld", &n);
		}
		fclose(f);
	}
	closedir(d);
	ck_assert_int_ge(n, 0);
	return n;
}

/* sandbox_interrupt() that comes when the program has ended on its own
 * -- its exit decided, the supervisor not done with it yet -- changes
 * nothing: OK, exit 0, stat.interrupted 0 (_i 0). The tracer is held
 * (tu_hold_thread) while the program exits: it waits at its exit stop;
 * the interruption's kill is sent (the manager has woken and gone back
 * to sleep), then the tracer goes on. The old verdict was IE whenever
 * the manager's kill came before the tracer's verdict, OK otherwise
 * (py17: 1 run in 15 at load 22). An interruption while the program
 * still runs is IE (_i 1), held tracer or not. */
START_TEST(interrupt_after_the_programs_end_changes_nothing)
{
	bool after = _i == 0;
	int in[2], out[2];
	char line[64];
	struct held_run h;
	sandbox_stat_t st;
	bool sleeping = false;
	size_t n = 0;

	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	h.sb = tu_sandbox("peer", "wait", NULL);
	ck_assert_int_eq(sandbox_set_stdio_fd(h.sb, 0, in[0]), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(h.sb, 1, out[1]), 0);
	ck_assert_int_eq(sandbox_set_quota(h.sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_int_eq(pthread_create(&h.th, NULL, held_run_main, &h), 0);
	struct pollfd pf = { .fd = out[0], .events = POLLIN };
	while (n < sizeof(line) - 1 &&
	       poll(&pf, 1, (int)tu_scale_ms(10000)) == 1 &&
	       read(out[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	ck_assert_msg(strncmp(line, "pid ", 4) == 0, "it said '%s' (rc %d)", line,
	              h.rc);
	pid_t pid = (pid_t)atoi(line + 4);
	close(in[0]);
	close(out[1]);
	tu_hold_thread(atomic_load(&h.tid));
	int64_t until = tu_now_us() + tu_scale_us(20000000);
	if (after) {
		close(in[1]); /* it reads its end of file and exits 0 */
		while (proc_state(pid) != 't' && tu_now_us() < until)
			poll(NULL, 0, 1);
		ck_assert_msg(proc_state(pid) == 't', "not at its exit stop: %c",
		              proc_state(pid));
	}
	long c0;
	while ((c0 = manager_switches(getpid(), h.tid, &sleeping)) >= 0 &&
	       !sleeping && tu_now_us() < until)
		poll(NULL, 0, 1);
	ck_assert_int_eq(sandbox_interrupt(h.sb, SIGTERM), 0);
	/* Awake for the interruption, asleep again after its kill. */
	while ((manager_switches(getpid(), h.tid, &sleeping) == c0 ||
	        !sleeping) && tu_now_us() < until)
		poll(NULL, 0, 1);
	tu_release_thread();
	pthread_join(h.th, NULL);
	if (!after)
		close(in[1]);
	close(out[0]);
	ck_assert_int_eq(h.rc, 0);
	ck_assert_int_eq(sandbox_get_stat(h.sb, &st, sizeof(st)), 0);
	if (after) {
		ck_assert_msg(st.result == S_RESULT_OK, "result %s (interrupted %d)",
		              RN(st.result), st.interrupted);
		ck_assert_int_eq(st.exit_code, 0);
		ck_assert_int_eq(st.interrupted, 0);
	} else {
		ck_assert_msg(st.result == S_RESULT_IE, "result %s", RN(st.result));
		ck_assert_int_eq(st.interrupted, SIGTERM);
	}
	sandbox_destroy(h.sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("verdicts");
	TCase *tc;

	tc = tcase_create("plain");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, plain_verdict, 0, (int)(sizeof(plain) / sizeof(plain[0])));
	tcase_add_test(tc, classic_sees_more_syscalls_than_fast);
	tcase_add_test(tc, output_bytes_of_hello);
	tcase_add_loop_test(tc, signal_codes, 0,
	                    NMODES * (int)(sizeof(sig_cases) / sizeof(sig_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("rf");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, rf_verdict, 0, (int)(sizeof(rf) / sizeof(rf[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("ie");
	tcase_set_timeout(tc, 2 * TU_TIMEOUT);
	tcase_add_loop_test(tc, interrupt_after_the_programs_end_changes_nothing,
	                    0, 2);
	suite_add_tcase(s, tc);
	return s;
}
