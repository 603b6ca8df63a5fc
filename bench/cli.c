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
 * Start-up columns are interleaved run by run; throughput repetitions
 * column by column. The phases are differences of medians of a ladder of
 * native launchers, each one adding one step of what the library does:
 *   fork      the fork() call in the parent
 *   reap      the rest of fork + _exit + wait4 of an empty child
 *   first stop PTRACE_TRACEME and SIGSTOP, the tracer's SETOPTIONS, CONT
 *   filter    PR_SET_NO_NEW_PRIVS and a one-instruction seccomp filter
 *   exec      execve of static_hello, its run, the exec event stop
 * then what the library adds to that ladder (reused, new sandbox), what
 * the sandbox-run process adds (its own start, its work, the report).
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
	double *t;              /* start-up samples (s) */
	double *cpu;            /* CPU time of those runs (s) */
	double rate[2];         /* runs/s with 1 and 2 workers (medians) */
};

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
		sandbox_t *s = sb_make(hello, S_MODE_FAST, NULL, lib_err,
		                       sizeof(lib_err));
		int rc = s && sb_run(s, S_RESULT_OK, NULL, lib_err,
		                     sizeof(lib_err)) >= 0 ? 0 : -1;
		sandbox_destroy(s);
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

/* Start-up: n runs of every start-up column, interleaved run by run. */
static void measure_startup(int n, double *fork_s)
{
	for (int id = 0; id < T_COUNT; id++)
		if (tools[id].on && id != T_BATCH) {
			tools[id].t = calloc((size_t)n, sizeof(double));
			tools[id].cpu = calloc((size_t)n, sizeof(double));
		}
	for (int i = 0; i < n; i++)
		for (int id = 0; id < T_COUNT; id++) {
			struct tool *t = &tools[id];
			if (!t->on || id == T_BATCH)
				continue;
			double c0 = cpu_used_s(), t0 = now_s();
			int rc = id == T_P_FORK ? ladder(T_P_FORK, &fork_s[i])
			                        : run_tool_once((enum tool_id)id);
			t->t[i] = now_s() - t0;
			t->cpu[i] = cpu_used_s() - c0;
			if (rc < 0) {
				printf("    %s failed at run %d%s%s: column dropped\n",
				       t->label, i + 1, id == T_LIB_REUSED ||
				       id == T_LIB_NEW ? ": " : "",
				       id == T_LIB_REUSED || id == T_LIB_NEW ? lib_err : "");
				t->on = false;
				n_errors++;
			}
		}
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

static const enum tool_id rate_tools[] = {
	T_NATIVE, T_ENV, T_SR, T_BWRAP, T_NSJAIL, T_BATCH, T_LIB_REUSED
};
#define N_RATE (sizeof(rate_tools) / sizeof(rate_tools[0]))

static void measure_rates(int reps, double secs)
{
	double *s[N_RATE][2];

	for (size_t k = 0; k < N_RATE; k++)
		for (int w = 0; w < 2; w++)
			s[k][w] = calloc((size_t)reps, sizeof(double));
	for (int r = 0; r < reps; r++)
		for (size_t k = 0; k < N_RATE; k++)
			for (int w = 0; w < 2; w++) {
				enum tool_id id = rate_tools[k];
				if (!tools[id].on)
					continue;
				s[k][w][r] = measure_rate(id, w + 1, secs);
				if (s[k][w][r] < 0) {
					printf("    %s, %d worker(s): failed, column dropped\n",
					       tools[id].label, w + 1);
					tools[id].on = false;
					n_errors++;
				}
			}
	for (size_t k = 0; k < N_RATE; k++)
		for (int w = 0; w < 2; w++) {
			tools[rate_tools[k]].rate[w] = median(s[k][w], reps);
			free(s[k][w]);
		}
}

/* Per job of a batch of BATCH_JOBS vs per native run of the same count,
 * interleaved: reps samples each (seconds per run). */
static void measure_batch(int reps, double *nat, double *bat)
{
	for (int r = 0; r < reps; r++) {
		double t0 = now_s();
		for (int i = 0; i < BATCH_JOBS; i++)
			if (run_tool_once(T_NATIVE) < 0)
				nat[r] = -1;
		if (nat[r] == 0)
			nat[r] = (now_s() - t0) / BATCH_JOBS;
		t0 = now_s();
		int rc = run_tool_once(T_BATCH);
		bat[r] = rc < 0 ? -1 : (now_s() - t0) / BATCH_JOBS;
	}
}

/* --------------------------------------------------------- reporting */

static double med(enum tool_id id, int n)
{
	return tools[id].on && tools[id].t ? median(tools[id].t, n) : -1;
}

static double medc(enum tool_id id, int n)
{
	return tools[id].on && tools[id].cpu ? median(tools[id].cpu, n) : -1;
}

/* A row whose figure must reach at least `target`. */
static void row_at_least(const char *name, const char *ref, const char *meas,
                         double value, double target, const char *unit)
{
	char v[32], t[32];

	snprintf(v, sizeof(v), "%.2f%s", value, unit);
	snprintf(t, sizeof(t), ">=%.2f%s", target, unit);
	printf("  %-44s %18s %18s %8s %8s %s\n", name, ref, meas,
	       value > 0 ? v : "-", t,
	       value <= 0 ? "ERROR" : value >= target ? "PASS" : "MISS");
	if (value > 0)
		value >= target ? n_pass++ : n_miss++;
}

static void print_table(int n)
{
	static const enum tool_id rows[] = {
		T_NATIVE, T_ENV, T_SR, T_BWRAP, T_NSJAIL, T_BATCH, T_LIB_REUSED,
		T_LIB_NEW
	};
	double mn = med(T_NATIVE, n);

	double cn = tools[T_NATIVE].on ? median(tools[T_NATIVE].cpu, n) : -1;

	printf("    %-40s %12s %9s %12s %12s %12s %9s\n", "tool", "median/run",
	       "x native", "runs/s, 1 w", "runs/s, 2 w", "CPU/run", "x native");
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		struct tool *t = &tools[rows[k]];
		double m = rows[k] == T_BATCH ? -1 : med(rows[k], n);
		char r1[16] = "", r2[16] = "", mm[16] = "-", x[16] = "-";
		char cc[16] = "", cx[16] = "";
		if (!t->on)
			continue;
		if (m > 0) {
			snprintf(mm, sizeof(mm), "%.3f ms", m * 1e3);
			snprintf(x, sizeof(x), "%.2f", m / mn);
		}
		if (t->rate[0] > 0)
			snprintf(r1, sizeof(r1), "%.0f", t->rate[0]);
		if (t->rate[1] > 0)
			snprintf(r2, sizeof(r2), "%.0f", t->rate[1]);
		if (t->cpu && cn > 0) {
			double c = median(t->cpu, n);
			snprintf(cc, sizeof(cc), "%.3f ms", c * 1e3);
			snprintf(cx, sizeof(cx), "%.2f", c / cn);
		}
		printf("    %-40s %12s %9s %12s %12s %12s %9s\n", t->label, mm, x, r1,
		       r2, cc, cx);
	}
}

