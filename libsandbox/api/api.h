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
 * check, so RDY goes back to PRE (sandbox.h, "All setters"). */
static inline int sb_api_begin_set(sandbox_t *sb)
{
	if (!sb)
		return -EINVAL;
	if (sb->status == S_STATUS_EXE || sb->status == S_STATUS_BLK)
		return -EBUSY;
	if (sb->status == S_STATUS_RDY)
		sb->status = S_STATUS_PRE;
	sb->config_gen++; /* what was built for the old one is stale */
	return 0;
}

#endif /* LIBSANDBOX_API_H */
