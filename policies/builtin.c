/*
 * The table of built-in policies, the public calls that list and
 * instantiate them, and the small helpers the built-ins share.
 */
#include "config.h"
#include "../libsandbox/core/core.h"
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const struct sb_builtin sb_builtins[] = {
	{ "default",
	  "online judge, compiled C/C++: start, read input, allocate, write output",
	  sb_policy_default },
	{ "minimal",
	  "exit, read/write on open descriptors, and what a static program needs to start",
	  sb_policy_minimal },
	{ "io-heavy",
	  "minimal + file operations (open, stat, directories, rename, unlink)",
	  sb_policy_io_heavy },
	{ "compute",
	  "minimal + memory management (mmap, mremap, madvise), time, futex",
	  sb_policy_compute },
	{ "network",
	  "minimal + memory + sockets (TCP/UDP/Unix), poll/epoll/select",
	  sb_policy_network },
	{ "python3",
	  "CPython 3 script: stdlib read-only, writes in the working directory, no subprocesses",
	  sb_policy_python3 },
	{ "unrestricted",
	  "every known syscall traced and logged to stderr, nothing denied (debugging)",
	  sb_policy_unrestricted },
	{ NULL, NULL, NULL },
};

SB_EXPORT const char *const *sandbox_policy_list(void)
{
	static const char *names[SB_ARRAY_SIZE(sb_builtins)];
	/* Filled on every call with the same values: no race that matters,
	 * and no initialisation order to get wrong. */
	for (size_t i = 0; i < SB_ARRAY_SIZE(sb_builtins); i++)
		names[i] = sb_builtins[i].name;
	return names;
}

const struct sb_builtin *sb_builtin_find(const char *name)
{
	for (const struct sb_builtin *b = sb_builtins; name && b->name; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

SB_EXPORT const char *sandbox_policy_describe(const char *name)
{
	const struct sb_builtin *b = sb_builtin_find(name);
	return b ? b->description : NULL;
}

SB_EXPORT sandbox_policy_t *sandbox_policy_builtin(const char *name)
{
	const struct sb_builtin *b = sb_builtin_find(name);
	if (!b) {
		errno = ENOENT;
		return NULL;
	}
	sandbox_policy_t *p = sandbox_policy_new();
	if (!p)
		return NULL;
	int rc = b->build(p);
	if (rc < 0) {
		sandbox_policy_unref(p);
		errno = -rc;
		return NULL;
	}
	return p;
}

int sb_policy_allow_names(sandbox_policy_t *p, const char *const *names,
                          const char **bad)
{
	for (; *names; names++) {
		int rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *names,
		                                      S_DISP_ALLOW, 0, NULL, 0);
		if (rc < 0) {
			if (bad)
				*bad = *names;
			return rc;
		}
	}
	return 0;
}

int sb_policy_names(sandbox_policy_t *p, const char *const *names, int disp,
                    int err)
{
	for (; *names; names++) {
		int rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *names,
		                                      disp, err, NULL, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int sb_policy_cond1(sandbox_policy_t *p, const char *name, int disp, int err,
                    unsigned arg, int op, uint64_t a, uint64_t b)
{
	sandbox_cond_t c = { .arg = arg, .op = op, .a = a, .b = b };
	return sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, name, disp,
	                                    err, &c, 1);
}

void sb_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
