/*
 * policy/: what a policy is and how it is evaluated, below the engine that
 * runs programs. Not installed.
 *
 *   narrow.c        conditions on int arguments judge their low 32 bits
 *   rules.c         the policy object and its layers; the rule table's
 *                   compiled lookup form and the user-space evaluation
 *                   (exactly what the kernel filter does)
 *   tasks.c         what a policy allows about threads, processes, exec;
 *                   the guards that keep every new task traced
 *   files.c         file rules (read, write, execute trees), resolved to
 *                   host paths for one run
 *   landlock.c      file rules as a Landlock ruleset (built before fork)
 *   effective.c     what a run's kernel filter is compiled from
 *   stack.c         what a callback's answer means, once for every event
 *   filter.c        the rule table compiled into seccomp-bpf (libseccomp)
 *   filter_cache.c  compiled programs cached by rule content
 *   verify.c        a compiled program checked against the table in a BPF
 *                   interpreter; what disagrees goes to the tracer
 *   explain.c       the text of sandbox_policy_explain()
 *
 * A policy is an ordered stack of layers, asked in this order for every
 * syscall (sandbox.h, "Policies", says the same to users):
 *   1. the rule table: a disposition per (ABI, syscall, arguments);
 *   2. file rules (files.c): which trees the program may read, write or
 *      execute. The kernel enforces them (Landlock, or a private mount
 *      view: core/confine.c decides), never a check of a path string in
 *      the program's memory; this layer takes no part in the stops;
 *   3. the module's callback (a policy loaded from a module);
 *   4. the callback set with sandbox_policy_set_callback().
 * Each setter replaces its own layer only. A layer can only make what the
 * layers before it decided stricter, except that the callbacks decide
 * the TRACE lines of the table. Per-run state of a layer lives in the run,
 * never in the policy, which is shared.
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
	SB_TRACE_MEM = 4,      /* memory syscall under a VSIZE quota that the
	                        * policy allows: stop so that the tracer
	                        * watches its return (it watches every memory
	                        * syscall that stops, whatever the data) */
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

/* An internal flag of sandbox_cond_t.arg (never accepted from users):
 * the argument is compared on the bits of b only, (arg & b) op (a & b)
 * -- an int argument's !=, < ... (narrow.c). Evaluated by the tracer,
 * never in the kernel. */
#define SB_ARG_NARROW 0x100u
#define SB_ARG_FLAGS (S_ARG_SELF_PID | S_ARG_SELF_CPUCLOCK | SB_ARG_NARROW)

/* narrow.c: rewrite r's conditions on arguments the kernel reads on
 * fewer than 64 bits so that they judge only those bits (review-stop24
 * D2); called for every rule added. */
void sb_rule_narrow(struct sb_rule *r);

/* A callback layer. */
struct sb_callback {
	sandbox_policy_fn fn;        /* NULL: this layer answers nothing */
	void *data;
	void (*cleanup)(void *data); /* with data, when replaced or freed */
};

struct sb_files;

struct sandbox_policy {
	atomic_int refs;
	unsigned generation;   /* bumped by every change of what the kernel
	                        * filter is made of: caches key on it */
	/* 1. the rule table */
	struct sb_rule *rules; /* in the order added; see sandbox.h for who wins */
	size_t nrules, cap;
	int def_disp[S_ABI_COUNT];
	int def_err[S_ABI_COUNT];
	/* 2. file rules (files.c), NULL: none (files unconfined) */
	struct sb_files *files;
	/* 3. the module the policy was loaded from (sources/module.c) */
	struct sb_callback module;
	char *module_name;     /* its path, or NULL */
	/* 4. sandbox_policy_set_callback() */
	struct sb_callback user;
	/* not a layer: the memory accounting its programs need, or -1 */
	int memory_mode;
	/* not a layer: "NAME=VALUE" entries its runtime needs in the
	 * program's environment (sandbox_policy_set_env_default), NULL-ended */
	char *env_defaults[SANDBOX_POLICY_ENV_MAX + 1];
};

/* The callback layers in the order they are asked. */
#define SB_POLICY_NCALLBACKS 2
static inline const struct sb_callback *
sb_policy_callback(const sandbox_policy_t *p, int i)
{
	return i == 0 ? &p->module : &p->user;
}