/* Batch runs/s with 1 worker, judged as the ratio (700/s beside
 * native's 960/s, measured the same way) of native runs/s in this run
 * (lead decision 1: targets are ratios in one run, and native's rate is
 * the host's); the absolute figure beside it for information. */
#define BATCH_RATE_TARGET 700.0
#define BATCH_RATE_NATIVE 960.0
static void print_batch_rate(void)
{
	double nat = tools[T_NATIVE].rate[0], bat = tools[T_BATCH].rate[0];
	char a[64], b[64];

	snprintf(a, sizeof(a), "native %.0f/s", nat);
	snprintf(b, sizeof(b), "batch %.0f/s", bat);
	row_at_least("batch runs/s, 1 worker, x native's", a, b,
	             nat > 0 && bat > 0 ? bat / nat : -1,
	             BATCH_RATE_TARGET / BATCH_RATE_NATIVE, "x");
	snprintf(a, sizeof(a), "issue %.0f/s", BATCH_RATE_TARGET);
	row_info("batch runs/s, 1 worker (absolute)", a, b,
	         bat > 0 ? bat / BATCH_RATE_TARGET : -1);
}

static void print_targets(int n, int reps, double *nat, double *bat)
{
	char a[64], b[64];
	double menv = med(T_ENV, n), msr = med(T_SR, n), mn = med(T_NATIVE, n);
	double mlr = med(T_LIB_REUSED, n);

	table_header("    ");
	if (menv > 0 && msr > 0)
		row_target("sandbox-run --quiet vs /usr/bin/env",
		           fmt_v(a, 64, "env", menv * 1e3, "ms"),
		           fmt_v(b, 64, "sandbox-run", msr * 1e3, "ms"), msr / menv, 1.5);
	double cenv = medc(T_ENV, n), csr = medc(T_SR, n);
	if (cenv > 0 && csr > 0)
		row_info("CPU: sandbox-run --quiet vs /usr/bin/env",
		         fmt_v(a, 64, "env", cenv * 1e3, "ms"),
		         fmt_v(b, 64, "sandbox-run", csr * 1e3, "ms"), csr / cenv);
	if (mn > 0 && mlr > 0)
		row_target("library reused sandbox vs native",
		           fmt_v(a, 64, "native", mn * 1e3, "ms"),
		           fmt_v(b, 64, "reused", mlr * 1e3, "ms"), mlr / mn, 1.2);
	if (tools[T_BATCH].on) {
		double mnat = median(nat, reps), mbat = median(bat, reps);
		row_target("batch per job vs native per run",
		           fmt_v(a, 64, "native", mnat * 1e3, "ms"),
		           fmt_v(b, 64, "batch", mbat * 1e3, "ms"), mbat / mnat, 1.2);
		print_batch_rate();
	}
	static const enum tool_id scale[] = { T_SR, T_BATCH, T_LIB_REUSED };
	for (size_t k = 0; k < 3; k++) {
		struct tool *t = &tools[scale[k]];
		char name[96];
		if (!t->on || t->rate[0] <= 0 || t->rate[1] <= 0)
			continue;
		snprintf(name, sizeof(name), "2 workers / 1: %s", t->label);
		snprintf(a, sizeof(a), "1 w %.0f/s", t->rate[0]);
		snprintf(b, sizeof(b), "2 w %.0f/s", t->rate[1]);
		row_at_least(name, a, b, t->rate[1] / t->rate[0], 1.9, "x");
	}
	if (tools[T_NATIVE].rate[0] > 0 && tools[T_NATIVE].rate[1] > 0) {
		snprintf(a, sizeof(a), "1 w %.0f/s", tools[T_NATIVE].rate[0]);
		snprintf(b, sizeof(b), "2 w %.0f/s", tools[T_NATIVE].rate[1]);
		row_info("2 workers / 1: native", a, b,
		         tools[T_NATIVE].rate[1] / tools[T_NATIVE].rate[0]);
	}
}

