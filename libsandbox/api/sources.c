/*
 * Where a policy comes from: a built-in by name (the registry in
 * policies/), a policy file or text, a loadable module, or the CLI's spec
 * that chooses among them. The work is in policies/ and sources/.
 */
#include "config.h"
#include "api/api.h"
#include "sources/sources.h"
#include "../policies/builtin.h"

#include <errno.h>

SB_EXPORT const char *const *sandbox_policy_list(void)
{
	return sb_builtin_names();
}

SB_EXPORT const char *sandbox_policy_describe(const char *name)
{
	const struct sb_builtin *b = sb_builtin_find(name);
	return b ? b->description : NULL;
}

SB_EXPORT sandbox_policy_t *sandbox_policy_builtin(const char *name)
{
	return sb_builtin_new(name);
}

SB_EXPORT sandbox_policy_t *sandbox_policy_load_module(const char *path,
                                                       const char *arg,
                                                       char *err,
                                                       size_t errlen)
{
	return sb_module_load(path, arg, err, errlen);
}

SB_EXPORT sandbox_policy_t *sandbox_policy_load_file(const char *path,
                                                     char *err, size_t errlen)
{
	return sb_file_load(path, err, errlen);
}

SB_EXPORT sandbox_policy_t *sandbox_policy_parse(const char *text, size_t len,
                                                 const char *name, char *err,
                                                 size_t errlen)
{
	return sb_file_parse(text, len, name, err, errlen);
}

SB_EXPORT int sandbox_policy_add_text(sandbox_policy_t *p, const char *text,
                                      size_t len, const char *name, char *err,
                                      size_t errlen)
{
	return sb_file_add_text(p, text, len, name, err, errlen);
}

SB_EXPORT sandbox_policy_t *sandbox_policy_load(const char *spec, char *err,
                                                size_t errlen)
{
	return sb_source_load(spec, err, errlen);
}
