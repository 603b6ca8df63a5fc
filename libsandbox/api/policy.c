/*
 * Building a policy rule by rule: the calls built-in policies, modules and
 * hosts make. The work is in policy/.
 */
#include "config.h"
#include "api/api.h"

#include <errno.h>
#include <string.h>

SB_EXPORT sandbox_policy_t *sandbox_policy_new(void)
{
	return sb_policy_new();
}

SB_EXPORT sandbox_policy_t *sandbox_policy_ref(sandbox_policy_t *p)
{
	return sb_policy_ref(p);
}

SB_EXPORT void sandbox_policy_unref(sandbox_policy_t *p)
{
	sb_policy_unref(p);
}

SB_EXPORT int sandbox_policy_set_callback(sandbox_policy_t *p,
                                          sandbox_policy_fn fn, void *data,
                                          void (*cleanup)(void *data))
{
	if (!p)
		return -EINVAL;
	return sb_policy_set_callback(p, fn, data, cleanup);
}

SB_EXPORT int sandbox_policy_set_memory_mode(sandbox_policy_t *p, int mode)
{
	if (!p || (mode != -1 && mode != S_MEMORY_VSIZE && mode != S_MEMORY_RSS))
		return -EINVAL;
	p->memory_mode = mode;
	return 0;
}

SB_EXPORT int sandbox_policy_memory_mode(const sandbox_policy_t *p)
{
	return p ? p->memory_mode : -EINVAL;
}

SB_EXPORT int sandbox_policy_set_env_default(sandbox_policy_t *p,
                                             const char *entry)
{
	const char *eq = entry ? strchr(entry, '=') : NULL;
	if (!p || !eq || eq == entry)
		return -EINVAL;
	return sb_policy_set_env_default(p, entry);
}

SB_EXPORT int sandbox_policy_set_default(sandbox_policy_t *p, int abi,
                                         int disp, int err)
{
	return sb_policy_set_default(p, abi, disp, err);
}

SB_EXPORT int sandbox_policy_add_rule(sandbox_policy_t *p, int abi, long nr,
                                      int disp, int err,
                                      const sandbox_cond_t *conds,
                                      unsigned ncond)
{
	return sb_policy_add_rule(p, abi, nr, disp, err, conds, ncond);
}

SB_EXPORT int sandbox_policy_add_rule_name(sandbox_policy_t *p,
                                           unsigned abi_mask,
                                           const char *name, int disp,
                                           int err,
                                           const sandbox_cond_t *conds,
                                           unsigned ncond)
{
	return sb_policy_add_rule_name(p, abi_mask, name, disp, err, conds,
	                               ncond);
}

SB_EXPORT int sandbox_policy_evaluate(const sandbox_policy_t *p, int abi,
                                      long nr, const uint64_t args[6],
                                      pid_t self, int *err)
{
	return sb_policy_evaluate(p, abi, nr, args, self, err);
}

SB_EXPORT int sandbox_policy_explain(const sandbox_policy_t *p, int fd)
{
	if (!p || fd < 0)
		return -EINVAL;
	return sb_policy_explain(p, fd);
}

SB_EXPORT int sandbox_policy_add_file_rule(sandbox_policy_t *p,
                                           const char *path, unsigned access,
                                           char *err, size_t errlen)
{
	if (!p) {
		sb_errf(err, errlen, "no policy");
		return -EINVAL;
	}
	return sb_files_add(p, path, access, err, errlen);
}

SB_EXPORT int sandbox_policy_add_path(sandbox_policy_t *p, const char *dir,
                                      bool writable, char *err, size_t errlen)
{
	return sandbox_policy_add_file_rule(p, dir, S_FILE_READ |
	                                    (writable ? S_FILE_WRITE : 0),
	                                    err, errlen);
}

SB_EXPORT int sandbox_policy_confine_files(sandbox_policy_t *p, bool confined)
{
	if (!p)
		return -EINVAL;
	return sb_files_confine(p, confined);
}
