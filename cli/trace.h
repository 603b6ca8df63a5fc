/*
 * sandbox-run --trace: a policy callback that prints each event it sees,
 * one line each, and then lets the policy's table decide.
 */
#ifndef SANDBOX_RUN_TRACE_H
#define SANDBOX_RUN_TRACE_H

#include <stdio.h>

#include "sandbox.h"

/* Put the tracing callback on policy p (a fresh sandbox_policy_builtin()
 * copy). Lines go to `out` (not closed). The state is freed with the
 * policy. Returns 0 or a negative errno.
 *
 * The public API gives no way to call the callback a built-in policy
 * installed, so the tracer cannot chain it: for syscalls whose table
 * disposition is TRACE (the ones the built-in callback would judge) the
 * trace answers DENY with EPERM -- never looser than the policy -- and
 * marks the line "[denied: traced policy]". */
int sr_trace_attach(sandbox_policy_t *p, FILE *out, int mode);

#endif /* SANDBOX_RUN_TRACE_H */
