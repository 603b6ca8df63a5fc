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
	const sandbox_t *sb;     /* the sandbox, for the SVG writer */
	const char *label;       /* summary: "program" in an interaction */
	/* 0 when sandbox_execute() reached a verdict, else its negative
	 * errno (no verdict: st.result is S_RESULT_PD). */
	int exec_rc;
	const char *failed_step; /* sandbox_failed_step() when exec_rc < 0 */
	sandbox_stat_t st;
	int memory_mode;         /* in effect: --memory-mode, else the
	                          * policy's preference, else vsize */
	int64_t captured_stdout; /* bytes captured, or -1 */

	/* sandbox_get_binary_info(); have_binary false when unknown. */
	bool have_binary;
	sandbox_binary_info_t binary;

	/* --backtrace: the frames of the last backtrace (nframes 0: none). */
	sandbox_backtrace_info_t bt_info;
	sandbox_frame_t *frames;
	size_t nframes;

	/* Isolation asked for (requested != 0) and what was in effect. */
	sandbox_iso_stat_t iso;

	/* --profile: the syscall counts (ncounts 0: none). */
	sandbox_syscall_count_t *counts;
	size_t ncounts;
	bool all_syscalls;

	/* --batch (batch.c): the job's line (0: not a batch) and its "id"
	 * (NULL: none; a number when batch_id_number); for a job that was
	 * not run, what the error object says instead of the errno's text. */
	long batch_line;
	const char *batch_id;
	bool batch_id_number;
	const char *error_message;
};

/* The version of the JSON report's layout (report_version). */
#define SR_REPORT_VERSION 2

/* Did the run reach a verdict? False when the program could not be
 * started (exec_rc < 0): the report then has result null and an error. */
bool sr_judged(const struct sr_outcome *r);

/* Exit status of sandbox-run for this outcome: 0 OK, 1 another verdict on
 * the program, 2 no verdict (IE, BP, PD, interrupted, execute error). */
int sr_exit_status(const struct sr_outcome *r);

/* The option behind a set-up step that failed ("chdir" -> "--chdir",
 * "id_map" -> "--ns=user"), or NULL. */
const char *sr_step_option(const char *step);

/* "SIGSEGV", "SIGRTMIN+3"; "SIG<n>" for anything else. Returns buf. */
const char *sr_signal_name(int sig, char *buf, size_t len);

/* One JSON object, then a newline. Returns 0 or -EIO. */
int sr_write_json(FILE *f, const struct sr_outcome *r);
/* The same object alone (an interaction's "program" section). */
void sr_json_report(FILE *f, const struct sr_outcome *r);

/* Pieces of JSON for other writers (interact.c). A key is written with
 * the '{' of its object when *first (then cleared), else after ", ". */
void sr_json_string(FILE *f, const char *s);
void sr_json_key(FILE *f, bool *first, const char *key);
/* An int64 figure; negative (unknown) is null. */
void sr_json_figure(FILE *f, bool *first, const char *key, int64_t v);
void sr_json_str_or_null(FILE *f, bool *first, const char *key,
                         const char *v);
/* A quota; SANDBOX_UNLIMITED is null. */
void sr_json_quota(FILE *f, bool *first, const char *key, uint64_t v);
/* A signal under `key` and its name under `key`_name (0: null). */
void sr_json_signal(FILE *f, bool *first, const char *key, int sig);
/* isolate meta lines. Returns 0 or -EIO. */
int sr_write_meta(FILE *f, const struct sr_outcome *r);
/* The summary line ("sandbox-run: OK (exited 0) cpu 0.003s ..."), then
 * the backtrace (--backtrace), one indented line per frame. */
void sr_write_summary(FILE *f, const struct sr_outcome *r);

/* The SVG picture of the profile (render.c). 0 or -errno. */
int sr_write_svg(FILE *f, const struct sr_outcome *r);

/* Name of an isolation feature bit (S_NS_* / S_ISO_*), or NULL. */
const char *sr_iso_name(unsigned bit);

#endif /* SANDBOX_RUN_REPORT_H */
