/*
 * The verdict matrix: every verdict a judge sees (OK, RF, ML, OL, TL on
 * CPU, TL on the wall clock, RT, AT) x a static and a dynamic program x
 * fast and classic mode x plain and isolated (PID, mount, IPC, UTS and
 * network namespaces and a box root holding /usr, /lib* and the test
 * programs). Each cell asserts the verdict and the report's figures: exit
 * status and signal, what decided (quota_exceeded, tl_limit, the offending
 * or refused call), CPU and wall time within bounds derived from the
 * quotas, the memory peak against the quota, the bytes written.
 */
#include "config.h"

#include "vutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MiB ((int64_t)1 << 20)
#define KiB ((int64_t)1 << 10)
#define MS 1000 /* us */

enum { V_OK, V_RF, V_ML, V_OL, V_TL_CPU, V_TL_WALL, V_RT, V_AT, V_COUNT };

static const struct cell {
	const char *name;
	const char *what, *arg; /* vprog's behaviour */
	int result;
	uint64_t cpu_ms, wall_ms, memory, output;
} cells[V_COUNT] = {
	[V_OK] = { "OK", "hello", NULL, S_RESULT_OK, 5000, 60000, 256 * MiB,
	           MiB },
	[V_RF] = { "RF", "socket", NULL, S_RESULT_RF, 5000, 60000, 256 * MiB,
	           MiB },
	[V_ML] = { "ML", "malloc", "512", S_RESULT_ML, 5000, 60000, 64 * MiB,
	           MiB },
	[V_OL] = { "OL", "write", "200000", S_RESULT_OL, 5000, 60000,
	           256 * MiB, 64 * KiB },
	[V_TL_CPU] = { "TL-cpu", "spin", NULL, S_RESULT_TL, 300, 60000,
	               256 * MiB, MiB },
	[V_TL_WALL] = { "TL-wall", "sleep", NULL, S_RESULT_TL, 5000, 300,
	                256 * MiB, MiB },
	[V_RT] = { "RT", "segv", NULL, S_RESULT_RT, 5000, 60000, 256 * MiB, MiB },
	[V_AT] = { "AT", "exit", "3", S_RESULT_AT, 5000, 60000, 256 * MiB, MiB },
};

