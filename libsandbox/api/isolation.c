/*
 * The public side of isolation: setters (each one creates the sandbox's
 * isolation object on first use), the figures of the last run, the host
 * probe. The work is in isolation/.
 */
#include "config.h"
#include "api/api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* ------------------------------------------------------------ object */

/* Every setter starts here (sb_api_begin_set), and makes the isolation
 * object on first use. */
static struct sb_iso *iso_get(sandbox_t *sb, int *rc)
{
	if ((*rc = sb_api_begin_set(sb)) < 0)
		return NULL;
	if (!sb->iso && !(sb->iso = sb_iso_new()))
		*rc = -ENOMEM;
	return sb->iso;
}

/* ------------------------------------------------------------ setters */

SB_EXPORT int sandbox_set_namespaces(sandbox_t *sb, unsigned ns)
{
	int rc;
	if (ns & ~S_NS_ALL)
		return sb ? -EINVAL : -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->ns = ns;
	return 0;
}

SB_EXPORT int sandbox_set_hostname(sandbox_t *sb, const char *name)
{
	int rc;
	if (name && (!name[0] || strlen(name) > 64))
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	return iso ? sb_set_str(&iso->hostname, name) : rc;
}

SB_EXPORT int sandbox_set_id_map(sandbox_t *sb, uid_t inside_uid,
                                 gid_t inside_gid, uid_t outside_uid,
                                 gid_t outside_gid)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->in_uid = inside_uid;
	iso->in_gid = inside_gid;
	iso->out_uid = outside_uid;
	iso->out_gid = outside_gid;
	return 0;
}

SB_EXPORT int sandbox_set_rootfs(sandbox_t *sb, const char *dir, bool writable)
{
	int rc;
	if (dir && dir[0] != '/')
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->rootfs_rw = writable;
	return sb_set_str(&iso->rootfs, dir);
}

static bool good_inside(const char *p)
{
	if (!p || p[0] != '/' || strcmp(p, "/") == 0)
		return false;
	for (const char *s = p; (s = strstr(s, "..")); s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			return false;
	return true;
}

SB_EXPORT int sandbox_add_dir(sandbox_t *sb, const char *inside,
                              const char *outside, int mode)
{
	int rc;
	if (!good_inside(inside) || mode < S_DIR_RO || mode > S_DIR_TMP ||
	    (mode != S_DIR_TMP && (!outside || outside[0] != '/')))
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	struct sb_dir *d = realloc(iso->dirs, (iso->ndirs + 1) * sizeof(*d));
	if (!d)
		return -ENOMEM;
	iso->dirs = d;
	d = &iso->dirs[iso->ndirs];
	d->mode = mode;
	d->inside = strdup(inside);
	d->outside = mode == S_DIR_TMP ? NULL : strdup(outside);
	if (!d->inside || (mode != S_DIR_TMP && !d->outside)) {
		free(d->inside);
		free(d->outside);
		return -ENOMEM;
	}
	iso->ndirs++;
	return 0;
}

SB_EXPORT int sandbox_clear_dirs(sandbox_t *sb)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	for (size_t i = 0; i < iso->ndirs; i++) {
		free(iso->dirs[i].inside);
		free(iso->dirs[i].outside);
	}
	free(iso->dirs);
	iso->dirs = NULL;
	iso->ndirs = 0;
	return 0;
}

SB_EXPORT int sandbox_set_tmpfs_size(sandbox_t *sb, uint64_t bytes)
{
	int rc;
	if (bytes < 4096)
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->tmp_size = bytes;
	iso->tmp_size_set = true;
	return 0;
}

SB_EXPORT int sandbox_set_box(sandbox_t *sb, bool on)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->box = on;
	return 0;
}

/* A name in /box: one component, not "." or "..". */
static bool box_name_ok(const char *name)
{
	return name && name[0] && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < 256;
}

