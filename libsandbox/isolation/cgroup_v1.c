/*
 * cgroup v1: one hierarchy per controller (memory, pids, cpu). A fresh
 * group per run, so max_usage_in_bytes and the OOM counter are this run's.
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <stdio.h>

static int setup_memory(const char *dir, uint64_t limit)
{
	char v[32];
	int rc;

	if (limit == SANDBOX_UNLIMITED)
		return 0;
	snprintf(v, sizeof(v), "%llu", (unsigned long long)limit);
	if ((rc = sb_cg_write(dir, "memory.limit_in_bytes", v)) < 0)
		return rc;
	/* With swap accounting, memory+swap gets the same limit: swapping
	 * is no way around it. Absent without swap accounting. */
	if (sb_cg_exists(dir, "memory.memsw.limit_in_bytes") &&
	    (rc = sb_cg_write(dir, "memory.memsw.limit_in_bytes", v)) < 0)
		return rc;
	/* v1 counts TCP socket buffers apart, and only once this limit is
	 * set (v2 counts them in memory.current): loopback connections nobody
	 * reads held 470 MiB outside a 64 MiB group (review-stop23 A7). Over
	 * it the program's sockets are under memory pressure: sends wait or
	 * fail with EAGAIN, nothing more is queued. */
	if (sb_cg_exists(dir, "memory.kmem.tcp.limit_in_bytes") &&
	    (rc = sb_cg_write(dir, "memory.kmem.tcp.limit_in_bytes", v)) < 0)
		return rc;
	return 0;
}

static int setup_cpu(const char *dir, unsigned percent)
{
	char v[32];
	int rc;

	if (percent == 0)
		return 0;
	if ((rc = sb_cg_write(dir, "cpu.cfs_period_us", "100000")) < 0)
		return rc;
	snprintf(v, sizeof(v), "%u", percent * 1000u);
	return sb_cg_write(dir, "cpu.cfs_quota_us", v);
}

int sb_cg1_setup(const char *dir, int c, const struct sb_cg_limits *lim)
{
	char v[32];

	switch (c) {
	case SB_CG_MEMORY:
		return setup_memory(dir, lim->memory);
	case SB_CG_PIDS:
		if (lim->pids == SANDBOX_UNLIMITED)
			return 0;
		snprintf(v, sizeof(v), "%llu", (unsigned long long)lim->pids);
		return sb_cg_write(dir, "pids.max", v);
	case SB_CG_CPU:
		return setup_cpu(dir, lim->cpu_percent);
	default:
		return -EINVAL;
	}
}

void sb_cg1_read(const struct sb_cg *cg, struct sb_cg_figures *f)
{
	const char *mem = cg->dir[SB_CG_MEMORY], *pids = cg->dir[SB_CG_PIDS];
	const char *cpu = cg->dir[SB_CG_CPU];

	if (mem) {
		f->memory_peak = sb_cg_read_i64(mem, "memory.max_usage_in_bytes");
		/* "oom_kill N" since Linux 4.13. */
		f->oom_kills = sb_cg_read_key(mem, "memory.oom_control", "oom_kill");
	}
	if (pids)
		f->pids_refused = sb_cg_read_key(pids, "pids.events", "max");
	if (cpu) {
		int64_t ns = sb_cg_read_key(cpu, "cpu.stat", "throttled_time");
		f->cpu_throttled_us = ns < 0 ? -1 : ns / 1000;
	}
}
