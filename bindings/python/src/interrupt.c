/*
 * Ctrl-C while a sandbox runs. Python handles SIGINT itself (a C handler
 * that only sets a flag, checked when the GIL is back), so without help a
 * run would go on until its program ends. While at least one run is in
 * progress, and only for SIGINT, SIGTERM and SIGQUIT whose handler is a
 * function (Python's, normally), our handler is installed in front: it
 * calls the handler it replaced (Python notes the signal), then asks
 * every running sandbox to stop (sandbox_interrupt(), async-signal-safe:
 * the program is killed, the result is IE), so Python raises
 * KeyboardInterrupt when run() returns. Signals left at SIG_DFL or SIG_IGN are not touched.
 *
 * The running sandboxes are kept in a fixed table of atomic slots the
 * handler can read without locks; leaving waits until no handler is
 * reading the table, so a sandbox is never interrupted after its run.
 */
#include "sbpy.h"

#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#define SLOTS 1024

static _Atomic(sandbox_t *) slots[SLOTS];
static atomic_int in_handler;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int running; /* runs in progress, under lock */

static const int sigs[] = { SIGINT, SIGTERM, SIGQUIT };
#define NSIGS (sizeof(sigs) / sizeof(sigs[0]))
static struct sigaction saved[NSIGS];
static bool installed[NSIGS];

static int index_of(int sig)
{
	for (size_t i = 0; i < NSIGS; i++)
		if (sigs[i] == sig)
			return (int)i;
	return -1;
}

/* The previous handler first (Python sets its flag), then the runs are
 * ended: a run cannot return before the flag its caller checks is set. */
static void on_signal(int sig, siginfo_t *info, void *uctx)
{
	int i = index_of(sig);
	if (i >= 0) {
		const struct sigaction *old = &saved[i];
		if (old->sa_flags & SA_SIGINFO) {
			if (old->sa_sigaction)
				old->sa_sigaction(sig, info, uctx);
		} else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN &&
		           old->sa_handler) {
			old->sa_handler(sig);
		}
	}
	atomic_fetch_add(&in_handler, 1);
	for (size_t s = 0; s < SLOTS; s++) {
		sandbox_t *sb = atomic_load(&slots[s]);
		if (sb)
			sandbox_interrupt(sb, sig);
	}
	atomic_fetch_sub(&in_handler, 1);
}

static void install(void)
{
	for (size_t i = 0; i < NSIGS; i++) {
		struct sigaction cur, mine;
		installed[i] = false;
		if (sigaction(sigs[i], NULL, &cur) < 0)
			continue;
		if (!(cur.sa_flags & SA_SIGINFO) &&
		    (cur.sa_handler == SIG_DFL || cur.sa_handler == SIG_IGN))
			continue;
		memset(&mine, 0, sizeof(mine));
		mine.sa_sigaction = on_signal;
		mine.sa_flags = SA_SIGINFO | (cur.sa_flags & (SA_ONSTACK | SA_RESTART));
		mine.sa_mask = cur.sa_mask;
		saved[i] = cur;
		if (sigaction(sigs[i], &mine, NULL) == 0)
			installed[i] = true;
	}
}

static void uninstall(void)
{
	for (size_t i = 0; i < NSIGS; i++) {
		struct sigaction cur;
		if (!installed[i])
			continue;
		installed[i] = false;
		/* Someone (signal.signal()) replaced ours meanwhile: keep theirs. */
		if (sigaction(sigs[i], NULL, &cur) == 0 &&
		    (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_signal)
			sigaction(sigs[i], &saved[i], NULL);
	}
}

/* The test suite's way into the moment just before a run's handler is
 * installed (test_modern.py, TestInterrupt): after
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

void sbpy_interrupt_enter(sandbox_t *sb)
{
	for (size_t s = 0; s < SLOTS; s++) {
		sandbox_t *expected = NULL;
		if (atomic_compare_exchange_strong(&slots[s], &expected, sb))
			break;
	}
	pthread_mutex_lock(&lock);
	if (running++ == 0)
		install();
	pthread_mutex_unlock(&lock);
}

void sbpy_interrupt_leave(sandbox_t *sb)
{
	pthread_mutex_lock(&lock);
	if (--running == 0)
		uninstall();
	pthread_mutex_unlock(&lock);
	for (size_t s = 0; s < SLOTS; s++) {
		sandbox_t *expected = sb;
		if (atomic_compare_exchange_strong(&slots[s], &expected, NULL))
			break;
	}
	while (atomic_load(&in_handler) > 0)
		sched_yield();
}