/* b - a in microseconds, or -1e9 ("n/a") when either is missing. */
static double diff_us(double b, double a)
{
	return a > 0 && b > 0 ? (b - a) * 1e6 : -1e9;
}

static double us_of(double v)
{
	return v > 0 ? v * 1e6 : -1e9;
}

static void phase_row(const char *name, double w, double c, const char *how)
{
	char ws[16] = "n/a", cs[16] = "n/a";

	if (w > -1e8)
		snprintf(ws, sizeof(ws), "%.1f", w);
	if (c > -1e8)
		snprintf(cs, sizeof(cs), "%.1f", c);
	printf("    %-48s %9s %9s   %s\n", name, ws, cs, how);
}

/* The phases as differences of medians, wall and CPU (us). */
static void print_phases(int n, double *fork_s)
{
	double w[T_COUNT], c[T_COUNT];

	for (int id = 0; id < T_COUNT; id++) {
		w[id] = med((enum tool_id)id, n);
		c[id] = medc((enum tool_id)id, n);
	}
	double f = median(fork_s, n) * 1e6;
	printf("\n    phases of a run (differences of medians of the columns "
	       "above; us):\n");
	printf("    %-48s %9s %9s   %s\n", "phase", "wall", "CPU", "how");
	phase_row("fork (the fork() call, parent side)",
	          w[T_P_FORK] > 0 ? f : -1e9, -1e9, "rung 1, timed inside");
	phase_row("fork + reap of an empty child", us_of(w[T_P_FORK]),
	          us_of(c[T_P_FORK]), "rung 1: fork, _exit, wait4");
	phase_row("first stop (TRACEME, SIGSTOP, SETOPTIONS, CONT)",
	          diff_us(w[T_P_STOP], w[T_P_FORK]), diff_us(c[T_P_STOP], c[T_P_FORK]),
	          "rung 2 - rung 1");
	phase_row("filter (NO_NEW_PRIVS + seccomp)",
	          diff_us(w[T_P_FILTER], w[T_P_STOP]),
	          diff_us(c[T_P_FILTER], c[T_P_STOP]),
	          "rung 3 - rung 2 (one-instruction filter)");
	phase_row("exec (execve, the program, exec stop)",
	          diff_us(w[T_P_EXEC], w[T_P_FILTER]),
	          diff_us(c[T_P_EXEC], c[T_P_FILTER]), "rung 4 - rung 3");
	phase_row("library's own work, reused sandbox",
	          diff_us(w[T_LIB_REUSED], w[T_P_EXEC]),
	          diff_us(c[T_LIB_REUSED], c[T_P_EXEC]), "reused execute - rung 4");
	phase_row("a new sandbox (new, check, destroy)",
	          diff_us(w[T_LIB_NEW], w[T_LIB_REUSED]),
	          diff_us(c[T_LIB_NEW], c[T_LIB_REUSED]), "new per run - reused");
	phase_row("sandbox-run process start (exec, ld.so, libs)",
	          diff_us(w[T_SR_VERSION], w[T_NATIVE]),
	          diff_us(c[T_SR_VERSION], c[T_NATIVE]), "--version - native launch");
	phase_row("sandbox-run's own work (options, policy, claim)",
	          diff_us(w[T_SR], w[T_SR_VERSION] + w[T_LIB_NEW]),
	          diff_us(c[T_SR], c[T_SR_VERSION] + c[T_LIB_NEW]),
	          "--quiet - --version - new sandbox");
	phase_row("report (JSON to /dev/null)",
	          diff_us(w[T_SR_REPORT], w[T_SR]), diff_us(c[T_SR_REPORT], c[T_SR]),
	          "--report=/dev/null - --quiet");
	phase_row("total: sandbox-run --quiet --report=/dev/null",
	          us_of(w[T_SR_REPORT]), us_of(c[T_SR_REPORT]),
	          "measured");
}

void section_cli(void)
{
	char cwd[PATH_MAX];
	int n = opt_startup_runs, reps = opt_tput_reps;
	double secs = opt_tput_secs;
	double *fork_s = calloc((size_t)n, sizeof(double));
	double *nat = calloc((size_t)reps, sizeof(double));
	double *bat = calloc((size_t)reps, sizeof(double));

	printf("\n[10] sandbox-run: static_hello started by a fork+exec+wait "
	       "launcher, %d runs per column interleaved; runs/s over %.1f s "
	       "x %d repetitions; batch of %d jobs\n", n, secs, reps, BATCH_JOBS);
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
	setup_tools();
	measure_startup(n, fork_s);
	measure_rates(reps, secs);
	if (tools[T_BATCH].on)
		measure_batch(reps, nat, bat);
	print_table(n);
	print_targets(n, reps, nat, bat);
	print_phases(n, fork_s);
	if (chdir(cwd) < 0)
		row_error("cli", "cannot return to %s", cwd);
out:
	for (int id = 0; id < T_COUNT; id++) {
		free(tools[id].t);
		free(tools[id].cpu);
		tools[id].t = tools[id].cpu = NULL;
	}
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
