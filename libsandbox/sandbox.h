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
 *   program and of every thread and process it creates (each traced from
 *   its first instruction, whatever the policy). Once the program has
 *   created a task, that thread waits for any child of its own: a child
 *   the same thread forked earlier and that ends during the run is reaped
 *   by the library (fork such children from another thread). The library
 *   starts no thread and touches no signal mask at load time; each sandbox
 *   owns one manager thread, created at its first execution and kept until
 *   sandbox_destroy().
 *
 *   Descriptors: every descriptor the library opens is close-on-exec. A
 *   child it starts has a copy of the whole process's descriptor table
 *   (other threads' files too: another run's pipes, a box's inputs being
 *   filled) and closes all but its own first, before any step that can
 *   wait (a box's mounts, a user namespace's maps): the program never
 *   gets one, and no run waits for another run's child. A child the host
 *   forks holds its copies until its exec: a box run starts all the same
 *   (its inputs' space is never remounted), but a pipe of a run (an
 *   interaction's, a set-up socket) sees its end of file only when that
 *   copy is gone too -- fork and exec promptly (posix_spawn, subprocess).
 *
 * SIGNALS SENT TO THE SUPERVISOR
 *
 *   SIGTERM, SIGINT, SIGQUIT and SIGHUP sent to the supervising process end
 *   every running sandbox with a verdict (the program is killed, the result
 *   is S_RESULT_IE with stat.interrupted set) when the host blocks those
 *   four signals in all of its threads: the manager threads then receive them
 *   (sandbox_block_term_signals() blocks them in the calling thread; call it
 *   in main() before creating threads). A sandbox listens to those of the
 *   four that are blocked in the thread of its first sandbox_execute(),
 *   and leaves the others to the host. Hosts that prefer their own signal
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
/* Version of the policy-module ABI; see struct sandbox_policy_module. */
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
	S_QUOTA_CPU,           /* CPU time user+sys, ms: the program's, plus
	                        * what the supervisor spent on its stops
	                        * (stat.supervisor_cpu_us), judged on the
	                        * exact clocks (cpu_time_us is wait4's
	                        * rusage; stat.cpu_charged_us the sum). RLIMIT_CPU is a backstop: soft the
	                        * quota + 1 s, hard twice that; the kernel
	                        * counts it in clock ticks (ahead of the exact
	                        * time on a loaded host), so its SIGXCPU is
	                        * judged by the supervisor, never delivered */
	S_QUOTA_MEMORY,        /* bytes; see sandbox_memory_mode_t */
	S_QUOTA_DISK,          /* output bytes: any one file, stdout and
	                        * stderr together, in a box its streams and
	                        * files together (see below) */
	S_QUOTA_STACK,         /* bytes of stack (RLIMIT_STACK). Unset, under a
	                        * memory quota: unlimited, bounded by that quota
	                        * (sandbox_set_rlimit() can still set one);
	                        * without one: inherited. Outgrowing it within
	                        * the memory quota is RT SIGSEGV with
	                        * quota_exceeded S_QUOTA_STACK (docs/VERDICTS.md) */
	S_QUOTA_TASKS,         /* tasks (threads and processes, the first one
	                        * included) alive at once. Counted by the
	                        * tracer at each creation event, before the new
	                        * task runs its first instruction (a thread that
	                        * ended, its end not yet taken by the tracer,
	                        * is not alive): one past the
	                        * quota ends the run RF with quota_exceeded
	                        * S_QUOTA_TASKS (stat.syscall: the clone, fork
	                        * or vfork that made it); that task never runs
	                        * an instruction (stopped, then killed), and
	                        * tasks_peak does not count it. Unset
	                        * (SANDBOX_UNLIMITED): SANDBOX_DEFAULT_TASKS
	                        * when the policy lets the program create
	                        * threads or processes, no quota otherwise
	                        * (stat.tasks_quota says which held) */
	S_QUOTA_COUNT
} sandbox_quota_t;
#define SANDBOX_UNLIMITED UINT64_MAX
/* The task quota of a run whose policy lets the program create threads or
 * processes (threads, java, go, node, python3, unrestricted, a policy
 * file or module allowing clone, fork or vfork) when S_QUOTA_TASKS is not
 * set. Far above what real programs use (measured on OpenJDK 17: a hello
 * 19 tasks, a pool of 64 threads under -XX:ActiveProcessorCount=64 88; Go
 * 1.19: GOMAXPROCS + 2 or 3, 246 with GOMAXPROCS=256 and 100000
 * goroutines; Node 18: 7), and low enough that a thread or fork bomb ends
 * RF at once, long before the host's pid space or the supervisor's
 * teardown suffers. Set S_QUOTA_TASKS to allow more. */
#define SANDBOX_DEFAULT_TASKS 1024
/* The program's RLIMIT_NOFILE (soft and hard) when the caller set none
 * with sandbox_set_rlimit(), for every policy; never above the caller's
 * own hard limit. Descriptors are what the kernel memory no quota sees
 * scales with (docs/VERDICTS.md, "Kernel memory"): pipe buffers, at most
 * 256 pipes (a pipe whose write end was closed keeps its data) x 64 KiB
 * (the built-ins refuse F_SETPIPE_SZ beyond) = 16 MiB; epoll watches, at
 * most about 128 instances x 128 descriptors = 16384 epitems, ~3 MiB;
 * socket buffers under "network". Far above what the runtimes use
 * (docs/POLICIES.md measures their peaks: 4 to 17 descriptors). Set
 * RLIMIT_NOFILE with sandbox_set_rlimit() for more or fewer. */
#define SANDBOX_DEFAULT_NOFILE 256
/* What S_QUOTA_DISK bounds -- one budget of output bytes: every file the
 * program writes, each one by the kernel (RLIMIT_FSIZE: SIGXFSZ, EFBIG);
 * its stdout and stderr together -- the bytes of captured streams are
 * counted as they pass, and what it adds to streams that are regular
 * files is measured before every call that can shrink a file (truncate,
 * ftruncate, fallocate: they stop in fast mode too, no other call does)
 * and at the end, the most they held together is counted (writing 900
 * KiB to each and truncating both is no way under 1 MiB); and, in a box
 * (sandbox_set_box), its streams and all the files it keeps there
 * together: the most its writable space held (box_peak_bytes) plus its
 * streams is judged against the quota, once. The space is what its
 * filesystem has in use, by 4 KiB block: a file of 1 byte takes 4096,
 * so files and streams that hold exactly the quota in bytes can be OL
 * (leave a block per file of headroom). Beyond: OL. Outside a box,
 * files it writes in a directory of the caller's are bounded one by one
 * only, and a stream file in a directory the program may write can be
 * reopened by path with O_TRUNC there without a stop in fast mode (give
 * stream files outside its write trees, or use a box). A thread that
 * writes while another's truncation is stopped can add bytes the sample
 * before that truncation does not see; RLIMIT_FSIZE still bounds each
 * file.
 *
 * Which streams are captured. Under this quota, the library captures by
 * itself (as sandbox_set_capture() would, copying into the stream) every
 * stdout or stderr it could not bound as a file the program writes:
 *   - a pipe, FIFO, socket or terminal, given (sandbox_set_stdio_fd(),
 *     _path()) or inherited: RLIMIT_FSIZE does not apply to them. A
 *     reader that has left is the program's EPIPE (and SIGPIPE), as it
 *     would be without the quota;
 *   - an inherited stream (no sandbox_set_stdio_*() for it), whatever it
 *     is: the program never holds the caller's own open file description
 *     (its offset, O_APPEND flag, locks and size: a judge's `2>> log`);
 *   - a regular file that already holds bytes when the run starts (a log
 *     every run appends to): RLIMIT_FSIZE is an absolute size, which
 *     would refuse the first byte; captured, the quota counts exactly
 *     what this run adds, and the program cannot touch what was there.
 * stderr that is stdout's open file (SANDBOX_STDIO_STDOUT, or one open
 * file description inherited or given on both: a judge's `> log 2>&1`)
 * shares stdout's capture: one order, counted once ("Output capture").
 * Not captured: an empty regular file given for the stream (the common
 * case: it costs nothing, the program writes it itself) and a device
 * such as /dev/null (nothing of it is kept; the CPU and wall quotas bound
 * the time spent writing). sandbox_captured_bytes() gives the bytes of
 * a stream the quota captured as of one the caller asked to capture.
 * Without this quota,
 * inherited streams are the caller's own descriptors, handed over as
 * they are: a caller that must keep its files from the program gives the
 * streams explicitly (sandbox-run and the Python binding capture an
 * inherited regular file, quota or not). */

