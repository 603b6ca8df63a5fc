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

#include "interact_args.h"

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
#define SR_MAX_LIST 64  /* --dir, --env-pass, --env-strip entries */
#define SR_MAX_RLIMIT 16

/* Output formats of --trace and --profile. */
enum sr_format { SR_FMT_TEXT = 0, SR_FMT_JSON, SR_FMT_CSV };

struct sr_rlimit {
	int resource;   /* RLIMIT_* */
	uint64_t value; /* SANDBOX_UNLIMITED for "unlimited" */
};

struct sr_options {
	enum sr_action action;

	/* Quotas; SANDBOX_UNLIMITED when not given. */
	uint64_t cpu_ms, wall_ms;
	uint64_t memory_bytes, output_bytes;
	uint64_t stack_bytes;       /* --stack */
	uint64_t tasks;             /* --processes: tasks alive at once */
	int memory_mode;            /* sandbox_memory_mode_t */
	int mode;                   /* sandbox_mode_t */

	const char *policy;         /* --policy SPEC ("default") */
	const char *explain;        /* --explain-policy SPEC */

	const char *stdio[3];       /* --stdin/--stdout/--stderr, or NULL */
	bool stderr_to_stdout;      /* --stderr-to-stdout */
	const char *report;         /* --report ("-" = stdout), or NULL */
	const char *meta;           /* --meta, or NULL */
	const char *trace_file;     /* --trace-file, or NULL (stderr) */
	bool trace, quiet;
	enum sr_format trace_format; /* --trace-format=text|json */

	/* Diagnostics. */
	bool backtrace;             /* --backtrace */
	const char *profile;        /* --profile=FILE (time series) */
	enum sr_format profile_format; /* SR_FMT_CSV or SR_FMT_JSON (lines) */
	const char *profile_svg;    /* --profile-svg=FILE */
	uint64_t profile_interval_ms; /* --profile-interval (default 10) */

	/* Isolation. */
	bool ns_set;                /* --ns given (even "none") */
	unsigned ns;                /* S_NS_* mask */
	const char *hostname;       /* --hostname */
	const char *rootfs;         /* --rootfs=DIR[:rw] as given */
	const char *dirs[SR_MAX_LIST]; /* --dir specs, in order */
	size_t ndirs;
	uint64_t tmpfs_size;        /* --tmpfs-size, SANDBOX_UNLIMITED: default */
	const char *cg_parent;      /* --cg-parent */
	uint64_t cg_memory;         /* --cg-memory, SANDBOX_UNLIMITED: none */
	uint64_t cg_pids;           /* --cg-pids, SANDBOX_UNLIMITED: none */
	unsigned cg_cpu;            /* --cg-cpu percent, 0: none */
	struct sr_rlimit rlimits[SR_MAX_RLIMIT]; /* --rlimit, in order */
	size_t nrlimits;
	const char *env_pass[SR_MAX_LIST]; /* --env-pass names, split */
	size_t nenv_pass;
	const char *env_strip[SR_MAX_LIST]; /* --env-strip patterns, split */
	size_t nenv_strip;
	bool best_effort;           /* --best-effort */
	bool batch;                 /* --batch: jobs on stdin (batch.c) */
	char list_store[4096];      /* the split lists live here */
	size_t list_used;

	const char *workdir;        /* --chdir */
	const char *cpus;           /* --cpus LIST, or NULL */
	int box_id;                 /* --box-id, -1: any free run slot */
	unsigned long box_first;    /* --box-ids FIRST (uid and gid) */
	unsigned box_count;         /* --box-ids COUNT */
	bool box;                   /* --box */
	const char *copy_in[SR_MAX_LIST];  /* --copy-in specs, as given */
	size_t ncopy_in;
	const char *copy_out[SR_MAX_LIST]; /* --copy-out specs, as given */
	size_t ncopy_out;
	const char *chroot;         /* --chroot */
	const char *user, *group;   /* as given */
	bool set_uid, set_gid;      /* resolved by sr_resolve_credentials */
	uid_t uid;
	gid_t gid;

	const char *env[SR_MAX_ENV];/* --env entries, in order */
	size_t nenv;
	bool env_inherit;