/* Loop index: verdict, then static/dynamic, fast/classic, plain/isolated. */
START_TEST(cell)
{
	const struct cell *c = &cells[_i / 8];
	bool is_static = _i & 1;
	int mode = (_i & 2) ? S_MODE_CLASSIC : S_MODE_FAST;
	bool iso = _i & 4;
	const char *prog = is_static ? "vprog_static" : "vprog";
	char label[96];
	sandbox_stat_t st;

	snprintf(label, sizeof(label), "%s, %s, %s, %s", c->name,
	         is_static ? "static" : "dynamic", tu_mode_name(mode),
	         iso ? "isolated" : "plain");
	if (iso && !vu_can_isolate())
		tu_skip("%s: namespaces and a box root are not available", label);

	char *out = tu_tmpfile("cell.out");
	sandbox_t *sb = iso ? tu_box_sandbox(prog, c->what, c->arg, NULL)
	                    : tu_sandbox(prog, c->what, c->arg, NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_CPU, c->cpu_ms), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, c->wall_ms), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_MEMORY, c->memory), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, c->output), 0);
	if (iso)
		vu_isolate(sb);
	int v = tu_run(sb, &st);
	ck_assert_msg(v == c->result, "%s: verdict %s (exit %d, signal %d)", label,
	              RN(v), st.exit_code, st.signal);

	/* Figures every run has. */
	ck_assert_int_eq(st.mode, mode);
	ck_assert_msg(st.cpu_time_us >= 0 &&
	              st.cpu_time_us == st.user_time_us + st.sys_time_us,
	              "%s: cpu %lld", label, (long long)st.cpu_time_us);
	ck_assert_msg(st.wall_time_us >= 0, "%s: wall %lld", label,
	              (long long)st.wall_time_us);
	ck_assert_msg(st.memory_peak > 0 && st.vm_peak > 0 && st.rss_peak > 0 &&
	              st.rss_peak <= st.vm_peak, "%s: peaks %lld %lld %lld", label,
	              (long long)st.memory_peak, (long long)st.vm_peak,
	              (long long)st.rss_peak);
	/* The kernel never let the program have more than the quota. */
	ck_assert_msg(st.vm_peak <= (int64_t)c->memory, "%s: vm_peak %lld", label,
	              (long long)st.vm_peak);
	/* No time quota was crossed unless that is the verdict: a run ends
	 * within its CPU quota plus the RLIMIT_CPU backstop. */
	ck_assert_msg(st.cpu_time_us <= ((int64_t)c->cpu_ms + 2000) * MS,
	              "%s: cpu %lld us for a %llu ms quota", label,
	              (long long)st.cpu_time_us, (unsigned long long)c->cpu_ms);
	struct stat fs;
	ck_assert_int_eq(stat(out, &fs), 0);
	ck_assert_msg(fs.st_size <= (off_t)c->output, "%s: %lld bytes written",
	              label, (long long)fs.st_size);

	switch (_i / 8) {
	case V_OK: {
		char *text = tu_slurp(out);
		ck_assert_str_eq(text, "hello\n");
		free(text);
		ck_assert_int_eq(st.exit_code, 0);
		ck_assert_int_eq(st.signal, 0);
		ck_assert_int_eq(st.output_bytes, 6);
		ck_assert_int_eq(st.quota_exceeded, -1);
		ck_assert_int_le(st.memory_peak, (int64_t)c->memory);
		ck_assert_int_eq(st.memory_refused_bytes, -1);
		break;
	}
	case V_RF: {
		char name[32];
		ck_assert(st.has_syscall);
		sandbox_syscall_name(st.syscall.abi, st.syscall.nr, name, sizeof(name));
		ck_assert_str_eq(name, "socket");
		ck_assert_int_eq(st.syscall.abi, S_ABI_X86_64);
		ck_assert_int_eq(st.exit_code, -1);
		ck_assert_int_eq(st.output_bytes, 0);
		break;
	}
	case V_ML:
		ck_assert_int_eq(st.quota_exceeded, S_QUOTA_MEMORY);
		ck_assert_int_eq(st.memory_refused_by, S_MEMREQ_SYSCALL);
		ck_assert_int_ge(st.memory_refused_bytes, 512 * MiB);
		ck_assert_int_gt(st.memory_peak, (int64_t)c->memory);
		ck_assert_int_le(st.memory_peak - st.memory_refused_bytes, st.vm_peak);
		ck_assert_int_eq(st.exit_code, -1);
		break;
	case V_OL:
		ck_assert_int_eq(st.quota_exceeded, S_QUOTA_DISK);
		ck_assert_int_le(fs.st_size, 64 * KiB);
		ck_assert_int_ge(st.output_bytes, fs.st_size);
		break;
	case V_TL_CPU:
		ck_assert_int_eq(st.tl_limit, S_TL_CPU);
		ck_assert_int_eq(st.quota_exceeded, S_QUOTA_CPU);
		/* The program's CPU and its tracer's work for it. */
		ck_assert_msg(st.cpu_time_us + st.supervisor_cpu_us >= 300 * MS,
		              "%s: cpu %lld + supervisor %lld", label,
		              (long long)st.cpu_time_us,
		              (long long)st.supervisor_cpu_us);
		ck_assert_int_eq(st.exit_code, -1);
		break;
	case V_TL_WALL:
		ck_assert_int_eq(st.tl_limit, S_TL_WALL);
		ck_assert_int_eq(st.quota_exceeded, S_QUOTA_WALLCLOCK);
		ck_assert_msg(st.wall_time_us >= 300 * MS, "%s: wall %lld", label,
		              (long long)st.wall_time_us);
		/* A sleeper: its CPU is its start-up, far below the wall. */
		ck_assert_msg(st.cpu_time_us < st.wall_time_us, "%s: cpu %lld wall %lld",
		              label, (long long)st.cpu_time_us,
		              (long long)st.wall_time_us);
		break;
	case V_RT:
		ck_assert_int_eq(st.signal, SIGSEGV);
		ck_assert_int_eq(st.exit_code, -1);
		ck_assert_int_eq(st.quota_exceeded, -1);
		break;
	case V_AT:
		ck_assert_int_eq(st.exit_code, 3);
		ck_assert_int_eq(st.signal, 0);
		ck_assert_int_eq(st.quota_exceeded, -1);
		break;
	}
	free(out);
	sandbox_destroy(sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("cells");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, cell, 0, V_COUNT * 8);
	suite_add_tcase(s, tc);
	return s;
}