static int add_copy(sandbox_t *sb, const char *name, const char *host,
                    bool out)
{
	int rc;
	if (!box_name_ok(name) || !host || !host[0])
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	/* One file per name in /box: a later copy in replaces an earlier. */
	for (size_t i = 0; !out && i < iso->ncopies; i++)
		if (!iso->copies[i].out && strcmp(iso->copies[i].name, name) == 0)
			return sb_set_str(&iso->copies[i].host, host);
	struct sb_copy *v = realloc(iso->copies,
	                            (iso->ncopies + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	iso->copies = v;
	struct sb_copy *c = &v[iso->ncopies];
	c->out = out;
	c->name = strdup(name);
	c->host = strdup(host);
	if (!c->name || !c->host) {
		free(c->name);
		free(c->host);
		return -ENOMEM;
	}
	iso->ncopies++;
	return 0;
}

SB_EXPORT int sandbox_box_copy_in(sandbox_t *sb, const char *host,
                                  const char *name)
{
	return add_copy(sb, name, host, false);
}

SB_EXPORT int sandbox_box_copy_out(sandbox_t *sb, const char *name,
                                   const char *host)
{
	return add_copy(sb, name, host, true);
}

SB_EXPORT int sandbox_box_clear_copies(sandbox_t *sb)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	sb_iso_clear_copies(iso);
	return 0;
}

SB_EXPORT int sandbox_set_cgroup_parent(sandbox_t *sb, const char *parent)
{
	int rc;
	if (parent && (!parent[0] || strstr(parent, "..")))
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	return iso ? sb_set_str(&iso->cg_parent, parent) : rc;
}

SB_EXPORT int sandbox_set_cgroup_limits(sandbox_t *sb, uint64_t memory,
                                        uint64_t pids, unsigned cpu_percent)
{
	int rc;
	if (memory == 0 || pids == 0 || cpu_percent > 100000)
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->cg_lim.memory = memory;
	iso->cg_lim.pids = pids;
	iso->cg_lim.cpu_percent = cpu_percent;
	return 0;
}

SB_EXPORT int sandbox_set_cgroup_version(sandbox_t *sb, int version)
{
	int rc;
	if (version < 0 || version > 2)
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->cg_version = version;
	return 0;
}

SB_EXPORT int sandbox_cgroup_sweep(const char *parent)
{
	return sb_iso_cgroup_sweep(parent);
}

SB_EXPORT int sandbox_set_rlimit(sandbox_t *sb, int resource, uint64_t value)
{
	int rc;
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	for (size_t i = 0; i < iso->nrl; i++)
		if (iso->rl[i].res == resource) {
			iso->rl[i].val = value;
			return 0;
		}
	if (iso->nrl == SB_ARRAY_SIZE(iso->rl))
		return -ENOSPC;
	iso->rl[iso->nrl].res = resource;
	iso->rl[iso->nrl++].val = value;
	return 0;
}

SB_EXPORT int sandbox_set_drop_caps(sandbox_t *sb, bool drop)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->drop_caps = drop;
	return 0;
}

SB_EXPORT int sandbox_set_env_pass(sandbox_t *sb, const char *const names[])
{
	int rc;
	char **v;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	if ((rc = sb_strv_dup(names, true, &v)) < 0)
		return rc;
	sb_strv_free(iso->env_pass);
	iso->env_pass = v;
	return 0;
}

SB_EXPORT int sandbox_set_env_strip(sandbox_t *sb, const char *const patterns[])
{
	int rc;
	char **v;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	if ((rc = sb_strv_dup(patterns, true, &v)) < 0)
		return rc;
	sb_strv_free(iso->env_strip);
	iso->env_strip = v;
	return 0;
}

SB_EXPORT int sandbox_set_best_effort(sandbox_t *sb, bool on)
{
	int rc;
	struct sb_iso *iso = iso_get(sb, &rc);
	if (!iso)
		return rc;
	iso->best_effort = on;
	return 0;
}

SB_EXPORT unsigned sandbox_isolation_in_effect(const sandbox_t *sb)
{
	if (!sb || !sb->iso)
		return 0;
	return sb->status == S_STATUS_FIN ? sb->iso->stat.in_effect
	                                  : sb->iso->effective;
}

SB_EXPORT const char *sandbox_isolation_message(const sandbox_t *sb)
{
	if (!sb || !sb->iso || !sb->iso->msg[0])
		return NULL;
	return sb->iso->msg;
}

SB_EXPORT int sandbox_get_isolation_stat(const sandbox_t *sb,
                                         sandbox_iso_stat_t *st, size_t size)
{
	sandbox_iso_stat_t none = { .cg_memory_peak = -1, .cg_oom_kills = -1,
	                            .cg_pids_refused = -1,
	                            .cg_cpu_throttled_us = -1,
	                            .box_peak_bytes = -1 };
	if (!sb || !st || size == 0)
		return -EINVAL;
	const sandbox_iso_stat_t *src = sb->iso ? &sb->iso->stat : &none;
	memcpy(st, src, size < sizeof(*st) ? size : sizeof(*st));
	return 0;
}

/* ------------------------------------------------------------ probe */

SB_EXPORT int sandbox_probe(sandbox_probe_t *p, size_t size)
{
	sandbox_probe_t tmp;
	if (!p || size == 0)
		return -EINVAL;
	sb_probe_host(&tmp);
	memcpy(p, &tmp, size < sizeof(tmp) ? size : sizeof(tmp));
	return 0;
}

