/*
 * sandbox-run --trace: an event hook that prints each event the supervisor
 * sees, with what the policy decided, one line each (strace-like text, or
 * one JSON object per line).
 */
#ifndef SANDBOX_RUN_TRACE_H
#define SANDBOX_RUN_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "sandbox.h"

/* Watch the runs of sb through its event hook (sandbox_set_event_hook):
 * an observer beside the policy, which decides exactly as it would without
 * --trace. Lines go to `out` (not closed), as text or, with `json`, one
 * JSON object per line. Returns 0 or a negative errno; free the handle
 * with sr_trace_free() once sb is destroyed. */
struct sr_trace;
int sr_trace_attach(sandbox_t *sb, FILE *out, int mode, bool json,
                    struct sr_trace **handle);
void sr_trace_free(struct sr_trace *t);

/* After the run: print what is still pending (a syscall that never
 * returned: exit_group). */
void sr_trace_finish(struct sr_trace *t, const sandbox_stat_t *st);

#endif /* SANDBOX_RUN_TRACE_H */
