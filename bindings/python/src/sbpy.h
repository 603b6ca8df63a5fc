/*
 * sandbox._sandbox -- the CPython extension over libsandbox's public API.
 *
 * Files, one job each:
 *   module.c     module init: types, constants, module-level functions
 *   event.c      SandboxEvent and SandboxAction (what a policy sees/answers)
 *   policy.c     SandboxPolicy (the classic base policy), Policy (a
 *                library policy: rules, files, modules, built-ins) and the
 *                trampoline that calls Python policies from the tracer
 *   sandbox.c    Sandbox: construction, classic attributes, run(), probe(),
 *                dump(), the run context
 *   config.c     Sandbox methods over every other setter of sandbox.h
 *   report.c     Sandbox methods reading the outcome (stat, isolation,
 *                backtrace, binary, profile) as plain Python values
 *   interrupt.c  SIGINT/SIGTERM/SIGQUIT: the host's own handler, then the
 *                runs in progress are ended (sandbox_interrupt)
 *   capture.c    output captured into memory (sandbox_set_capture)
 *   interact.c   Sandbox.interact(): the program wired to an interactor
 *                (sandbox_interaction_run), the combined verdict
 *   util.c       conversions and errors shared by the others
 *
 * Threads and the GIL: Sandbox.run() releases the GIL around
 * sandbox_execute(); the library calls policy callbacks in that same
 * thread, and the trampoline takes the GIL back with the thread state the
 * run saved (struct sbpy_run, a per-thread stack: a callback may start a
 * run of another sandbox). Every method touching a sandbox_t refuses while
 * that sandbox runs, so the library never sees two threads at once.
 */
#ifndef SBPY_H
#define SBPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include "sandbox.h"

/* Classic pysandbox dump() type ids (the values of CPython's old
 * structmember.h T_* constants, which pysandbox exported). */
enum {
	SBPY_T_SHORT = 0, SBPY_T_INT = 1, SBPY_T_LONG = 2, SBPY_T_FLOAT = 3,
	SBPY_T_DOUBLE = 4, SBPY_T_STRING = 5, SBPY_T_CHAR = 7, SBPY_T_BYTE = 8,
	SBPY_T_UBYTE = 9, SBPY_T_USHORT = 10, SBPY_T_UINT = 11, SBPY_T_ULONG = 12,
};

/* Classic results beyond BP (reserved R0..R5). */
#define SBPY_RESULT_R0 10

/* Longest string dump() / read_string() will read. */
#define SBPY_STRING_MAX (1u << 20)
/* Largest read_memory(). */
#define SBPY_READ_MAX (16u << 20)

typedef struct SbSandbox SbSandboxFwd;

/* ---------------------------------------------------------------- events */

typedef struct {
	PyObject_HEAD
	int type;
	long raw[7];               /* classic view: data/ext0 = raw[0], ext1.. */
	bool has_lib;              /* lib holds a library event */
	bool live;                 /* lib.sandbox may be read (during callback) */
	sandbox_event_t lib;
} SbEvent;

typedef struct {
	PyObject_HEAD
	int type;
	int data;
} SbAction;

extern PyTypeObject SbEvent_Type;
extern PyTypeObject SbAction_Type;

/* A new event object holding a copy of ev (live: ev->sandbox readable). */
SbEvent *sbpy_event_new(const sandbox_event_t *ev);
/* Refill an event object with ev (the cached one, not referenced
 * elsewhere). */
void sbpy_event_fill(SbEvent *e, const sandbox_event_t *ev);
/* A synthetic classic event (EXIT with code). */
SbEvent *sbpy_event_classic(int type, long a0);
SbAction *sbpy_action_new(int type, int data);

/* ---------------------------------------------------------------- policies */

typedef struct {
	PyObject_HEAD
} SbClassicPolicy;

typedef struct {
	PyObject_HEAD
	sandbox_policy_t *p;
	PyObject *callback;        /* Python callable or NULL */
	PyObject *name;            /* what it was made from, for reports */
	unsigned generation;       /* bumped by every change */
	int busy;                  /* runs in progress using it */
	PyObject *weakrefs;
} SbPolicy;

extern PyTypeObject SbClassicPolicy_Type;
extern PyTypeObject SbPolicy_Type;

/* True if obj's __call__ is the classic base policy's (no Python code
 * runs for it: the library's default policy is used instead). */
bool sbpy_is_base_policy(PyObject *obj);
/* The base policy's decision, into *act (classic semantics, see policy.c). */
void sbpy_base_decide(const SbEvent *e, SbAction *act);
/* The library callback that calls Python policies. */
void sbpy_trampoline(const sandbox_event_t *ev, sandbox_action_t *act,
                     void *data);
