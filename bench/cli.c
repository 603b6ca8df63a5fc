/*
 * bench-driver, section "cli": what a judge pays per test when it starts
 * sandbox-run once per test, or once per test set (--batch), against the
 * same launcher starting the solution natively, through /usr/bin/env,
 * and through the peers installed here. Also the library's reused and
 * new sandboxes, runs per second with 1 and 2 workers, and the cost of
 * each phase of a run.
 *
 * The solution is bench/static_hello (static, prints one line). The
 * launcher is this driver: fork, execve, wait4, with stdin, stdout and
 * stderr on /dev/null and the driver's own environment (a judge's).
 * sandbox-run is bench/sandbox-run, the tool built with -no-install (a
 * real binary, no libtool wrapper script).
 *
 * The section is R repetitions (-r, default CLI_REPS). Each repetition
 * measures every column: M start-up runs of each (-N, default CLI_RUNS),
 * interleaved run by run in a new order every round (the peers in a block
 * of their own after them); then runs/s of each with 1 and 2 workers;
 * then a batch against as many native runs. A target's ratio is computed
 * inside each repetition (paired: the host's drift between repetitions
 * cancels) and judged on the median of the R ratios; their min-max is
 * printed beside the verdict (lead decision 1 of stop 26). The columns'
 * medians over all runs stay in the tables for information.
 *
 * The phases are differences, inside each repetition, of the medians of
 * a ladder of native launchers, each one adding one step of what the
 * library does:
 *   fork      the fork() call in the parent
 *   reap      the rest of fork + _exit + wait4 of an empty child
 *   first stop PTRACE_TRACEME and SIGSTOP, the tracer's SETOPTIONS, CONT
 *   filter    PR_SET_NO_NEW_PRIVS and a one-instruction seccomp filter
 *   exec      execve of static_hello, its run, the exec event stop
 * then what the library adds to that ladder (reused, new sandbox), what
 * the sandbox-run process adds (its own start, its work, the report).
 * A new sandbox's cost is measured on the driver's own CPU (no program
 * in it), and its new and destroy calls are timed directly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

#define BATCH_JOBS 200    /* jobs per batch process */
#define CLI_REPS 9        /* repetitions, without -r */
#define CLI_RUNS 40       /* start-up runs per column and repetition, without -N */
#define PEER_SETTLE_US 100000 /* pause after the peers' runs (see measure_startup) */
#define HELLO "./static_hello"

enum tool_id {
	T_NATIVE, T_ENV, T_SR, T_SR_REPORT, T_SR_VERSION, T_BWRAP, T_NSJAIL,
	T_LIB_REUSED, T_LIB_NEW, T_P_FORK, T_P_STOP, T_P_FILTER, T_P_EXEC,
	T_BATCH, T_COUNT
};

struct tool {
	const char *label;
	const char *argv[16];   /* a command, or argv[0] NULL */
	bool on;                /* measured (present and working) */
	const char *why;        /* why not, when !on */
	/* Start-up samples, R * M, repetition by repetition (s): */
	double *t;              /* wall */
	double *cpu;            /* CPU: the driver's and its reaped children's */
	double *self;           /* the driver's own part of cpu */
	double *rates[2];       /* runs/s with 1 and 2 workers, one a repetition */
	double rate[2];         /* their medians */
};

static int R, M;          /* repetitions; start-up runs per column in each */

/* A run of a new sandbox in parts, timed directly, R * M samples (s):
 * sandbox_new and its configuration, the execute, sandbox_destroy; wall
 * and the driver's own CPU (the program's is in none of them). */
enum { NP_MAKE, NP_EXEC, NP_DESTROY, NP_COUNT };
static double *np_w[NP_COUNT], *np_c[NP_COUNT];
static double np_last_w[NP_COUNT], np_last_c[NP_COUNT];

static struct tool tools[T_COUNT];
static char hello_abs[PATH_MAX], sr_path[PATH_MAX], jobs_path[PATH_MAX];
static char bwrap_path[PATH_MAX], nsjail_path[PATH_MAX];
static int devnull = -1;
static sandbox_t *lib_sb; /* the reused sandbox of this process */
static char lib_err[512];

/* ------------------------------------------------------------- running */

/* fork, execve, wait4: stdin from in_path (or /dev/null), stdout and
 * stderr /dev/null. Returns the wait status, or -1. */
static int launch(const char *const argv[], const char *in_path)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = in_path ? open(in_path, O_RDONLY) : devnull;
		if (in < 0 || dup2(in, 0) < 0 || dup2(devnull, 1) < 0 ||
		    dup2(devnull, 2) < 0)
			_exit(126);
		execve(argv[0], (char *const *)argv, environ);
		_exit(127);
	}
	return waitpid(pid, &st, 0) == pid ? st : -1;
}

/* One rung of the phase ladder (T_P_*); *fork_s gets the fork() call's
 * own time. Returns 0 when the child ended with status 0. */
