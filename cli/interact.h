/*
 * sandbox-run: an interactive run (--interactor): the interactor's side,
 * the run through sandbox_interaction_run(), its report, its summary and
 * its exit status. The options are interact_args.c's; the program's side
 * is configured by sandbox-run.c as for any run.
 *
 *   sr_interact_prepare()  before anything is created: CMD looked up in
 *                          sandbox-run's PATH, the interactor's sandbox
 *                          configured and checked (--interactor-policy)
 *   sr_interact_execute()  run the program wired to it
 *   sr_interact_write_json(), sr_interact_summary(),
 *   sr_interact_exit_status()   what is said about it
 */
#ifndef SANDBOX_RUN_INTERACT_H
#define SANDBOX_RUN_INTERACT_H

#include <stdbool.h>
#include <stdio.h>

#include "sandbox.h"
#include "args.h"
#include "report.h"

/* Everything known about one interactive run. */
struct sr_interact_outcome {
	const struct sr_outcome *program; /* the program's own (report.h) */
	const struct sr_options *opt;
	int rc;                  /* sandbox_interaction_run() */
	const char *failed_step; /* the interactor command's start, or NULL */
	sandbox_interaction_stat_t st;
	bool sandboxed;          /* the interactor ran in a sandbox */
	sandbox_stat_t ist;      /* then its own figures */
	const char *ifailed;     /* and its set-up step that failed, or NULL */
	uint64_t iwall_ms;       /* its wall-clock bound */
	bool refused;            /* refused before anything ran: why is the
	                          * program's failed_step and error_message */
};

struct sr_interact_run;

/* 0, or -errno with a message in err (nothing created). */
int sr_interact_prepare(struct sr_options *o, struct sr_interact_run **out,
                        char *err, size_t errlen);
/* Run the program's sandbox `sb` (configured and checked) wired to the
 * interactor; log_fd: the transcript or -1. Fills *out (out->program is
 * the caller's to set). Returns out->rc. */
int sr_interact_execute(struct sr_interact_run *ir, sandbox_t *sb, int log_fd,
                        struct sr_interact_outcome *out);
void sr_interact_free(struct sr_interact_run *ir);
/* Fill *out for a run refused before anything ran (sandbox-run.c's
 * refused()): `program` holds the refusal (exec_rc, failed_step, the
 * message printed); every figure of the interaction unknown. 0 or
 * -ENOMEM. */
int sr_interact_refused(const struct sr_options *o,
                        const struct sr_outcome *program,
                        struct sr_interact_outcome *out);

/* 0 accepted (OK), 1 any other verdict on the program (WA, PE, PT, TL,
 * ML, RF, RT, OL, AT), 2 no verdict or not the program's fault (JF, IE,
 * BP, could not run). */
int sr_interact_exit_status(const struct sr_interact_outcome *r);
/* The report: the combined verdict, the interaction's figures, the
 * program's report (as a plain run's) and the interactor's side; then a
 * newline. 0 or -EIO. */
int sr_interact_write_json(FILE *f, const struct sr_interact_outcome *r);
/* The combined line, then the program's summary. */
void sr_interact_summary(FILE *f, const struct sr_interact_outcome *r);

#endif /* SANDBOX_RUN_INTERACT_H */
