/*
 * sandbox-run --trace: a policy callback that prints each event it sees,
 * one line each (strace-like text, or one JSON object per line), and then
 * lets the policy's table decide.
 */
#ifndef SANDBOX_RUN_TRACE_H
#define SANDBOX_RUN_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "sandbox.h"

/* Put the tracing callback on policy p (a freshly loaded policy). Lines go
 * to `out` (not closed), as text or, with `json`, one JSON object per
 * line. The state is freed with the policy. Returns 0 or a negative
 * errno.
 *
 * The public API gives no way to call a callback the policy already has
 * (the built-in ones judge their TRACE syscalls in it: paths of openat,
 * ...), so the tracer cannot chain it: for syscalls whose table
 * disposition is TRACE it answers DENY with EPERM -- never looser than
 * the policy -- and says so on the line ("[denied: --trace]"). */
struct sr_trace;
int sr_trace_attach(sandbox_policy_t *p, FILE *out, int mode, bool json,
                    struct sr_trace **handle);

/* After the run: print what is still pending (a syscall that never
 * returned: exit_group) and the end of the program from its statistics
 * (the library does not pass S_EVENT_EXIT to callbacks). Call before the
 * policy is released. */
void sr_trace_finish(struct sr_trace *t, const sandbox_stat_t *st);

#endif /* SANDBOX_RUN_TRACE_H */