/* What the memory quota is judged on. */
typedef enum {
	/* Default. Peak virtual size (VmPeak). Enforced by the kernel through
	 * RLIMIT_AS, so no allocation beyond the quota ever succeeds and the
	 * verdict is deterministic: the same program gets the same verdict on
	 * every run. A program whose allocation fails because of the quota is
	 * ML, whatever it does afterwards (crash, abort, exit). */
	S_MEMORY_VSIZE = 0,
	/* Peak resident set size plus page tables. For runtimes that
	 * reserve large virtual ranges they never touch (Go, JVM, V8). The
	 * manager thread samples RSS plus the page tables of the address
	 * space (VmRSS + VmPTE of /proc/PID/status; with several processes,
	 * each address space once, as for RSS) every sample interval
	 * (default 5 ms), and kills the program when it is above the quota;
	 * the final figure is the largest of the kernel's resident
	 * high-water mark (VmHWM, exact at exit), the samples and RSS plus
	 * page tables at exit. Page tables are memory the host holds for the
	 * program that no RSS shows: reading one byte per 2 MiB of a large
	 * reservation maps only the shared zero page but costs a 4 KiB
	 * page-table page each -- 1 GiB of them for 512 GiB read, with an
	 * RSS of 1.5 MiB; a normal program's are a few hundred KiB. */
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

/* Event types (the classic numbering). A policy callback receives SIGNAL,
 * SYSCALL and SYSRET, which it may decide; an event hook
 * (sandbox_set_event_hook) receives those and also ERROR, EXIT and QUOTA,
 * which nobody decides: they report how the run ended. */
typedef enum {
	S_EVENT_ERROR = 0, /* hooks: the supervisor could not drive the
	                    * program (data: errno); the result is IE */
	S_EVENT_EXIT,      /* hooks: the program is gone (data: its wait
	                    * status, as waitpid(2) gives it) */
	S_EVENT_SIGNAL,    /* a signal is about to be delivered to the program */
	S_EVENT_SYSCALL,   /* syscall entry */
	S_EVENT_SYSRET,    /* syscall exit */
	S_EVENT_QUOTA,     /* hooks: a quota decided the verdict (data:
	                    * S_QUOTA_*), just before the EXIT event */
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
/* Added in 0.5. The kernel's name of the si_code a signal came with
 * (sandbox_stat_t.signal_code, the SIGNAL event's sig_code): "SEGV_MAPERR",
 * "FPE_INTDIV", "SI_USER" (sent by kill), ...; NULL for a code without a
 * name here. */
const char *sandbox_signal_code_name(int sig, int code);
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
 * during the callback (or hook) only, and only for SIGNAL, SYSCALL and
 * SYSRET: the program is stopped then. */
typedef struct {
	int type;             /* sandbox_event_type_t */
	sandbox_t *sandbox;   /* the sandbox the event belongs to */
	pid_t pid;            /* the task (thread id, host view) the event is
	                       * about: the program's pid for its first
	                       * thread, else a thread's or another process's */
	/* For SYSCALL: what the policy's rule table decided before the callback
	 * ran (sandbox_disposition_t), so a callback can defer to its table. */
	int disposition;
	int data;             /* SIGNAL: the signal number */
	sandbox_syscall_t syscall; /* SYSCALL and SYSRET */
	/* Added in 0.5: the process (thread group id, host view) of task
	 * `pid`; 0 in ERROR, EXIT and QUOTA events. */
	pid_t tgid;
	/* Added in 0.5. SIGNAL: the si_code the signal comes with, as the
	 * kernel gave it (SI_USER 0 for kill(2), SI_TKILL -6 for tgkill(2)
	 * and raise(3), SI_KERNEL 0x80, SEGV_MAPERR 1, FPE_INTDIV 1, ...);
	 * 0 in other events. */
	int sig_code;
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
 * -ESRCH, -EINVAL.
 * What is read is a copy of that moment: the stopped task cannot change
 * it, but another thread of the program, another process sharing the
 * memory, or a shared file mapping can, before and while the kernel reads
 * it for the call. Decide nothing on its contents that a changed value
 * would turn into an escape (a path, a buffer's content): file rules
 * (sandbox_policy_add_file_rule) are enforced by the kernel for that
 * reason; a callback may deny on what it read, or log it. */
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
 * A policy is an ordered stack of layers, each set by its own calls and
 * replaced by nothing else, asked in this order at every syscall:
 *   1. the rule table (sandbox_policy_add_rule(), _set_default(), ...):
 *      a disposition for the call;
 *   2. file rules (sandbox_policy_add_file_rule(), "File rules" below):
 *      the trees the program may read, write or execute, enforced by the
 *      kernel (Landlock, or a private mount view); whatever the table
 *      allows, a file outside them cannot be opened, created, removed,
 *      renamed, linked, truncated or executed (EACCES, or ENOENT/EROFS
 *      in a mount view). This layer adds no stop;
 *   3. the callback of the module the policy was loaded from
 *      (sandbox_policy_load_module());
 *   4. the callback set with sandbox_policy_set_callback().
 * The callbacks are asked for the syscalls whose disposition is TRACE
 * (both modes) and for every syscall (classic mode; event.disposition tells
 * what layers 1 and 2 decided), and for signals and TRACE+EXIT syscall
 * exits; the first callback that does not answer CONT decides. For a
 * syscall whose disposition is not TRACE the layers before decide and a
 * callback can only make it stricter (answer KILL, FINI or DENY). A TRACE
 * line that every callback answers CONT runs; one with no callback at all
 * ends the run with BP. Observers (sandbox_set_event_hook) watch beside the
 * layers and decide nothing.
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

/* One argument condition of a rule. `arg` is 0..5. The kernel runs an
 * `int` argument (descriptor, command, flags, signal, pid, clock id) on
 * the low 32 bits of its register and a mode on 16, whatever the rest
 * holds; so a condition on an argument the library knows to be such
 * (sandbox-policy(5), "Conditions") is rewritten when the rule is added
 * to compare only those bits: EQ becomes MASKED_EQ with a = 0xffffffff,
 * MASKED_EQ keeps the bits the kernel reads, and NE, LT, LE, GE, GT
 * compare (arg & width) with (a & width) in the tracer (a stop: the
 * kernel filter compares 64 bits). A constant that does not fit the
 * width is left as it is. Other arguments are compared as the whole
 * 64-bit register; i386 calls on 32 bits. */
typedef struct {
	unsigned arg;
	int op;      /* sandbox_cmp_t */
	uint64_t a;
	uint64_t b;  /* MASKED_EQ only */
} sandbox_cond_t;

/* A special `arg` value for sandbox_cond_t: compare the argument with the
 * program's own pid (`a` is the argument index; used for kill(getpid())). */
#define S_ARG_SELF_PID 0x80u
/* Another: the argument's low 32 bits name one of the program's own
 * process CPU clocks by its pid (~pid << 3 | type, what
 * clock_getcpuclockid(getpid()) gives); op EQ or NE. Like S_ARG_SELF_PID
 * it is evaluated by the tracer (a stop), never in the kernel. */
#define S_ARG_SELF_CPUCLOCK 0x40u

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

/* Set the callback (layer 4; fn NULL removes it) and its user data. The
 * other layers -- the table, file rules, a module's callback -- stay as
 * they are. `cleanup`, if not NULL, is called with `data` when the policy
 * is freed (or the callback replaced). -EINVAL for a NULL policy. */
int sandbox_policy_set_callback(sandbox_policy_t *p, sandbox_policy_fn fn,
                                void *data, void (*cleanup)(void *data));
/* The memory accounting the policy's programs need: S_MEMORY_RSS for
 * runtimes that reserve address space they never touch (the JVM, Go, V8:
 * their virtual size says nothing about their use), S_MEMORY_VSIZE, or -1
 * (no preference: the default). A sandbox judges with it unless
 * sandbox_set_memory_mode() was called. -EINVAL for a NULL policy or
 * another value. */
int sandbox_policy_set_memory_mode(sandbox_policy_t *p, int mode);
/* The policy's preference, or -1; -EINVAL for NULL. */
int sandbox_policy_memory_mode(const sandbox_policy_t *p);
/* A variable the policy's runtime needs in the program's environment,
 * "NAME=VALUE": each run adds it unless the environment the sandbox built
 * (sandbox_set_env(), an inherited or passed-through entry) already names
 * NAME -- the caller's value wins. A second entry for the same NAME
 * replaces the first. The python3 built-in sets MALLOC_ARENA_MAX=1: under
 * its address-space quota, glibc's 64 MiB arena per thread would count
 * against the program (threads that did a little work, then a big list in
 * the main thread: ML with 14 MiB resident), and the interpreter's lock
 * runs one thread at a time anyway. At most SANDBOX_POLICY_ENV_MAX names.
 * -EINVAL for a NULL policy or an entry without a name or '=', -ENOSPC
 * when full, -ENOMEM. */
#define SANDBOX_POLICY_ENV_MAX 8
int sandbox_policy_set_env_default(sandbox_policy_t *p, const char *entry);
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

/* All setters (of this section and the ones below: isolation,
 * diagnostics, capture): -EINVAL for NULL/bad values, -EBUSY while
 * executing, -ENOMEM. Calling one after sandbox_check() moves the status
 * back to S_STATUS_PRE (sandbox_execute() checks again, cheaply). */
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
 * setgid, then setuid). (uid_t)-1 keeps the caller's. Needs privilege.
 * Replaces the run slot's ids (below): the caller answers for them. */
int sandbox_set_credentials(sandbox_t *sb, uid_t uid, gid_t gid,
                            const gid_t *groups, size_t ngroups);

/* A private identity per run. When the supervisor is root (effective uid
 * 0) and neither sandbox_set_credentials() nor the outside ids of
 * sandbox_set_id_map() were given, the program never runs as root: it runs
 * as the ids of a run slot N, uid = first_uid + N and gid = first_gid + N,
 * with no supplementary group (isolate's box model). A slot belongs to one
 * sandbox: claimed host-wide at its first run -- through a lock file per
 * uid in /dev/shm, whatever the process, user or namespace of the other
 * supervisors -- kept for its later runs (which run one after another and
 * may share their files, as in an isolate box) and released by
 * sandbox_destroy() or when another slot is asked for; a supervisor that
 * dies, however, releases it. So two concurrent runs are two users:
 * neither can read the other's /proc entries (fd, cwd, mem, environ,
 * maps), signal it or write its files, and neither can read the
 * supervisor's. Before exec, the child kills whatever still runs as the
 * slot's uid (left by a run whose supervisor died). stat.box_id, stat.uid
 * and stat.gid tell what a run had. When the lock files cannot be used
 * (no writable /dev/shm), sandbox_execute() fails with that errno, failed
 * step "box": uniqueness would not be certain. docs/ISOLATION.md,
 * "Identity". The range must belong to libsandbox alone: no user, no file
 * of the host should have those ids. */
#define SANDBOX_BOX_FIRST_UID 66000u
#define SANDBOX_BOX_FIRST_GID 66000u
#define SANDBOX_BOX_COUNT 1000u
/* Run in slot `id` (0 .. count-1; sandbox_execute() fails with -EBUSY,
 * failed step "box", while another sandbox holds it), or -1 (default):
 * the lowest free slot (-EBUSY when every slot is taken).
 * No effect when the supervisor is not root. -EINVAL for an id outside
 * the range. */
int sandbox_set_box_id(sandbox_t *sb, int id);
/* The range of slots: first_uid .. first_uid + count - 1 (and the same for
 * gids). Default SANDBOX_BOX_FIRST_UID, SANDBOX_BOX_FIRST_GID,
 * SANDBOX_BOX_COUNT: above 65535 (nobody, and the ids useradd and systemd
 * hand out), below the 100000 where /etc/subuid ranges usually start.
 * -EINVAL for 0 (root), a count of 0, a range that wraps, or one that
 * leaves out the slot of sandbox_set_box_id(). Checked when a slot is
 * claimed (sandbox_execute(), failed step "box"):
 *   - -ERANGE when the range is not mapped in the caller's user namespace
 *     (/proc/self/uid_map, gid_map: root of a rootless container that
 *     maps only 0..65535): choose ids it maps;
 *   - -EUSERS when the claimed slot's uid or gid has a name in the user
 *     or group database (getpwuid_r(), getgrgid_r(): files, LDAP, sssd):
 *     that id is somebody's, and the child's kill(-1) as that uid would
 *     kill their processes. Looked up once per id and process; the
 *     answer "no name" is kept 10 s for other processes in the slot's
 *     lock file, while the database files are older (docs/ISOLATION.md). */
int sandbox_set_box_ids(sandbox_t *sb, uid_t first_uid, gid_t first_gid,
                        unsigned count);
/* The program's file mode creation mask (umask(2)). By default
 * SANDBOX_UMASK_DEFAULT (022), whatever the caller's: a judge daemon
 * running with umask 000 would otherwise hand its programs files that
 * every other run slot may write. -1 keeps the caller's; -EINVAL for
 * anything else outside 0..0777. */
#define SANDBOX_UMASK_DEFAULT 022
int sandbox_set_umask(sandbox_t *sb, int mask);
/* Standard stream `which` (0, 1, 2) of the program is a dup() of fd.
 * fd -1 means inherit the caller's (default). Not taken over.
 * For stderr, fd SANDBOX_STDIO_STDOUT makes it the very open file
 * description of the program's stdout, whatever that is (a file, a capture
 * pipe, the inherited descriptor): the two interleave exactly as written
 * and count as one stream (isolate's --stderr-to-stdout). */
int sandbox_set_stdio_fd(sandbox_t *sb, int which, int fd);
#define SANDBOX_STDIO_STDOUT (-2)
/* Standard stream `which` is the file at path: stdin opened read-only,
 * stdout/stderr created or truncated (mode 0644), or appended when
 * `append`. Opened by the supervisor when the run starts, so a bad path is
 * an error of sandbox_execute(), not a verdict (the errors of
 * sandbox_open_file(), which opens them). When stdout and stderr name the
 * same file, by any spelling ("f", "./f", another name of it), the two
 * share one open file description, as SANDBOX_STDIO_STDOUT does: nothing
 * is overwritten. */
int sandbox_set_stdio_path(sandbox_t *sb, int which, const char *path,
                           bool append);

/* How sandbox_open_file() opens a file. */
typedef enum {
	SANDBOX_OPEN_READ = 0, /* read only (an input) */
	SANDBOX_OPEN_WRITE,    /* write: created when missing, else truncated */
	SANDBOX_OPEN_APPEND,   /* write at the end: created when missing */
	SANDBOX_OPEN_DIR,      /* a directory, as an O_PATH descriptor (to
	                        * create files in it with openat and friends) */
} sandbox_open_how_t;
/* Open a file that a supervisor reads or writes around a run (a standard
 * stream, a report, a trace) so that nothing the program could have planted
 * there redirects it:
 *   - the last component is never followed when it is a symbolic link
 *     (-ELOOP); a missing file is created with O_EXCL (mode, less the
 *     umask), which cannot follow one either;
 *   - the directories on the way are resolved without symbolic links
 *     (openat2 RESOLVE_NO_SYMLINKS): any link on the way is -ELOOP, even
 *     one root owns (a program left running as root could have made it;
 *     /var/run -> /run too): give the real path;
 *   - when the caller is root, an existing file -- of any type: a
 *     regular file, a FIFO, a device node, a socket -- must belong to
 *     root (-EPERM) and have no second name (-EMLINK: a hard link) --
 *     sandbox_open_file_as() relaxes that where the program's ids could
 *     not have planted anything;
 *   - whoever the caller is, an existing file of a third user (neither
 *     the caller nor root) is -EPERM when somebody else than its owner
 *     may make names in a directory on its path (a sticky /tmp, a 0777
 *     directory: what fs.protected_regular and protected_fifos=2 refuse
 *     to O_CREAT opens, for every open here); a device node must be
 *     root's (or the caller's) in directories only root or the caller
 *     may write: /dev/null is taken, a node in a shared directory is not;
 *   - a FIFO is opened without blocking (O_NONBLOCK for the open and the
 *     checks): one without a reader is -ENXIO for writing; a directory
 *     is -EISDIR (-ENOTDIR for SANDBOX_OPEN_DIR).
 * Also the errors of open(2) (-ENOENT, -EACCES, ...) and -EINVAL for a NULL
 * or empty path or a bad `how`. Returns the descriptor (close-on-exec, in
 * blocking mode, owned by the caller). */
int sandbox_open_file(const char *path, int how, mode_t mode);
/* sandbox_open_file() for a root caller whose programs run as uids
 * first_uid .. first_uid + count - 1 and gids first_gid .. likewise (its
 * run slots: SANDBOX_BOX_FIRST_UID, SANDBOX_BOX_FIRST_GID,
 * SANDBOX_BOX_COUNT unless sandbox_set_box_ids() says otherwise; or
 * count 1 for the ids of sandbox_set_credentials()). An existing file
 * (of any type) is refused only where those ids could have planted it:
 *   - a file of one of those uids: -EPERM;
 *   - when a directory on its path (the one holding it and every one
 *     above, up to /) is writable by them -- owned by one of them, group
 *     writable with one of their gids, writable by others, or carrying an
 *     ACL whose mask (the group's w bit) lets somebody write; above the
 *     one holding it, a sticky directory such as /tmp only
 *     when it is theirs (nobody else may rename its entries) -- the rules
 *     of sandbox_open_file(): root's own with one name.
 * So a judge's files (another user's, with links or not) in the judge's
 * own directories are accepted; a file in /tmp or in the program's work
 * directory is not unless it is root's. count 0 is sandbox_open_file().
 * The sandbox's own opens (sandbox_set_stdio_path(), the box's copies)
 * use its program's ids this way. Not root: as sandbox_open_file(). */
int sandbox_open_file_as(const char *path, int how, mode_t mode,
                         uid_t first_uid, gid_t first_gid, unsigned count);
/* Set quota q (sandbox_quota_t) to value, or SANDBOX_UNLIMITED. -EINVAL
 * for 0, a time quota over INT64_MAX ns, a task quota over INT32_MAX, a
 * memory or disk quota over INT64_MAX bytes (8 EiB: say no quota with
 * SANDBOX_UNLIMITED). */
int sandbox_set_quota(sandbox_t *sb, int q, uint64_t value);
/* Memory quota mode, S_MEMORY_VSIZE or S_MEMORY_RSS. Unset, the policy's
 * preference (sandbox_policy_set_memory_mode()) applies, else VSIZE. */
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
	 * to one CPU that no other run on the host has: the one the tracer
	 * is on if it is free, else the first free one the run may use. CPUs
	 * are claimed host-wide -- across processes, users and namespaces --
	 * through lock files in /dev/shm (a killed supervisor's claim goes
	 * with it). When every CPU the run may use is claimed, or claims
	 * cannot be made, the run is not pinned. The tracer's own affinity
	 * is restored after the run. */
	S_AFFINITY_AUTO = 0,
	/* No pinning: the scheduler places both (within sandbox_set_cpus()). */
	S_AFFINITY_NONE,
} sandbox_affinity_t;
/* -EINVAL for an unknown mode. */
int sandbox_set_affinity(sandbox_t *sb, int mode);
/* The CPUs a run may use: `list` in the kernel's cpulist format ("0-3,6"),
 * intersected at run time with the calling thread's affinity (and so with
 * its cpuset). The tracer and the program stay inside them; with
 * S_AFFINITY_AUTO the run is pinned to one of them. NULL: no restriction
 * (default). -EINVAL for a malformed list or a CPU >= CPU_SETSIZE (1024);
 * a list with none of the caller's CPUs makes sandbox_execute() fail with
 * -EINVAL, step "cpus". */
int sandbox_set_cpus(sandbox_t *sb, const char *list);

/* Interval of the manager thread's CPU/memory sampling in microseconds
 * (default 5000; 100..1000000). */
int sandbox_set_sample_interval(sandbox_t *sb, unsigned usec);

/* An observer: sees every event of the runs of this sandbox and what was
 * decided about it, and decides nothing (tracing, profiling, logging,
 * bindings). `decision` is what the policy's layers (or the supervisor)
 * decided: for SYSCALL, CONT (the call runs), DENY (it fails with errno
 * `data`), KILL (RF) or FINI (the run ends with result `data`: BP for a
 * policy that misbehaved); for SYSRET and SIGNAL, CONT, KILL or FINI, and
 * DENY for a stop signal the supervisor discards (SIGSTOP, and SIGTSTP,
 * SIGTTIN, SIGTTOU that would stop the program: not caught or ignored); CONT for EXIT and QUOTA;
 * FINI(IE) for ERROR. The hook runs in the thread of sandbox_execute(),
 * after the policy's callbacks and before the decision is applied, so
 * sandbox_read_memory() works for SIGNAL, SYSCALL and SYSRET. It sees
 * only the stops the run takes: in fast mode the syscalls the kernel
 * filter lets run without a stop are not seen (use classic mode to see
 * them all). fn NULL removes the hook. It must not call back into the
 * sandbox except the calls above. -EINVAL, -EBUSY. */
typedef void (*sandbox_event_hook_fn)(const sandbox_event_t *ev,
                                      const sandbox_action_t *decision,
                                      void *data);
int sandbox_set_event_hook(sandbox_t *sb, sandbox_event_hook_fn fn,
                           void *data);

/* Validate the configuration: argv[0] exists, is a regular file and
 * executable (checked relative to the chroot when one is set), quotas are
 * consistent, the policy compiles. Status PRE -> RDY.
 * Errors: -ENOENT, -EACCES, -EISDIR (a directory), -ENOEXEC (not a
 * regular file, or not a program this host can run), -EINVAL,
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
 *   names the step; -ETIMEDOUT when the set-up did not reach exec
 *   within the wall-clock quota plus 10 s, -EINTR when a signal no step
 *   reported ended it (step "execve" for both);
 *   -EAGAIN/-ENOMEM (fork or thread creation failed).
 * A program whose image (or arguments) does not fit in a VSIZE memory
 * quota is a verdict, not an error: execve fails inside the kernel and the
 * result is ML (stat.memory_refused_by S_MEMREQ_EXEC). An interruption
 * (sandbox_interrupt(), SIGTERM) holds from fork to the end of the run:
 * before exec it ends it with S_RESULT_IE too, the program never run.
 * docs/VERDICTS.md says which limit gives which verdict. */
int sandbox_execute(sandbox_t *sb);
/* Short name of the setup step that made the last sandbox_execute() fail
 * ("execve", "chdir", "stdin", ...), or NULL. */
const char *sandbox_failed_step(const sandbox_t *sb);
/* What that step met, in one line naming the file or the resource (static
 * storage of the sandbox, valid until the next run), or NULL when the
 * step says it all. Set by step "box" when no run slot could be claimed
 * because of a file that is no lock file or a claims directory that is
 * not root's alone. */
const char *sandbox_failed_message(const sandbox_t *sb);
/* Back to S_STATUS_RDY for another run with the same configuration; clears
 * the statistics. -EBUSY while executing. */
int sandbox_reset(sandbox_t *sb);

/* Request the end of a running execution from any thread or from a signal
 * handler (async-signal-safe): the program is killed and the result is
 * S_RESULT_IE with stat.interrupted = signo. A program that had already
 * ended on its own when the kill reached it (its exit, or a signal of its
 * own, came first: the kernel's order, whatever the supervisor had seen
 * of it) is judged by that end as if no interruption had come
 * (stat.interrupted 0) -- unless its captured output was still being
 * delivered: that stops, and the result is IE (the output is cut). Before
 * exec: IE, the program never run. Returns 0, or -EINVAL. */
int sandbox_interrupt(sandbox_t *sb, int signo);
/* Block SIGTERM, SIGINT, SIGQUIT and SIGHUP in the calling thread so that the
 * manager threads receive them (see SIGNALS above). Returns 0 or -errno. */
int sandbox_block_term_signals(void);

/* The status of the sandbox (sandbox_status_t): PRE after sandbox_new()
 * and after any setter on a checked sandbox, RDY after sandbox_check()
 * or sandbox_reset(), EXE while sandbox_execute() runs, BLK while the
 * program is stopped for a policy callback (sandbox_status() called from
 * one), FIN once a verdict was reached. -EINVAL for NULL. */
int sandbox_status(const sandbox_t *sb);
/* The verdict of the last run (sandbox_result_t): S_RESULT_PD until a run
 * reached one (never run, reset, or sandbox_execute() failed), then the
 * same as stat.result. -EINVAL for NULL. */
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
	int quota_exceeded;      /* S_QUOTA_* that decided ML/OL/TL (and RT:
	                          * S_QUOTA_STACK, the stack outgrew its
	                          * limit; RF: S_QUOTA_TASKS, one task too
	                          * many), or -1 */
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
	int64_t output_bytes;    /* bytes written by the first process: its
	                          * /proc wchar after its last thread -- every
	                          * successful write, pwrite, writev, sendfile
	                          * of its threads and of the children it
	                          * waited for, to anything (/dev/null, pipes,
	                          * the same bytes rewritten); splice not, nor
	                          * the set-up before exec. NOT the figure
	                          * S_QUOTA_DISK judges: it can exceed the
	                          * quota on an OK run (docs/VERDICTS.md,
	                          * "Output") */
	int64_t syscalls;        /* syscalls seen by the tracer: all of them in
	                          * classic mode, the traced ones in fast mode */
	int64_t stops;           /* ptrace stops taken */
	int mode;                /* sandbox_mode_t of the run */
	int memory_mode;         /* sandbox_memory_mode_t of the run */
	bool has_syscall;        /* `syscall` holds the offending call (RF),
	                          * or the allocation the memory quota refused
	                          * (ML, memory_refused_by S_MEMREQ_SYSCALL) */
	sandbox_syscall_t syscall;
	int cpu;                 /* the one CPU the run was confined to (pinned
	                          * by S_AFFINITY_AUTO, or the only one it
	                          * could use), or -1 */
	int64_t csw_voluntary;   /* context switches the program asked for
	                          * (it blocked: rusage ru_nvcsw) */
	int64_t csw_forced;      /* context switches the scheduler forced
	                          * (preempted: ru_nivcsw) */
	/* Added in 0.5. ML from one request the memory quota refused: its size
	 * in bytes, and what made it; memory_peak then counts it (so it is
	 * above the quota). -1 and S_MEMREQ_NONE otherwise. */
	int64_t memory_refused_bytes;
	int memory_refused_by;   /* sandbox_memreq_t */
	/* Added in 0.5. The task (thread id, host view) that made `syscall`
	 * (RF, BP, ML at a syscall; the creator at S_QUOTA_TASKS), or 0. */
	pid_t syscall_tid;
	int tasks_peak;          /* the most tasks (threads of every process)
	                          * alive at once: exact up to 64 (a task
	                          * that has begun to exit is not alive).
	                          * Above 64, never below the true peak and
	                          * above it by at most the tasks that had
	                          * begun to exit, their end not yet taken by
	                          * the supervisor, when a task was created
	                          * (a joined thread whose joiner made the
	                          * next one first): checking them costs a
	                          * /proc read per task at each new peak (600
	                          * processes: 0.26 s -> 2.3-4.2 s). Never
	                          * above the task quota: at its RF the peak
	                          * is the quota (the task one past it never
	                          * ran: not counted; tasks_created counts
	                          * it, the program made it) */
	int tasks_created;       /* tasks the program created (threads and
	                          * processes; the first task not counted) */
	int processes;           /* processes the run had, the first included */
	/* Added in 0.5. The si_code `signal` came with when the tracer saw it
	 * on its way to the program (the SIGNAL event's sig_code); known
	 * (has_signal_code) for a signal that was delivered, not for SIGKILL
	 * or a signal the supervisor sent. */
	bool has_signal_code;
	int signal_code;
	/* Added in 0.5: file rules. */
	int file_rules;          /* sandbox_files_t: how the policy's file
	                          * rules were enforced ("File rules") */
	int landlock_abi;        /* the Landlock ABI version of the run's
	                          * domain, 0 without one */
	unsigned landlock_features; /* S_LL_* the domain used */
	int box_id;              /* the run slot (sandbox_set_box_id), or -1
	                          * when the program ran with other ids */
	int64_t uid, gid;        /* the host ids the program ran as */
	int64_t supervisor_cpu_us; /* CPU time the tracer spent on the
	                          * program's stops (its traced and refused
	                          * syscalls, its signals), from exec to exit;
	                          * charged to the CPU quota with cpu_time_us.
	                          * Observers (sandbox_set_event_hook) and
	                          * backtraces are not counted. */
	int64_t tasks_quota;     /* the task quota the run was held to:
	                          * S_QUOTA_TASKS, else SANDBOX_DEFAULT_TASKS
	                          * for a policy that lets the program create
	                          * tasks; -1 none */
	/* Added in 0.6. The CPU time charged to S_QUOTA_CPU: cpu_time_us +
	 * supervisor_cpu_us (its -1 counting as 0), -1 when cpu_time_us is.
	 * The figure a CPU TL is judged on: at a TL with limit S_TL_CPU it is
	 * at or above the quota, cpu_time_us alone can be below it (the
	 * program's part: a program that keeps its tracer busy, a Go or Java
	 * runtime's signals and threads). */
	int64_t cpu_charged_us;
} sandbox_stat_t;

/* What asked for the memory a VSIZE quota refused (docs/VERDICTS.md). */
typedef enum {
	S_MEMREQ_NONE = 0, /* no single request: the RSS sampler, a cgroup OOM
	                    * kill, or the final figure decided */
	S_MEMREQ_SYSCALL,  /* brk, mmap, mmap2 or mremap (stat.syscall) */
	S_MEMREQ_STACK,    /* the stack growing down (a page fault) */
	S_MEMREQ_EXEC,     /* execve loading the program's image: the kernel
	                    * could not build it and killed it with SIGSEGV */
} sandbox_memreq_t;

/* Copy the statistics of the last run into *st (at most `size` bytes; pass
 * sizeof(*st)). -EINVAL for NULL. Valid in S_STATUS_FIN; before that the
 * figures are -1. */
int sandbox_get_stat(const sandbox_t *sb, sandbox_stat_t *st, size_t size);

/* ---------------------------------------------------------------------
 * Policy modules and policy files
 * --------------------------------------------------------------------- */
/* (policy-modules section: sandbox_policy_load() and friends) */
/*
 * Three ways to get a policy besides building it rule by rule:
 *   - a built-in profile by name (sandbox_policy_builtin(), above);
 *   - a loadable module: a shared object written in C that exports one
 *     `const struct sandbox_policy_module sandbox_policy_module` (below);
 *   - a policy file: a small text format, one rule per line, described in
 *     sandbox-policy(5) and docs/POLICIES.md:
 *         # comment
 *         include default            (rules of a built-in profile)
 *         default kill               (x86_64 syscalls without a rule)
 *         getpid allow
 *         openat deny EACCES         (or an errno number: deny 13)
 *         kill allow arg0 == self    (arguments: argN OP VALUE, "self"
 *         write allow arg0 <= 2      is the program's pid; OP is one of
 *         ioctl trace arg1 & 0x3 == 0    == != < <= > >= "& MASK ==")
 *         execve kill
 *         read-dir /usr/share/dict   (file rules, below: a tree
 *         write-dir .                 or one file; "optional" after the
 *         exec-file /usr/bin/tool     path: skip it when missing)
 *         read-args                  (SANDBOX_FILE_ARGS)
 *         files confined             (file rules with none yet; or
 *                                     "files unconfined": no layer)
 *     Rules are x86_64 rules; later rules win as described under
 *     "Which rule wins" above (an unconditional line replaces everything
 *     earlier for that syscall, including what an include gave it).
 *
 * Every function here that takes `err` writes a one-line, human-readable
 * message there on failure (at most errlen bytes including the NUL; err
 * may be NULL). Parse errors read "FILE:LINE:COLUMN: message".
 */

/* The symbol a policy module exports, and the record it points to. */
#define SANDBOX_POLICY_MODULE_SYMBOL "sandbox_policy_module"

struct sandbox_policy_module {
	/* SANDBOX_POLICY_ABI of the sandbox.h the module was built with: a
	 * module built for another ABI is refused, never called. Keep it the
	 * first member in every ABI version. */
	unsigned abi;
	const char *name;        /* short name, for messages and explain */
	const char *description; /* one line, may be NULL */
	/* Required. Fill `p` (an empty policy: every ABI's default is KILL)
	 * with rules and defaults, and set *data to the module's state (user
	 * data, passed to callback and cleanup; may stay NULL). `arg` is the
	 * module argument (NULL when none was given). Return 0, or a negative
	 * errno to refuse (the load fails, cleanup is not called). init must
	 * not call sandbox_policy_set_callback(): use .callback/.cleanup. */
	int (*init)(sandbox_policy_t *p, const char *arg, void **data);
	/* Optional: the policy callback (see sandbox_policy_fn), with the
	 * state init stored. */
	sandbox_policy_fn callback;
	/* Optional: free the state. Called once, when the policy is freed
	 * (its last reference is dropped), before the module is unloaded. */
	void (*cleanup)(void *data);
};

/* Load a policy module: dlopen() `path`, check its ABI, run its init with
 * `arg`. The module stays loaded as long as the policy lives. NULL with
 * errno and a message on failure: ENOENT/EACCES (file), EINVAL (not a
 * regular file: a FIFO is refused, never waited on), ENOEXEC (not a
 * shared object, no "sandbox_policy_module" symbol, no init), EPROTO
 * (built for another SANDBOX_POLICY_ABI), or the errno init returned. A
 * module is code run in the supervisor: load only trusted files. */
sandbox_policy_t *sandbox_policy_load_module(const char *path, const char *arg,
                                             char *err, size_t errlen);

/* Parse the policy file `path` into a new policy (starting empty: every
 * ABI's default is KILL, until an "include" or "default" line). NULL with
 * errno (EINVAL for a syntax error or a path that is not a regular
 * file -- a FIFO is refused, never waited on --, EFBIG beyond 1 MiB,
 * ENOENT for an unknown syscall or built-in name, the open()/read() errno
 * for the file) and a message. */
sandbox_policy_t *sandbox_policy_load_file(const char *path, char *err,
                                           size_t errlen);
/* Same from memory: `len` bytes of policy-file text (need not be
 * NUL-terminated); `name` is used as the file name in messages. */
sandbox_policy_t *sandbox_policy_parse(const char *text, size_t len,
                                       const char *name, char *err,
                                       size_t errlen);
/* Add the rules of policy-file text to an existing policy (composition:
 * start from a built-in, then tighten). On error p may hold the lines
 * before the bad one. 0 or negative errno, as sandbox_policy_parse(). */
int sandbox_policy_add_text(sandbox_policy_t *p, const char *text, size_t len,
                            const char *name, char *err, size_t errlen);

/* A policy named by one string (what sandbox-run's --policy=SPEC and a
 * binding's policy="..." take):
 *   - a built-in name (no '/' and no '.'): sandbox_policy_builtin();
 *   - a path ending in ".so", or "PATH.so:ARG": sandbox_policy_load_module()
 *     with ARG (or NULL);
 *   - any other path: sandbox_policy_load_file().
 * NULL with errno and a message in err. */
sandbox_policy_t *sandbox_policy_load(const char *spec, char *err,
                                      size_t errlen);

/* ---------------------------------------------------------------------
 * File rules (layer 2 of a policy)
 *
 * Which files the program may use, as trees: read (open files for
 * reading, list directories), write (also write, truncate, create and
 * remove regular files and directories, rename and hard-link them within
 * write trees), execute. Anything outside them cannot be opened, created,
 * removed, renamed, linked, truncated or executed, and nothing anywhere
 * may be made a symbolic link, FIFO, socket or device node. The program's
 * own file and its interpreter (the ELF PT_INTERP, or a script's #! line
 * and that interpreter's) are always readable and executable -- an
 * interpreter only when it lies in a system directory (/usr/bin, /bin,
 * /usr/sbin, /sbin, /usr/lib, /lib, /usr/lib64, /lib64, /usr/libexec; no
 * "." or ".." in the text): what a file's content names elsewhere (a
 * judge's own programs) needs an exec-file rule of the policy.
 *
 * The kernel enforces them, never a check of a path the program passes:
 *   - Landlock (Linux 5.13+; this is what sandbox_probe() reports): the
 *     ruleset is built in the supervisor by sandbox_check() and the child
 *     enters it just before exec; it holds for the program's threads and
 *     children too, whatever symbolic links, "..", /proc/self/fd or
 *     descriptors it uses. Newer Landlock versions add: rename and link
 *     across directories (2; before it they always fail), truncation (3;
 *     before it truncate(2) and read-only O_TRUNC opens are refused by
 *     the seccomp filter), TCP bind/connect refused where the policy
 *     allows no socket (4), no ioctl on device files the program opens
 *     (5), no signal to and no abstract unix socket of anything outside
 *     the sandbox (6).
 *   - Without Landlock: a private mount view (a mount namespace whose
 *     root holds only the rule paths, bind-mounted at the same places,
 *     read-only unless written to; a user namespace for an unprivileged
 *     caller), when the host has namespaces and the sandbox has no box
 *     root or chroot of its own.
 *   - Else sandbox_check() fails with -ENOTSUP and
 *     sandbox_isolation_message() names the missing kernel feature,
 *     unless sandbox_set_best_effort() was called: then the run goes
 *     ahead with file rules not enforced, and stat.file_rules says so.
 * stat.file_rules, stat.landlock_abi and stat.landlock_features say what
 * a run had. A policy without file rules (a new one, "unrestricted")
 * leaves files to the program's credentials.
 *
 * A rule's path is absolute as the program sees the file system (inside
 * its chroot or box root), relative to its working directory ("." is the
 * working directory itself), or SANDBOX_FILE_ARGS: every regular file
 * named by one of the program's arguments (an interpreter's script; the
 * argument itself must name the file, not a symbolic link to it). The
 * path is looked up when the sandbox is checked (symbolic links are
 * followed then); a path that does not exist is an error of
 * sandbox_check() (-ENOENT, message naming it) unless the rule is
 * S_FILE_OPTIONAL. */
/* Landlock features (sandbox_probe_t, stat.landlock_features). */
#define S_LL_FS           0x01u /* file rules (ABI 1) */
#define S_LL_REFER        0x02u /* rename/link across directories (2) */
#define S_LL_TRUNCATE     0x04u /* truncation (3) */
#define S_LL_NET_TCP      0x08u /* TCP bind/connect (4) */
#define S_LL_IOCTL_DEV    0x10u /* ioctl on device files (5) */
#define S_LL_SCOPE_SIGNAL 0x20u /* signals scoped to the sandbox (6) */
#define S_LL_SCOPE_ABSTRACT_UNIX 0x40u /* abstract unix sockets scoped (6) */
/* How a run's file rules were enforced (stat.file_rules). */
typedef enum {
	S_FILES_NONE = 0,     /* the policy has no file rules */
	S_FILES_LANDLOCK,     /* by Landlock */
	S_FILES_MOUNT_VIEW,   /* by a private mount view */
	S_FILES_NOT_ENFORCED, /* not at all: best effort on a host without
	                       * Landlock or namespaces */
} sandbox_files_t;
#define S_FILE_READ     0x1u
#define S_FILE_WRITE    0x2u   /* implies S_FILE_READ */
#define S_FILE_EXEC     0x4u   /* implies S_FILE_READ */
#define S_FILE_OPTIONAL 0x100u /* a missing path is skipped */
#define SANDBOX_FILE_ARGS "@args"
/* Add a file rule (and the layer, if p had none). -EINVAL with a message
 * for an empty path, one with a ".." component, or bad access bits;
 * -ENOMEM. */
int sandbox_policy_add_file_rule(sandbox_policy_t *p, const char *path,
                                 unsigned access, char *err, size_t errlen);
/* true: confine the program's files to the rules, even with none yet
 * (then it may use nothing but its own file); false: remove the layer and
 * every rule. -EINVAL for NULL, -ENOMEM. */
int sandbox_policy_confine_files(sandbox_policy_t *p, bool confined);
/* The classic name: sandbox_policy_add_file_rule(p, dir, S_FILE_READ or,
 * when writable, S_FILE_WRITE, ...). */
int sandbox_policy_add_path(sandbox_policy_t *p, const char *dir,
                            bool writable, char *err, size_t errlen);

/* ---------------------------------------------------------------------
 * Isolation: namespaces, filesystem, cgroups, environment
 * --------------------------------------------------------------------- */
/*
 * Everything here is opt-in per sandbox; a sandbox that never calls these
 * functions runs exactly as before (no namespace, no cgroup, no cost). The
 * tracer always stays outside; the program (the child) goes inside.
 * (sandbox-run(1) maps its isolation options onto these calls.)
 *
 * Validation happens in sandbox_check(): asking for something the host (or
 * the caller's privileges) lacks is -ENOTSUP (the kernel or the mounts
 * lack it) or -EPERM (not allowed to this caller), and
 * sandbox_isolation_message() says what and how to fix it -- unless best
 * effort was asked, then the run goes ahead without it and
 * sandbox_get_isolation_stat() / sandbox_isolation_in_effect() tell what
 * was in effect. docs/ISOLATION.md has the details.
 */

/* Namespaces (sandbox_set_namespaces). */
#define S_NS_PID   0x01u /* the program is pid 1 of its own PID namespace;
                          * implies S_NS_MOUNT (a fresh /proc is mounted) */
#define S_NS_IPC   0x02u /* own System V IPC and POSIX queues */
#define S_NS_UTS   0x04u /* own hostname ("sandbox" or sandbox_set_hostname) */
#define S_NS_NET   0x08u /* own network: only a loopback interface, up */
#define S_NS_MOUNT 0x10u /* own mount table (needed by the box root) */
#define S_NS_USER  0x20u /* user namespace with a one-id uid/gid map: what
                          * lets an unprivileged caller use the others */
#define S_NS_ALL   0x3fu
/* Other isolation features (probe and in-effect masks, with S_NS_*). */
#define S_ISO_FS        0x0100u /* box root: rootfs or dirs, /proc, /dev, /tmp */
#define S_ISO_PIVOT     0x0200u /* pivot_root into the box (else chroot) */
#define S_ISO_CG_MEMORY 0x1000u /* cgroup memory limit / exact peak / OOM */
#define S_ISO_CG_PIDS   0x2000u /* cgroup pids limit */
#define S_ISO_CG_CPU    0x4000u /* cgroup CPU bandwidth limit */
#define S_ISO_CAPS      0x8000u /* every capability dropped (bounding set,
                                 * ambient, effective/permitted) */
