/*
 * policy/: what a policy is and how it is evaluated, below the engine that
 * runs programs. Not installed.
 *
 *   rules.c         the policy object: rule table, defaults, callback,
 *                   reference count; its compiled lookup form and the
 *                   user-space evaluation (exactly what the kernel filter
 *                   does)
 *   filter.c        the rule table compiled into seccomp-bpf (libseccomp)
 *   filter_cache.c  compiled programs cached by rule content
 *   paths.c         path rules (readable / writable directories)
 *   explain.c       the text of sandbox_policy_explain()
 *
 * Nothing here knows a sandbox or a run: the engine (core/) asks, with the
 * facts of one syscall.
 */
#ifndef LIBSANDBOX_POLICY_H
#define LIBSANDBOX_POLICY_H

#include "util/util.h"

#include <linux/filter.h>
#include <stdatomic.h>
#include <stdio.h>

/* seccomp SECCOMP_RET_TRACE data values: what the tracer is asked to do. */
enum {
	SB_TRACE_ASK = 1,      /* TRACE rule: ask the callback */
	SB_TRACE_ASK_EXIT = 2, /* TRACE rule with S_DISP_FLAG_EXIT */
	SB_TRACE_KILL = 3,     /* KILL rule, foreign ABI, unknown number: RF */
	SB_TRACE_MEM = 4,      /* memory syscall under a VSIZE quota: watch
	                        * its return for an allocation refused by
	                        * the quota */
};

/* ------------------------------------------------------------- rules.c */

struct sb_rule {
	int abi;
	long nr;
	int disp;   /* sandbox_disposition_t, maybe | S_DISP_FLAG_EXIT */
	int err;
	unsigned ncond;
	sandbox_cond_t cond[6];
};

struct sandbox_policy {
	atomic_int refs;
	struct sb_rule *rules; /* in the order added; see sandbox.h for who wins */
	size_t nrules, cap;
	unsigned generation;   /* bumped by every change: caches key on it */
	int def_disp[S_ABI_COUNT];
	int def_err[S_ABI_COUNT];
	sandbox_policy_fn fn;
	void *data;
	void (*cleanup)(void *data);
	char *origin;          /* the module the policy came from, or NULL */
};

/* The calls behind sandbox_policy_*() (api/policy.c checks nothing more). */
sandbox_policy_t *sb_policy_new(void);
void sb_policy_unref(sandbox_policy_t *p);
int sb_policy_set_callback(sandbox_policy_t *p, sandbox_policy_fn fn,
                           void *data, void (*cleanup)(void *data));
int sb_policy_set_default(sandbox_policy_t *p, int abi, int disp, int err);
int sb_policy_add_rule(sandbox_policy_t *p, int abi, long nr, int disp,
                       int err, const sandbox_cond_t *conds, unsigned ncond);
int sb_policy_add_rule_name(sandbox_policy_t *p, unsigned abi_mask,
                            const char *name, int disp, int err,
                            const sandbox_cond_t *conds, unsigned ncond);
int sb_policy_evaluate(const sandbox_policy_t *p, int abi, long nr,
                       const uint64_t args[6], pid_t self, int *err);
/* Record where p came from (a module path; copied). 0 or -ENOMEM. */
int sb_policy_set_origin(sandbox_policy_t *p, const char *origin);

/* Compiled form used by the tracer at every stop, so that evaluating a
 * syscall costs an array index, not a search: one slot per syscall number
 * of each ABI, pointing at the first rule of that syscall. */
struct sb_ruleset {
	int nmax[S_ABI_COUNT];      /* table sizes */
	int32_t *base[S_ABI_COUNT]; /* last unconditional rule, or -1 */
	int32_t *first[S_ABI_COUNT];/* first conditional rule after it, or -1 */
	int32_t *next;              /* next conditional rule, or -1 */
};

int sb_ruleset_build(const sandbox_policy_t *p, struct sb_ruleset *rs);
void sb_ruleset_free(struct sb_ruleset *rs);
/* The disposition that applies when no conditional rule matches. */
void sb_ruleset_base(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                     int abi, long nr, int *disp, int *err);
/* Evaluate in user space exactly as the kernel filter would. */
int sb_ruleset_eval(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                    int abi, long nr, const uint64_t args[6], pid_t self,
                    int *err);
/* Does libseccomp know syscall nr of this ABI? */
bool sb_syscall_known(int abi, long nr);
/* Can any syscall of this ABI run under p (a non-KILL default or rule)? */
bool sb_policy_abi_allowed(const sandbox_policy_t *p, int abi);

/* ------------------------------------------------------------ filter.c */

/* Options that change how a policy is compiled for one run. */
struct sb_filter_opts {
	bool watch_memory; /* TRACE brk/mmap/mremap at exit (VSIZE quota) */
	pid_t self;        /* unused in the kernel filter (pid unknown before
	                    * fork): S_ARG_SELF_PID rules compile to TRACE */
};

/* Compile p into a BPF program (heap allocated, free with free()). Done in
 * the parent before fork so the child only has to call seccomp(2).
 * Returns 0 or -errno (-EINVAL when libseccomp refuses a rule). */
int sb_filter_compile(const sandbox_policy_t *p,
                      const struct sb_filter_opts *o,
                      struct sock_fprog *out);
/* Same result through a small process-wide cache keyed by the policy's
 * rules and defaults (filter_cache.c): what sandboxes call. */
int sb_filter_get(const sandbox_policy_t *p, const struct sb_filter_opts *o,
                  struct sock_fprog *out);

/* ------------------------------------------------------------- paths.c */

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
/* The path rules' lines of sandbox_policy_explain() (none without). */
void sb_paths_explain(const sandbox_policy_t *p, FILE *f);

/* ----------------------------------------------------------- explain.c */

int sb_policy_explain(const sandbox_policy_t *p, int fd);

#endif /* LIBSANDBOX_POLICY_H */
