/*
 * sandbox-run --batch: one job line (a JSON object) parsed into what the
 * run needs. Pure: nothing is opened or run, so tests/check_cli_batch.c
 * drives it table by table. See sandbox-run(1), BATCH MODE:
 *
 *   {"id": "t1", "argv": ["./sol", "x"], "stdin": "1.in",
 *    "stdout": "1.out", "stderr": "1.err", "stderr_to_stdout": false,
 *    "cpu_ms": 1000, "wall_ms": 3000, "memory_bytes": 268435456,
 *    "output_bytes": 1048576, "stack_bytes": 8388608}
 *
 * Every key is optional; an unknown or repeated key, a value of the wrong
 * type or range, and anything but one object on the line are errors. The
 * reader is strict JSON (RFC 8259) except that bytes >= 0x80 in strings
 * are taken as they are (file names are bytes); it never recurses.
 */
#ifndef SANDBOX_RUN_JOBS_H
#define SANDBOX_RUN_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest job line read; a longer one is an error line. */
#define SR_JOB_LINE_MAX (1u << 20)
/* The longest id echoed in the report. */
#define SR_JOB_ID_MAX 256

struct sr_job {
	/* "id": a string or an integer, echoed in the report; has_id false
	 * when absent. id_is_number: it was an integer (id holds its
	 * digits). */
	bool has_id, id_is_number;
	char id[SR_JOB_ID_MAX + 1];
	/* "argv": NULL when absent (the command line's PROGRAM runs). */
	char **argv;
	int argc;
	/* "stdin", "stdout", "stderr": NULL when absent (/dev/null). */
	const char *stdio[3];
	bool stderr_to_stdout;
	/* Quotas: SANDBOX_UNLIMITED when absent (the command line's). */
	uint64_t cpu_ms, wall_ms, memory_bytes, output_bytes, stack_bytes;
	/* The decoded strings and argv live here (owned). */
	char *store;
	char **argv_store;
};

/* Parse line[0..len) (no newline; it may hold NUL bytes, which are an
 * error) into *job, which the caller frees with sr_job_free() whatever
 * the result. Returns 0, or -EINVAL (malformed, with a one-line message
 * in err) or -ENOMEM. */
int sr_job_parse(const char *line, size_t len, struct sr_job *job, char *err,
                 size_t errlen);
void sr_job_free(struct sr_job *job);

/* Is the line only blank (spaces, tabs, a carriage return)? Such lines are
 * skipped, not jobs. */
bool sr_job_blank(const char *line, size_t len);

#endif /* SANDBOX_RUN_JOBS_H */