#define S_ISO_ENV_STRIP 0x10000u /* secrets stripped from an inherited env */
#define S_ISO_LANDLOCK  0x20000u /* Landlock (file rules; probe only) */
#define S_ISO_BOX       0x40000u /* the box: system trees, a private work
                                  * directory, copies in and out */

/* Namespaces to enter, a mask of S_NS_* (0: none, the default). Does not
 * check the host: sandbox_check() does. -EINVAL for unknown bits. */
int sandbox_set_namespaces(sandbox_t *sb, unsigned ns);
/* Hostname inside S_NS_UTS (copied; 1..64 bytes). NULL: "sandbox". */
int sandbox_set_hostname(sandbox_t *sb, const char *name);
/* The one uid and gid the program has inside S_NS_USER, and the host ids
 * they map to. (uid_t)-1 / (gid_t)-1 select the defaults: outside, the
 * caller's own ids when unprivileged, the run slot's (sandbox_set_box_id)
 * when the caller is root; inside, the same number as outside. An
 * unprivileged caller may only map its own ids (-EPERM at check). */
int sandbox_set_id_map(sandbox_t *sb, uid_t inside_uid, gid_t inside_gid,
                       uid_t outside_uid, gid_t outside_gid);

/* Box root. Either a root directory (bind-mounted read-only unless
 * `writable`; mount points for /proc, /dev, /tmp and the dirs must exist
 * in it when it is read-only), or, without one, an empty read-only tmpfs
 * holding only the dirs below. Either way the box gets a fresh /proc, a
 * minimal /dev (null, zero, random, urandom, fd, stdin/out/err), a private
 * tmpfs /tmp, and is entered with pivot_root (chroot when pivot_root is
 * impossible, e.g. from an initramfs); the host root is then unmounted:
 * nothing of the host outside the listed paths is reachable. Needs
 * S_NS_MOUNT (set implicitly). The working directory
 * (sandbox_set_workdir) and argv[0] are paths inside the box.
 * Incompatible with sandbox_set_chroot() (-EINVAL at check).
 * dir NULL: no rootfs. Strings are copied. */