static int ladder(enum tool_id level, double *fork_s)
{
	static const char *const argv[] = { HELLO, NULL };
	double t0 = now_s();
	pid_t pid = fork();
	int st = -1;

	if (fork_s)
		*fork_s = now_s() - t0;
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (level >= T_P_STOP) {
			if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
				_exit(124);
			raise(SIGSTOP);
		}
		if (level >= T_P_FILTER && install_allow_filter() != 0)
			_exit(125);
		if (level >= T_P_EXEC) {
			if (dup2(devnull, 1) < 0)
				_exit(126);
			execve(argv[0], (char *const *)argv, environ);
			_exit(127);
		}
		_exit(0);
	}
	for (bool first = true;; first = false) {
		if (waitpid(pid, &st, 0) != pid)
			return -1;
		if (!WIFSTOPPED(st))
			break;
		if (first)
			ptrace(PTRACE_SETOPTIONS, pid, NULL,
			       (void *)(long)(PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP |
			                      PTRACE_O_TRACEEXEC));
		int sig = WSTOPSIG(st) == SIGSTOP || WSTOPSIG(st) == SIGTRAP
		          ? 0 : WSTOPSIG(st);
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* One run of tool `id`: 0, or -1 (the tool failed). */
static int run_tool_once(enum tool_id id)
{
	const char *const hello[] = { HELLO, NULL };
	struct tool *t = &tools[id];

	switch (id) {
	case T_LIB_REUSED:
		return sb_run(lib_sb, S_RESULT_OK, NULL, lib_err, sizeof(lib_err)) < 0
		       ? -1 : 0;
	case T_LIB_NEW: {
		double w[NP_COUNT + 1], c[NP_COUNT + 1];
		int rc = -1;
		w[0] = now_s();
		cpu_split_s(&c[0]);
		sandbox_t *s = sb_make(hello, S_MODE_FAST, NULL, lib_err,
		                       sizeof(lib_err));
		w[1] = now_s();
		cpu_split_s(&c[1]);
		if (s)
			rc = sb_run(s, S_RESULT_OK, NULL, lib_err,
			            sizeof(lib_err)) >= 0 ? 0 : -1;
		w[2] = now_s();
		cpu_split_s(&c[2]);
		sandbox_destroy(s);
		w[3] = now_s();
		cpu_split_s(&c[3]);
		for (int k = 0; k < NP_COUNT; k++) {
			np_last_w[k] = w[k + 1] - w[k];
			np_last_c[k] = c[k + 1] - c[k];
		}
		return rc;
	}
	case T_P_FORK: case T_P_STOP: case T_P_FILTER: case T_P_EXEC:
		return ladder(id, NULL);
	case T_BATCH: {
		int st = launch(t->argv, jobs_path);
		return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
	}
	default: {
		int st = launch(t->argv, NULL);
		return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
	}
	}
}

/* Runs a tool stands for: a batch is BATCH_JOBS runs. */
static int runs_per_call(enum tool_id id)
{
	return id == T_BATCH ? BATCH_JOBS : 1;
}

/* --------------------------------------------------------- set-up */

static void tool_cmd(enum tool_id id, const char *label, const char *argv[])
{
	struct tool *t = &tools[id];

	t->label = label;
	t->on = true;
	for (int i = 0; argv[i] && i < 15; i++)
		t->argv[i] = argv[i];
}

static void tool_off(enum tool_id id, const char *label, const char *why)
{
	tools[id].label = label;
	tools[id].on = false;
	tools[id].why = why;
}

static int write_jobs(void)
{
	FILE *f;

	snprintf(jobs_path, sizeof(jobs_path), "%s/jobs.jsonl", tmp_dir);
	if (!(f = fopen(jobs_path, "w")))
		return -1;
	for (int i = 0; i < BATCH_JOBS; i++)
		fprintf(f, "{\"id\": %d}\n", i + 1);
	return fclose(f);
}

/* The batch answers every job with OK: its reports counted once. */
static bool batch_works(const char *const argv[])
{
	char out[PATH_MAX + 16], line[8192];
	pid_t pid;
	int st, ok = 0;
	FILE *f;

	snprintf(out, sizeof(out), "%s/reports.jsonl", tmp_dir);
	if ((pid = fork()) == 0) {
		int in = open(jobs_path, O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || o < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0)
			_exit(126);
		execve(argv[0], (char *const *)argv, environ);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return false;
	if (!(f = fopen(out, "r")))
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "\"result\": \"OK\""))
			ok++;
	fclose(f);
	unlink(out);
	return ok == BATCH_JOBS;
}

