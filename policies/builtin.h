/*
 * Built-in policies. Each lives in its own file of policies/ and exports
 * one function that fills an empty policy (sandbox_policy_new()).
 * Also the library-internal helpers shared by the built-ins, the policy
 * file parser (libsandbox/policyfile.c), the path rules
 * (libsandbox/pathrules.c) and the module loader (libsandbox/module.c).
 */
#ifndef LIBSANDBOX_POLICIES_BUILTIN_H
#define LIBSANDBOX_POLICIES_BUILTIN_H

#include "sandbox.h"

#include <stdio.h>

struct sb_builtin {
	const char *name;
	const char *description;
	int (*build)(sandbox_policy_t *p);
};

/* NULL-name terminated. */
extern const struct sb_builtin sb_builtins[];
/* The entry of built-in `name`, or NULL. */
const struct sb_builtin *sb_builtin_find(const char *name);

int sb_policy_default(sandbox_policy_t *p);
int sb_policy_minimal(sandbox_policy_t *p);
int sb_policy_io_heavy(sandbox_policy_t *p);
int sb_policy_compute(sandbox_policy_t *p);
int sb_policy_network(sandbox_policy_t *p);
int sb_policy_unrestricted(sandbox_policy_t *p);
int sb_policy_python3(sandbox_policy_t *p);

/* Helpers for policy files: add an unconditional rule for each name on
 * x86_64; -ENOENT names the first unknown syscall in *bad. */
int sb_policy_allow_names(sandbox_policy_t *p, const char *const *names,
                          const char **bad);
/* Same with any disposition. */
int sb_policy_names(sandbox_policy_t *p, const char *const *names, int disp,
                    int err);
/* x86_64 rule for `name` with one condition (arg `arg` op a). */
int sb_policy_cond1(sandbox_policy_t *p, const char *name, int disp, int err,
                    unsigned arg, int op, uint64_t a, uint64_t b);
/* The start-up set of a static glibc program, reading and writing open
 * descriptors, and exit (the "minimal" profile; the others build on it). */
int sb_policy_minimal_base(sandbox_policy_t *p);

/* ---- path rules (libsandbox/pathrules.c) ---- */
/* Add a readable (or writable, which implies readable) directory to p's
 * path rules, installing the path layer if p has none yet, and re-apply
 * the layer to rules added since. -EINVAL with a message in err when the
 * policy lets the program create processes or threads, or dir is bad. */
int sb_paths_add(sandbox_policy_t *p, const char *dir, bool writable,
                 char *err, size_t errlen);
/* Re-apply an existing path layer to rules added since (no-op without
 * one). */
int sb_paths_refresh(sandbox_policy_t *p, char *err, size_t errlen);
/* Does p have path rules? */
bool sb_paths_active(const sandbox_policy_t *p);
/* The policy behind p's path layer (its table without the layer, and the
 * callback p had), or p itself when it has no path rules. */
sandbox_policy_t *sb_paths_inner(sandbox_policy_t *p);
/* Extra lines of sandbox_policy_explain(): callback, path rules. */
void sb_policy_explain_extra(const sandbox_policy_t *p, FILE *f);

/* ---- modules (libsandbox/module.c) ---- */
/* Path of the module p was loaded from, or NULL. */
const char *sb_module_name(const sandbox_policy_t *p);

/* Format an error message into err (may be NULL / 0). */
void sb_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