int sandbox_set_rootfs(sandbox_t *sb, const char *dir, bool writable);
typedef enum {
	S_DIR_RO = 0, /* bind OUTSIDE read-only at INSIDE (default) */
	S_DIR_RW,     /* bind OUTSIDE writable at INSIDE (a work directory) */
	S_DIR_TMP,    /* a fresh private tmpfs at INSIDE; OUTSIDE unused */
} sandbox_dir_mode_t;
/* Add a directory (or a single file) to the box: isolate's
 * --dir=INSIDE=OUTSIDE. INSIDE must be absolute and without "..";
 * OUTSIDE must exist (checked at sandbox_check, -ENOENT). Later entries
 * are mounted after earlier ones, so /a/b may sit on top of /a.
 * -EINVAL for a bad path or mode. Strings are copied. INSIDE at or below
 * /tmp (the box root's writable space) or, in a box, /box is refused by
 * sandbox_check() (-EINVAL, sandbox_isolation_message): a program of the
 * host's /tmp is bound elsewhere ("/data") and named by its path there,
 * or copied into a box (sandbox_box_copy_in). An argv[0] of the host's
 * that the box root does not hold is -ENOENT at check, with a message
 * saying how to put it there. */
int sandbox_add_dir(sandbox_t *sb, const char *inside, const char *outside,
                    int mode);
