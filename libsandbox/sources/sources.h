/*
 * sources/: where a policy comes from besides the built-ins: policy files
 * (file.c) and loadable modules (module.c). Both are clients of the policy
 * calls of the public API, like a built-in; a policy file may include a
 * built-in, so this layer sits above the registry (policies/). Not
 * installed; api/sources.c exports these as sandbox_policy_*().
 */
#ifndef LIBSANDBOX_SOURCES_H
#define LIBSANDBOX_SOURCES_H

#include "policy/policy.h"

/* file.c: sandbox_policy_add_text(), _parse(), _load_file(), _load(). */
int sb_file_add_text(sandbox_policy_t *p, const char *text, size_t len,
                     const char *name, char *err, size_t errlen);
sandbox_policy_t *sb_file_parse(const char *text, size_t len,
                                const char *name, char *err, size_t errlen);
sandbox_policy_t *sb_file_load(const char *path, char *err, size_t errlen);
sandbox_policy_t *sb_source_load(const char *spec, char *err, size_t errlen);

/* module.c: sandbox_policy_load_module(). */
sandbox_policy_t *sb_module_load(const char *path, const char *arg, char *err,
                                 size_t errlen);

#endif /* LIBSANDBOX_SOURCES_H */
