/*
 * libsandbox -- run one untrusted program under a supervisor that decides,
 * syscall by syscall, what it may do, and measures what it used.
 *
 * This header is the manual. Everything a caller may use is declared and
 * documented here; nothing else is exported.
 *
 * LIFECYCLE, in five steps
 *
 *   1. sandbox_t *sb = sandbox_new(argv);          status S_STATUS_PRE
 *   2. sandbox_set_*(sb, ...);                      configure (quotas, policy,
 *                                                   streams, credentials, ...)
 *   3. sandbox_check(sb);                           validate -> S_STATUS_RDY
 *   4. sandbox_execute(sb);                         blocks until a verdict
 *                                                   -> S_STATUS_FIN
 *      sandbox_result(sb), sandbox_get_stat(sb, &st)  read the outcome
 *   5. sandbox_reset(sb) to run again (-> S_STATUS_RDY), or
 *      sandbox_destroy(sb).
 *
 * ERROR CONVENTIONS (stated once, valid for every function below)
 *
 *   Functions returning int return 0 (or a documented non-negative value) on
 *   success and a negative errno value on failure, e.g. -EINVAL. errno itself
 *   is not relied upon. Functions returning a pointer return NULL on failure
 *   and set errno. Every function lists the errors it can return.
 *   sandbox_strerror() turns any of them into text.
 *
 *   A verdict on the *program* (it crashed, it was too slow, it called a
 *   forbidden syscall) is never an error: sandbox_execute() returns 0 and the
 *   verdict is read with sandbox_result(). An error means the program could
 *   not be judged (for example it does not exist or could not be executed).
 *
 * OWNERSHIP
 *
 *   Strings and arrays passed to setters are copied; the caller keeps
 *   ownership of its own memory. File descriptors passed to
 *   sandbox_set_stdio_fd() are NOT taken over: the sandbox dup()s them into
 *   the child and never closes the caller's descriptor. A sandbox_policy_t is
 *   reference counted: sandbox_set_policy() takes its own reference.
 *
 * THREADS
 *
 *   A sandbox_t may be used by one thread at a time. Different sandboxes are
 *   fully independent and may run concurrently in different threads of one
 *   process (one tracer per sandbox, no global lock on the hot path). The
 *   thread that calls sandbox_execute() becomes the ptrace tracer of the
 *   program. The library starts no thread and touches no signal mask at load
 *   time; each sandbox owns one manager thread, created at its first
 *   execution and kept until sandbox_destroy().
 *
 * SIGNALS SENT TO THE SUPERVISOR
 *
 *   SIGTERM, SIGINT and SIGQUIT sent to the supervising process end every
 *   running sandbox with a verdict (the program is killed, the result is
 *   S_RESULT_IE with stat.interrupted set) when the host blocks those three
 *   signals in all of its threads: the manager threads then receive them
 *   (sandbox_block_term_signals() blocks them in the calling thread; call it
 *   in main() before creating threads). Hosts that prefer their own signal
 *   handlers call sandbox_interrupt(), which is async-signal-safe.
 */
#ifndef LIBSANDBOX_SANDBOX_H
#define LIBSANDBOX_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SANDBOX_VERSION_MAJOR 0
#define SANDBOX_VERSION_MINOR 4
#define SANDBOX_VERSION_PATCH 0
/* Version of the policy-module ABI; see sandbox_policy_t below. */
#define SANDBOX_POLICY_ABI 1

/* Returns the library version as "MAJOR.MINOR.PATCH". Never fails. */
const char *sandbox_version(void);

/* ---------------------------------------------------------------------
 * Vocabulary (kept from the classic libsandbox)
 * --------------------------------------------------------------------- */

/* Life-cycle status of a sandbox (sandbox_status()). */
typedef enum {
	S_STATUS_PRE = 0, /* created, not yet checked */
	S_STATUS_RDY,     /* checked, ready to execute */
	S_STATUS_EXE,     /* executing: the program is running */
	S_STATUS_BLK,     /* executing: the program is stopped at an event */
	S_STATUS_FIN,     /* finished: a verdict is available */
} sandbox_status_t;