/* Forget every directory added. */
int sandbox_clear_dirs(sandbox_t *sb);
/* The box root's writable space: /tmp, the S_DIR_TMP dirs and the box's
 * work directory are directories of one tmpfs, so files held in RAM
 * cannot escape a quota: its files are output and RAM, so its size is
 * the smaller of the disk quota (more is OL) and the memory quota (more
 * is ML) -- the disk quota when they are equal --, the one there is when
 * only one is set, else this size (default 64 MiB), and never more than
 * this size when it is set. The box's input copies are not in it. What
 * it held at its peak is judged, not only at the end (box_peak_bytes). */
int sandbox_set_tmpfs_size(sandbox_t *sb, uint64_t bytes);

/* The box: isolate's workflow -- create a private work directory, run,
 * collect, clean up -- in one call, run after run. With `on`:
 *   - the program gets a root of its own (pivot_root into a read-only
 *     tmpfs) holding only the system trees a program needs, read-only and
 *     at their own paths (/usr, /bin, /sbin, /lib, /lib32, /lib64,
 *     /libx32 as the host has them -- directories or their symbolic
 *     links -- and /etc/ld.so.cache, /etc/alternatives), a fresh /proc of
 *     its own PID namespace (it sees only itself), a minimal /dev, /tmp,
 *     the sandbox_add_dir() entries, and
 *   - /box, its working directory (unless sandbox_set_workdir() names
 *     another directory inside the box): empty at every run, owned by the
 *     program's uid (its run slot's when the supervisor is root), mode
 *     0700, in the writable space of sandbox_set_tmpfs_size() (bounded by
 *     the quotas);
 *   - before the program starts, the files of sandbox_box_copy_in() are
 *     copied into /box; after it ended, those of sandbox_box_copy_out()
 *     are copied out (a name the program left as anything but a regular
 *     file, or not at all, gives an empty file and counts in
 *     box_missing; a file larger than box_limit is not copied either and
 *     counts in box_refused); then everything of the box is gone -- also when the
 *     supervisor is killed: nothing of it is ever mounted on the host.
 * Namespaces: mount, PID, IPC and UTS, a network one (a loopback only)
 * when the policy lets the program make sockets, and a user namespace
 * when the caller is not root (sandbox_check() fails with -EPERM where the host
 * refuses them, see sandbox_probe()). What it hides, what it costs:
 * docs/ISOLATION.md "The box". -EINVAL, -EBUSY. */
int sandbox_set_box(sandbox_t *sb, bool on);
/* Copy the host file `host` into the box as /box/NAME before each run
 * (NAME: one path component; a later copy to the same NAME replaces an
 * earlier one). Opened at the start of the run as
 * sandbox_open_file() opens a file to read: a bad path is an error of
 * sandbox_execute() (failed step "box"). The copy's mode is 0755 when the
 * file is executable by its owner, else 0644. It is read-only to the
 * program -- a file of a space of its own bound at /box/NAME, which the
 * program can read and run but not change, remove or replace -- and
 * never counts in the writable space (box_bytes): freeing it gives the
 * program no room. Unless NAME is also a sandbox_box_copy_out() name (an
 * update in place): then the copy is the program's file in /box, owned
 * by its uid, counted in the writable space, and the output's host file
 * -- which may be `host` itself -- is truncated only after this copy.
 * A program given by a relative path, or by /box/NAME, is checked as
 * its copy's host file. -EINVAL (bad name, NULL), -ENOMEM, -EBUSY. */
int sandbox_box_copy_in(sandbox_t *sb, const char *host, const char *name);
/* Copy /box/NAME out to the host file `host` after each run. The file is
 * opened (created when missing) before the run as sandbox_open_file()
 * opens a file to write (no link is followed; the errors are
 * sandbox_execute()'s, step "box") and truncated when the program is
 * about to start, so that no earlier run's output is left there by a run
 * that started (one that could not start leaves it as it was) -- unless
 * it is also a copy in's file (an update in place), which keeps its
 * content until the new one is there. After the run the new content is
 * written to a temporary file in the same directory and renamed over the
 * host file, with its owner and permission bits (a supervisor killed at
 * any moment leaves the old file or the new one, whole); where that
 * cannot be done (a directory the caller may not write, another owner,
 * a file with a second hard link) it is written in place. The program's standard input may not be that file (it would be
 * emptied before the program read it): -EINVAL, step "box",
 * sandbox_failed_message() says so. Only a
 * regular file is copied (opened without following a link, without
 * blocking on a FIFO), at most the size it had when opened and never more
 * than box_limit: a larger one (a sparse file costs the space nothing)
 * leaves the host file empty and counts in box_refused (OL or ML when a
 * quota sets box_limit). A copy the host cannot take (a full disk) leaves
 * the file empty, never half written, and its errno in box_error. Errors
 * as sandbox_box_copy_in(). */
int sandbox_box_copy_out(sandbox_t *sb, const char *name, const char *host);
/* Forget every copy. */
int sandbox_box_clear_copies(sandbox_t *sb);

/* cgroups: a fresh group per run, named libsandbox-run-<16 random hex
 * digits> (unique on the host, across PID namespaces and containers),
 * created under `parent`, locked (flock) by its supervisor for the run and
 * removed after it (its processes killed first); groups whose supervisor
 * died -- their lock is free -- are removed by the next run under the same
 * parent (and by sandbox_cgroup_sweep); a locked group never is. v1 and v2
 * are detected at run time (v2 when it has the needed controllers).
 * parent: a path starting with '/' is taken from the hierarchy's root, a
 * relative one from the supervisor's own group (default "libsandbox").
 * For v2 the parent must be delegated to the caller (writable, with the
 * controllers enabled in its cgroup.subtree_control, which the library
 * tries to do). NULL restores the default. */
int sandbox_set_cgroup_parent(sandbox_t *sb, const char *parent);
/* Limits of the run's group. memory: bytes (memory+swap where the kernel
 * accounts swap; on v1 also TCP socket buffers, which v1 holds apart:
 * memory.kmem.tcp.limit_in_bytes, over which sends wait or fail with
 * EAGAIN); exceeding it is an OOM kill, verdict ML, and
 * sandbox_get_isolation_stat() gives the exact peak. pids: processes and
 * threads of the group; a fork refused by it is counted (stat
 * pids_refused), the verdict is what the program does about it.
 * cpu_percent: CPU bandwidth as a percentage of one core (1..100*ncpus).
 * SANDBOX_UNLIMITED / 0 leave a figure unlimited; setting any of them
 * asks for a cgroup. Even 1 MiB starts a static C program: the child
 * joins the group after fork, just before exec. */
