/* bench/child-steps -- the child's life from clone() to the program's
 * main(), step by step (docs/PERFORMANCE.md, "The child's life, step by
 * step"). Links its own copies of core/spawn.c, child.c and tracer.c
 * built with -DSB_CHILD_PROBES (bench/local.mk): the library itself has no
 * probe. One reused sandbox as in the library section (fast mode, the
 * default policy, a wall quota, stdin /dev/null), running
 * bench/probe_start, whose stdout (the stamp at its main) goes to a file.
 *
 *   bench/child-steps [-n RUNS] [PROGRAM]
 *
 * Prints, per interval, the median and the 10th/90th percentiles in
 * microseconds over RUNS runs (after one warm-up run). Run it as root
 * (a run slot: ids change) and as another user (setpriv) for both
 * tables. */
#include "config.h"
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double pct(uint64_t *v, int n, int p, double ns_per_tick)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return v[(n - 1) * p / 100] * ns_per_tick / 1000.0;
}

int main(int argc, char **argv)
{
	const char *prog = PROBE_START;
	int runs = 1000, opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else {
			fprintf(stderr, "usage: %s [-n RUNS] [PROGRAM]\n", argv[0]);
			return 2;
		}
	}
	if (optind < argc)
		prog = argv[optind];
	if (runs < 1)
		runs = 1;
	char out[] = "/tmp/child-steps.XXXXXX";
	int ofd = mkstemp(out);
	if (ofd < 0) {
		perror("mkstemp");
		return 1;
	}
	const char *av[] = { prog, NULL };
	sandbox_t *sb = sandbox_new(av);
	sandbox_set_mode(sb, S_MODE_FAST);
	sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 10000);
	sandbox_set_stdio_path(sb, 0, "/dev/null", false);
	sandbox_set_stdio_path(sb, 1, out, true);

	size_t nsteps;
	const char *const *names = sb_probe_names(&nsteps);
	/* Intervals: clone() itself, the parent until the seize is done,
	 * clone() to the child's first instruction, each step, the execve
	 * to the tracer's exec event, the tracer's work there, and its
	 * resume to the program's main. */
	size_t nint = 3 + nsteps + 2;
	uint64_t *d = calloc(nint * (size_t)runs, sizeof(*d));
	uint64_t *total = calloc((size_t)runs, sizeof(*total));
	if (!d || !total)
		return 1;

	uint64_t t0 = sb_probe_now(), n0 = mono_ns();
	for (int i = -1; i < runs; i++) {
		if (i >= 0)
			sandbox_reset(sb);
		uint64_t *p = sb_probes(sb);
		if (p)
			memset(p, 0, SB_PROBE_MAX * sizeof(*p));
		if (ftruncate(ofd, 0) < 0)
			return 1;
		int rc = sandbox_execute(sb);
		if (rc < 0 || sandbox_result(sb) != S_RESULT_OK) {
			fprintf(stderr, "run %d: %d %s (%s)\n", i, rc,
			        sandbox_strerror(rc), sandbox_failed_step(sb) ?
			        sandbox_failed_step(sb) : "");
			return 1;
		}
		if (i < 0)
			continue;
		p = sb_probes(sb);
		uint64_t start = 0;
		if (pread(ofd, &start, sizeof(start), 0) != sizeof(start)) {
			fprintf(stderr, "run %d: no stamp from %s\n", i, prog);
			return 1;
		}
		uint64_t *row = d + (size_t)i * nint;
		row[0] = p[SB_PROBE_CLONED] - p[SB_PROBE_CLONE];
		row[1] = p[SB_PROBE_ATTACHED] - p[SB_PROBE_CLONED];
		row[2] = p[SB_PROBE_ENTRY] - p[SB_PROBE_CLONE];
		uint64_t prev = p[SB_PROBE_ENTRY];
		for (size_t s = 0; s + 1 < nsteps; s++) {
			row[3 + s] = p[SB_PROBE_STEP0 + s] - prev;
			prev = p[SB_PROBE_STEP0 + s];
		}
		row[3 + nsteps - 1] = p[SB_PROBE_EXEC] - prev; /* the execve */
		row[3 + nsteps] = p[SB_PROBE_EXEC_DONE] - p[SB_PROBE_EXEC];
		row[3 + nsteps + 1] = start - p[SB_PROBE_EXEC_DONE];
		total[i] = start - p[SB_PROBE_CLONE];
	}
	double ns_per_tick = (double)(mono_ns() - n0) / (double)(sb_probe_now() - t0);
	sandbox_destroy(sb);
	close(ofd);
	unlink(out);

	printf("%-28s %9s %9s %9s   (us; %d runs, uid %d)\n", "interval", "median",
	       "p10", "p90", runs, (int)geteuid());
	uint64_t *col = calloc((size_t)runs, sizeof(*col));
	double sum = 0;
	for (size_t k = 0; k < nint; k++) {
		const char *what;
		char buf[64];
		if (k == 0)
			what = "clone() in the parent";
		else if (k == 1)
			what = "parent: seize + answer";
		else if (k == 2)
			what = "clone() to child's entry";
		else if (k == nint - 3)
			what = "exec_program (to event)";
		else if (k == nint - 2)
			what = "tracer at the exec event";
		else if (k == nint - 1)
			what = "resumed to main()";
		else {
			snprintf(buf, sizeof(buf), "%2zu %s", k - 3, names[k - 3]);
			what = buf;
		}
		for (int i = 0; i < runs; i++)
			col[i] = d[(size_t)i * nint + k];
		double med = pct(col, runs, 50, ns_per_tick);
		if (k >= 2)
			sum += med;
		printf("%-28s %9.2f %9.2f %9.2f\n", what, med,
		       pct(col, runs, 10, ns_per_tick), pct(col, runs, 90, ns_per_tick));
	}
	printf("%-28s %9.2f\n", "sum of medians (clone..main)", sum);
	printf("%-28s %9.2f %9.2f %9.2f\n", "clone() to main, per run",
	       pct(total, runs, 50, ns_per_tick), pct(total, runs, 10, ns_per_tick),
	       pct(total, runs, 90, ns_per_tick));
	free(col);
	free(d);
	free(total);
	return 0;
}