/* The library event hook that calls a Python observer. */
void sbpy_hook(const sandbox_event_t *ev, const sandbox_action_t *decision,
               void *data);
/* A library policy whose every syscall of every ABI asks the callback
 * (the classic protocol: the Python policy decides everything). */
sandbox_policy_t *sbpy_policy_trace_all(void);
/* Keep the exception being raised as the sandbox's policy error (BP). */
void sbpy_keep_error(SbSandboxFwd *self);
/* The run of a classic Python policy ended: ask the policy about the
 * program's exit (S_EVENT_EXIT, data the exit code), the quota that ended
 * it (S_EVENT_QUOTA, data the S_QUOTA_*) or the supervisor's error
 * (S_EVENT_ERROR, data the errno), as pysandbox did, and keep its verdict
 * in result_override (-1: the library's stands). */
void sbpy_deliver_end(SbSandboxFwd *self, int event, long data);
/* Install the library event hook when the sandbox needs one (a Python
 * observer, or a classic policy that is told of errors). */
int sbpy_sync_hook(SbSandboxFwd *self);
int sbpy_policy_module_init(PyObject *m);

/* ---------------------------------------------------------------- capture */

struct sbpy_capture {
	pthread_mutex_t lock;
	char *buf;
	size_t len, cap, limit;
	bool truncated;
	bool on;
};

void sbpy_capture_init(struct sbpy_capture *c);
void sbpy_capture_free(struct sbpy_capture *c);
void sbpy_capture_clear(struct sbpy_capture *c);
void sbpy_capture_release(struct sbpy_capture *c);
/* The sandbox_output_fn: data is a struct sbpy_capture[3] indexed by
 * stream. */
void sbpy_capture_fn(int which, const void *buf, size_t len, void *data);

/* ---------------------------------------------------------------- sandbox */

/* The descriptor given for a stream (or as its capture destination), -1
 * none, and the file it was then. */
struct sbpy_stream_file {
	int fd;
	dev_t dev;
	ino_t ino;
};

typedef struct SbSandbox {
	PyObject_HEAD
	sandbox_t *sb;
	PyObject *task;            /* tuple of str: argv */
	PyObject *jail;            /* str */
	PyObject *policy;          /* SandboxPolicy, Policy, or NULL (default) */
	PyObject *streams[3];      /* objects whose fds are the stdio */
	struct sbpy_stream_file stream_file[3];
	uid_t uid;
	gid_t gid;
	uint64_t quota[S_QUOTA_COUNT];
	int mode;                  /* S_MODE_* asked for, -1: by policy */
	unsigned policy_gen;       /* Policy generation installed */
	bool classic_policy;       /* a Python policy decides everything */
	bool lib_default;          /* the library's policy is its built-in
	                            * default, as sandbox_new() left it */
	/* the run */
	bool running;
	bool in_callback;
	bool in_exit_event;        /* the classic EXIT event is being asked */
	unsigned long tracer_ident;
	pid_t pid;                 /* the program, from events; 0 unknown */
	int last_signal;           /* from SIGNAL events, 0 none */
	int last_sig_code;         /* its si_code */
	int lib_errno;             /* the ERROR event's errno, 0 none */
	bool have_last_sc;
	int last_sc_abi;
	long last_sc_nr;
	int result_override;       /* classic EXIT answer, -1 none */
	int exec_rc;               /* last sandbox_execute() */
	bool ran;                  /* a run reached a verdict or an error */
	PyObject *policy_error;    /* exception a policy raised (BP) */
	PyObject *policy_tb;       /* its traceback as text */
	PyObject *hook;            /* event observer (callable) or NULL */
	PyObject *hook_error;      /* exception the observer raised */
	PyObject *pending;         /* KeyboardInterrupt & co. to re-raise */
	SbEvent *event;            /* cached objects for callbacks */
	SbAction *action;
	struct sbpy_capture cap[3];
	PyObject *weakrefs;
} SbSandbox;

extern PyTypeObject SbSandbox_Type;

/* The run in progress in this thread (innermost). */
struct sbpy_run {
	SbSandbox *self;
	PyThreadState *ts;
	struct sbpy_run *outer;
};
struct sbpy_run *sbpy_current_run(void);

/* Runs the program by execute(self, arg) (sandbox_execute(), or an
 * interaction) with the GIL released, as Sandbox.run() does; returns its
 * code, or raises (-1 with an exception and *raised set) when the run
 * could not start or a policy's KeyboardInterrupt/SystemExit, or a
 * signal, must propagate. */