int sandbox_set_cgroup_limits(sandbox_t *sb, uint64_t memory, uint64_t pids,
                              unsigned cpu_percent);
/* 0: detect (default); 1 or 2: use only that version (-ENOTSUP at check
 * when it is not usable). */
int sandbox_set_cgroup_version(sandbox_t *sb, int version);
/* Remove groups of dead supervisors (unlocked libsandbox-run-* groups)
 * under `parent` (as above, NULL for the default) in every hierarchy.
 * Returns how many were removed, or -errno. */
int sandbox_cgroup_sweep(const char *parent);

/* Resource limit `resource` (RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_STACK,
 * RLIMIT_CORE, RLIMIT_FSIZE, ...) of the program, soft = hard = value
 * (SANDBOX_UNLIMITED: RLIM_INFINITY). Applied before the quotas' own
 * rlimits, which win (core is always 0; S_QUOTA_CPU sets CPU,
 * S_QUOTA_DISK sets FSIZE,
 * S_QUOTA_MEMORY sets AS in VSIZE mode, S_QUOTA_STACK sets STACK); a
 * STACK set here replaces the default that a memory quota implies
 * (unlimited); a NOFILE set here replaces SANDBOX_DEFAULT_NOFILE (256,
 * the program's limit otherwise). -EINVAL for a bad resource, -ENOSPC
 * beyond 16 entries. */
int sandbox_set_rlimit(sandbox_t *sb, int resource, uint64_t value);
/* The engine drops every capability before exec in any case; with
 * isolation on (default true) the bounding set is also emptied early, in
 * the namespace child, before the ids change. */
int sandbox_set_drop_caps(sandbox_t *sb, bool drop);

/* Environment. The program's environment is, in order: when inheriting
 * (sandbox_set_env_inherit), the caller's environment minus its secrets;
 * the caller's variables named in the pass-through list (never stripped:
 * naming one is explicit); then the explicit sandbox_set_env() entries,
 * which override.
 *
 * The secret rule, applied to every inherited variable, isolated or not:
 * a variable is stripped when
 *   - its name contains, in any case, PASS (PASSWORD, PASSWD, DB_PASS),
 *     PWD, SECRET, TOKEN, KEY (KEYS), CREDENTIAL (CREDENTIALS), AUTH
 *     (SSH_AUTH_SOCK, XAUTHORITY, HTTP_AUTHORIZATION), PRIVATE, COOKIE,
 *     SESSION, JWT, SALT, SIGN (SIGNING, SIGNATURE), DSN or WEBHOOK
 *     anywhere, or
 *   - its name is AWS_* or GITHUB_* (any case), or has PAT as a word
 *     of its own (GH_PAT; not PATH), or
 *   - its value is a URL with user information, "scheme://user@" or
 *     "scheme://user:password@" (DATABASE_URL=postgres://u:p@db/x, a
 *     Sentry DSN's key), or with a query parameter whose name has one of
 *     the words above or is "sig" (?password=..., &X-Amz-Signature=...),
 *     or
 *   - its value holds a key with a value whose key is a word (letters,
 *     digits, '_', '-', '.') containing one of the words above: "KEY=..."
 *     (spaces may stand around '=': libpq's "host=db password=x",
 *     ADO.NET's "Server=db;Password=x;", ODBC's "UID=sa;PWD=x") or
 *     "KEY: ..." (a space after ':': "Authorization: Bearer x",
 *     "api_token: x"), or netrc's "password x" / "passwd x", or
 *   - its value starts, in any case, with an HTTP authorization scheme
 *     and a credential: "Bearer x", "Basic x", "Digest x", "Token x",
 *     "Negotiate x", or
 *   - its name matches one of the sandbox_set_env_strip() patterns
 *     (fnmatch(3)), which add to the rule and never replace it.
 * The rule errs on the side of stripping (PWD, KEYBOARD_LAYOUT go too);
 * pass what the program needs by name. Lists are copied; NULL or empty
 * clears the pass list / the extra patterns. */
int sandbox_set_env_pass(sandbox_t *sb, const char *const names[]);
int sandbox_set_env_strip(sandbox_t *sb, const char *const patterns[]);

/* Best effort: run with what the host supports instead of failing
 * sandbox_check() with -ENOTSUP/-EPERM. Default false. */
int sandbox_set_best_effort(sandbox_t *sb, bool on);
/* Mask of S_NS_* | S_ISO_* in effect for the last (or, before any run,
 * the next checked) run; 0 when no isolation was asked for. */
unsigned sandbox_isolation_in_effect(const sandbox_t *sb);
/* Why something asked for is missing (cause and fix, one line each), or
 * NULL when everything asked for is in effect. Valid until the next
 * sandbox_check()/execute(). */
const char *sandbox_isolation_message(const sandbox_t *sb);

/* Isolation figures of the last run; -1 where unknown. */
typedef struct {
	unsigned requested;       /* S_NS_* | S_ISO_* asked for */
	unsigned in_effect;       /* what the run really had */
	int cgroup_version;       /* 0 (none), 1 or 2 */
	int64_t cg_memory_peak;   /* bytes: exact max usage of the run's group */
	int64_t cg_oom_kills;     /* OOM kills in the group (ML when > 0) */
	int64_t cg_pids_refused;  /* forks refused by the pids limit */
	int64_t cg_cpu_throttled_us; /* time throttled by the CPU limit */
	int init_signal;          /* fatal signal emulated for the pid-1
	                           * program (also stat.signal), or 0 */
	/* Added in 0.5: the box root's writable space (sandbox_set_box,
	 * sandbox_set_tmpfs_size). */
	int64_t box_bytes;        /* held in it when the program ended: its
	                           * files and /tmp's (the copies in are
	                           * not, unless also copied out) */
	int64_t box_limit;        /* what the program's own files may take */
	int box_limit_quota;      /* S_QUOTA_DISK or S_QUOTA_MEMORY when a
	                           * quota sets box_limit (OL, ML), or -1 */
	int box_missing;          /* outputs the program did not leave */
	int box_error;            /* errno of the first copy out that could
	                           * not be written (a full disk): its file
	                           * is left empty; 0 when none failed */
	int box_refused;          /* outputs not copied because they were
	                           * larger than box_limit (their host files
	                           * are left empty; OL or ML when a quota
	                           * sets box_limit) */
	/* Added in 0.6 */
	int64_t box_peak_bytes;   /* the most it held at any stop of the
	                           * run or at its end, where a quota sets
	                           * box_limit (above it: OL or ML); else
	                           * box_bytes */
} sandbox_iso_stat_t;
/* Copy at most `size` bytes of the figures. -EINVAL for NULL. */
int sandbox_get_isolation_stat(const sandbox_t *sb, sandbox_iso_stat_t *st,
                               size_t size);

/* What the host supports for this caller. */
#define SANDBOX_PROBE_MAX 16
typedef struct {
	bool ptrace;              /* PTRACE_TRACEME works */
	bool seccomp;             /* seccomp filters can be installed */
	unsigned available;       /* S_NS_* | S_ISO_* usable by this caller */
	int cgroup_version;       /* 0 none usable, 1 or 2 (what runs use) */
	bool cgroup_v1, cgroup_v2;/* mounted */
	char cgroup_root[200];    /* where per-run groups go (memory for v1) */
	char strongest[160];      /* the strongest containment, in words */
	unsigned nmissing;
	struct {
		unsigned feature;     /* S_NS_* | S_ISO_*, 0 for ptrace/seccomp */
		char what[32];        /* "user namespaces", "cgroup memory", ... */
		char cause[200];      /* one line */
		char fix[200];        /* one line */
	} missing[SANDBOX_PROBE_MAX];
	/* Landlock ("File rules"): the ABI version libsandbox uses (0: none),
	 * the kernel's own (they differ only under a setting of the test
	 * suite, which no caller can make), and the S_LL_* features it
	 * brings. */
	int landlock_abi;
	int landlock_kernel_abi;
	unsigned landlock_features;
} sandbox_probe_t;
/* Probe the host (forks short-lived children; a few milliseconds). Fills
 * at most `size` bytes of *p. Returns 0 or -EINVAL. */
int sandbox_probe(sandbox_probe_t *p, size_t size);

/* ---------------------------------------------------------------------
 * Diagnostics: backtraces, ELF facts, profiles
 * --------------------------------------------------------------------- */
/*
 * "Where in the program did that happen?" docs/DIAGNOSTICS.md has the
 * details; the short version:
 *   - a backtrace of the program is taken while it is still stopped at the
 *     verdict (RF, a fatal signal) or at a syscall the policy marks, and
 *     read after the run with sandbox_get_backtrace();
 *   - sandbox_check() inspects argv[0] (ELF class, machine, static or
 *     dynamic, interpreter; #! scripts) and refuses what cannot run, or
 *     would run in an ABI the policy forbids, before anything runs;
 *   - profiles: per-syscall counts and time stopped, and a CPU/memory
 *     time series (CSV or JSON lines);
 *   - sandbox_format_syscall(): strace-like text (or JSON) of a syscall.
 * None of this costs anything on the syscall path unless a profile is on.
 */

/* ---- Backtraces */

#define SANDBOX_BACKTRACE_MAX 64   /* frames kept */
/* Time bound of one backtrace, held even inside one step of the unwinder
 * (the program writes its own unwind info, which may loop). The program
 * is stopped meanwhile and its wall clock runs: a crash within this bound
 * of the wall quota may end as TL when backtraces are on. */
#define SANDBOX_BACKTRACE_MS  100

/* One frame. `symbol` is empty when the module has no symbol for the
 * address (stripped); then `offset` is the address relative to the
 * module's ELF addresses (what `addr2line -e module` takes). Otherwise
 * `offset` is the distance from the start of `symbol`. `module` is the
 * path mapped in the program ("[vdso]", or "?" when the address is in no
 * mapping). Frame 0 is where the program stopped; the others are return
 * addresses. */
typedef struct {
	uint64_t pc;
	char module[256];
	char symbol[128];
	uint64_t offset;
} sandbox_frame_t;

/* When backtraces are taken (sandbox_set_backtrace), and why one was
 * (sandbox_backtrace_info_t.reason). */
#define S_BT_RF     0x1u /* verdict RF, at the offending syscall */
#define S_BT_SIGNAL 0x2u /* SIGSEGV, SIGFPE, SIGABRT, SIGBUS or SIGILL the
                          * program does not catch, before delivery */
#define S_BT_MARKED 0x4u /* a policy callback asked for it (below) */
#define S_BT_DEFAULT (S_BT_RF | S_BT_SIGNAL | S_BT_MARKED)

/* Or-ed into sandbox_action_t.type by a policy callback: take a backtrace
 * of the program at this stop (the program stays stopped meanwhile), then
 * apply the action. A later backtrace of the same run replaces it. */
#define S_ACTION_FLAG_BACKTRACE 0x100

/* Which of S_BT_RF | S_BT_SIGNAL | S_BT_MARKED take a backtrace (default
 * all three; 0 turns backtraces off). -EINVAL for unknown bits, -EBUSY
 * while executing, -ENOMEM. */
int sandbox_set_backtrace(sandbox_t *sb, unsigned when);

typedef struct {
	unsigned reason;     /* S_BT_RF, S_BT_SIGNAL, S_BT_MARKED; 0: none */
	int signal;          /* S_BT_SIGNAL: the signal */
	size_t nframes;
	bool partial;        /* unwinding stopped early: corrupt stack, the
	                      * depth or the time bound */
	bool frame_pointers; /* frames from walking frame pointers (the
	                      * unwinder failed) */
	int64_t elapsed_us;  /* cost of this backtrace */
	bool stack_scan;     /* no usable unwind info (.eh_frame, with or
	                      * without .eh_frame_hdr) nor frame pointers:
	                      * frames found by scanning the stack for return
	                      * addresses; a stale one may add a spurious
	                      * frame */
} sandbox_backtrace_info_t;