/* The calls behind sandbox_policy_*() (api/policy.c checks nothing more). */
sandbox_policy_t *sb_policy_new(void);
sandbox_policy_t *sb_policy_ref(sandbox_policy_t *p);
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
/* Layer 3: the module's callback (fn may be NULL), its state and what
 * releases it (called once, when the policy is freed), and the module's
 * path (copied). 0 or -ENOMEM (nothing changed). */
/* object.c: add or replace the environment entry NAME=VALUE (checked by
 * the caller); -ENOSPC when SANDBOX_POLICY_ENV_MAX names are there. */
int sb_policy_set_env_default(sandbox_policy_t *p, const char *entry);
int sb_policy_set_module(sandbox_policy_t *p, sandbox_policy_fn fn,
                         void *data, void (*release)(void *data),
                         const char *name);
/* Does p have a callback in any layer? */
bool sb_policy_has_callback(const sandbox_policy_t *p);

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
	bool watch_space;  /* TRACE what can free a box's writable space
	                    * (sb_space_syscall) where the table allows it:
	                    * the tracer measures the space first */
	bool watch_streams;/* TRACE what can shrink a file through a
	                    * descriptor (sb_truncate_syscall, a subset of
	                    * the above) where the table allows it: the
	                    * tracer measures the stream files first */
	bool plain;        /* libseccomp's program as it is, not rebuilt
	                    * by sb_filter_tree() (tests compare the two) */
	pid_t self;        /* unused in the kernel filter (pid unknown before
	                    * fork): S_ARG_SELF_PID rules compile to TRACE */
};

/* Compile p into a BPF program (heap allocated, free with free()). Done in
 * the parent before fork so the child only has to call seccomp(2).
 * Returns 0 or -errno (-EINVAL when libseccomp refuses a rule). */
int sb_filter_compile(const sandbox_policy_t *p,
                      const struct sb_filter_opts *o,
                      struct sock_fprog *out);
/* filter_tree.c: prog's syscall-number part rebuilt as a weighted search
 * tree in front of libseccomp's own argument code, for a cheaper install
 * (the kernel's cache walk and JIT), when that is proven to return what
 * prog returns for every call and costs less (whatever it costs with
 * any_cost: tests). 1 rebuilt, 0 left as it was (also when out of
 * memory). */
int sb_filter_tree(struct sock_fprog *prog, bool any_cost);
/* Same result through the filters compiled with the library (the
 * built-in policies') and a small process-wide cache, both keyed by the
 * policy's rules and defaults (filter_cache.c): what sandboxes call. */
int sb_filter_get(const sandbox_policy_t *p, const struct sb_filter_opts *o,
                  struct sock_fprog *out);

/* A filter compiled when the library was built (filters_builtin.c, made
 * by tools/gen_filters.c; empty when cross-compiled): the table it was
 * compiled from, the options, the program. Used only for a policy with
 * exactly this content, and a libseccomp of the version it was made with
 * (sb_filters_builtin_scmp: major, minor, micro). */
struct sb_filter_builtin {
	bool watch_memory;
	bool watch_space;
	bool watch_streams;
	int def_disp[S_ABI_COUNT], def_err[S_ABI_COUNT];
	const struct sb_rule *rules;
	size_t nrules;
	const struct sock_filter *prog;
	unsigned short len;
};
extern const struct sb_filter_builtin sb_filters_builtin[];
extern const size_t sb_filters_builtin_count;
extern const unsigned sb_filters_builtin_scmp[3];
/* The built-in filter compiled from exactly p's table with these
 * options, or NULL (none, or another libseccomp). */
const struct sb_filter_builtin *sb_filter_builtin_find(const sandbox_policy_t *p,
                                                     const struct sb_filter_opts *o);

/* ------------------------------------------------------------ verify.c */

/* Run prog, just compiled from p with o, in a BPF interpreter over every
 * syscall number of every ABI and the argument values where p's rules
 * can change their answer, and send each syscall on which it decides
 * otherwise than p's table to the tracer (instructions put in front of
 * prog: the table decides it in user space, in every mode). Returns how
 * many entries were sent (0: prog agrees everywhere), or -errno with
 * prog freed and zeroed (-EINVAL: it still disagrees, never used). */