int sbpy_do_run(SbSandbox *self, bool *raised,
                int (*execute)(SbSandbox *self, void *arg), void *arg);
/* A run starts (+1) or stops (-1) using policy object p: a Policy in use
 * refuses changes (the library reads it from the run's threads). */
void sbpy_policy_busy(PyObject *p, int delta);
/* Install a Policy again when it changed since it was installed. */
int sbpy_refresh_policy(SbSandbox *self);

/* Stream `which` is now the caller's descriptor fd (-1: none): note the
 * file it is. -1 with ValueError when fd is not open. */
int sbpy_stream_note(SbSandbox *self, int which, int fd);
/* Before a run: every descriptor given for a stream is still the file it
 * was (the library dup()s it only now). A caller that closed it, its
 * number since reused by another open(), would give the program that
 * other file: -1 with ValueError. */
int sbpy_stream_check(SbSandbox *self);

/* Refuse (with an exception, returning -1) when the sandbox has no
 * sandbox_t yet or is running. */
int sbpy_ready(SbSandbox *self);
/* Install the policy object `obj` (NULL: the built-in default). */
int sbpy_install_policy(SbSandbox *self, PyObject *obj);

/* Fill in Sandbox's method table and ready the type. */
int sbpy_sandbox_type_ready(void);
extern PyMethodDef sbpy_config_methods[];
extern PyMethodDef sbpy_report_methods[];
extern PyMethodDef sbpy_interact_methods[];

/* ---------------------------------------------------------------- interrupt */

/* At import: our handler in front of Python's (-1 with an exception). */
int sbpy_interrupt_init(void);
/* A run begins: the handler checked (put back in front if replaced); the
 * count of signals taken so far, for sbpy_interrupt_enter(). */
unsigned sbpy_interrupt_prepare(void);
/* Register a sandbox as running (signals end it; one taken since
 * `since` ends it at once) / unregister. */
void sbpy_interrupt_enter(sandbox_t *sb, unsigned since);
void sbpy_interrupt_leave(sandbox_t *sb);
/* Tests only: raise the signal armed by _sandbox._signal_before_run(). */
void sbpy_interrupt_window(void);
PyObject *sbpy_signal_before_run(PyObject *mod, PyObject *arg);

/* ---------------------------------------------------------------- util */

extern PyObject *SbError;          /* sandbox.SandboxError (OSError) */

/* Raise SandboxError(errno, "what: strerror[: detail]"); returns NULL. */
PyObject *sbpy_err(int rc, const char *what, const char *detail);
/* Same returning -1. */
int sbpy_erri(int rc, const char *what, const char *detail);
/* The exception being raised, normalised, with its traceback; cleared.
 * NULL when none. */
PyObject *sbpy_take_exception(void);
/* Raise exc again (steals the reference). */
void sbpy_raise_exception(PyObject *exc);
/* A str/bytes/PathLike as a new bytes object (filesystem encoding). */
PyObject *sbpy_fsbytes(PyObject *o);
/* A sequence of str/bytes/PathLike as a NULL-terminated array of strings
 * kept alive by *keep (a list of bytes). Returns NULL with an exception.
 * Free the array with PyMem_Free. allow_empty: accept []. */
const char **sbpy_strv(PyObject *seq, PyObject **keep, bool allow_empty,
                       const char *what);
/* The list of bytes sbpy_strv() kept, as a tuple of str. */
PyObject *sbpy_str_tuple(PyObject *bytes_list);
/* Unsigned 64-bit from int (None -> SANDBOX_UNLIMITED). -1 on error. */
int sbpy_u64(PyObject *o, uint64_t *out, const char *what);
/* A user or group id from an int in 0..2**32-2 (never cast: 2**32 is not
 * root); keep: -1 and None are accepted as "unchanged", *out (unsigned)-1.
 * -1 with ValueError/TypeError otherwise. */
int sbpy_id(PyObject *o, bool keep, unsigned *out, const char *what);
/* Text written by fn(fd) as str (through a memfd). */
PyObject *sbpy_capture_text(int (*fn)(const void *obj, int fd),
                            const void *obj);
/* Name of a syscall as str. */
PyObject *sbpy_syscall_name(int abi, long nr);
/* Add integer constants to a dict. */
struct sbpy_const {
	const char *name;
	long long value;
};
int sbpy_add_consts(PyObject *dict, const struct sbpy_const *c);

#endif /* SBPY_H */
