/*
 * sandbox-run: what is said about a run -- the JSON report, the
 * isolate-style meta file, the summary line and the exit status.
 * Nothing here runs anything; every writer takes a FILE.
 */
#ifndef SANDBOX_RUN_REPORT_H
#define SANDBOX_RUN_REPORT_H

#include <stdio.h>

#include "sandbox.h"
#include "args.h"

/* Everything known about one run. */
struct sr_outcome {
	const struct sr_options *opt;
	/* 0 when sandbox_execute() reached a verdict, else its negative
	 * errno (no verdict: st.result is S_RESULT_PD). */
	int exec_rc;
	const char *failed_step; /* sandbox_failed_step() when exec_rc < 0 */
	sandbox_stat_t st;
	int64_t captured_stdout; /* bytes captured, or -1 */
};

/* Exit status of sandbox-run for this outcome: 0 OK, 1 another verdict on
 * the program, 2 no verdict (IE, BP, PD, interrupted, execute error). */
int sr_exit_status(const struct sr_outcome *r);

/* "SIGSEGV", "SIGRTMIN+3"; "SIG<n>" for anything else. Returns buf. */
const char *sr_signal_name(int sig, char *buf, size_t len);

/* One JSON object, then a newline. Returns 0 or -EIO. */
int sr_write_json(FILE *f, const struct sr_outcome *r);
/* isolate meta lines. Returns 0 or -EIO. */
int sr_write_meta(FILE *f, const struct sr_outcome *r);
/* The summary line ("sandbox-run: OK (exited 0) cpu 0.003s ..."). */
void sr_write_summary(FILE *f, const struct sr_outcome *r);

/* Write a file through `fn` atomically: a temporary file in the same
 * directory, renamed over `path` once complete (mode 0666 & ~umask).
 * "-" writes to standard output; a path naming something that is not a
 * regular file (a FIFO, /dev/stderr) is written in place. Returns 0 or a
 * negative errno with a message in err. */
typedef int (*sr_writer_fn)(FILE *f, const struct sr_outcome *r);
int sr_write_file(const char *path, sr_writer_fn fn,
                  const struct sr_outcome *r, char *err, size_t errlen);

#endif /* SANDBOX_RUN_REPORT_H */