/* Verdict on the program (sandbox_result()). */
typedef enum {
	S_RESULT_PD = 0, /* pending: no verdict (not run, or could not run) */
	S_RESULT_OK,     /* exited with status 0 */
	S_RESULT_RF,     /* restricted function: the policy killed it at a syscall */
	S_RESULT_ML,     /* memory limit exceeded */
	S_RESULT_OL,     /* output limit exceeded */
	S_RESULT_TL,     /* time limit exceeded (stat.tl_limit says which) */
	S_RESULT_RT,     /* run-time error: killed by a signal (stat.signal) */
	S_RESULT_AT,     /* abnormal termination: exited with a non-zero status */
	S_RESULT_IE,     /* internal error of the supervisor, or interrupted */
	S_RESULT_BP,     /* bad policy: the policy misbehaved or gave no verdict */
	S_RESULT_COUNT
} sandbox_result_t;

/* Quotas (sandbox_set_quota()). Time quotas are in milliseconds, memory and
 * disk quotas in bytes. SANDBOX_UNLIMITED (the default) means no quota. */
typedef enum {
	S_QUOTA_WALLCLOCK = 0, /* wall-clock time from exec, ms */
	S_QUOTA_CPU,           /* CPU time user+sys, ms */
	S_QUOTA_MEMORY,        /* bytes; see sandbox_memory_mode_t */
	S_QUOTA_DISK,          /* bytes written to any one file (RLIMIT_FSIZE) */
	S_QUOTA_COUNT
} sandbox_quota_t;
#define SANDBOX_UNLIMITED UINT64_MAX

/* What the memory quota is judged on. */
typedef enum {
	/* Default. Peak virtual size (VmPeak). Enforced by the kernel through
	 * RLIMIT_AS, so no allocation beyond the quota ever succeeds and the
	 * verdict is deterministic: the same program gets the same verdict on
	 * every run. A program whose allocation fails because of the quota is
	 * ML, whatever it does afterwards (crash, abort, exit). */
	S_MEMORY_VSIZE = 0,
	/* Peak resident set size (VmHWM, exact at exit). For runtimes that
	 * reserve large virtual ranges they never touch (Go, JVM, V8). The
	 * manager thread samples RSS (every sample interval, default 5 ms)
	 * and kills the program when it is above the quota; the final verdict
	 * uses the exact kernel high-water mark. */
	S_MEMORY_RSS,
} sandbox_memory_mode_t;

/* Tracing mode (sandbox_set_mode()). */
typedef enum {
	/* Default. A seccomp-bpf filter compiled from the policy's rules runs in
	 * the kernel; only syscalls whose disposition is TRACE stop the
	 * program. */
	S_MODE_FAST = 0,
	/* Every syscall entry and exit stops and reaches the policy callback
	 * (profiling, full traces). Verdicts are the same as in fast mode. */
	S_MODE_CLASSIC,
} sandbox_mode_t;

/* Event types passed to a policy callback. */
typedef enum {
	S_EVENT_ERROR = 0, /* the supervisor hit an error (data: errno) */
	S_EVENT_EXIT,      /* the program exited (data: exit status) */
	S_EVENT_SIGNAL,    /* a signal is about to be delivered to the program */
	S_EVENT_SYSCALL,   /* syscall entry */
	S_EVENT_SYSRET,    /* syscall exit */
	S_EVENT_QUOTA,     /* a quota was exceeded (informational) */
} sandbox_event_type_t;

/* Actions a policy callback answers with. */
typedef enum {
	S_ACTION_CONT = 0, /* carry on: allow the syscall, deliver the signal */
	S_ACTION_FINI,     /* end the run now with result `data` (S_RESULT_*) */
	S_ACTION_KILL,     /* kill the program: RF at a syscall, else `data` */
	S_ACTION_DENY,     /* fail this syscall with errno `data` (entry only) */
} sandbox_action_type_t;