int sb_filter_verify(const sandbox_policy_t *p, const struct sb_filter_opts *o,
                     struct sock_fprog *prog);
/* What sb_filter_verify() sent to the tracer in prog: abi -1 is every
 * other architecture, nr -1 a whole ABI. Fills at most max; returns how
 * many there are (0 for a program that was not changed). */
struct sb_filter_sent {
	int abi;
	long nr;
};
int sb_filter_sent(const struct sock_fprog *prog, struct sb_filter_sent *out,
                   size_t max);
/* A test hook, for the test programs only: when set to a syscall name,
 * every program sb_filter_verify() is given first gets "allow x86_64
 * NAME" in front, as a libseccomp that got NAME wrong would compile, and
 * the verification must send NAME to the tracer (tests/check_bpf.c,
 * check_policies.c). A variable, not an environment variable: only code
 * linked into the process image can set it -- the test suites link the
 * static library to reach it; libsandbox.so and sandbox-run export no
 * such symbol (-fvisibility=hidden, the version script, the dynamic
 * list), so neither a user's program, nor a binding, nor a policy
 * module, nor anyone's environment reaches it. */
extern const char *sb_test_filter_allow;

/* ------------------------------------------------------------- files.c */

/* sandbox_policy_add_file_rule(): checks the path and the access bits
 * (-EINVAL with a message), makes the layer if p has none. */
int sb_files_add(sandbox_policy_t *p, const char *path, unsigned access,
                 char *err, size_t errlen);
/* sandbox_policy_confine_files(): make the layer (possibly empty), or
 * remove it with every rule. 0 or -ENOMEM. */
int sb_files_confine(sandbox_policy_t *p, bool confined);
void sb_files_free(struct sb_files *L);
/* The file rules' lines of sandbox_policy_explain(). */
void sb_files_explain(const sandbox_policy_t *p, FILE *f);

/* Where one run's file rules point, given by the engine. */
struct stat;
struct sb_files_where {
	const char *workdir;   /* the working directory as the program sees
	                        * it (absolute) */
	char *const *args;     /* argv[1..] (NULL-terminated) */
	/* The host path of `inside` (an absolute path as the program sees
	 * it): a fresh string, or NULL with errno (ENOENT: not visible to
	 * the program at all, ENOMEM). */
	char *(*host)(const char *inside, void *data);
	/* Optional: told of every host path the resolution looked at and
	 * what it found (st NULL: nothing there, ENOENT; `nofollow`: a
	 * symbolic link there was not followed) -- what a ruleset kept for
	 * later runs depends on. */
	void (*seen)(const char *host, bool nofollow, const struct stat *st,
	             void *data);
	void *data;
};
/* Called for each rule of a run with an existing path: `inside` as the
 * program sees it, `host` as the supervisor opened it (`fd`, O_PATH; *st
 * its fstat), S_FILE_* bits (READ always set). 0 or -errno (stops the
 * walk). */
typedef int (*sb_files_fn)(const char *inside, const char *host, int fd,
                           const struct stat *st, unsigned access, void *data);
/* Resolve every rule of p for one run. A missing path is skipped when the
 * rule is S_FILE_OPTIONAL (and for SANDBOX_FILE_ARGS, which only takes
 * regular files), else -ENOENT. On error *bad names the rule. */
int sb_files_resolve(const sandbox_policy_t *p, const struct sb_files_where *w,
                     sb_files_fn fn, void *data, const char **bad);

/* ---------------------------------------------------------- landlock.c */

/* A new, empty ruleset handling every file access right of ABI version
 * `abi` (and TCP bind/connect when forbid_net, scoping from ABI 6):
 * *fd (close-on-exec; the child passes it to landlock_restrict_self) and
 * the S_LL_* features it uses. 0 or -errno with a message. */
int sb_landlock_new(int abi, bool forbid_net, int *fd, unsigned *features,
                    char *err, size_t errlen);
/* Rules the engine adds beside the policy's: the program's own file and
 * its interpreters (read, execute), a box's directories. */