	struct sr_interact ia;      /* --interactor and friends */

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

/* --ns=LIST: comma-separated pid, ipc, uts, net, mount, user, or "all",
 * or "none" alone. Stores the S_NS_* mask. */
int sr_parse_ns(const char *s, unsigned *mask, char *err, size_t errlen);

/* --rlimit=NAME=VALUE: NAME is a resource without "RLIMIT_" in either case
 * (nofile, nproc, stack, core, fsize, as, data, ...), VALUE a SIZE
 * (plain numbers for counts) or "unlimited". */
int sr_parse_rlimit(const char *s, struct sr_rlimit *rl, char *err,
                    size_t errlen);

/* A plain positive decimal integer no larger than max. */
int sr_parse_count(const char *s, uint64_t max, uint64_t *v, char *err,
                   size_t errlen);

/* Parse argv. Strings in *o point into argv, except the split --env-pass
 * and --env-strip lists, which point into o->list_store. On success returns 0 and fills *o; when the action is
 * SR_RUN, o->argv/o->argc hold PROGRAM and its arguments (not yet looked
 * up; with --batch there may be none: argc 0). On a usage error returns -EINVAL with the message in err.
 * getopt_long state is reset on every call; nothing is printed. */
int sr_parse_args(int argc, char **argv, struct sr_options *o, char *err,
                  size_t errlen);

/* The PATH the program will get, in which PROGRAM is looked up: the last
 * --env=PATH=... entry; else, with --env-inherit or --env-pass=PATH, the
 * caller's PATH (`caller`, SR_FALLBACK_PATH when it has none); else the
 * default /usr/bin:/bin. */
const char *sr_program_path(const struct sr_options *o, const char *caller);

/* Look `name` up like a shell: a name containing '/' is used as is; else
 * every directory of `path` (colon separated, an empty entry being the
 * current directory; SR_FALLBACK_PATH when `path` is NULL) is tried in
 * order and the first regular file executable by the caller wins. With a
 * `box` (options with --chroot, --rootfs or --dir) the paths are the
 * program's, found through sr_box_host_path(), relative ones from its
 * --chdir; `out` gets the path as the program will see it. Returns 0,
 * -ENOENT (not found), -EACCES (found but not executable), -ENAMETOOLONG. */
int sr_find_program(const char *name, const char *path,
                    const struct sr_options *box, char *out, size_t outlen,
                    char *err, size_t errlen);

/* `name` (PROGRAM) looked up with sr_find_program() in the program's
 * PATH (sr_program_path, the caller's PATH from the environment) and
 * through o's box; on the host with --chdir a relative result is made
 * absolute from our working directory, where it names a file. With --box,
 * a relative path names the copy of the file in /box (/box/NAME, its last
 * component: PROGRAM's copy, or a --copy-in's), a name or an absolute
 * path the program's file in the box. The path into out; 0 or the errors
 * of sr_find_program() (-ENAMETOOLONG, and -EINVAL for "./" too). */
int sr_locate_program(const struct sr_options *o, const char *name,
                      char *out, size_t outlen, char *err, size_t errlen);

/* sandbox_open_file_as() for the ids the program will have: --user's
 * (and --group's, else the user's group: o's resolved credentials), else,
 * as root, every run slot's; root's files only where it keeps root's
 * uid. */
int sr_open_file(const struct sr_options *o, const char *path, int how,
                 mode_t mode);

/* The host path of `inside`, a path as the program sees it: under the
 * --chroot or --rootfs directory, or through the --dir entries (the last
 * entry whose INSIDE holds it); the path itself without a box. -ENOENT
 * when no --dir entry holds it (or a :tmp one does), -ENAMETOOLONG. */
int sr_box_host_path(const struct sr_options *o, const char *inside,
                     char *out, size_t outlen);

/* --rootfs=DIR[:rw|:ro]: the directory into dir and whether :rw. */
int sr_rootfs_dir(const char *spec, char *dir, size_t len, bool *rw);

/* A --dir spec with a relative OUTSIDE ("/work=./work:rw") made absolute
 * from `cwd` ("/work=/home/j/work:rw"); other specs are copied. 0 or
 * -ENAMETOOLONG. */
int sr_dir_spec_absolute(const char *spec, const char *cwd, char *out,
                         size_t outlen);

/* --copy-in=HOST[:NAME] and --copy-out=NAME[:HOST]: the host path and
 * the name in /box (NAME defaults to HOST's last component, HOST to NAME
 * in the current directory). The last ':' splits a --copy-in spec, the
 * first a --copy-out one, so a host path may hold ':' when NAME is given.
 * 0, or -EINVAL (an empty part, a NAME with '/', "." or "..") or
 * -ENAMETOOLONG with a message. */
int sr_copy_spec(const char *spec, bool out, char *host, size_t hostlen,
                 char *name, size_t namelen, char *err, size_t errlen);

/* Resolve --user / --group into o->uid / o->gid (names through
 * getpwnam/getgrnam, or decimal ids). --user without --group takes the
 * user's primary group (a numeric uid without a passwd entry then needs
 * --group). Returns 0 or -EINVAL / -ENOENT with a message. */
int sr_resolve_credentials(struct sr_options *o, char *err, size_t errlen);

/* Options that contradict each other or need privilege, for a caller of
 * effective uid `euid`: --stderr with --stderr-to-stdout, more than one
 * of --report/--meta/--profile/--profile-svg writing to standard output,
 * --batch with a stream, report or trace option or without --wall,
 * --chroot with a box, --user/--group with --ns=user, and without root
 * --user/--group/--chroot, or namespaces without a user namespace. 0 or
 * -EINVAL/-EPERM with a message naming the options. */
int sr_check_options(const struct sr_options *o, uid_t euid, char *err,
                     size_t errlen);

/* --chroot and --rootfs name directories (a missing rootfs is blamed, not
 * the program), and so does --chdir when there is no root. */
int sr_check_dirs(const struct sr_options *o, char *err, size_t errlen);

/* One --dir spec: "INSIDE=OUTSIDE[:ro|:rw|:tmp]", "INSIDE:tmp", or
 * "PATH[:ro|:rw]" (INSIDE = OUTSIDE = PATH), for sandbox_add_dir(), which
 * checks the paths. Returns 0, or -EINVAL for a spec too long. */
struct sr_dir {
	char inside[4096];
	char outside[4096];
	int mode;             /* sandbox_dir_mode_t */
};
int sr_parse_dir(const char *spec, struct sr_dir *d);

/* A policy SPEC as --policy takes it: a built-in name must exist; a path
 * (with '/' or '.') is loaded later. 0 or -EINVAL with a message. */
int sr_check_policy_spec(const char *spec, char *err, size_t errlen);

/* The --help text. */
extern const char sr_usage_text[];

#endif /* SANDBOX_RUN_ARGS_H */