static void setup_tools(void)
{
	static char lbl_nsjail[64];
	helper_path(hello_abs, sizeof(hello_abs), "static_hello");
	helper_path(sr_path, sizeof(sr_path), "sandbox-run");

	tool_cmd(T_NATIVE, "native fork+exec", (const char *[]){ HELLO, NULL });
	tool_cmd(T_ENV, "/usr/bin/env ./static_hello",
	         (const char *[]){ "/usr/bin/env", HELLO, NULL });
	tool_cmd(T_SR, "sandbox-run --quiet",
	         (const char *[]){ sr_path, "--quiet", "--", HELLO, NULL });
	tool_cmd(T_SR_REPORT, "sandbox-run --quiet --report=/dev/null",
	         (const char *[]){ sr_path, "--quiet", "--report=/dev/null", "--",
	                           HELLO, NULL });
	tool_cmd(T_SR_VERSION, "sandbox-run --version",
	         (const char *[]){ sr_path, "--version", NULL });
	if (find_in_path("bwrap", bwrap_path, sizeof(bwrap_path)))
		tool_cmd(T_BWRAP, "bwrap --unshare-all",
		         (const char *[]){ bwrap_path, "--unshare-all", "--ro-bind",
		                           "/", "/", "--dev", "/dev", "--chdir",
		                           helper_dir, HELLO, NULL });
	else
		tool_off(T_BWRAP, "bwrap --unshare-all", "not installed");
	/* nsjail as in the table: one process, chroot /. */
	snprintf(lbl_nsjail, sizeof(lbl_nsjail), "nsjail -Mo");
	if (find_in_path("nsjail", nsjail_path, sizeof(nsjail_path)))
		tool_cmd(T_NSJAIL, lbl_nsjail,
		         (const char *[]){ nsjail_path, "-Mo", "--quiet", "--chroot",
		                           "/", "--cwd", helper_dir, "--", hello_abs,
		                           NULL });
	else
		tool_off(T_NSJAIL, lbl_nsjail, "not on PATH");
	tool_cmd(T_LIB_REUSED, "library: reused sandbox", (const char *[]){ NULL });
	tool_cmd(T_LIB_NEW, "library: new sandbox per run", (const char *[]){ NULL });
	tool_cmd(T_P_FORK, "ladder: fork + _exit + wait4", (const char *[]){ NULL });
	tool_cmd(T_P_STOP, "ladder: + ptrace first stop", (const char *[]){ NULL });
	tool_cmd(T_P_FILTER, "ladder: + seccomp filter", (const char *[]){ NULL });
	tool_cmd(T_P_EXEC, "ladder: + execve static_hello", (const char *[]){ NULL });
	tool_cmd(T_BATCH, "sandbox-run --batch, per job",
	         (const char *[]){ sr_path, "--batch", "--quiet", "--wall=10", "--",
	                           HELLO, NULL });

	const char *const hello[] = { HELLO, NULL };
	if (!sandbox_available ||
	    !(lib_sb = sb_make(hello, S_MODE_FAST, NULL, lib_err, sizeof(lib_err)))) {
		tool_off(T_LIB_REUSED, tools[T_LIB_REUSED].label, "sandbox unavailable");
		tool_off(T_LIB_NEW, tools[T_LIB_NEW].label, "sandbox unavailable");
	}
	if (write_jobs() < 0)
		tool_off(T_BATCH, tools[T_BATCH].label, "cannot write the jobs file");
	else if (!batch_works(tools[T_BATCH].argv))
		tool_off(T_BATCH, tools[T_BATCH].label,
		         "a batch did not answer every job with OK");
	/* A first run of each: warms the page cache, drops what fails. */
	for (int id = 0; id < T_COUNT; id++) {
		if (!tools[id].on || id == T_BATCH)
			continue;
		if (run_tool_once((enum tool_id)id) < 0) {
			tools[id].on = false;
			tools[id].why = id == T_LIB_REUSED || id == T_LIB_NEW ? lib_err
			              : "failed (exit status not 0)";
		}
	}
	for (int id = 0; id < T_COUNT; id++)
		if (!tools[id].on && tools[id].label)
			printf("    %s: %s\n", tools[id].label, tools[id].why);
	printf("    isolate, QingdaoU/Judger: not measured here (isolate needs a "
	       "box set up per run, Judger is a library with no command); "
	       "the issue's figures stand for them\n");
}

/* ------------------------------------------------------- measuring */

static double *samples(size_t n)
{
	double *v = calloc(n, sizeof(double));

	if (!v) {
		perror("calloc");
		exit(1);
	}
	return v;
}

static void alloc_samples(void)
{
	for (int id = 0; id < T_COUNT; id++) {
		struct tool *t = &tools[id];
		if (id != T_BATCH) {
			t->t = samples((size_t)(R * M));
			t->cpu = samples((size_t)(R * M));
			t->self = samples((size_t)(R * M));
		}
		t->rates[0] = samples((size_t)R);
		t->rates[1] = samples((size_t)R);
	}
	for (int k = 0; k < NP_COUNT; k++) {
		np_w[k] = samples((size_t)(R * M));
		np_c[k] = samples((size_t)(R * M));
	}
}

static void free_samples(void)
{
	for (int id = 0; id < T_COUNT; id++) {
		struct tool *t = &tools[id];
		free(t->t);
		free(t->cpu);
		free(t->self);
		free(t->rates[0]);
		free(t->rates[1]);
		t->t = t->cpu = t->self = t->rates[0] = t->rates[1] = NULL;
	}
	for (int k = 0; k < NP_COUNT; k++) {
		free(np_w[k]);
		free(np_c[k]);
		np_w[k] = np_c[k] = NULL;
	}
}

