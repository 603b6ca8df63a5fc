/*
 * api/: the facade. The only files that export symbols (every one of them
 * is declared in sandbox.h and listed in libsandbox.sym); they check the
 * arguments and the status machine and call the layers below. Not
 * installed.
 *
 *   sandbox.c    the sandbox object: life cycle, configuration, check,
 *                execute, results, capture, signals
 *   interact.c   interactive judging: a program wired to an interactor
 *   isolation.c  the isolation setters and figures, the host probe
 *   diag.c       backtraces, ELF facts, profiles
 *   sources.c    policies by name, from files and from modules
 *   policy.c     building a policy rule by rule (what built-ins, modules
 *                and hosts call)
 *   event.c      what a policy callback may call about its event
 *   names.c      version, names and texts
 *
 * libsandbox/LAYERS explains why policy.c, event.c and names.c rank below
 * the built-in policies and the others above.
 */
#ifndef LIBSANDBOX_API_H
#define LIBSANDBOX_API_H

#include "core/core.h"

#include <errno.h>

#define SB_EXPORT __attribute__((visibility("default")))

/* Every setter starts here: -EINVAL for no sandbox, -EBUSY while it is
 * executing; configuration changed after sandbox_check() needs a new
 * check, so RDY goes back to PRE (sandbox.h, "All setters").
 *
 * What the check keeps between runs and what it is keyed on:
 *   - the compiled policy (core/run.c, compile_policy): the policy and
 *     its generation, and each option it was compiled with, compared
 *     one by one at every check;
 *   - the file rules' Landlock ruleset (core/confine.c, build_landlock):
 *     the policy and its generation, the working directory, the
 *     identity of every file it names (a stat each), its socket answer
 *     and Landlock version, and `config_gen` for the rest of what
 *     fill() reads -- argv (the program, read-args), the working
 *     directory and chroot setters, the isolation (a root of its own).
 * sb_api_begin_set() bumps config_gen: the default for a setter.
 * sb_api_begin_run_set() does not: only for a setter whose value neither
 * cache reads except through its own key (quotas and the memory mode
 * reach the compiled policy's options, compared there; streams,
 * capture, mode, environment, umask, hooks, CPUs are read by the run
 * alone). A batch job or a Python Box.run() that sets its input and its
 * quotas then keeps the ruleset. */
static inline int sb_api_begin_run_set(sandbox_t *sb)
{
	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	if (sb->status == S_STATUS_RDY)
		sb->status = S_STATUS_PRE;
	return 0;
}

static inline int sb_api_begin_set(sandbox_t *sb)
{
	int rc = sb_api_begin_run_set(sb);

	if (rc == 0)
		sb->config_gen++; /* what was built for the old one is stale */
	return rc;
}

#endif /* LIBSANDBOX_API_H */