/* Facts about the last backtrace of the last run (reason 0 when none was
 * taken). Copies at most `size` bytes. -EINVAL for NULL. */
int sandbox_get_backtrace_info(const sandbox_t *sb,
                               sandbox_backtrace_info_t *bi, size_t size);
/* ARRAY GETTERS take the caller's element size: pass sizeof(*out). A
 * struct may grow at its end in later versions; each element is then cut
 * to the caller's size, or padded with zeros. out may be NULL (and size
 * 0) when max is 0, to learn how many there are. -EINVAL for a NULL
 * sandbox, or max > 0 with a NULL out or a size of 0. */

/* Copy at most `max` frames of the last backtrace into out (owned by the
 * caller). Returns the number of frames of the backtrace (0 when none was
 * taken), or -EINVAL. Valid after the run until sandbox_reset()/the next
 * run. */
ssize_t sandbox_get_backtrace(const sandbox_t *sb, sandbox_frame_t *out,
                              size_t max, size_t size);
/* Write the backtrace as text, one line per frame:
 *   "#1 0x0000555555555189 in g+0x12 (/path/prog)"
 * Returns 0 (nothing written when there is none) or -errno. */
int sandbox_print_backtrace(const sandbox_t *sb, int fd);

/* ---- ELF facts (filled by sandbox_check) */

typedef struct {
	int elf_class;       /* 32 or 64; 0 when unknown */
	int machine;         /* ELF e_machine: 62 x86_64, 3 i386 */
	int abi;             /* sandbox_abi_t the program's syscalls use
	                      * (x32 = class 32, machine x86_64); -1 unknown */
	bool is_static;      /* no PT_INTERP */
	bool is_pie;         /* ET_DYN */
	bool is_script;      /* starts with #!; the other fields then describe
	                      * the interpreter's ELF file when readable */
	char interpreter[256]; /* PT_INTERP, or the #! line (without "#!") */
} sandbox_binary_info_t;

/* Facts about argv[0] found by the last sandbox_check(). Copies at most
 * `size` bytes. -EINVAL for NULL, -ENODATA when the check has not
 * inspected the program (not checked yet, or a box root: the file is then
 * checked inside the box). */
int sandbox_get_binary_info(const sandbox_t *sb, sandbox_binary_info_t *bi,
                            size_t size);
/* sandbox_check() also returns -ENOEXEC when argv[0] is neither ELF nor a
 * #! script, is a truncated ELF file, is not an x86 program, or uses an
 * ABI (i386, x32) for which the policy has no rule but KILL; this says
 * which, in one line (static storage of the sandbox, valid until the
 * next check), or NULL when the last check refused nothing. */
const char *sandbox_check_message(const sandbox_t *sb);
/* Before a policy's compiled kernel filter is used, it is run in a BPF
 * interpreter over every syscall and the argument values its rules turn
 * on, and compared with the policy's table (built-in policies are proven
 * when the library is tested). A syscall on which libseccomp's program
 * disagrees with the table is sent to the tracer, which decides it by
 * the table at a stop -- never in the kernel, in fast mode too. This
 * says so in one line (like snprintf: writes at most len bytes with the
 * NUL, returns the length of the whole text; buf may be NULL when len is
 * 0), or returns 0 when the last check's filter agreed everywhere. */
size_t sandbox_filter_note(const sandbox_t *sb, char *buf, size_t len);

/* ---- Profiles */

#define SANDBOX_PROFILE_CSV      0x1u /* time series as CSV (header line) */
#define SANDBOX_PROFILE_JSONL    0x2u /* time series as JSON lines */
#define SANDBOX_PROFILE_SYSCALLS 0x4u /* count syscalls and time stopped */

/* Profile the next runs. interval_us: 0 (default) no time series, else
 * 1000..1000000: the manager thread samples CPU (user, sys, total) and
 * memory (RSS, VM) at that interval from the exec, keeps them in memory
 * (at most 4096 per run; beyond, every other one is dropped and the
 * interval doubled) and, when fd >= 0, writes each as one line in the
 * format of flags (CSV or JSONL) -- fd is not taken over and must stay
 * open while runs go on; the writes come from the manager thread, so give
 * it a file or a pipe that is drained. flags may add
 * SANDBOX_PROFILE_SYSCALLS. Errors: -EINVAL (bad interval, both or no
 * format with an fd, fd not open), -EBUSY, -ENOMEM. */
int sandbox_set_profile(sandbox_t *sb, unsigned interval_us, int fd,
                        unsigned flags);

/* One syscall of the profile. stopped_ns is the time the supervisor held
 * the program at this syscall's stops (entry and exit). */
typedef struct {
	int abi;
	long nr;
	char name[32];
	uint64_t count;
	uint64_t stopped_ns;
} sandbox_syscall_count_t;
/* The syscalls counted in the last run (SANDBOX_PROFILE_SYSCALLS), by
 * ABI then number. Copies at most `max` entries; returns how many there
 * are, or -EINVAL. *all_syscalls (may be NULL) is true in classic mode
 * (every syscall was counted) and false in fast mode, where only the
 * syscalls that stopped the program (TRACE rules, memory watch, RF) are
 * counted: the kernel filter runs the others without a stop. */
ssize_t sandbox_get_syscall_counts(const sandbox_t *sb,
                                   sandbox_syscall_count_t *out, size_t max,
                                   size_t size, bool *all_syscalls);

/* One task (thread) of the profile: the syscalls the tracer saw it make
 * (all of them in classic mode, those that stopped in fast mode). */
typedef struct {
	pid_t tid;           /* thread id, host view */
	pid_t tgid;          /* its process */
	uint64_t syscalls;
} sandbox_task_count_t;
/* The tasks of the last run (SANDBOX_PROFILE_SYSCALLS), in the order they
 * ended (the first 1024). Copies at most `max`; returns how many there
 * are, or -EINVAL. */
ssize_t sandbox_get_task_counts(const sandbox_t *sb, sandbox_task_count_t *out,
                                size_t max, size_t size);

/* One sample of the time series. Times in microseconds since exec. cpu_us
 * is exact (the program's CPU clock); user_us and sys_us come from
 * /proc/PID/stat in clock ticks (10 ms steps). rss and vm in bytes. */
typedef struct {
	int64_t t_us;
	int64_t cpu_us;
	int64_t user_us;
	int64_t sys_us;
	int64_t rss;
	int64_t vm;
} sandbox_sample_t;
/* Copy at most `max` samples of the last run; returns how many there are,
 * or -EINVAL. (sandbox-run --profile-svg draws them.) */
ssize_t sandbox_get_samples(const sandbox_t *sb, sandbox_sample_t *out,
                            size_t max, size_t size);

/* ---- Syscall text */

#define SANDBOX_FORMAT_JSON      0x1 /* one JSON object instead of text */
#define SANDBOX_FORMAT_NO_MEMORY 0x2 /* never read the program's memory */

/* Render the syscall of an S_EVENT_SYSCALL or S_EVENT_SYSRET event like
 * strace: `openat(AT_FDCWD, "in.txt", O_RDONLY|O_CLOEXEC) = 3`, with paths
 * read from the program (during a policy callback; else and with
 * SANDBOX_FORMAT_NO_MEMORY they are shown as addresses), flags, fds,
 * mmap prot/flags and signals by name, and the return value with its
 * errno name (SYSRET only; entry events end with " ..."). Syscalls
 * without a known layout show six hex arguments. With SANDBOX_FORMAT_JSON
 * the text is one JSON object, no newline (one per line makes the
 * JSON-lines trace of sandbox-run --trace-format=json):
 *   {"event":"syscall"|"sysret","pid":N,"abi":"x86_64","nr":N,
 *    "name":"openat","args":[decoded...],"raw":[six numbers],
 *    "ret":N (sysret),"errno":"ENOENT" (sysret, failed)}
 * decoded arguments are numbers, or strings for paths, buffers and
 * symbols ("AT_FDCWD", "O_RDONLY|O_CLOEXEC", "0x7ffc..."); ret is the raw
 * value (-errno on failure). Details in docs/DIAGNOSTICS.md.
 * Writes at most len bytes including the NUL (buf may be NULL when len is
 * 0). Returns the length of the whole text, like snprintf: a result >=
 * len means it was truncated. 0 for a NULL or non-syscall event. */