/* Syscall ABIs of an x86_64 kernel, as reported by the kernel itself. */
typedef enum {
	S_ABI_X86_64 = 0, /* native 64-bit syscall */
	S_ABI_I386,       /* int $0x80 / sysenter: the 32-bit table */
	S_ABI_X32,        /* x32: 64-bit instruction, numbers | 0x40000000 */
	S_ABI_COUNT
} sandbox_abi_t;

/* Returns "x86_64", "i386" or "x32"; "?" for anything else. */
const char *sandbox_abi_name(int abi);
/* Returns the two-letter code of a result ("OK", "RF", ...); "??" if unknown. */
const char *sandbox_result_name(int result);
/* Returns a short English description of a result. */
const char *sandbox_result_text(int result);
/* Returns the text of a negative (or positive) errno value returned by this
 * library. Thread-safe; the string is static. */
const char *sandbox_strerror(int err);
/* Name of a syscall number in an ABI ("openat"), from libseccomp's tables.
 * Writes at most `len` bytes (NUL-terminated) into buf. Unknown numbers
 * become "syscall_<nr>". Returns buf. */
const char *sandbox_syscall_name(int abi, long nr, char *buf, size_t len);
/* Number of a syscall name in an ABI; negative errno (-ENOENT) if the ABI
 * has no such syscall, -EINVAL for a bad ABI or NULL name. */
long sandbox_syscall_number(int abi, const char *name);

/* ---------------------------------------------------------------------
 * Events and actions (what a policy callback sees and answers)
 * --------------------------------------------------------------------- */

typedef struct sandbox sandbox_t;

/* One syscall, as the kernel reported it. */
typedef struct {
	int abi;          /* sandbox_abi_t */
	long nr;          /* syscall number in that ABI (x32: without 0x40000000) */
	uint64_t args[6]; /* raw arguments */
	int64_t ret;      /* return value (SYSRET events only; -errno on error) */
	uint64_t ip;      /* instruction pointer at the stop */
} sandbox_syscall_t;

/* An event. `sandbox` may be passed to sandbox_read_memory() and friends
 * during the callback only. */
typedef struct {
	int type;             /* sandbox_event_type_t */
	sandbox_t *sandbox;   /* the sandbox the event belongs to */
	pid_t pid;            /* the program's pid (host view) */
	/* For SYSCALL: what the policy's rule table decided before the callback
	 * ran (sandbox_disposition_t), so a callback can defer to its table. */
	int disposition;
	int data;             /* EXIT: status; SIGNAL: signo; QUOTA: quota;
	                       * ERROR: errno */
	sandbox_syscall_t syscall; /* SYSCALL and SYSRET */
} sandbox_event_t;

/* The callback's answer. The library pre-sets `type` to -1; a callback that
 * leaves it there, or answers an action that does not fit the event (DENY
 * at a signal), gives verdict BP. */
typedef struct {
	int type; /* sandbox_action_type_t */
	int data; /* FINI: result; KILL: result (0 = RF at syscalls, RT else);
	           * DENY: errno (1..4095) */
} sandbox_action_t;

/* Read `len` bytes of the program's memory at `addr` into buf
 * (process_vm_readv). Only valid during a policy callback. Returns the
 * number of bytes read (may be short at the end of a mapping), or -EFAULT,
 * -ESRCH, -EINVAL. */
ssize_t sandbox_read_memory(sandbox_t *sb, uint64_t addr, void *buf, size_t len);
/* Read a NUL-terminated string (e.g. a path argument) of at most len-1
 * bytes. Returns its length, -ENAMETOOLONG if it does not fit, -EFAULT. */
ssize_t sandbox_read_string(sandbox_t *sb, uint64_t addr, char *buf, size_t len);