/* A fixed pseudo-random sequence (xorshift64), so that two runs of the
 * section shuffle alike. */
static unsigned long long shuffle_state = 0x5eed26;

static unsigned next_rand(unsigned bound)
{
	shuffle_state ^= shuffle_state << 13;
	shuffle_state ^= shuffle_state >> 7;
	shuffle_state ^= shuffle_state << 17;
	return (unsigned)(shuffle_state % bound);
}

/* One start-up run of column id, sample i. */
static void start_one(enum tool_id id, int i, double *fork_s)
{
	struct tool *t = &tools[id];
	double self0, self1;

	if (!t->on)
		return;
	double c0 = cpu_split_s(&self0), t0 = now_s();
	int rc = id == T_P_FORK ? ladder(T_P_FORK, &fork_s[i]) : run_tool_once(id);
	t->t[i] = now_s() - t0;
	t->cpu[i] = cpu_split_s(&self1) - c0;
	t->self[i] = self1 - self0;
	if (id == T_LIB_NEW)
		for (int p = 0; p < NP_COUNT; p++) {
			np_w[p][i] = np_last_w[p];
			np_c[p][i] = np_last_c[p];
		}
	if (rc < 0) {
		printf("    %s failed at run %d%s%s: column dropped\n", t->label,
		       i + 1, id == T_LIB_REUSED || id == T_LIB_NEW ? ": " : "",
		       id == T_LIB_REUSED || id == T_LIB_NEW ? lib_err : "");
		t->on = false;
		n_errors++;
	}
}

static bool is_peer(int id)
{
	return id == T_BWRAP || id == T_NSJAIL;
}

/* Repetition r's start-up runs: M of every column, interleaved run by
 * run, in a new order each round, so that no column always runs after
 * the same other one. The peers (bwrap, nsjail) run after, in a block of
 * their own, and the driver then waits a moment: after bwrap has exited
 * the kernel is still tearing its namespaces down (its network namespace
 * in a workqueue), and whatever ran next paid for it -- in the fixed
 * order of stop 25 the reused library, 30-80 us of its program's CPU per
 * run at load 10. fork_s gets the fork() call's own time of rung 1. */
static void measure_startup(int r, double *fork_s)
{
	int order[T_COUNT], n = 0;

	for (int id = 0; id < T_COUNT; id++)
		if (id != T_BATCH && !is_peer(id))
			order[n++] = id;
	for (int i = r * M; i < (r + 1) * M; i++) {
		for (int k = n - 1; k > 0; k--) {
			int j = (int)next_rand((unsigned)k + 1), x = order[k];
			order[k] = order[j];
			order[j] = x;
		}
		for (int k = 0; k < n; k++)
			start_one((enum tool_id)order[k], i, fork_s);
	}
	if (!tools[T_BWRAP].on && !tools[T_NSJAIL].on)
		return;
	for (int i = r * M; i < (r + 1) * M; i++) {
		start_one(T_BWRAP, i, fork_s);
		start_one(T_NSJAIL, i, fork_s);
	}
	usleep(PEER_SETTLE_US);
}

