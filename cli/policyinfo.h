/*
 * sandbox-run: what a policy's rule table lets a program do, as the tool
 * says it (--list-policies, --explain-policy, the run's hint).
 */
#ifndef SANDBOX_RUN_POLICYINFO_H
#define SANDBOX_RUN_POLICYINFO_H

#include <stdbool.h>

#include "sandbox.h"

/* Can a dynamically linked program start under `p`? The dynamic loader's
 * own calls (access to /etc/ld.so.preload, openat of the cache and the
 * libraries, read, pread64, fstat, close, mmap of their segments,
 * mprotect) are put to the rule table: one the table kills, or refuses
 * where the loader cannot do without it, means only static programs start.
 * A call the table sends to the policy's callback (TRACE) counts as
 * allowed: the callback decides by path, and the loader's paths are the
 * ones every policy that starts dynamic programs allows. */
bool sr_policy_starts_dynamic(const sandbox_policy_t *p);

#endif /* SANDBOX_RUN_POLICYINFO_H */
