/*
 * A small online judge written against libsandbox: run a solution on each
 * test input under quotas, compare its output with the expected answer,
 * and print one line per test plus a summary.
 *
 *   judge [-t CPU_MS] [-m MEMORY_MB] SOLUTION TESTDIR
 *
 * TESTDIR holds pairs NAME.in / NAME.out. The verdict per test is the
 * sandbox's (OK, TL, ML, RF, RT, ...), with OK refined into AC (accepted)
 * or WA (wrong answer) by comparing outputs token by token.
 *
 * The recommended setup, as README's example: the solution runs in a box
 * (sandbox_set_box), a root of its own where it sees the system's
 * libraries and /box, a private working directory holding a copy of the
 * solution and nothing else -- never the judge's directory, its answers
 * or its other files. Its standard input and output are the judge's
 * files, opened by the library; its own files count against the output
 * quota.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

/* Compare two files as whitespace-separated tokens. 1 same, 0 differ,
 * -1 on error. */
static int same_tokens(const char *a, const char *b)
{
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	char ta[256], tb[256];
	int rc = -1;

	if (!fa || !fb)
		goto out;
	for (;;) {
		int ra = fscanf(fa, "%255s", ta), rb = fscanf(fb, "%255s", tb);
		if (ra != rb) {
			rc = 0;
			break;
		}
		if (ra != 1) {
			rc = 1;
			break;
		}
		if (strcmp(ta, tb) != 0) {
			rc = 0;
			break;
		}
	}
out:
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the NAME of every NAME.in in dir, sorted. */
static int list_tests(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 3, ".in") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = realloc(*names, cap * sizeof(*nn));
			if (!nn)
				break;
			*names = nn;
		}
		(*names)[(*n)++] = strndup(e->d_name, len - 3);
	}
	closedir(d);
	qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: judge [-t CPU_MS] [-m MEMORY_MB] SOLUTION TESTDIR\n");
}

int main(int argc, char **argv)
{
	unsigned long cpu_ms = 1000, mem_mb = 256;
	char **tests;
	size_t ntests, passed = 0;
	int opt;

	while ((opt = getopt(argc, argv, "t:m:h")) != -1) {
		char *end;
		switch (opt) {
		case 't':
			cpu_ms = strtoul(optarg, &end, 10);
			if (*end || cpu_ms == 0) {
				fprintf(stderr, "judge: bad CPU limit '%s'\n", optarg);
				return 2;
			}
			break;
		case 'm':
			mem_mb = strtoul(optarg, &end, 10);
			if (*end || mem_mb == 0 || mem_mb > (1UL << 20)) {
				fprintf(stderr, "judge: bad memory limit '%s'\n", optarg);
				return 2;
			}
			break;
		default:
			usage();
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage();
		return 2;
	}
	const char *solution = argv[optind], *dir = argv[optind + 1];
	int rc = list_tests(dir, &tests, &ntests);
	if (rc < 0 || ntests == 0) {
		fprintf(stderr, "judge: no tests in %s: %s\n", dir,
		        rc < 0 ? sandbox_strerror(rc) : "no *.in files");
		return 2;
	}
	char outpath[] = "/tmp/judge-out-XXXXXX";
	int outfd = mkstemp(outpath);
	if (outfd < 0) {
		perror("judge: mkstemp");
		return 2;
	}
	close(outfd);

	/* The solution is copied into the box's /box and run from there. */
	char copy[PATH_MAX], prog[PATH_MAX + 2];
	snprintf(copy, sizeof(copy), "%s", solution);
	const char *base = basename(copy);
	snprintf(prog, sizeof(prog), "./%s", base);
	const char *args[] = { prog, NULL };
	sandbox_t *sb = sandbox_new(args);
	if (!sb) {
		perror("judge: sandbox_new");
		return 2;
	}
	if ((rc = sandbox_set_box(sb, true)) < 0 ||
	    (rc = sandbox_box_copy_in(sb, solution, base)) < 0) {
		fprintf(stderr, "judge: box: %s\n", sandbox_strerror(rc));
		sandbox_destroy(sb);
		return 2;
	}
	sandbox_set_quota(sb, S_QUOTA_CPU, cpu_ms);
	sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, cpu_ms * 3);
	sandbox_set_quota(sb, S_QUOTA_MEMORY, (uint64_t)mem_mb << 20);
	sandbox_set_quota(sb, S_QUOTA_DISK, 64u << 20);
	sandbox_set_stdio_path(sb, 1, outpath, false);

	int status = 0;
	for (size_t i = 0; i < ntests; i++) {
		char in[PATH_MAX], ans[PATH_MAX];
		snprintf(in, sizeof(in), "%s/%s.in", dir, tests[i]);
		snprintf(ans, sizeof(ans), "%s/%s.out", dir, tests[i]);
		sandbox_reset(sb);
		sandbox_set_stdio_path(sb, 0, in, false);
		rc = sandbox_execute(sb);
		if (rc < 0) {
			const char *why = sandbox_failed_message(sb);
			fprintf(stderr, "judge: cannot run %s: %s (%s)%s%s\n", solution,
			        sandbox_strerror(rc), sandbox_failed_step(sb),
			        why ? ": " : "", why ? why : "");
			if (rc == -ENOTSUP || rc == -EPERM)
				fprintf(stderr, "judge: %s\n",
				        sandbox_isolation_message(sb) ?
				        sandbox_isolation_message(sb) : "");
			status = 2;
			break;
		}
		sandbox_stat_t st;
		sandbox_get_stat(sb, &st, sizeof(st));
		const char *verdict = sandbox_result_name(st.result);
		if (st.result == S_RESULT_OK)
			verdict = same_tokens(outpath, ans) == 1 ? "AC" : "WA";
		if (strcmp(verdict, "AC") == 0)
			passed++;
		printf("%-10s %-2s  cpu %6.3fs  mem %7.1f MiB", tests[i], verdict,
		       st.cpu_time_us / 1e6, st.memory_peak / 1048576.0);
		if (st.result == S_RESULT_RF && st.has_syscall) {
			char name[64];
			printf("  (%s %s)", sandbox_abi_name(st.syscall.abi),
			       sandbox_syscall_name(st.syscall.abi, st.syscall.nr,
			                            name, sizeof(name)));
		}
		putchar('\n');
	}
	if (status == 0) {
		printf("%zu/%zu tests passed\n", passed, ntests);
		status = passed == ntests ? 0 : 1;
	}
	unlink(outpath);
	sandbox_destroy(sb);
	for (size_t i = 0; i < ntests; i++)
		free(tests[i]);
	free(tests);
	return status;
}
