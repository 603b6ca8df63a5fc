/*
 * Shared helpers of the Check suites. Every suite file defines
 * tu_suite() and links testutil.c, whose main() probes the host, runs the
 * suite in Check's fork mode and maps the outcome to automake's exit codes
 * (0 pass, 1 fail, 77 skip, 99 hard error).
 *
 * Test programs live in PROGS_DIR (set by tests/local.mk).
 */
#ifndef LIBSANDBOX_TESTUTIL_H
#define LIBSANDBOX_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "sandbox.h"

#ifndef PROGS_DIR
#error "PROGS_DIR must be defined (tests/local.mk)"
#endif

/* Defined by each suite file. */
Suite *tu_suite(void);

/* Absolute path of test program `name` (static storage, one per call
 * site is not needed: returns a fresh strdup'ed string the caller may
 * leak; tests are short-lived). */
const char *tu_prog(const char *name);

/* New sandbox running test program `name` with the NULL-terminated extra
 * arguments. Fails the test if sandbox_new() fails. Output streams are
 * sent to /dev/null unless the test changes them. */
sandbox_t *tu_sandbox(const char *name, ...) __attribute__((sentinel));

/* Inside a box root the test programs are at TU_BOX_PROGS, PROGS_DIR
 * bound there read-only -- never at PROGS_DIR itself: that path is
 * wherever the tree is, perhaps under /tmp, which a box root makes its
 * own writable space and where sandbox_add_dir() refuses a directory
 * (a clean clone may live anywhere). */
#define TU_BOX_PROGS "/progs"
/* sandbox_add_dir(TU_BOX_PROGS, PROGS_DIR, read-only). */
void tu_bind_progs(sandbox_t *sb);
/* Path of test program `name` inside a box root (fresh string). */
const char *tu_box_prog(const char *name);
/* tu_sandbox() for a box root: the program by its path inside, and
 * tu_bind_progs() done. */
sandbox_t *tu_box_sandbox(const char *name, ...) __attribute__((sentinel));

/* sandbox_execute() (asserting it returns 0), then fill *st (may be NULL)
 * and return the verdict. */
int tu_run(sandbox_t *sb, sandbox_stat_t *st);

/* Run with stdout to a temporary file: the verdict in *verdict, the
 * statistics in *st (may be NULL), what the program printed returned
 * (fresh string). */
char *tu_run_stdout(sandbox_t *sb, int *verdict, sandbox_stat_t *st);

/* Same, but on a fresh sandbox for `name` in `mode`, no extra setup. */
int tu_run_prog(int mode, sandbox_stat_t *st, const char *name, ...)
	__attribute__((sentinel));

/* A private temporary directory for this process, removed at exit. */
const char *tu_tmpdir(void);
/* Where this process's box roots make their stage directories, as the
 * library chooses (isolation/mounts.c): /run/libsandbox for root, else
 * the caller's own $XDG_RUNTIME_DIR, else /tmp. */
const char *tu_stage_dir(void);
/* Path of `name` inside tu_tmpdir() (fresh string). */
char *tu_tmpfile(const char *name);
/* Whole content of a file as a NUL-terminated string (fresh), or NULL. */
char *tu_slurp(const char *path);
/* The text tests/progs/both N writes on stdout and stderr, in the order
 * written: "out 000000\nerr 000000\nout 000001\n..." (fresh string). */
char *tu_both_text(long n);
/* mkdir(path) writable by every user: a root supervisor's program runs as
 * a run slot's uid of its own (sandbox_set_box_id). */
void tu_mkdir_shared(const char *path);
/* Write a string to a file, mode 0644. */
void tu_write_file(const char *path, const char *content);

/* Is err what the kernel answers for a file the policy's file rules do
 * not allow? EACCES with Landlock; without it (a private mount view holds
 * the rules) the file is not there or read-only: ENOENT, EROFS too. */
bool tu_file_refused(int err);
/* Does this host (as libsandbox uses it) have Landlock? */
bool tu_landlock(void);

/* Verdict names for messages. */
#define RN(r) sandbox_result_name(r)

/* Assert a verdict with a readable message (each argument evaluated once:
 * `got` may be tu_run()). */
#define ck_assert_result(got, want)                                        \
	do {                                                               \
		int tu_got_ = (got), tu_want_ = (want);                    \
		ck_assert_msg(tu_got_ == tu_want_, "verdict %s, expected %s", \
		              RN(tu_got_), RN(tu_want_));                  \
	} while (0)

/* Skip the current test with a reason: a pass in Check terms but printed;
 * turned into a failure when SANDBOX_MUST_WORK is set in the environment. */
#define tu_skip(...)                                                       \
	do {                                                               \
		if (tu_must_work())                                        \
			ck_abort_msg(__VA_ARGS__);                         \
		tu_note(__VA_ARGS__);                                      \
		return;                                                    \
	} while (0)
bool tu_must_work(void);
void tu_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Is the host process's RSS a measure of leaks? Not under AddressSanitizer:
 * its quarantine keeps freed memory resident on purpose (fds, threads and
 * children are still checked there; leaks of memory by valgrind). */
#if defined(__SANITIZE_ADDRESS__)
#define TU_RSS_IS_MEANINGFUL 0
#else
#define TU_RSS_IS_MEANINGFUL 1
#endif

/* Timeout of one test in seconds (before CK_TIMEOUT_MULTIPLIER). */
#define TU_TIMEOUT 60

/* Bounds on time that scale with the host's load. The suites run under
 * `make -j8 check` on machines of two CPUs shared with other builds, so a
 * bound on time -- how late a kill may land, how long a wait may take, a
 * wall quota that is only a safety net -- is its value on an idle host
 * times tu_load_factor(): 1 + the runnable tasks per CPU we may use (the
 * larger of the 1-minute load average and the tasks running right now,
 * both host-wide), times CK_TIMEOUT_MULTIPLIER when it is set (a host
 * declared slow, valgrind). Read afresh at each call: take it after the
 * run it bounds, when the load of the whole run is known. Never below 1,
 * at most 64. Windows that can come from a handshake (a line the program
 * writes, a pipe closed) must come from one instead. */
double tu_load_factor(void);
/* CLOCK_MONOTONIC in microseconds. */
int64_t tu_now_us(void);
int64_t tu_scale_us(int64_t us);
uint64_t tu_scale_ms(uint64_t ms);
/* The wall quota of a run that must not end by it (a safety net against a
 * hang): 20 s on an idle host. */
#define TU_NET_MS tu_scale_ms(20000)

/* Hold thread `tid` of this process -- a SIGUSR1 handler (installed here)
 * makes it wait on a pipe -- until tu_release_thread(): returns once the
 * thread is in the handler, whatever it was doing (a blocking call in
 * it resumes after, restarted). One thread at a time. A handshake that
 * stops the supervisor's thread at a point the test chooses. */
void tu_hold_thread(pid_t tid);
void tu_release_thread(void);

static inline const char *tu_mode_name(int mode)
{
	return mode == S_MODE_FAST ? "fast" : "classic";
}

#endif /* LIBSANDBOX_TESTUTIL_H */
