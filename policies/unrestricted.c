/*
 * "unrestricted": nothing is denied, everything is seen. For debugging a
 * program's syscall profile (what would a policy for it have to allow?),
 * never for untrusted code.
 *
 * What it allows, and why
 *   - every x86_64 syscall libseccomp knows: the default disposition
 *     of x86_64 is TRACE, so every call
 *     stops and the callback writes one line to the supervisor's standard
 *     error -- "unrestricted: PID ABI NAME(ARG0, ..., ARG5)" -- and lets
 *     it run. Slow by design (one ptrace stop per syscall);
 *   - files: no file rules; whatever the program's credentials reach.
 *
 * What it refuses
 *   - RF: every i386 and x32 syscall (the filter compiler cannot yet
 *     trace a whole 32-bit table: sandbox_check() fails with EINVAL);
 *   - RF: syscall numbers no ABI table knows (the engine kills those
 *     whatever the policy says: they are either garbage or a kernel newer
 *     than libseccomp, and neither can be audited).
 */
#include "config.h"
#include "builtin.h"

#include <stdio.h>
#include <unistd.h>

static void log_callback(const sandbox_event_t *ev, sandbox_action_t *act,
                         void *data)
{
	const sandbox_syscall_t *sc = &ev->syscall;
	char name[64];

	act->type = S_ACTION_CONT;
	if (ev->type != S_EVENT_SYSCALL)
		return;
	dprintf(STDERR_FILENO,
	        "unrestricted: %d %s %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx)\n",
	        (int)ev->pid, sandbox_abi_name(sc->abi),
	        sandbox_syscall_name(sc->abi, sc->nr, name, sizeof(name)),
	        (unsigned long long)sc->args[0], (unsigned long long)sc->args[1],
	        (unsigned long long)sc->args[2], (unsigned long long)sc->args[3],
	        (unsigned long long)sc->args[4], (unsigned long long)sc->args[5]);
}

int sb_policy_unrestricted(sandbox_policy_t *p)
{
	int rc = sandbox_policy_set_default(p, S_ABI_X86_64, S_DISP_TRACE, 0);
	if (rc < 0 || (rc = sandbox_policy_confine_files(p, false)) < 0)
		return rc;
	return sandbox_policy_set_callback(p, log_callback, NULL, NULL);
}
