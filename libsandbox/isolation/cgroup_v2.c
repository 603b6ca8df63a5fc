/*
 * cgroup v2: one unified hierarchy. Controllers must be enabled in the
 * cgroup.subtree_control of every ancestor of the run's group, which the
 * caller must be allowed to write (root, or a delegated subtree).
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const ctl_name[SB_CG_NCTL] = { "memory", "pids", "cpu" };

/* Enable the wanted controllers in dir's subtree_control. */
static int enable_one(const char *dir, const bool want[SB_CG_NCTL])
{
	char v[16];
	int rc;

	for (int c = 0; c < SB_CG_NCTL; c++) {
		if (!want[c])
			continue;
		snprintf(v, sizeof(v), "+%s", ctl_name[c]);
		if ((rc = sb_cg_write(dir, "cgroup.subtree_control", v)) < 0)
			return rc;
	}
	return 0;
}

/* Every directory from the deepest one the caller may write down to
 * parent_dir gets the controllers (a delegated subtree's root already has
 * them from its delegator). */
int sb_cg2_enable(const char *parent_dir, const bool want[SB_CG_NCTL])
{
	char buf[512];
	size_t n = strlen(parent_dir);
	int rc = 0;

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, parent_dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (sb_cg_exists(buf, "cgroup.subtree_control"))
			rc = enable_one(buf, want);
		buf[i] = c;
	}
	/* Only the last write (parent_dir itself) must have worked: the
	 * ancestors above a delegation point are not ours to change. */
	return rc;
}

void sb_cg2_cpu_max(unsigned percent, char *buf, size_t len)
{
	if (percent == 0)
		snprintf(buf, len, "max 100000");
	else
		snprintf(buf, len, "%u 100000", percent * 1000u);
}

int sb_cg2_setup(const char *dir, const struct sb_cg_limits *lim)
{
	char v[32];
	int rc;

	if (lim->memory != SANDBOX_UNLIMITED) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)lim->memory);
		if ((rc = sb_cg_write(dir, "memory.max", v)) < 0)
			return rc;
		if (sb_cg_exists(dir, "memory.swap.max") &&
		    (rc = sb_cg_write(dir, "memory.swap.max", "0")) < 0)
			return rc;
	}
	if (lim->pids != SANDBOX_UNLIMITED) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)lim->pids);
		if ((rc = sb_cg_write(dir, "pids.max", v)) < 0)
			return rc;
	}
	if (lim->cpu_percent) {
		sb_cg2_cpu_max(lim->cpu_percent, v, sizeof(v));
		if ((rc = sb_cg_write(dir, "cpu.max", v)) < 0)
			return rc;
	}
	return 0;
}

void sb_cg2_read(const char *dir, struct sb_cg_figures *f)
{
	/* memory.peak exists since Linux 5.19. */
	f->memory_peak = sb_cg_read_i64(dir, "memory.peak");
	f->oom_kills = sb_cg_read_key(dir, "memory.events", "oom_kill");
	f->pids_refused = sb_cg_read_key(dir, "pids.events", "max");
	f->cpu_throttled_us = sb_cg_read_key(dir, "cpu.stat", "throttled_usec");
}
