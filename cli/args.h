/*
 * sandbox-run: command-line parsing.
 *
 * Everything here is pure (no program is run, nothing is written) so that
 * tests/check_cli_args.c can drive it table by table. Every function that
 * can fail writes a one-line message (no trailing newline, no program name)
 * into the caller's err buffer and returns a negative errno value; none of
 * them prints or exits.
 */
#ifndef SANDBOX_RUN_ARGS_H
#define SANDBOX_RUN_ARGS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the invocation asks for. */
enum sr_action {
	SR_RUN = 0,        /* run PROGRAM */
	SR_HELP,           /* --help */
	SR_VERSION,        /* --version */
	SR_LIST_POLICIES,  /* --list-policies */
	SR_EXPLAIN_POLICY, /* --explain-policy=NAME */
	SR_CHECK,          /* --check */
};

/* The environment a program gets when neither --env-inherit nor an --env
 * entry for PATH says otherwise. */
#define SR_DEFAULT_PATH "PATH=/usr/bin:/bin"

/* Used to look PROGRAM up when the caller's PATH is unset (the value of
 * confstr(_CS_PATH) on glibc, plus /usr/local/bin as a shell has it). */
#define SR_FALLBACK_PATH "/usr/local/bin:/usr/bin:/bin"

#define SR_MAX_ENV 256

struct sr_options {
	enum sr_action action;

	/* Quotas; SANDBOX_UNLIMITED when not given. */
	uint64_t cpu_ms, wall_ms;
	uint64_t memory_bytes, output_bytes;
	int memory_mode;            /* sandbox_memory_mode_t */
	int mode;                   /* sandbox_mode_t */

	const char *policy;         /* built-in policy name ("default") */
	const char *explain;        /* --explain-policy */

	const char *stdio[3];       /* --stdin/--stdout/--stderr, or NULL */
	const char *report;         /* --report ("-" = stdout), or NULL */
	const char *meta;           /* --meta, or NULL */
	const char *trace_file;     /* --trace-file, or NULL (stderr) */
	bool trace, quiet;

	const char *workdir;        /* --chdir */
	const char *chroot;         /* --chroot */
	const char *user, *group;   /* as given */
	bool set_uid, set_gid;      /* resolved by sr_resolve_credentials */
	uid_t uid;
	gid_t gid;

	const char *env[SR_MAX_ENV];/* --env entries, in order */
	size_t nenv;
	bool env_inherit;

	/* PROGRAM [ARG...]: points into the argv given to sr_parse_args. */
	char **argv;
	int argc;
	/* PROGRAM after the PATH look-up (sr_find_program). */
	char program[PATH_MAX];
};

/* Set every field to its default (no quotas, policy "default", fast mode,
 * vsize memory mode, streams inherited). */
void sr_options_init(struct sr_options *o);

/* TIME: seconds as a decimal ("1", "0.5", "2.250") or a number with a unit
 * "ms", "s", "m" or "h" ("1500ms", "2s", "1.5m"). Converted exactly (no
 * floating point) to milliseconds; a value that is not a whole number of
 * milliseconds ("0.0005", "1.5ms") is an error, and so are 0, a sign, a
 * space, an empty string, a missing digit on either side of the point
 * ("1.", ".5"), a second point, an unknown unit and anything that does
 * not fit in 64 bits. "unlimited" gives SANDBOX_UNLIMITED. */
int sr_parse_time_ms(const char *s, uint64_t *ms, char *err, size_t errlen);

/* SIZE: bytes ("1048576"), or a number with K, M, G or T (powers of 1024,
 * either case, optionally followed by "iB" or "B": "64M", "64MiB", "1.5G"
 * as long as the result is a whole number of bytes). 0 is accepted here
 * (callers refuse it where it makes no sense). "unlimited" gives
 * SANDBOX_UNLIMITED. */
int sr_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);

/* Parse argv. On success returns 0 and fills *o; when the action is
 * SR_RUN, o->argv/o->argc hold PROGRAM and its arguments (not yet looked
 * up). On a usage error returns -EINVAL with the message in err.
 * getopt_long state is reset on every call; nothing is printed. */
int sr_parse_args(int argc, char **argv, struct sr_options *o, char *err,
                  size_t errlen);

/* Look `name` up like a shell: a name containing '/' is used as is; else
 * every directory of `path` (colon separated, an empty entry being the
 * current directory; SR_FALLBACK_PATH when `path` is NULL) is tried in
 * order and the first regular file executable by the caller wins. With
 * `root` (a --chroot directory) the directories are taken inside it and
 * `out` gets the path as the program will see it. Returns 0, -ENOENT (not
 * found), -EACCES (found but not executable), -ENAMETOOLONG. */
int sr_find_program(const char *name, const char *path, const char *root,
                    char *out, size_t outlen, char *err, size_t errlen);

/* Resolve --user / --group into o->uid / o->gid (names through
 * getpwnam/getgrnam, or decimal ids). --user without --group takes the
 * user's primary group (a numeric uid without a passwd entry then needs
 * --group). Returns 0 or -EINVAL / -ENOENT with a message. */
int sr_resolve_credentials(struct sr_options *o, char *err, size_t errlen);

/* The checks done before anything runs: stdin readable, stdout/stderr,
 * report, meta and trace files creatable or writable, --chdir/--chroot
 * directories. Returns 0 or a negative errno with a message. */
int sr_check_paths(const struct sr_options *o, char *err, size_t errlen);

/* The --help text. */
extern const char sr_usage_text[];

#endif /* SANDBOX_RUN_ARGS_H */