#define SB_LL_MORE_MAX 24
struct sb_ll_more {
	size_t n;
	const char *inside[SB_LL_MORE_MAX]; /* for messages */
	const char *host[SB_LL_MORE_MAX];   /* what the supervisor opens */
	unsigned access[SB_LL_MORE_MAX];    /* S_FILE_* */
};
/* Add m's rules and p's file rules for one run to the ruleset fd. 0, or
 * -errno with a message naming the rule. */
int sb_landlock_fill(const sandbox_policy_t *p, int fd, int abi,
                     const struct sb_files_where *w, const struct sb_ll_more *m,
                     char *err, size_t errlen);

/* --------------------------------------------------------- effective.c */

/* What the kernel filter (and explain) is made of, and both modes judge:
 * the table with the task guards (sb_policy_guarded), plus the truncation
 * guards when guard_truncate (file rules enforced by a Landlock ABI older
 * than 3), the special-file guards (symlink, mknod) when guard_special (a
 * mount view), the metadata guards (chmod, chown, utimes, xattrs) when
 * guard_owner (the program's uid may own files outside its run). `view`
 * is a read-only policy (rules and defaults only); free with
 * sb_policy_effective_free(). o may be NULL. */
struct sb_eff_opts {
	bool guard_truncate;
	bool guard_special;
	bool guard_owner;
};
struct sb_effective {
	sandbox_policy_t view;
	struct sb_rule *owned;
};
int sb_policy_effective(const sandbox_policy_t *p, const struct sb_eff_opts *o,
                        struct sb_effective *eff);
void sb_policy_effective_free(struct sb_effective *eff);
/* Can syscall nr of abi run under the table (ALLOW or TRACE anywhere)? */
bool sb_ruleset_may_run(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                        int abi, long nr);
/* Can any of the named syscalls (NULL-terminated) run, in any ABI? */
bool sb_policy_may_call(const sandbox_policy_t *p, const char *const *names);

/* ------------------------------------------------------------- tasks.c */

/* What a policy lets the program do about tasks (sb_policy_tasks). */
enum {
	SB_TASKS_THREADS = 1,   /* clone may run */
	SB_TASKS_PROCESSES = 2, /* fork, vfork, or clone without CLONE_THREAD */
	SB_TASKS_EXEC = 4,      /* execve or execveat may run */
};
unsigned sb_policy_tasks(const sandbox_policy_t *p);
/* The index in p->rules of the last unconditional rule of (abi, nr), or
 * -1 (the rules after it are the conditional ones tried first). */
long sb_policy_last_base(const sandbox_policy_t *p, int abi, long nr);
/* p's table with the task guards (tasks.c: clone with CLONE_UNTRACED is
 * killed and clone3 fails with ENOSYS wherever p lets them run): what the
 * kernel filter is compiled from and both modes evaluate. Free with
 * sb_policy_effective_free(). */
int sb_policy_guarded(const sandbox_policy_t *p, struct sb_effective *eff);

/* ------------------------------------------------------------- stack.c */

/* What an answer means (sb_answer), or what was decided for an event. */
enum sb_verb {
	SB_NEXT = 0, /* no decision: ask the next layer */
	SB_ALLOW,    /* run the syscall / deliver the signal */
	SB_DENY,     /* fail the syscall with errno `data` */
	SB_KILL,     /* kill the program (RF at a syscall) */
	SB_FINI,     /* end the run with result `data` */
	SB_BAD,      /* the callback misbehaved: BP */
};
struct sb_decision {
	int verb;    /* enum sb_verb */
	int data;
};
/* The meaning of a callback's answer `act` to an event of type `event`
 * (S_EVENT_*) whose table disposition is `disp` (SYSCALL only): the only
 * place where answers are checked. */
void sb_answer(int event, int disp, const sandbox_action_t *act,
               struct sb_decision *d);
/* What the table decided, when no callback decides otherwise. */
void sb_table_decision(int disp, int err, struct sb_decision *d);
/* The decision as an action for observers: CONT, DENY(errno),
 * KILL, FINI(result); BAD is FINI(S_RESULT_BP). */
void sb_decision_action(const struct sb_decision *d, sandbox_action_t *act);

/* ----------------------------------------------------------- explain.c */

int sb_policy_explain(const sandbox_policy_t *p, int fd);

#endif /* LIBSANDBOX_POLICY_H */
