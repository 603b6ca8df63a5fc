/*
 * bench/bench-runs -- the C side of the Python binding's benchmark
 * (bench/python_bench.py runs it and the same work through `import
 * sandbox`, interleaved, and compares).
 *
 *   bench-runs new N PROG [ARG...]     N runs, each a fresh sandbox:
 *                                      new, quotas, stdin/stdout
 *                                      /dev/null, execute, get_stat,
 *                                      destroy
 *   bench-runs reuse N PROG [ARG...]   N runs of one sandbox (reset)
 *   bench-runs trace GETPPID_LOOP N    one run of GETPPID_LOOP N with
 *                                      getppid TRACE'd to a C callback
 *                                      that answers CONT
 *
 * Prints the wall time of the work in seconds, then the CPU time of this
 * process (every thread: the supervisor's and the library's manager) and
 * of the programs it ran, in seconds (getrusage), and exits 0, or prints
 * an error and exits 1 (a wrong verdict counts as an error).
 *
 * BENCH_RUNS_HEAP_KB=N first allocates and touches N KiB: the library
 * forks the program from the supervisor, and a fork costs more the more
 * memory the supervisor has mapped, so a fair comparison with a Python
 * process gives the C program as much memory as that process has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sandbox.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(int who)
{
	struct rusage ru;
	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int configure(sandbox_t *sb)
{
	int rc;
	if ((rc = sandbox_set_quota(sb, S_QUOTA_CPU, 5000)) < 0 ||
	    (rc = sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 60000)) < 0 ||
	    (rc = sandbox_set_quota(sb, S_QUOTA_MEMORY, 256u << 20)) < 0 ||
	    (rc = sandbox_set_stdio_path(sb, 0, "/dev/null", false)) < 0 ||
	    (rc = sandbox_set_stdio_path(sb, 1, "/dev/null", false)) < 0)
		return rc;
	return 0;
}

static int one_run(sandbox_t *sb)
{
	sandbox_stat_t st;
	int rc = sandbox_execute(sb);
	if (rc < 0)
		return rc;
	sandbox_get_stat(sb, &st, sizeof(st));
	return st.result == S_RESULT_OK ? 0 : -1000 - st.result;
}

static int runs(const char *const *argv, long n, int reuse)
{
	sandbox_t *sb = NULL;
	int rc = 0;
	for (long i = 0; i < n && rc == 0; i++) {
		if (!sb) {
			if (!(sb = sandbox_new(argv)))
				return -1;
			rc = configure(sb);
		} else {
			rc = sandbox_reset(sb);
		}
		if (rc == 0)
			rc = one_run(sb);
		if (!reuse) {
			sandbox_destroy(sb);
			sb = NULL;
		}
	}
	sandbox_destroy(sb);
	return rc;
}

static void cont(const sandbox_event_t *ev, sandbox_action_t *act, void *data)
{
	(void)ev;
	(void)data;
	act->type = S_ACTION_CONT;
}

static int trace(const char *prog, const char *count)
{
	const char *argv[] = { prog, count, NULL };
	sandbox_policy_t *p = sandbox_policy_new();
	sandbox_t *sb = sandbox_new(argv);
	int rc = p && sb ? 0 : -1;
	if (rc == 0)
		rc = sandbox_policy_set_default(p, S_ABI_X86_64, S_DISP_ALLOW, 0);
	if (rc == 0)
		rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "getppid",
		                                  S_DISP_TRACE, 0, NULL, 0);
	if (rc == 0)
		rc = sandbox_policy_set_callback(p, cont, NULL, NULL);
	if (rc == 0)
		rc = sandbox_set_policy(sb, p);
	if (rc == 0)
		rc = configure(sb);
	if (rc == 0)
		rc = one_run(sb);
	sandbox_policy_unref(p);
	sandbox_destroy(sb);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench-runs new|reuse N PROG [ARG...] | "
		                "trace GETPPID_LOOP N\n");
		return 2;
	}
	const char *heap = getenv("BENCH_RUNS_HEAP_KB");
	size_t kb = heap ? strtoul(heap, NULL, 10) : 0;
	char *mem = kb ? malloc(kb << 10) : NULL;
	if (mem)
		memset(mem, 1, kb << 10);
	double t0 = now_s();
	double self0 = cpu_s(RUSAGE_SELF), kids0 = cpu_s(RUSAGE_CHILDREN);
	int rc;
	if (strcmp(argv[1], "trace") == 0)
		rc = trace(argv[2], argv[3]);
	else
		rc = runs((const char *const *)argv + 3, atol(argv[2]),
		          strcmp(argv[1], "reuse") == 0);
	double t1 = now_s();
	double self1 = cpu_s(RUSAGE_SELF), kids1 = cpu_s(RUSAGE_CHILDREN);
	free(mem);
	if (rc != 0) {
		fprintf(stderr, "bench-runs: %s\n",
		        rc <= -1000 ? sandbox_result_name(-1000 - rc)
		                    : sandbox_strerror(rc));
		return 1;
	}
	printf("%.6f %.6f %.6f\n", t1 - t0, self1 - self0, kids1 - kids0);
	return 0;
}