size_t sandbox_format_syscall(const sandbox_event_t *ev, char *buf,
                              size_t len, int flags);

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
 * Nothing captured is lost, and a slow or vanished reader cannot stop the
 * clock: the manager thread never blocks on the destination (a pipe, FIFO
 * or terminal given in blocking mode is written through a private
 * non-blocking reopening of it, /proc/self/fd/N; a socket with
 * MSG_DONTWAIT), so a reader that stops reading only makes the program
 * wait on its full pipe while the quotas keep running. Once the program
 * has ended, sandbox_execute() waits until the destination has taken every
 * captured byte (sandbox_interrupt() or SIGTERM ends that wait: the run is
 * then IE, since the output is incomplete). A destination that fails for
 * good (EPIPE: the reader exited) is dropped; the bytes are still read and
 * counted, so OL stays exact, and the SIGPIPE such a write raises is
 * consumed by the library, never delivered to the caller's process.
 * A stream the output quota captured (the caller's own pipe or terminal)
 * is waited for no longer than the wall-clock quota, as a program blocked
 * on it would be: when its reader has not read by then (the run is TL),
 * what the program wrote into the capture -- up to the capture pipe's
 * 64 KiB beyond what the reader's pipe held -- is put into the reader's
 * pipe after all, its capacity raised for it (F_SETPIPE_SZ: it only
 * grows, within the host's pipe-max-size), so the reader finds every byte
 * the program's writes succeeded with (stat.output_bytes of a program
 * that writes nothing else); where that is refused (the per-user pipe
 * limits), or the stream is a stopped terminal, those bytes are dropped.
 *
 * stdout and stderr that reach one place in one order -- one open file
 * description (a judge's `> log 2>&1` or `2>&1 | reader`: two captures of
 * it, or stderr given or inherited as the very description stdout's
 * capture copies to), one pipe, FIFO, socket or terminal, or one regular
 * file both append to -- are one capture: both of the program's
 * descriptors are the one pipe of stdout's capture, so the destination
 * gets the bytes in the order the program wrote them, and they count
 * once, in stdout's figure. Told by kcmp(KCMP_FILE); where the kernel has
 * none or refuses it, by the file, its status flags and offset (two
 * descriptions of one file opened alike and not yet written then count
 * as one: `> f 2> f` gets the order kept rather than each stream over
 * the other). Not when either capture has a callback (it is told which
 * stream wrote), nor when only stderr is captured (capture stdout too).
 * Two descriptions of one regular file with offsets of their own stay two
 * captures, each writing at its own offset, as without capture.
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
/* Bytes captured per stream in the last run (which = 1 or 2): taken from
 * the program's stream and counted against S_QUOTA_DISK, never more than
 * that quota in total; whether the caller asked for the capture or the
 * output quota made it (an inherited or given pipe, terminal, filled log:
 * "What S_QUOTA_DISK bounds"). Passed on to the destination and the
 * callback, but for a destination that failed for good (the reader
 * exited: counted, dropped) and for a run interrupted while the
 * destination still refused more (IE: a chunk read and not written is
 * counted, dropped; above for a stream the quota captured). stderr sharing stdout's capture (one open
 * file, SANDBOX_STDIO_STDOUT) is 0: its bytes are in stdout's figure. -1
 * when the stream was not captured. What the program passed to write
 * calls is stat.output_bytes. */
int64_t sandbox_captured_bytes(const sandbox_t *sb, int which);

/* ---------------------------------------------------------------------
 * Interactive judging
 * --------------------------------------------------------------------- */
/*
 * An interactive problem's judge program, the interactor, talks with the
 * program being judged through their standard streams: what the program
 * writes on its standard output the interactor reads on its standard
 * input, and the other way round. One call runs both at once and gives
 * one verdict (docs/VERDICTS.md, "Interactive runs", has the whole table).
 *
 * LIFECYCLE
 *
 *   1. sandbox_interaction_t *ia = sandbox_interaction_new();
 *   2. the interactor, one of:
 *        sandbox_interaction_set_interactor(ia, isb): in a sandbox of its
 *          own, configured as any (policy, quotas, isolation);
 *        sandbox_interaction_set_command(ia, argv, envp, wall_ms): trusted
 *          code started as a plain child of the supervisor, unsupervised;
 *      testlib interactors take `INPUT OUTPUT [ANSWER]`: put them in its
 *      argv. Optionally sandbox_interaction_set_log(ia, fd).
 *   3. sandbox_interaction_run(ia, program);            blocks
 *   4. sandbox_interaction_get_stat(ia, &st, sizeof(st)): the combined
 *      verdict and the plumbing; each side's own run with
 *      sandbox_get_stat(program) (and (isb) for a sandboxed interactor);
 *   5. sandbox_reset() the sandboxes to run again; destroy.
 *
 * STREAMS. For the run, the program's standard input and output, and the
 * interactor's three streams, are the interaction's, whatever the
 * sandboxes say (their settings are untouched and apply again to a plain
 * sandbox_execute()); the program's standard error stays as configured.
 * The supervisor relays the bytes between the two (a thread of its own,
 * never blocking on either side: pipes of 1 MiB each way and a 64 KiB
 * buffer), counts them each way, and reads the interactor's standard
 * error (testlib writes its comment there) into stat.message. It reads
 * each side's output until that side ends, even after the other side
 * ended (the bytes are then counted as discarded): neither side ever
 * gets SIGPIPE or EPIPE from the interaction. A side in a sandbox with an
 * output quota (S_QUOTA_DISK) has its standard output counted against it:
 * the quota's bytes are delivered, the rest is counted as discarded, and
 * the side is OL (killed by its manager, or, when it had ended before the
 * relay read past the quota, its OK, AT, RT or TL made OL: output comes
 * before CPU and wall in docs/VERDICTS.md's order). When one side ends, or
 * closes its standard output, the other gets end of file on its standard
 * input once what was written before has been delivered.
 *
 * THREADS. The calling thread runs the program's sandbox_execute() and
 * is its tracer; a sandboxed interactor runs in a thread the call creates
 * (with the caller's signal mask), which is the interactor's tracer; the
 * relay is a third thread, with every signal blocked. All of them are
 * gone when the call returns. Interactions are independent: several may
 * run at once in different threads. sandbox_interrupt() of the program
 * (or SIGTERM to the supervisor, see SIGNALS) ends the whole interaction:
 * the result is IE.
 *
 * THE VERDICT (stat.verdict, a sandbox_verdict_t; stat.decided_by):
 *   - the program's own verdict when it failed first: any verdict but OK
 *     reached before the relay gave it end of file because the interactor
 *     had ended (or closed its output) -- TL, ML, RF, RT, OL, AT, and IE or
 *     BP of its supervisor;
 *   - else the interactor's exit status, testlib's convention: 0 accepted
 *     (OK, if the program also ends with OK, else the program's verdict),
 *     1 WA, 2 PE (and testlib's 4 "dirt" and 8 "unexpected eof"), 7 PT
 *     (points, as 0; stat.points), 3 or anything else -- another status, a
 *     signal, its own quota or policy, a set-up that failed -- JF;
 *   - a run interrupted is IE.
 * A program that ends by its wall-clock quota while both sides were
 * blocked on each other is TL with stat.idle (an idle deadlock, typically
 * an answer never flushed): at the moment of the kill, every task of each
 * live side was asleep in read(2) of its empty standard input or write(2)
 * to its full standard output (/proc/PID/task/TID/stat and syscall), no
 * byte could move through the relay, and neither side's CPU clock moved
 * while that was read.
 */

/* The combined verdict of an interaction (stat.verdict): a set of its
 * own, apart from a run's sandbox_result_t. A program's own verdict passes
 * through unchanged, so the first ten have a run result's value and name
 * (S_VERDICT_TL == S_RESULT_TL); WA, PE, PT and JF exist only here: no
 * run's sandbox_stat_t, policy answer or sandbox_result_name() has them. */
typedef enum {
	S_VERDICT_PD = S_RESULT_PD, /* no verdict: the interaction did not run */
	S_VERDICT_OK = S_RESULT_OK, /* accepted */
	S_VERDICT_RF = S_RESULT_RF, /* the program's own verdicts ... */
	S_VERDICT_ML = S_RESULT_ML,
	S_VERDICT_OL = S_RESULT_OL,
	S_VERDICT_TL = S_RESULT_TL, /* (stat.idle: an idle deadlock) */
	S_VERDICT_RT = S_RESULT_RT,
	S_VERDICT_AT = S_RESULT_AT,
	S_VERDICT_IE = S_RESULT_IE, /* ... or the interaction was interrupted */
	S_VERDICT_BP = S_RESULT_BP,
	S_VERDICT_WA = S_RESULT_COUNT, /* wrong answer (interactor exit 1) */
	S_VERDICT_PE,    /* presentation error (exit 2; testlib's 4 and 8) */
	S_VERDICT_PT,    /* points: partial score (exit 7), in stat.points */
	S_VERDICT_JF,    /* judge failure: the interactor failed (exit 3, any
	                  * other status, a signal, its own quotas), or could
	                  * not start */
	S_VERDICT_COUNT
} sandbox_verdict_t;

/* The two-letter code of a combined verdict ("WA"), and a short text;
 * for the first ten, sandbox_result_name()'s and _text()'s. "??" and
 * "unknown verdict" out of range. */
const char *sandbox_verdict_name(int verdict);
const char *sandbox_verdict_text(int verdict);

/* The sides of an interaction (stat.decided_by). */
typedef enum { S_SIDE_PROGRAM = 0, S_SIDE_INTERACTOR = 1 } sandbox_side_t;

/* What a side waited for when the program's wall-clock quota ended the
 * run (stat.program_wait, interactor_wait). */
typedef enum {
	S_WAIT_UNKNOWN = 0, /* not sampled: no wall-clock kill */
	S_WAIT_RUNNING,     /* a task running (or stopped by its tracer) */
	S_WAIT_READING,     /* asleep reading its standard input */
	S_WAIT_WRITING,     /* asleep writing its standard output */
	S_WAIT_SLEEPING,    /* asleep on something else (a timer, a lock) */
	S_WAIT_ENDED,       /* had ended */
} sandbox_wait_t;

typedef struct sandbox_interaction sandbox_interaction_t;

/* A new interaction with no interactor yet. NULL with errno ENOMEM. */
sandbox_interaction_t *sandbox_interaction_new(void);
/* Destroy an interaction that is not running (NULL is accepted). The
 * sandboxes are the caller's and stay. */
void sandbox_interaction_destroy(sandbox_interaction_t *ia);

/* The interactor runs in `isb`, a sandbox of its own (not taken over: the
 * caller keeps and destroys it; it must outlive the runs). Its quotas
 * bound it: give it a wall-clock quota, or an interactor that never ends
 * keeps the call waiting. `isb` runs it as any sandbox runs its program:
 * under a root caller that set no credentials, as a run slot of its own
 * (sandbox_set_box_id), never as root -- an interactor taken over
 * through what the program sends it can then touch only what "others"
 * may; give it credentials (sandbox_set_credentials(): an unprivileged
 * user that owns the test's files) where it must read files others may
 * not, or write where others may not. Replaces a command. -EINVAL (NULL),
 * -EBUSY. */
int sandbox_interaction_set_interactor(sandbox_interaction_t *ia,
                                       sandbox_t *isb);
/* The interactor is trusted code run without supervision: argv[0] (a
 * path, not looked up in PATH) with argv, and envp (NULL: the caller's
 * environment), in the caller's working directory, as a child of a thread
 * of the interaction (not of the caller's thread, the program's tracer,
 * which waits for its own children), that dies with the call and leads
 * its own process group, killed with everything it started when it ends
 * or when the call returns. The caller must not reap it (waitpid(-1)).
 * wall_ms bounds it (counted from its start; SANDBOX_UNLIMITED: no bound):
 * past it, it is killed and the result is JF. argv and envp are copied.
 * Replaces an interactor sandbox. -EINVAL (NULL or empty argv, wall_ms 0),
 * -EBUSY, -ENOMEM. */
int sandbox_interaction_set_command(sandbox_interaction_t *ia,
                                    const char *const argv[],
                                    const char *const envp[],
                                    uint64_t wall_ms);
/* Write a transcript of the interaction to fd (not taken over; -1: none):
 * every byte each side wrote, at the start of each line "> " (program to
 * interactor) or "< " (interactor to program), a line broken where the
 * direction changes. It never slows the run: writes that would block are
 * dropped and stat.log_truncated says so. -EINVAL (fd not open), -EBUSY. */
int sandbox_interaction_set_log(sandbox_interaction_t *ia, int fd);

/* Run `program` (a sandbox, PRE or RDY, not the interactor's) wired to the
 * interactor until both have ended. Returns 0 when a combined verdict was
 * reached (read it with sandbox_interaction_get_stat()). Errors, with no
 * verdict (stat.verdict S_VERDICT_PD): -EINVAL (NULL, no interactor, the
 * same sandbox twice), -EALREADY (a sandbox is finished: reset it),
 * -EBUSY (one is executing, or the interaction is running), the errors of
 * sandbox_check() of either sandbox and of starting a command interactor
 * (-ENOENT, -EACCES, ...: sandbox_interaction_failed_step() names the
 * step) -- all before anything runs -- and the errors of the program's
 * sandbox_execute() (sandbox_failed_step(program)); -EAGAIN/-ENOMEM
 * (pipes, threads). An interactor whose sandbox fails to start once the
 * program runs is a verdict: JF with stat.interactor_error. */
int sandbox_interaction_run(sandbox_interaction_t *ia, sandbox_t *program);
/* The step of starting a command interactor that failed ("execve",
 * "setpgid", ...), or NULL. */
const char *sandbox_interaction_failed_step(const sandbox_interaction_t *ia);

#define SANDBOX_MESSAGE_MAX 4096

/* Figures of the last sandbox_interaction_run(). Unknown figures are -1.
 * The struct may grow at its end: the caller passes its size. */
typedef struct {
	int verdict;             /* the combined verdict (sandbox_verdict_t) */
	int decided_by;          /* S_SIDE_PROGRAM or S_SIDE_INTERACTOR; -1
	                          * when there is no verdict or it was IE */
	bool program_first;      /* the program ended before the relay told it
	                          * that the interactor had ended */
	bool idle;               /* TL: an idle deadlock (see above) */
	int program_wait;        /* sandbox_wait_t, at the wall-clock kill */
	int interactor_wait;
	/* The interactor's end. result: its sandbox's verdict; for a command,
	 * OK (exit 0), AT (another status), RT (a signal), TL (killed at
	 * wall_ms), IE (killed: the interaction was interrupted); PD when it
	 * did not start (interactor_error says why). */
	int interactor_result;
	int interactor_exit_code; /* or -1 */
	int interactor_signal;    /* or 0 */
	int interactor_error;     /* -errno of its start that failed, or 0 */
	int64_t interactor_cpu_time_us;
	int64_t interactor_wall_time_us;
	int64_t interactor_memory_peak; /* peak RSS, bytes */
	double points;           /* PT: the figure after "points " that testlib
	                          * writes first on its standard error; -1 */
	char message[SANDBOX_MESSAGE_MAX]; /* the start of the interactor's
	                          * standard error, NUL-terminated */
	int64_t message_bytes;   /* all it wrote there */
	/* The plumbing. to_interactor: what the program wrote, delivered to
	 * the interactor; discarded: what it wrote once the interactor could
	 * no longer read; likewise the other way. */
	int64_t to_interactor_bytes;
	int64_t to_interactor_discarded;
	int64_t to_program_bytes;
	int64_t to_program_discarded;
	int64_t log_bytes;       /* transcript bytes written, -1: no log */
	bool log_truncated;
} sandbox_interaction_stat_t;

/* Copy at most `size` bytes of the figures of the last run. -EINVAL for
 * NULL. */
int sandbox_interaction_get_stat(const sandbox_interaction_t *ia,
                                 sandbox_interaction_stat_t *st,
                                 size_t size);

#ifdef __cplusplus
}
#endif
#endif /* LIBSANDBOX_SANDBOX_H */
