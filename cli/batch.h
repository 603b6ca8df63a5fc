/*
 * sandbox-run --batch: a test set in one process. One job per line on
 * standard input (a JSON object: jobs.h), one report per line on standard
 * output -- the report of a single run, with the job's "id" and "line" --
 * written and flushed when the job ends; one sandbox, configured once from
 * the command line, reused for every job (sandbox_reset, then what the job
 * changes of its program, streams and quotas: a setter is called only for
 * what differs from the job before, as every setter makes the library
 * build its run again -- the file rules' Landlock ruleset). See
 * sandbox-run(1), BATCH MODE.
 *
 *   - A line that is not a job, or whose program or files cannot be used,
 *     gets a report with result null and an error; the batch goes on.
 *   - Every run has a wall-clock quota (--batch needs --wall): a program
 *     that never ends cannot stall the batch.
 *   - The program never sees the batch's own streams: its stdin, stdout
 *     and stderr are the job's files or /dev/null, and a job file that is
 *     the batch's input or report stream is refused before it is opened
 *     for writing.
 *   - SIGTERM, SIGINT, SIGQUIT, SIGHUP: the running job ends with IE (interrupted),
 *     its report is written, and the batch stops; between jobs it stops at
 *     once. A report stream that cannot be written (a reader gone: EPIPE)
 *     stops it too.
 * Exit status: 0 when every line was read and answered, 2 when the batch
 * could not start or was stopped early.
 */
#ifndef SANDBOX_RUN_BATCH_H
#define SANDBOX_RUN_BATCH_H

#include "sandbox.h"
#include "args.h"
#include "report.h"

/* What sandbox-run.c lends the batch: making the configured sandbox (the
 * options' checks, policy, isolation, environment; messages printed) and
 * reading a finished run into an outcome. */
struct sr_batch_ops {
	int (*prepare)(void *ctx, sandbox_t **sb);
	void (*collect)(void *ctx, sandbox_t *sb, const struct sr_options *o,
	                struct sr_outcome *out);
	void (*release)(void *ctx, struct sr_outcome *out);
	void *ctx;
};

/* Run the batch; returns the exit status. */
int sr_batch_main(const struct sr_options *o, const struct sr_batch_ops *ops);

#endif /* SANDBOX_RUN_BATCH_H */