/* ---------------------------------------------------------------------
 * Policies
 *
 * A policy is a rule table plus an optional callback. The table gives a
 * disposition per (ABI, syscall), optionally with argument conditions; in
 * fast mode it is compiled by libseccomp into a kernel filter, so ALLOW,
 * ERRNO and KILL cost no stop at all, and only TRACE stops the program to
 * ask the callback. In classic mode the library evaluates the same table in
 * user space at every stop and the callback sees every syscall; verdicts
 * are identical.
 *
 * Which rule wins: each (ABI, syscall) has a *base* disposition -- its
 * last rule without conditions, or the ABI's default when it has none --
 * and the conditional rules added after that base. The conditional rules
 * are tried in the order they were added and the first whose conditions
 * all hold decides; when none holds, the base decides. Adding a rule
 * without conditions therefore replaces everything earlier for that
 * syscall (that is how a profile is loosened or tightened), and "allow
 * openat when read-only, else ask the callback" is written as the
 * unconditional TRACE rule first, then the conditional ALLOW rule. ABIs
 * whose default was never set get KILL (an i386 or x32 call can never slip
 * through rules written for x86_64), and so do syscall numbers the ABI
 * does not have, whatever the rules say.
 *
 * The callback is called for TRACE'd syscalls (both modes), for every
 * syscall (classic mode; event.disposition tells what the table said), for
 * signals, for the exit and for quota events. For a syscall whose table
 * disposition is not TRACE the table decides and the callback can only make
 * it stricter (answer KILL, FINI or DENY).
 * --------------------------------------------------------------------- */

typedef enum {
	S_DISP_ALLOW = 0, /* run the syscall, no stop in fast mode */
	S_DISP_TRACE,     /* stop and ask the callback */
	S_DISP_ERRNO,     /* fail with the rule's errno, no stop */
	S_DISP_KILL,      /* kill the program: verdict RF */
	S_DISP_COUNT
} sandbox_disposition_t;

/* Flag or-ed into a TRACE disposition: also stop at the syscall's exit and
 * deliver an S_EVENT_SYSRET to the callback. */
#define S_DISP_FLAG_EXIT 0x100

/* Argument comparison operators (the libseccomp set). */
typedef enum {
	S_CMP_NE = 1,     /* arg != a */
	S_CMP_LT,         /* arg <  a (unsigned) */
	S_CMP_LE,         /* arg <= a */
	S_CMP_EQ,         /* arg == a */
	S_CMP_GE,         /* arg >= a */
	S_CMP_GT,         /* arg >  a */
	S_CMP_MASKED_EQ,  /* (arg & a) == b */
} sandbox_cmp_t;

/* One argument condition of a rule. `arg` is 0..5. */
typedef struct {
	unsigned arg;
	int op;      /* sandbox_cmp_t */
	uint64_t a;
	uint64_t b;  /* MASKED_EQ only */
} sandbox_cond_t;

/* A special `arg` value for sandbox_cond_t: compare the argument with the
 * program's own pid (`a` is the argument index; used for kill(getpid())). */
#define S_ARG_SELF_PID 0x80u

typedef struct sandbox_policy sandbox_policy_t;

/* The policy callback: look at `ev`, write the answer into `act`. `data` is
 * the pointer given to sandbox_policy_set_callback(). It runs in the thread
 * that called sandbox_execute(), while the program is stopped. */
typedef void (*sandbox_policy_fn)(const sandbox_event_t *ev,
                                  sandbox_action_t *act, void *data);

/* Create an empty policy: no rules, no callback, every ABI's default KILL.
 * Returns NULL with errno ENOMEM. The caller owns one reference. */
sandbox_policy_t *sandbox_policy_new(void);
/* Create a new policy holding a copy of the built-in policy `name` (see
 * sandbox_policy_list()). NULL with errno ENOENT if there is none. */
sandbox_policy_t *sandbox_policy_builtin(const char *name);
/* NULL-terminated list of built-in policy names. Static storage. */
const char *const *sandbox_policy_list(void);
/* One-line description of a built-in policy, or NULL. */
const char *sandbox_policy_describe(const char *name);
/* Take / drop a reference. The last unref runs the cleanup hook and frees. */
sandbox_policy_t *sandbox_policy_ref(sandbox_policy_t *p);
void sandbox_policy_unref(sandbox_policy_t *p);

/* Set the callback and its user data. `cleanup`, if not NULL, is called
 * with `data` when the policy is freed (or the callback replaced). */
int sandbox_policy_set_callback(sandbox_policy_t *p, sandbox_policy_fn fn,
                                void *data, void (*cleanup)(void *data));
