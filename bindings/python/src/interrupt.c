/*
 * Ctrl-C while a sandbox runs. Python handles SIGINT itself (a C handler
 * that only sets a flag, checked by the main thread when it holds the
 * GIL), so without help a run would go on until its program ends. For
 * SIGINT, SIGTERM and SIGQUIT whose handler is a function (Python's,
 * normally) our handler is put in front, once (at import, and again by a
 * run that finds it replaced, by signal.signal() say), and kept: it calls
 * the handler it replaced (Python notes the signal), then asks every
 * running sandbox to stop (sandbox_interrupt(), async-signal-safe: the
 * program is killed, the result is IE), so the main thread raises
 * KeyboardInterrupt -- whichever thread runs the sandbox. Signals left at
 * SIG_DFL or SIG_IGN are not touched.
 *
 * The running sandboxes are kept in a fixed table of atomic slots the
 * handler can read without locks; leaving waits until no handler is
 * reading the table, so a sandbox is never interrupted after its run. A
 * count of the signals the handler took (the epoch) closes the gap
 * between a run's start and its entry in the table: a run that sees the
 * count move meanwhile was interrupted (a worker thread cannot learn it
 * from Python, which tells only the main thread).
 */
#include "sbpy.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#define SLOTS 1024

static _Atomic(sandbox_t *) slots[SLOTS];
static atomic_int in_handler;
static atomic_uint epoch;    /* signals our handler took */
static atomic_int last_sig;  /* the last of them */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const int sigs[] = { SIGINT, SIGTERM, SIGQUIT };
#define NSIGS (sizeof(sigs) / sizeof(sigs[0]))
static struct sigaction saved[NSIGS];
/* Handlers of that signal in progress: one that reached ours again
 * through the handler it replaced (someone who put theirs in front of
 * ours and calls it) does not call that one again. */
static atomic_int depth[NSIGS];

static int index_of(int sig)
{
	for (size_t i = 0; i < NSIGS; i++)
		if (sigs[i] == sig)
			return (int)i;
	return -1;
}

static void call_previous(int i, int sig, siginfo_t *info, void *uctx)
{
	const struct sigaction *old = &saved[i];
	if (old->sa_flags & SA_SIGINFO) {
		if (old->sa_sigaction)
			old->sa_sigaction(sig, info, uctx);
	} else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN &&
	           old->sa_handler) {
		old->sa_handler(sig);
	}
}

/* The previous handler first (Python sets its flag), then the runs are
 * ended: a run cannot return before the flag its caller checks is set. */
static void on_signal(int sig, siginfo_t *info, void *uctx)
{
	int saved_errno = errno;
	int i = index_of(sig);
	if (i >= 0) {
		if (atomic_fetch_add(&depth[i], 1) == 0)
			call_previous(i, sig, info, uctx);
		atomic_fetch_sub(&depth[i], 1);
	}
	atomic_store(&last_sig, sig);
	atomic_fetch_add(&epoch, 1); /* before the table is read: see enter */
	atomic_fetch_add(&in_handler, 1);
	for (size_t s = 0; s < SLOTS; s++) {
		sandbox_t *sb = atomic_load(&slots[s]);
		if (sb)
			sandbox_interrupt(sb, sig);
	}
	atomic_fetch_sub(&in_handler, 1);
	errno = saved_errno;
}

/* Ours in front of each function handler, unless it is there already:
 * one sigaction() query per signal when nothing changed. */
static void ensure_installed(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < NSIGS; i++) {
		struct sigaction cur, mine;
		if (sigaction(sigs[i], NULL, &cur) < 0)
			continue;
		if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_signal)
			continue;
		if (!(cur.sa_flags & SA_SIGINFO) &&
		    (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN))
			continue;
		memset(&mine, 0, sizeof(mine));
		mine.sa_sigaction = on_signal;
		mine.sa_flags = SA_SIGINFO | (cur.sa_flags & (SA_ONSTACK | SA_RESTART));
		mine.sa_mask = cur.sa_mask;
		saved[i] = cur;
		sigaction(sigs[i], &mine, NULL);
	}
	pthread_mutex_unlock(&lock);
}

/* A child made by fork() runs none of its parent's sandboxes. */
static void forget_runs(void)
{
	for (size_t s = 0; s < SLOTS; s++)
		atomic_store(&slots[s], NULL);
	atomic_store(&in_handler, 0);
}

int sbpy_interrupt_init(void)
{
	static bool done;
	if (!done) {
		int rc = pthread_atfork(NULL, NULL, forget_runs);
		if (rc != 0) {
			errno = rc;
			PyErr_SetFromErrno(PyExc_OSError);
			return -1;
		}
		done = true;
	}
	ensure_installed();
	return 0;
}

/* The test suite's way into the moment just before a run is entered in
 * the table (test_modern.py, TestInterrupt): after
 * _sandbox._signal_before_run(signo) the next run of this process raises
 * signo in its own thread there, once. Unarmed it costs one atomic
 * exchange per run. */
static atomic_int window_signal;

void sbpy_interrupt_window(void)
{
	int sig = atomic_exchange(&window_signal, 0);
	if (sig > 0)
		raise(sig);
}

PyObject *sbpy_signal_before_run(PyObject *mod, PyObject *arg)
{
	(void)mod;
	long sig = PyLong_AsLong(arg);
	if (sig == -1 && PyErr_Occurred())
		return NULL;
	if (sig < 0 || sig >= NSIG) {
		PyErr_SetString(PyExc_ValueError, "signal number out of range");
		return NULL;
	}
	atomic_store(&window_signal, (int)sig);
	Py_RETURN_NONE;
}

unsigned sbpy_interrupt_prepare(void)
{
	ensure_installed();
	return atomic_load(&epoch);
}

void sbpy_interrupt_enter(sandbox_t *sb, unsigned since)
{
	for (size_t s = 0; s < SLOTS; s++) {
		sandbox_t *expected = NULL;
		if (atomic_compare_exchange_strong(&slots[s], &expected, sb))
			break;
	}
	/* A signal our handler took since the run began, before the table
	 * held this sandbox (the handler counts it before it reads the
	 * table): this run is interrupted too. */
	if (atomic_load(&epoch) != since)
		sandbox_interrupt(sb, atomic_load(&last_sig));
}

void sbpy_interrupt_leave(sandbox_t *sb)
{
	for (size_t s = 0; s < SLOTS; s++) {
		sandbox_t *expected = sb;
		if (atomic_compare_exchange_strong(&slots[s], &expected, NULL))
			break;
	}
	while (atomic_load(&in_handler) > 0)
		sched_yield();
}
