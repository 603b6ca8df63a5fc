/*
 * Built-in policies. Each lives in its own file of policies/ and exports
 * one function that fills an empty policy (sandbox_policy_new()).
 */
#ifndef LIBSANDBOX_POLICIES_BUILTIN_H
#define LIBSANDBOX_POLICIES_BUILTIN_H

#include "sandbox.h"

struct sb_builtin {
	const char *name;
	const char *description;
	int (*build)(sandbox_policy_t *p);
};

/* NULL-name terminated. */
extern const struct sb_builtin sb_builtins[];

int sb_policy_default(sandbox_policy_t *p);

/* Helpers for policy files: add an unconditional rule for each name on
 * x86_64; -ENOENT names the first unknown syscall in *bad. */
int sb_policy_allow_names(sandbox_policy_t *p, const char *const *names,
                          const char **bad);

#endif
