/*
 * policies/: the built-in policies and their registry. Each built-in lives
 * in its own file and exports one function that fills an empty policy;
 * they are written against the public API only (sandbox.h), like any
 * policy module. Not installed.
 *
 *   builtin.c   the registry: the table, making a policy by name
 *   helpers.c   rules by name, a rule with one condition
 *   *.c         one built-in each (the header comment says what it
 *               allows and why)
 */
#ifndef LIBSANDBOX_POLICIES_BUILTIN_H
#define LIBSANDBOX_POLICIES_BUILTIN_H

#include "sandbox.h"

#ifndef SB_ARRAY_SIZE
#define SB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ---- the registry (builtin.c) ---- */

struct sb_builtin {
	const char *name;
	const char *description;
	int (*build)(sandbox_policy_t *p);
};

/* The entry of built-in `name`, or NULL. */
const struct sb_builtin *sb_builtin_find(const char *name);
/* NULL-terminated list of the names, in listing order. Static. */
const char *const *sb_builtin_names(void);
/* A new policy holding built-in `name`; NULL with errno (ENOENT). */
sandbox_policy_t *sb_builtin_new(const char *name);

/* ---- the built-ins ---- */

int sb_policy_default(sandbox_policy_t *p);
int sb_policy_threads(sandbox_policy_t *p);
int sb_policy_java(sandbox_policy_t *p);
int sb_policy_go(sandbox_policy_t *p);
int sb_policy_node(sandbox_policy_t *p);
int sb_policy_minimal(sandbox_policy_t *p);
int sb_policy_io_heavy(sandbox_policy_t *p);
int sb_policy_compute(sandbox_policy_t *p);
int sb_policy_network(sandbox_policy_t *p);
int sb_policy_unrestricted(sandbox_policy_t *p);
int sb_policy_python3(sandbox_policy_t *p);
/* The start-up set of a static glibc program, reading and writing open
 * descriptors, and exit (the "minimal" profile; the others build on it). */
int sb_policy_minimal_base(sandbox_policy_t *p);

/* ---- helpers (helpers.c) ---- */

/* Add an unconditional x86_64 ALLOW rule for each name; -ENOENT names the
 * first unknown syscall in *bad (may be NULL). */
int sb_policy_allow_names(sandbox_policy_t *p, const char *const *names,
                          const char **bad);
/* Same with any disposition. */
int sb_policy_names(sandbox_policy_t *p, const char *const *names, int disp,
                    int err);
/* Opens for writing (open, openat, creat) fail with EACCES in the
 * kernel, read-only opens run: for programs with threads, where a path
 * read from the program's memory may change after any check. */
int sb_policy_read_only_opens(sandbox_policy_t *p);
/* clone(2) allowed when it creates a thread (CLONE_THREAD, CLONE_VM and
 * CLONE_SIGHAND set); other clones keep their rule ("threads"). */
int sb_policy_thread_clone(sandbox_policy_t *p);
/* File rules: what a compiled program's runtime reads (the loader, its
 * libraries, locale and time-zone data, /dev/null, /dev/zero (both
 * writable), /dev/urandom). */
int sb_policy_runtime_files(sandbox_policy_t *p);
/* An optional read file rule for every path each shell pattern matches
 * (glob(3)); a pattern matching nothing adds nothing. */
int sb_policy_read_globs(sandbox_policy_t *p, const char *const *globs);
/* What glibc's user lookup (getpwuid, getpwnam, ...) does on the way to
 * "no such user" for a run slot's uid, which no passwd file names: it
 * asks nscd through a unix socket (socket(AF_UNIX) fails with EACCES:
 * glibc then reads the files) and nss-systemd probes the capability
 * bounding set (prctl(PR_CAPBSET_READ) allowed: a read of the program's
 * own, empty, set). Nothing else of socket or prctl. */
int sb_policy_user_lookup(sandbox_policy_t *p);
/* The calls the policy allows (those in `names`) that name a process or
 * a CPU clock by number reach only the program's own (review stop23 A3:
 * outside a box a program found every process of the host by getsid()/
 * getpgid() and read any process's CPU time with clock_gettime() on its
 * process clock): getsid and getpgid with 0 or the program's pid, else
 * ESRCH, as for a process that does not exist; clock_gettime,
 * clock_getres, clock_nanosleep and timer_create with a fixed clock (ids
 * >= 0), the program's own process clocks (pid 0) or a thread clock (the
 * kernel keeps those to the caller's own threads), else EINVAL, as for a
 * clock that does not exist. The allowed clocks cost no stop (the filter
 * compiler allows them in the kernel); a foreign one stops and the tracer
 * refuses it. */
int sb_policy_own_processes(sandbox_policy_t *p, const char *const *names);
/* kill, tgkill and tkill of the program itself only (argument 0 its own
 * pid): abort(), raise() and os.kill(os.getpid(), ...) work; another pid
 * keeps the call's base. */
int sb_policy_self_signals(sandbox_policy_t *p);
/* x86_64 rule for `name` with one condition (arg `arg` op a). */
int sb_policy_cond1(sandbox_policy_t *p, const char *name, int disp, int err,
                    unsigned arg, int op, uint64_t a, uint64_t b);

#endif