/* Disposition of every syscall of `abi` without a rule. `err` is the errno
 * for S_DISP_ERRNO. -EINVAL on a bad ABI, disposition or errno. */
int sandbox_policy_set_default(sandbox_policy_t *p, int abi, int disp, int err);
/* Add a rule for syscall `nr` of `abi`: disposition (optionally with
 * S_DISP_FLAG_EXIT), errno for S_DISP_ERRNO (1..4095), and `ncond` (0..6)
 * conditions which must all hold. Errors: -EINVAL (bad ABI, number,
 * disposition, errno or condition), -ENOMEM. */
int sandbox_policy_add_rule(sandbox_policy_t *p, int abi, long nr, int disp,
                            int err, const sandbox_cond_t *conds,
                            unsigned ncond);
/* Same, by name, for every ABI in `abi_mask` (1 << S_ABI_*) that has the
 * syscall. -ENOENT if none of them has it. */
int sandbox_policy_add_rule_name(sandbox_policy_t *p, unsigned abi_mask,
                                 const char *name, int disp, int err,
                                 const sandbox_cond_t *conds, unsigned ncond);
/* What the table (not the callback) decides for one concrete call: returns
 * the disposition and stores the errno in *err (may be NULL). Used by
 * callbacks that defer to their table, and by audits. */
int sandbox_policy_evaluate(const sandbox_policy_t *p, int abi, long nr,
                            const uint64_t args[6], pid_t self, int *err);
/* Write a human-readable listing of the policy (one line per syscall that
 * has rules, then the defaults) to `fd`. Returns 0 or -errno. */
int sandbox_policy_explain(const sandbox_policy_t *p, int fd);

/* ---------------------------------------------------------------------
 * The sandbox
 * --------------------------------------------------------------------- */

/* Create a sandbox for argv (argv[0] is the program path; it is not looked
 * up in PATH). argv is copied. The policy is the built-in "default", mode
 * fast, no quotas, empty environment, streams inherited.
 * NULL with errno EINVAL (NULL or empty argv) or ENOMEM. */
sandbox_t *sandbox_new(const char *const argv[]);
/* Destroy a sandbox that is not executing. Stops its manager thread. NULL is
 * accepted. */
void sandbox_destroy(sandbox_t *sb);

/* All setters: -EINVAL for NULL/bad values, -EBUSY while executing,
 * -ENOMEM. Setting anything after sandbox_check() moves the status back to
 * S_STATUS_PRE. */
int sandbox_set_argv(sandbox_t *sb, const char *const argv[]);
/* Environment: NULL or an empty list gives an empty environment (default).
 * Entries must look like NAME=VALUE. */
int sandbox_set_env(sandbox_t *sb, const char *const envp[]);
/* Pass the caller's environment through (true), or use the list of
 * sandbox_set_env() (false, default). */
int sandbox_set_env_inherit(sandbox_t *sb, bool inherit);
/* Working directory of the program (inside the chroot if one is set). */
int sandbox_set_workdir(sandbox_t *sb, const char *dir);
/* chroot() the program into dir (needs CAP_SYS_CHROOT). NULL: none. */
int sandbox_set_chroot(sandbox_t *sb, const char *dir);
/* Run as uid/gid with exactly these supplementary groups (setgroups, then
 * setgid, then setuid). (uid_t)-1 keeps the caller's. Needs privilege. */
int sandbox_set_credentials(sandbox_t *sb, uid_t uid, gid_t gid,
                            const gid_t *groups, size_t ngroups);
/* Standard stream `which` (0, 1, 2) of the program is a dup() of fd.
 * fd -1 means inherit the caller's (default). Not taken over. */
int sandbox_set_stdio_fd(sandbox_t *sb, int which, int fd);
/* Standard stream `which` is the file at path: stdin opened read-only,
 * stdout/stderr created or truncated (mode 0644), or appended when
 * `append`. Opened by the supervisor when the run starts, so a bad path is
 * an error of sandbox_execute(), not a verdict. */
