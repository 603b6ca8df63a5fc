/*
 * Profiles: the CPU/memory time series (CSV and JSON lines, parsed back and
 * checked for monotonic time and plausible values) and per-syscall counts
 * in classic and fast mode. (The SVG picture is sandbox-run's:
 * tests/check_cli_render.c.)
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1024 * 1024)
#define SB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static sandbox_sample_t parsed[8192];

/* memgrow: 40 x 1 MiB, burning 4 ms of its own CPU time in between. */
static sandbox_t *profiled_memgrow(unsigned interval_us, int fd,
                                   unsigned flags)
{
	sandbox_t *sb = tu_sandbox("memgrow", NULL);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_int_eq(sandbox_set_profile(sb, interval_us, fd, flags), 0);
	int r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	return sb;
}

static int open_tmp(const char *name, char **path)
{
	*path = tu_tmpfile(name);
	int fd = open(*path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Parse the time series in either format into parsed[]. */
static size_t parse_series(const char *text, bool csv)
{
	size_t n = 0;
	const char *line = text;

	if (csv) {
		ck_assert_msg(strncmp(text, "t_us,cpu_us,user_us,sys_us,rss_bytes,"
		              "vm_bytes\n", 46) == 0, "CSV header: %.60s", text);
		line = strchr(text, '\n') + 1;
	}
	for (; *line; line = strchr(line, '\n') + 1) {
		sandbox_sample_t *s = &parsed[n];
		int got = csv
		    ? sscanf(line, "%" SCNd64 ",%" SCNd64 ",%" SCNd64 ",%" SCNd64
		             ",%" SCNd64 ",%" SCNd64, &s->t_us, &s->cpu_us,
		             &s->user_us, &s->sys_us, &s->rss, &s->vm)
		    : sscanf(line, "{\"t_us\":%" SCNd64 ",\"cpu_us\":%" SCNd64
		             ",\"user_us\":%" SCNd64 ",\"sys_us\":%" SCNd64
		             ",\"rss_bytes\":%" SCNd64 ",\"vm_bytes\":%" SCNd64 "}",
		             &s->t_us, &s->cpu_us, &s->user_us, &s->sys_us,
		             &s->rss, &s->vm);
		ck_assert_msg(got == 6, "line %zu: %.80s", n + 1, line);
		ck_assert_msg(strchr(line, '\n') != NULL, "unterminated line");
		ck_assert_uint_lt(++n, SB_ARRAY_LEN(parsed));
	}
	return n;
}

/* Monotonic time, CPU never ahead of the clock (one thread), memory
 * plausible: the program touches 40 MiB. */
static void check_series(const sandbox_sample_t *s, size_t n, unsigned iv)
{
	int64_t rss_max = 0;

	ck_assert_msg(n >= 10, "only %zu samples", n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_ge(s[i].t_us, 0);
		if (i > 0) {
			ck_assert_msg(s[i].t_us > s[i - 1].t_us, "time goes back at "
			              "%zu: %" PRId64 " after %" PRId64, i, s[i].t_us,
			              s[i - 1].t_us);
			ck_assert_int_ge(s[i].cpu_us, s[i - 1].cpu_us);
			ck_assert_int_ge(s[i].user_us + s[i].sys_us,
			                 s[i - 1].user_us + s[i - 1].sys_us);
		}
		ck_assert_msg(s[i].cpu_us <= s[i].t_us + 20000, "cpu %" PRId64
		              " us at %" PRId64 " us", s[i].cpu_us, s[i].t_us);
		/* Right after exec nothing may be resident yet, and on a
		 * loaded host the program may not have run for a sample or
		 * two (the kernel's RSS counters also lag): no RSS is
		 * plausible only while it has used next to no CPU since the
		 * first sample, taken at exec (the CPU clock also counts the
		 * set-up before exec: 2 ms and more in a sanitizer build). */
		ck_assert_msg(s[i].rss > 0 || s[i].cpu_us - s[0].cpu_us < 2000,
		              "no RSS at %zu (cpu %" PRId64 " us, %" PRId64
		              " at the first sample)", i, s[i].cpu_us, s[0].cpu_us);
		ck_assert_int_gt(s[i].vm, 0);
		ck_assert_int_ge(s[i].vm, s[i].rss);
		ck_assert_int_lt(s[i].rss, 512 * MiB);
		if (s[i].rss > rss_max)
			rss_max = s[i].rss;
	}
	/* on the interval's grid, give or take the scheduler: a late
	 * sample is followed by an early one. The manager thread may not
	 * run for a while on a loaded host: the upper bound grows with the
	 * load per CPU. */
	double mean = (double)(s[n - 1].t_us - s[0].t_us) / (double)(n - 1);
	double slack = 3.0 * tu_load_factor();
	ck_assert_msg(mean >= 0.8 * iv && mean <= slack * iv, "mean interval "
	              "%.0f us for %u (bound x%.1f at this load)", mean, iv, slack);
	ck_assert_msg(rss_max >= 20 * MiB, "RSS peaked at %" PRId64 " bytes",
	              rss_max);
	/* memgrow burns 160 ms of CPU whatever the load (it used to spin on
	 * the wall clock: on a loaded host it got a share of that, and the
	 * bound failed once at load 23); the samples, taken while it runs,
	 * see most of it. */
	ck_assert_msg(s[n - 1].cpu_us >= 50000, "cpu %" PRId64 " us",
	              s[n - 1].cpu_us);
}

/* A caller built against another sandbox.h: elements of an older, smaller
 * struct are its prefix, packed; a newer, bigger one is zero-padded. */
static void check_element_sizes(sandbox_t *sb, const sandbox_sample_t *ref,
                                size_t n)
{
	const size_t small = offsetof(sandbox_sample_t, rss);
	const size_t big = sizeof(sandbox_sample_t) + 8;
	unsigned char *buf = calloc(n, big);

	ck_assert_ptr_nonnull(buf);
	memset(buf, 0xaa, n * big);
	ck_assert_int_eq(sandbox_get_samples(sb, (sandbox_sample_t *)buf, n,
	                                     small), (ssize_t)n);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(memcmp(buf + i * small, &ref[i], small), 0);
	ck_assert_int_eq(buf[n * small], 0xaa); /* nothing beyond n elements */
	memset(buf, 0xaa, n * big);
	ck_assert_int_eq(sandbox_get_samples(sb, (sandbox_sample_t *)buf, n,
	                                     big), (ssize_t)n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(memcmp(buf + i * big, &ref[i], sizeof(*ref)), 0);
		for (size_t b = sizeof(*ref); b < big; b++)
			ck_assert_int_eq(buf[i * big + b], 0);
	}
	ck_assert_int_eq(sandbox_get_samples(sb, (sandbox_sample_t *)buf, n, 0),
	                 -EINVAL);
	free(buf);
}

START_TEST(test_series)
{
	static const unsigned fmt[] = { SANDBOX_PROFILE_CSV,
	                                SANDBOX_PROFILE_JSONL };
	static sandbox_sample_t kept[SB_ARRAY_LEN(parsed)];
	char *path;
	int fd = open_tmp(_i ? "series.jsonl" : "series.csv", &path);
	sandbox_t *sb = profiled_memgrow(2000, fd, fmt[_i]);
	close(fd);

	char *text = tu_slurp(path);
	ck_assert_ptr_nonnull(text);
	size_t n = parse_series(text, _i == 0);
	check_series(parsed, n, 2000);
	/* the same samples in memory */
	ssize_t k = sandbox_get_samples(sb, kept, SB_ARRAY_LEN(kept),
	                                sizeof(*kept));
	ck_assert_int_eq(k, (ssize_t)n);
	ck_assert_int_eq(memcmp(kept, parsed, n * sizeof(*kept)), 0);
	ck_assert_int_eq(sandbox_get_samples(sb, NULL, 0, 0), k);
	check_element_sizes(sb, kept, (size_t)k);
	tu_note("%s: %zu samples over %.3f s, cpu %.3f s, peak RSS %.1f MiB",
	        _i ? "jsonl" : "csv", n, parsed[n - 1].t_us / 1e6,
	        parsed[n - 1].cpu_us / 1e6, parsed[n - 1].rss / (double)MiB);
	/* reset forgets them */
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_get_samples(sb, kept, 4, sizeof(*kept)), 0);
	sandbox_destroy(sb);
	free(text);
	free(path);
}
END_TEST

/* In memory only (fd -1); default is off. */
START_TEST(test_series_memory_only)
{
	sandbox_t *sb = tu_sandbox("memgrow", NULL);
	int r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	ck_assert_int_eq(sandbox_get_samples(sb, parsed, 4, sizeof(*parsed)),
	                 0);
	sandbox_destroy(sb);

	sb = profiled_memgrow(5000, -1, 0);
	ssize_t n = sandbox_get_samples(sb, parsed, SB_ARRAY_LEN(parsed),
	                                sizeof(*parsed));
	check_series(parsed, (size_t)n, 5000);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(test_bad_arguments)
{
	sandbox_t *sb = tu_sandbox("memgrow", NULL);
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	const unsigned both = SANDBOX_PROFILE_CSV | SANDBOX_PROFILE_JSONL;
	ck_assert_int_eq(sandbox_set_profile(NULL, 0, -1, 0), -EINVAL);
	ck_assert_int_eq(sandbox_set_profile(sb, 999, -1, 0), -EINVAL);
	ck_assert_int_eq(sandbox_set_profile(sb, 1000001, -1, 0), -EINVAL);
	ck_assert_int_eq(sandbox_set_profile(sb, 10000, fd, 0), -EINVAL);
	ck_assert_int_eq(sandbox_set_profile(sb, 10000, fd, both), -EINVAL);
	ck_assert_int_eq(sandbox_set_profile(sb, 10000, -1, 0x80), -EINVAL);
	close(fd);
	ck_assert_int_eq(sandbox_set_profile(sb, 10000, fd,
	                                     SANDBOX_PROFILE_CSV), -EINVAL);
	ck_assert_int_eq(sandbox_set_profile(sb, 0, -1, 0), 0);
	ck_assert_int_eq(sandbox_get_samples(sb, NULL, 1, sizeof(sandbox_sample_t)),
	                 -EINVAL);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ counts */

static sandbox_syscall_count_t counts[1024];

static const sandbox_syscall_count_t *count_of(ssize_t n, const char *name)
{
	for (ssize_t i = 0; i < n; i++)
		if (counts[i].abi == S_ABI_X86_64 && strcmp(counts[i].name, name) == 0)
			return &counts[i];
	return NULL;
}

/* Classic mode: every syscall is counted. */
START_TEST(test_counts_classic)
{
	sandbox_stat_t st;
	bool all = false;
	sandbox_t *sb = tu_sandbox("bt_fp", "open", NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, S_MODE_CLASSIC), 0);
	ck_assert_int_eq(sandbox_set_profile(sb, 0, -1,
	                                     SANDBOX_PROFILE_SYSCALLS), 0);
	int r = tu_run(sb, &st);
	ck_assert_result(r, S_RESULT_OK);
	ssize_t n = sandbox_get_syscall_counts(sb, counts, SB_ARRAY_LEN(counts),
	                                       sizeof(*counts), &all);
	ck_assert_int_gt(n, 5);
	ck_assert(all);
	uint64_t total = 0, ns = 0;
	for (ssize_t i = 0; i < n; i++) {
		ck_assert_int_gt(counts[i].count, 0);
		char name[32];
		ck_assert_str_eq(counts[i].name, sandbox_syscall_name(counts[i].abi,
		                 counts[i].nr, name, sizeof(name)));
		if (i > 0) /* by ABI, then number */
			ck_assert(counts[i].abi > counts[i - 1].abi ||
			          counts[i].nr > counts[i - 1].nr);
		total += counts[i].count;
		ns += counts[i].stopped_ns;
	}
	ck_assert_uint_eq(total, (uint64_t)st.syscalls);
	const sandbox_syscall_count_t *c = count_of(n, "write");
	ck_assert_msg(c && c->count == 1 && c->stopped_ns > 0, "write counted");
	ck_assert_ptr_nonnull(count_of(n, "exit_group"));
	ck_assert_ptr_nonnull(count_of(n, "openat"));
	/* stopped time is a (small) part of the run */
	ck_assert_uint_gt(ns, 0);
	ck_assert_uint_lt(ns / 1000, (uint64_t)st.wall_time_us + 1000);
	tu_note("classic: %zd syscalls kinds, %" PRIu64 " calls, %.3f ms "
	        "stopped", n, total, ns / 1e6);
	sandbox_destroy(sb);
}
END_TEST

static void cont(const sandbox_event_t *ev, sandbox_action_t *act, void *d)
{
	(void)ev;
	(void)d;
	act->type = S_ACTION_CONT;
}

/* Fast mode counts what stops (here: write, TRACE'd), and says so. */
START_TEST(test_counts_fast)
{
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	bool all = true;
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                 "write", S_DISP_TRACE, 0, NULL, 0), 0);
	ck_assert_int_eq(sandbox_policy_set_callback(p, cont, NULL, NULL), 0);
	sandbox_t *sb = tu_sandbox("bt_fp", "open", NULL);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_int_eq(sandbox_set_profile(sb, 0, -1,
	                                     SANDBOX_PROFILE_SYSCALLS), 0);
	int r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	ssize_t n = sandbox_get_syscall_counts(sb, counts, SB_ARRAY_LEN(counts),
	                                       sizeof(*counts), &all);
	ck_assert(!all);
	const sandbox_syscall_count_t *c = count_of(n, "write");
	ck_assert_msg(c && c->count == 1, "write counted once");
	ck_assert_ptr_null(count_of(n, "close")); /* allowed in the kernel */
	ck_assert_ptr_null(count_of(n, "mprotect"));
	ck_assert_int_eq(sandbox_get_syscall_counts(sb, NULL, 0, 0, NULL), n);
	sandbox_destroy(sb);
}
END_TEST

/* Not asked for: nothing counted, no cost. */
START_TEST(test_counts_off)
{
	bool all = false;
	sandbox_t *sb = tu_sandbox("bt_fp", "open", NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, S_MODE_CLASSIC), 0);
	int r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	ck_assert_int_eq(sandbox_get_syscall_counts(sb, counts, 4, sizeof(*counts),
	                                            &all), 0);
	ck_assert(all);
	ck_assert_int_eq(sandbox_get_syscall_counts(sb, NULL, 4, sizeof(*counts),
	                                            NULL), -EINVAL);
	sandbox_destroy(sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("diag_profile");
	TCase *tc = tcase_create("profile");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, test_series, 0, 2);
	tcase_add_test(tc, test_series_memory_only);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_counts_classic);
	tcase_add_test(tc, test_counts_fast);
	tcase_add_test(tc, test_counts_off);
	suite_add_tcase(s, tc);
	return s;
}
