/*
 * sandbox-run: the options of interactive judging. See interact_args.h.
 */
#include "config.h"
#include "args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sandbox.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

void sr_interact_init(struct sr_interact *ia)
{
	memset(ia, 0, sizeof(*ia));
	ia->cpu_ms = ia->memory_bytes = ia->wall_ms = SANDBOX_UNLIMITED;
}

int sr_interact_option(const char *name, const char *arg,
                       struct sr_interact *ia, char *err, size_t errlen)
{
	char sub[256];
	int rc = 0;

	if (!name)
		return 1;
	if (!strcmp(name, "interactor") || !strcmp(name, "interaction-log")) {
		bool cmd = !strcmp(name, "interactor");
		if (!*arg)
			return fail(err, errlen, "--%s: empty %s", name,
			            cmd ? "command" : "file name");
		*(cmd ? &ia->command : &ia->log) = arg;
	} else if (!strcmp(name, "interactor-cpu")) {
		rc = sr_parse_time_ms(arg, &ia->cpu_ms, sub, sizeof(sub));
	} else if (!strcmp(name, "interactor-wall")) {
		rc = sr_parse_time_ms(arg, &ia->wall_ms, sub, sizeof(sub));
	} else if (!strcmp(name, "interactor-memory")) {
		rc = sr_parse_size(arg, &ia->memory_bytes, sub, sizeof(sub));
		if (rc == 0 && ia->memory_bytes == 0)
			return fail(err, errlen, "--%s: SIZE must be positive", name);
	} else if (!strcmp(name, "interactor-user")) {
		if (!*arg)
			return fail(err, errlen, "--%s: empty user", name);
		ia->user = arg;
	} else if (!strcmp(name, "interactor-policy")) {
		rc = sr_check_policy_spec(arg, sub, sizeof(sub));
		ia->policy = arg;
	} else {
		return 1;
	}
	if (rc < 0)
		return fail(err, errlen, "--%s: %s", name, sub);
	return 0;
}

int sr_interact_split(struct sr_interact *ia, int argc, char **argv,
                      int *optind, char *err, size_t errlen)
{
	int i = *optind;

	if (!ia->command)
		return 0;
	/* getopt ate a `--` right after the options: no ARGs. */
	if (i > 0 && i <= argc && !strcmp(argv[i - 1], "--"))
		return 0;
	int end = i;
	while (end < argc && strcmp(argv[end], "--") != 0)
		end++;
	if (end == argc)
		return fail(err, errlen, "--interactor: end the interactor's "
		            "arguments with '--' before PROGRAM (sandbox-run "
		            "--interactor=CMD [ARG...] -- PROGRAM [ARG...])");
	ia->argv = argv + i;
	ia->argc = end - i;
	*optind = end + 1;
	return 0;
}

int sr_interact_check(const struct sr_options *o, uid_t euid, char *err,
                      size_t errlen)
{
	const struct sr_interact *ia = &o->ia;

	if (!ia->command) {
		const char *which = ia->policy ? "--interactor-policy"
		                  : ia->cpu_ms != SANDBOX_UNLIMITED ? "--interactor-cpu"
		                  : ia->memory_bytes != SANDBOX_UNLIMITED
		                  ? "--interactor-memory"
		                  : ia->wall_ms != SANDBOX_UNLIMITED ? "--interactor-wall"
		                  : ia->user ? "--interactor-user"
		                  : ia->log ? "--interaction-log" : NULL;
		if (which)
			return fail(err, errlen, "%s needs --interactor", which);
		return 0;
	}
	if (o->batch)
		return fail(err, errlen, "--interactor and --batch exclude each "
		            "other (one interactive test per sandbox-run)");
	if (o->wall_ms == SANDBOX_UNLIMITED)
		return fail(err, errlen, "--interactor needs --wall: a program and "
		            "an interactor waiting for each other are only ended "
		            "by the wall-clock quota");
	if (o->stdio[0] || o->stdio[1] || o->stderr_to_stdout)
		return fail(err, errlen, "--interactor and --%s exclude each other: "
		            "the program's standard input and output are the "
		            "interactor's", o->stdio[0] ? "stdin"
		            : o->stdio[1] ? "stdout" : "stderr-to-stdout");
	if (!ia->policy && ia->user)
		return fail(err, errlen, "--interactor-user needs "
		            "--interactor-policy (without a sandbox the "
		            "interactor runs as sandbox-run does)");
	/* As --user: only root can give a process another user (without
	 * root the set-up failed at run time, JF "setgroups: Operation not
	 * permitted", verify23 V5). */
	if (ia->user && euid != 0) {
		fail(err, errlen, "--interactor-user needs root (sandbox-run "
		     "runs as uid %u, and so does the sandboxed interactor "
		     "without it)", (unsigned)euid);
		return -EPERM;
	}
	if (!ia->policy && (ia->cpu_ms != SANDBOX_UNLIMITED ||
	                    ia->memory_bytes != SANDBOX_UNLIMITED))
		return fail(err, errlen, "--interactor-%s needs --interactor-policy "
		            "(quotas need a sandbox; without one the interactor "
		            "runs unsupervised, bounded by --interactor-wall)",
		            ia->cpu_ms != SANDBOX_UNLIMITED ? "cpu" : "memory");
	return 0;
}