int sandbox_set_stdio_path(sandbox_t *sb, int which, const char *path,
                           bool append);
/* Set quota q (sandbox_quota_t) to value, or SANDBOX_UNLIMITED. */
int sandbox_set_quota(sandbox_t *sb, int q, uint64_t value);
/* Memory quota mode, S_MEMORY_VSIZE (default) or S_MEMORY_RSS. */
int sandbox_set_memory_mode(sandbox_t *sb, int mode);
/* S_MODE_FAST (default) or S_MODE_CLASSIC. */
int sandbox_set_mode(sandbox_t *sb, int mode);
/* Use policy p (a reference is taken; the previous one is dropped). NULL
 * restores the built-in "default". */
int sandbox_set_policy(sandbox_t *sb, sandbox_policy_t *p);
/* Where the program and its tracer run. A ptrace stop costs a few
 * microseconds when both share a CPU and several times more when the
 * scheduler puts them on different ones (docs/PERFORMANCE.md). */
typedef enum {
	/* Default. For the run, the tracer thread and the program are pinned
	 * to one CPU: the one the tracer is on, unless another sandbox of this
	 * process already uses it, then the least used allowed CPU. The
	 * tracer's own affinity is restored after the run. */
	S_AFFINITY_AUTO = 0,
	/* No pinning: the scheduler places both. */
	S_AFFINITY_NONE,
} sandbox_affinity_t;
/* -EINVAL for an unknown mode. */
int sandbox_set_affinity(sandbox_t *sb, int mode);

/* Interval of the manager thread's CPU/memory sampling in microseconds
 * (default 5000; 100..1000000). */
int sandbox_set_sample_interval(sandbox_t *sb, unsigned usec);

/* Validate the configuration: argv[0] exists, is a regular file and
 * executable (checked relative to the chroot when one is set), quotas are
 * consistent, the policy compiles. Status PRE -> RDY.
 * Errors: -ENOENT, -EACCES, -ENOEXEC (not a regular file), -EINVAL,
 * -EBUSY (executing), -EALREADY (finished: reset first). */
int sandbox_check(sandbox_t *sb);
/* Run the program to the end. Calls sandbox_check() first if needed.
 * Returns 0 when a verdict was reached (read it with sandbox_result()).
 * Errors, with no verdict (result stays S_RESULT_PD):
 *   the errors of sandbox_check(); -EALREADY (finished: reset first);
 *   -EBUSY (already executing);
 *   errors of the child's setup or of execve() itself, with the errno of
 *   the step that failed (e.g. -ENOENT, -EACCES, -ENOEXEC, -EPERM for
 *   setuid, -ENOTDIR for the work directory) -- sandbox_failed_step()
 *   names the step;
 *   -EAGAIN/-ENOMEM (fork or thread creation failed). */
int sandbox_execute(sandbox_t *sb);
/* Short name of the setup step that made the last sandbox_execute() fail
 * ("execve", "chdir", "stdin", ...), or NULL. */
const char *sandbox_failed_step(const sandbox_t *sb);
/* Back to S_STATUS_RDY for another run with the same configuration; clears
 * the statistics. -EBUSY while executing. */
int sandbox_reset(sandbox_t *sb);

/* Request the end of a running execution from any thread or from a signal
 * handler (async-signal-safe): the program is killed and the result is
 * S_RESULT_IE with stat.interrupted = signo. Returns 0, or -EINVAL. */
int sandbox_interrupt(sandbox_t *sb, int signo);
/* Block SIGTERM, SIGINT and SIGQUIT in the calling thread so that the
 * manager threads receive them (see SIGNALS above). Returns 0 or -errno. */
int sandbox_block_term_signals(void);

int sandbox_status(const sandbox_t *sb);
int sandbox_result(const sandbox_t *sb);

/* Which limit ended a TL run. */
typedef enum { S_TL_NONE = 0, S_TL_CPU, S_TL_WALL } sandbox_tl_t;

/* Statistics of the last run. Unknown figures are -1 (never invented).
 * Filled by sandbox_get_stat(); the struct may grow at its end in later
 * versions, which is why the caller passes its size. */