/* One worker: runs of `id` until the deadline; writes {runs, seconds}. */
static void worker(enum tool_id id, int start_fd, int out_fd, double secs)
{
	char c;
	double res[2] = { 0, 0 };
	const char *const hello[] = { HELLO, NULL };

	if (id == T_LIB_REUSED) {
		/* The parent's sandbox is not ours to destroy: its manager
		 * thread did not come through fork(). A fresh one. */
		lib_sb = sb_make(hello, S_MODE_FAST, NULL, lib_err, sizeof(lib_err));
		if (!lib_sb || run_tool_once(id) < 0)
			_exit(1);
	}
	if (read(start_fd, &c, 1) < 0)
		_exit(1);
	double t0 = now_s(), deadline = t0 + secs;
	while (now_s() < deadline) {
		if (run_tool_once(id) < 0)
			_exit(1);
		res[0] += runs_per_call(id);
	}
	res[1] = now_s() - t0;
	_exit(write(out_fd, res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 1);
}

/* Runs per second of `workers` concurrent processes; -1 on failure. */
static double measure_rate(enum tool_id id, int workers, double secs)
{
	int start[2], out[2];
	pid_t pids[2];
	double rate = 0;
	bool failed = false;

	if (pipe2(start, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(start[0]);
		close(start[1]);
		return -1;
	}
	for (int w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			close(start[1]);
			worker(id, start[0], out[1], secs);
		}
		if (pids[w] < 0)
			failed = true;
	}
	close(start[0]);
	close(start[1]); /* go */
	close(out[1]);
	for (int w = 0; w < workers; w++) {
		double res[2];
		int st;
		if (pids[w] < 0)
			continue;
		if (read(out[0], res, sizeof(res)) != (ssize_t)sizeof(res) ||
		    res[1] <= 0)
			failed = true;
		else
			rate += res[0] / res[1];
		if (waitpid(pids[w], &st, 0) != pids[w] || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			failed = true;
	}
	close(out[0]);
	return failed ? -1 : rate;
}

/* Native first and the batch right after it: the batch's runs/s target
 * is a ratio to native's, measured side by side; the peers last. */
static const enum tool_id rate_tools[] = {
	T_NATIVE, T_BATCH, T_LIB_REUSED, T_SR, T_ENV, T_BWRAP, T_NSJAIL
};
#define N_RATE (sizeof(rate_tools) / sizeof(rate_tools[0]))

/* Repetition r's runs/s: each column with 1 worker, then with 2. */
static void measure_rates(int r, double secs)
{
	for (size_t k = 0; k < N_RATE; k++)
		for (int w = 0; w < 2; w++) {
			struct tool *t = &tools[rate_tools[k]];
			if (!t->on)
				continue;
			t->rates[w][r] = measure_rate(rate_tools[k], w + 1, secs);
			if (is_peer(rate_tools[k]))
				usleep(PEER_SETTLE_US); /* see measure_startup */
			if (t->rates[w][r] < 0) {
				printf("    %s, %d worker(s): failed, column dropped\n",
				       t->label, w + 1);
				t->on = false;
				n_errors++;
			}
		}
}

/* Repetition r's batch: per job of a batch of BATCH_JOBS, and per native
 * run of as many runs just before it (seconds per run). */
static void measure_batch(int r, double *nat, double *bat)
{
	double t0 = now_s();
	nat[r] = 0;
	for (int i = 0; i < BATCH_JOBS; i++)
		if (run_tool_once(T_NATIVE) < 0)
			nat[r] = -1;
	if (nat[r] == 0)
		nat[r] = (now_s() - t0) / BATCH_JOBS;
	t0 = now_s();
	int rc = run_tool_once(T_BATCH);
	bat[r] = rc < 0 ? -1 : (now_s() - t0) / BATCH_JOBS;
	if (rc < 0) {
		printf("    %s failed in repetition %d: column dropped\n",
		       tools[T_BATCH].label, r + 1);
		tools[T_BATCH].on = false;
		n_errors++;
	}
}

/* --------------------------------------------------------- statistics */

/* Median of n values from v (a copy: median() sorts in place). */
static double med_of(const double *v, int n)
{
	double *c = samples((size_t)(n > 0 ? n : 1));
	double m;

	memcpy(c, v, (size_t)n * sizeof(double));
	m = median(c, n);
	free(c);
	return m;
}

/* Start-up column medians: over all R * M runs (r < 0), or over
 * repetition r's M runs; -1 for a column not measured. C_CHILD is cpu -
 * self: the CPU of the driver's reaped children (the program's). */
enum col { C_WALL, C_CPU, C_SELF, C_CHILD };

static double col_med(enum tool_id id, enum col c, int r)
{
	struct tool *t = &tools[id];
	int n = r < 0 ? R * M : M, off = r < 0 ? 0 : r * M;

	if (!t->on || !t->t)
		return -1;
	if (c == C_CHILD) {
		double *v = samples((size_t)n), m;
		for (int i = 0; i < n; i++)
			v[i] = t->cpu[off + i] - t->self[off + i];
		m = median(v, n);
		free(v);
		return m;
	}
	return med_of((c == C_WALL ? t->t : c == C_CPU ? t->cpu : t->self) + off, n);
}

/* The per-repetition ratios of a start-up column to another (column
 * medians inside each repetition), into out[R]; -1 where either is
 * missing. */
static void rep_ratios(enum tool_id num, enum tool_id den, enum col c,
                       double *out)
{
	for (int r = 0; r < R; r++) {
		double a = col_med(num, c, r), b = col_med(den, c, r);
		out[r] = a > 0 && b > 0 ? a / b : -1;
	}
}

/* The median of the measured ones (> 0) of R per-repetition ratios. */
static double paired_med(const double *v)
{
	double c[16];
	int k = 0;

	for (int r = 0; r < R; r++)
		if (v[r] > 0)
			c[k++] = v[r];
	return median(c, k);
}

/* -v: the ratio of the two medians over the whole section (the method
 * before stop 26), for comparison with the paired median. */
static void old_method(double num, double den)
{
	if (opt_verbose && num > 0 && den > 0)
		printf("    %-44s %18s %18s %7.3fx\n", "  (ratio of the medians)", "",
		       "", num / den);
}

static void verbose_ratios(const double *v)
{
	if (!opt_verbose)
		return;
	printf("    %-44s", "  (per repetition)");
	for (int r = 0; r < R; r++)
		printf(" %.3f", v[r]);
	printf("\n");
}

/* --------------------------------------------------------- reporting */

static void print_table(void)
{
	static const enum tool_id rows[] = {
		T_NATIVE, T_ENV, T_SR, T_BWRAP, T_NSJAIL, T_BATCH, T_LIB_REUSED,
		T_LIB_NEW
	};
	double ratios[16];

	printf("    %-40s %12s %9s %12s %12s %12s %9s\n", "tool", "median/run",
	       "x native", "runs/s, 1 w", "runs/s, 2 w", "CPU/run", "x native");
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		enum tool_id id = rows[k];
		struct tool *t = &tools[id];
		char r1[16] = "", r2[16] = "", mm[16] = "-", x[16] = "-";
		char cc[16] = "", cx[16] = "";
		if (!t->on)
			continue;
		if (id != T_BATCH && tools[T_NATIVE].on) {
			snprintf(mm, sizeof(mm), "%.3f ms", col_med(id, C_WALL, -1) * 1e3);
			rep_ratios(id, T_NATIVE, C_WALL, ratios);
			snprintf(x, sizeof(x), "%.2f", paired_med(ratios));
			snprintf(cc, sizeof(cc), "%.3f ms", col_med(id, C_CPU, -1) * 1e3);
			rep_ratios(id, T_NATIVE, C_CPU, ratios);
			snprintf(cx, sizeof(cx), "%.2f", paired_med(ratios));
		}
		if (t->rate[0] > 0)
			snprintf(r1, sizeof(r1), "%.0f", t->rate[0]);
		if (t->rate[1] > 0)
			snprintf(r2, sizeof(r2), "%.0f", t->rate[1]);
		printf("    %-40s %12s %9s %12s %12s %12s %9s\n", t->label, mm, x, r1,
		       r2, cc, cx);
	}
}

/* A start-up target: column num against column den, wall clock. */
static void startup_row(const char *name, enum tool_id num, enum tool_id den,
                        const char *nl, const char *dl, enum col c,
                        double target)
{
	char a[64], b[64];
	double ratios[16];
	double mn = col_med(num, c, -1), md = col_med(den, c, -1);

	if (mn <= 0 || md <= 0)
		return;
	rep_ratios(num, den, c, ratios);
	verbose_ratios(ratios);
	row_paired(name, fmt_v(a, 64, dl, md * 1e3, "ms"),
	           fmt_v(b, 64, nl, mn * 1e3, "ms"), ratios, R, target, false);
	old_method(mn, md);
}

/* Batch runs/s with 1 worker, judged as the ratio (700/s beside
 * native's 960/s, measured the same way) of native runs/s in this run
 * (lead decision 1 of stop 25: targets are ratios in one run, and
 * native's rate is the host's); the absolute figure beside it for
 * information. */
#define BATCH_RATE_TARGET 700.0
#define BATCH_RATE_NATIVE 960.0
static void print_batch_rate(void)
{
	double nat = tools[T_NATIVE].rate[0], bat = tools[T_BATCH].rate[0];
	double ratios[16];
	char a[64], b[64];

	for (int r = 0; r < R; r++) {
		double n1 = tools[T_NATIVE].rates[0][r], b1 = tools[T_BATCH].rates[0][r];
		ratios[r] = n1 > 0 && b1 > 0 ? b1 / n1 : -1;
	}
	verbose_ratios(ratios);
	snprintf(a, sizeof(a), "native %.0f/s", nat);
	snprintf(b, sizeof(b), "batch %.0f/s", bat);
	row_paired("batch runs/s, 1 worker, x native's", a, b, ratios, R,
	           BATCH_RATE_TARGET / BATCH_RATE_NATIVE, true);
	old_method(bat, nat);
	snprintf(a, sizeof(a), "issue %.0f/s", BATCH_RATE_TARGET);
	row_info("batch runs/s, 1 worker (absolute)", a, b,
	         bat > 0 ? bat / BATCH_RATE_TARGET : -1);
}

/* 2 workers / 1 of a column, or information only when target <= 0. */
static void scaling_row(enum tool_id id, double target)
{
	struct tool *t = &tools[id];
	double ratios[16];
	char name[96], a[64], b[64];

	if (!t->on || t->rate[0] <= 0 || t->rate[1] <= 0)
		return;
	for (int r = 0; r < R; r++)
		ratios[r] = t->rates[0][r] > 0 && t->rates[1][r] > 0
		            ? t->rates[1][r] / t->rates[0][r] : -1;
	verbose_ratios(ratios);
	snprintf(name, sizeof(name), "2 workers / 1: %s", t->label);
	snprintf(a, sizeof(a), "1 w %.0f/s", t->rate[0]);
	snprintf(b, sizeof(b), "2 w %.0f/s", t->rate[1]);
	if (target > 0)
		row_paired(name, a, b, ratios, R, target, true);
	else
		row_info(name, a, b, paired_med(ratios));
	old_method(t->rate[1], t->rate[0]);
}

static void print_targets(double *nat, double *bat)
{
	char a[64], b[64];
	double ratios[16];

	table_header_paired("    ", R);
	startup_row("sandbox-run --quiet vs /usr/bin/env", T_SR, T_ENV,
	            "sandbox-run", "env", C_WALL, 1.5);
	startup_row("CPU: sandbox-run --quiet vs /usr/bin/env", T_SR, T_ENV,
	            "sandbox-run", "env", C_CPU, -1);
	startup_row("library reused sandbox vs native", T_LIB_REUSED, T_NATIVE,
	            "reused", "native", C_WALL, 1.2);
	if (tools[T_BATCH].on) {
		double mnat = med_of(nat, R), mbat = med_of(bat, R);
		for (int r = 0; r < R; r++)
			ratios[r] = nat[r] > 0 && bat[r] > 0 ? bat[r] / nat[r] : -1;
		verbose_ratios(ratios);
		row_paired("batch per job vs native per run",
		           fmt_v(a, 64, "native", mnat * 1e3, "ms"),
		           fmt_v(b, 64, "batch", mbat * 1e3, "ms"), ratios, R, 1.2,
		           false);
		old_method(mbat, mnat);
		print_batch_rate();
	}
	scaling_row(T_SR, 1.9);
	scaling_row(T_BATCH, 1.9);
	scaling_row(T_LIB_REUSED, 1.9);
	scaling_row(T_NATIVE, -1);
}

/* A phase: per repetition, wall and CPU (us), -1e9 where not measured;
 * printed as the median over the repetitions and the CPU's min-max. */
struct phase {
	double w[16], c[16];
};

static double diff_us(double b, double a)
{
	return a > 0 && b > 0 ? (b - a) * 1e6 : -1e9;
}

static double us_of(double v)
{
	return v > 0 ? v * 1e6 : -1e9;
}

/* Median of the measured values of v[R] (sorted: min and max at the
 * ends after); -1e9 when none. */
static double phase_med(double *v, int *k)
{
	*k = 0;
	for (int r = 0; r < R; r++)
		if (v[r] > -1e8)
			v[(*k)++] = v[r];
	return *k ? median(v, *k) : -1e9;
}

static void phase_row(const char *name, struct phase *p, const char *how)
{
	char ws[16] = "n/a", cs[16] = "n/a", sp[32] = "";
	int kw, kc;
	double w = phase_med(p->w, &kw), c = phase_med(p->c, &kc);

	if (kw)
		snprintf(ws, sizeof(ws), "%.1f", w);
	if (kc) {
		snprintf(cs, sizeof(cs), "%.1f", c);
		snprintf(sp, sizeof(sp), "%.0f..%.0f", p->c[0], p->c[kc - 1]);
	}
	printf("    %-48s %9s %9s %13s   %s\n", name, ws, cs, sp, how);
}

/* A phase that is column b minus column a (minus column a2 if set). */
static void phase_diff(const char *name, enum tool_id b, enum tool_id a,
                       int a2, enum col cpu, const char *how)
{
	struct phase p;

	for (int r = 0; r < R; r++) {
		double wb = col_med(b, C_WALL, r), wa = col_med(a, C_WALL, r);
		double cb = col_med(b, cpu, r), ca = col_med(a, cpu, r);
		if (a2 >= 0) {
			double wa2 = col_med((enum tool_id)a2, C_WALL, r);
			double ca2 = col_med((enum tool_id)a2, cpu, r);
			wa = wa > 0 && wa2 > 0 ? wa + wa2 : -1;
			ca = ca > 0 && ca2 > 0 ? ca + ca2 : -1;
		}
		p.w[r] = cpu == C_CHILD ? -1e9 : diff_us(wb, wa);
		p.c[r] = cpu == C_CHILD ? (cb >= 0 && ca >= 0 ? (cb - ca) * 1e6 : -1e9)
		                        : diff_us(cb, ca);
	}
	phase_row(name, &p, how);
}

/* A phase timed directly: the median of each repetition's samples. */
static void phase_direct(const char *name, const double *w, const double *c,
                         const char *how)
{
	struct phase p;

	for (int r = 0; r < R; r++) {
		p.w[r] = w ? us_of(med_of(w + r * M, M)) : -1e9;
		p.c[r] = c ? med_of(c + r * M, M) * 1e6 : -1e9;
	}
	phase_row(name, &p, how);
}

/* The new sandbox's execute against a reused sandbox's (both the
 * driver's own CPU): the first run's check, manager thread, claims. */
static void phase_first_execute(void)
{
	struct phase p;

	for (int r = 0; r < R; r++) {
		double w = med_of(np_w[NP_EXEC] + r * M, M);
		double c = med_of(np_c[NP_EXEC] + r * M, M);
		p.w[r] = diff_us(w, col_med(T_LIB_REUSED, C_WALL, r));
		p.c[r] = (c - col_med(T_LIB_REUSED, C_SELF, r)) * 1e6;
	}
	phase_row("  its first execute beyond a reused one's", &p,
	          "driver's CPU: new's execute - reused's");
}

static void print_phases(double *fork_s)
{
	struct phase p;

	printf("\n    phases of a run (us; each the median over the %d repetitions "
	       "of a difference of the columns' medians inside one; CPU spread "
	       "min..max):\n", R);
	printf("    %-48s %9s %9s %13s   %s\n", "phase", "wall", "CPU",
	       "CPU spread", "how");
	for (int r = 0; r < R; r++) {
		p.w[r] = tools[T_P_FORK].on ? med_of(fork_s + r * M, M) * 1e6 : -1e9;
		p.c[r] = -1e9;
	}
	phase_row("fork (the fork() call, parent side)", &p, "rung 1, timed inside");
	for (int r = 0; r < R; r++) {
		p.w[r] = us_of(col_med(T_P_FORK, C_WALL, r));
		p.c[r] = us_of(col_med(T_P_FORK, C_CPU, r));
	}
	phase_row("fork + reap of an empty child", &p, "rung 1: fork, _exit, wait4");
	phase_diff("first stop (TRACEME, SIGSTOP, SETOPTIONS, CONT)", T_P_STOP,
	           T_P_FORK, -1, C_CPU, "rung 2 - rung 1");
	phase_diff("filter (NO_NEW_PRIVS + seccomp)", T_P_FILTER, T_P_STOP, -1,
	           C_CPU, "rung 3 - rung 2 (one-instruction filter)");
	phase_diff("exec (execve, the program, exec stop)", T_P_EXEC, T_P_FILTER,
	           -1, C_CPU, "rung 4 - rung 3");
	phase_diff("library's own work, reused sandbox", T_LIB_REUSED, T_P_EXEC,
	           -1, C_CPU, "reused execute - rung 4");
	if (tools[T_LIB_NEW].on && tools[T_LIB_REUSED].on) {
		phase_diff("a new sandbox (new, check, destroy)", T_LIB_NEW,
		           T_LIB_REUSED, -1, C_SELF,
		           "new per run - reused: the driver's CPU only");
		phase_direct("  sandbox_new + configuration", np_w[NP_MAKE],
		             np_c[NP_MAKE], "timed directly");
		phase_first_execute();
		phase_direct("  sandbox_destroy", np_w[NP_DESTROY], np_c[NP_DESTROY],
		             "timed directly");
		phase_diff("  (the program's CPU, new - reused: noise)", T_LIB_NEW,
		           T_LIB_REUSED, -1, C_CHILD,
		           "reaped children's CPU; 0 expected");
	}
	phase_diff("sandbox-run process start (exec, ld.so, libs)", T_SR_VERSION,
	           T_NATIVE, -1, C_CPU, "--version - native launch");
	phase_diff("sandbox-run's own work (options, policy, claim)", T_SR,
	           T_SR_VERSION, T_LIB_NEW, C_CPU, "--quiet - --version - new sandbox");
	phase_diff("report (JSON to /dev/null)", T_SR_REPORT, T_SR, -1, C_CPU,
	           "--report=/dev/null - --quiet");
	for (int r = 0; r < R; r++) {
		p.w[r] = us_of(col_med(T_SR_REPORT, C_WALL, r));
		p.c[r] = us_of(col_med(T_SR_REPORT, C_CPU, r));
	}
	phase_row("total: sandbox-run --quiet --report=/dev/null", &p, "measured");
}

void section_cli(void)
{
	char cwd[PATH_MAX];
	double secs = opt_tput_secs, *fork_s = NULL, *nat = NULL, *bat = NULL;

	R = opt_reps_set ? opt_reps : CLI_REPS;
	M = opt_startup_set ? opt_startup_runs : CLI_RUNS;
	printf("\n[10] sandbox-run: static_hello started by a fork+exec+wait "
	       "launcher; %d repetition%s, each: %d runs per column interleaved, "
	       "runs/s over %.1f s per column, a batch of %d jobs. Ratios are "
	       "paired inside each repetition; verdict on their median, spread "
	       "min-max\n", R, R == 1 ? "" : "s", M, secs, BATCH_JOBS);
	char *abs = realpath(helper_dir, NULL); /* commands name it after chdir */
	if (abs) {
		snprintf(helper_dir, sizeof(helper_dir), "%s", abs);
		free(abs);
	}
	if (!getcwd(cwd, sizeof(cwd)) || chdir(helper_dir) < 0 ||
	    (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		row_error("cli", "cannot enter %s: %s", helper_dir, strerror(errno));
		goto out;
	}
	fork_s = samples((size_t)(R * M));
	nat = samples((size_t)R);
	bat = samples((size_t)R);
	alloc_samples();
	setup_tools();
	for (int r = 0; r < R; r++) {
		measure_startup(r, fork_s);
		measure_rates(r, secs);
		if (tools[T_BATCH].on)
			measure_batch(r, nat, bat);
		if (opt_verbose) {
			double load[3] = { -1, -1, -1 };
			getloadavg(load, 3);
			printf("    repetition %d of %d done, load average %.2f\n", r + 1,
			       R, load[0]);
		}
	}
	for (int id = 0; id < T_COUNT; id++)
		for (int w = 0; w < 2; w++)
			tools[id].rate[w] = tools[id].on ? med_of(tools[id].rates[w], R)
			                                 : -1;
	print_table();
	print_targets(nat, bat);
	print_phases(fork_s);
	if (chdir(cwd) < 0)
		row_error("cli", "cannot return to %s", cwd);
out:
	free_samples();
	sandbox_destroy(lib_sb);
	lib_sb = NULL;
	if (devnull >= 0)
		close(devnull);
	if (jobs_path[0])
		unlink(jobs_path);
	free(fork_s);
	free(nat);
	free(bat);
}