typedef struct {
	int result;              /* sandbox_result_t */
	int exit_code;           /* exit status, or -1 if killed by a signal */
	int signal;              /* the killing signal, or 0 */
	int tl_limit;            /* sandbox_tl_t */
	int quota_exceeded;      /* S_QUOTA_* that decided ML/OL/TL, or -1 */
	int interrupted;         /* signal that interrupted the run, or 0 */
	int64_t cpu_time_us;     /* user + sys */
	int64_t user_time_us;
	int64_t sys_time_us;
	int64_t wall_time_us;    /* from exec to exit */
	int64_t memory_peak;     /* the figure the memory quota is judged on */
	int64_t vm_peak;         /* peak virtual size (VmPeak), bytes */
	int64_t rss_peak;        /* peak resident set (VmHWM), bytes */
	int64_t minor_faults;
	int64_t major_faults;
	int64_t output_bytes;    /* bytes passed to write-family syscalls */
	int64_t syscalls;        /* syscalls seen by the tracer: all of them in
	                          * classic mode, the traced ones in fast mode */
	int64_t stops;           /* ptrace stops taken */
	int mode;                /* sandbox_mode_t of the run */
	int memory_mode;         /* sandbox_memory_mode_t of the run */
	bool has_syscall;        /* `syscall` holds the offending call (RF) */
	sandbox_syscall_t syscall;
} sandbox_stat_t;

/* Copy the statistics of the last run into *st (at most `size` bytes; pass
 * sizeof(*st)). -EINVAL for NULL. Valid in S_STATUS_FIN; before that the
 * figures are -1. */
int sandbox_get_stat(const sandbox_t *sb, sandbox_stat_t *st, size_t size);

/* ---------------------------------------------------------------------
 * Policy modules and policy files
 * --------------------------------------------------------------------- */
/* (policy-modules section: sandbox_policy_load() and friends) */

/* ---------------------------------------------------------------------
 * Isolation: namespaces, filesystem, cgroups, environment
 * --------------------------------------------------------------------- */
/* (isolation section) */

/* ---------------------------------------------------------------------
 * Diagnostics: backtraces, ELF facts, profiles
 * --------------------------------------------------------------------- */
/* (diagnostics section) */

/* ---------------------------------------------------------------------
 * Output capture
 * --------------------------------------------------------------------- */
/* The library can own the program's stdout and/or stderr through a pipe:
 * the manager thread copies what arrives to a destination descriptor
 * (splice(2) when the destination allows it, else read/write), hands each
 * chunk to a callback as it arrives (streaming), and counts the bytes
 * against S_QUOTA_DISK -- so OL also works when the output goes to a pipe
 * or a terminal, and a judge can cap standard output alone by capturing
 * only stdout. The bytes of every captured stream are added up; one byte
 * over the quota ends the run with OL (the excess is not copied).
 *
 * The callback runs in the sandbox's manager thread while the program runs,
 * and in the thread of sandbox_execute() for what is left at the end; it
 * must not call back into the sandbox. `which` is 1 or 2. */
typedef void (*sandbox_output_fn)(int which, const void *buf, size_t len,
                                  void *data);

/* Capture stream `which` (1 = stdout, 2 = stderr). dest_fd >= 0: copy
 * there (not taken over, never closed; must stay open until the run ends);
 * -1: no copy. fn: NULL or a callback receiving every chunk. Replaces any
 * sandbox_set_stdio_*() setting of that stream. Errors: -EINVAL (bad
 * stream, dest_fd not open, neither a destination nor a callback), -EBUSY.
 * sandbox_set_capture(sb, which, -1, NULL, NULL) turns capture off. */
int sandbox_set_capture(sandbox_t *sb, int which, int dest_fd,
                        sandbox_output_fn fn, void *data);
/* Bytes captured per stream in the last run (which = 1 or 2), or -1 when
 * the stream was not captured. */
int64_t sandbox_captured_bytes(const sandbox_t *sb, int which);

#ifdef __cplusplus
}
#endif
#endif /* LIBSANDBOX_SANDBOX_H */
