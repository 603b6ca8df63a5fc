/*
 * sandbox-run: the options of interactive judging (issue 18), parsed
 * here so that args.c only routes them. Pure, like args.c: nothing is run
 * or written; failures are a message in err and a negative errno.
 *
 *   --interactor=CMD [ARG...] -- PROGRAM [ARG...]
 *       CMD runs as the interactor with the ARGs between the options and
 *       a `--` (testlib: INPUT OUTPUT ANSWER), PROGRAM after the `--`;
 *   --interactor-policy=SPEC   the interactor in a sandbox of its own
 *                              with this policy (else: unsupervised)
 *   --interactor-cpu=TIME --interactor-memory=SIZE   its quotas (needs
 *                              --interactor-policy)
 *   --interactor-wall=TIME     its wall-clock bound (default: twice
 *                              --wall, which --interactor requires)
 *   --interactor-user=USER|UID the sandboxed interactor's identity (needs
 *                              --interactor-policy and root; default as
 *                              root: a run slot of its own, never root)
 *   --interaction-log=FILE     the transcript
 */
#ifndef SANDBOX_RUN_INTERACT_ARGS_H
#define SANDBOX_RUN_INTERACT_ARGS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sr_interact {
	const char *command;        /* --interactor, or NULL: not interactive */
	char **argv;                /* its ARGs (into the caller's argv) */
	int argc;
	const char *policy;         /* --interactor-policy, NULL: unsupervised */
	const char *user;           /* --interactor-user, or NULL */
	uint64_t cpu_ms, memory_bytes, wall_ms; /* SANDBOX_UNLIMITED: not given */
	const char *log;            /* --interaction-log, or NULL */
	char path[PATH_MAX];        /* CMD after the PATH look-up */
};

void sr_interact_init(struct sr_interact *ia);

/* One option of the list above, by its long name without "--" (`name`),
 * with its value: 0, -EINVAL with a message, or 1 when `name` is not
 * one of them. */
int sr_interact_option(const char *name, const char *arg,
                       struct sr_interact *ia, char *err, size_t errlen);

/* After the options (getopt stopped at argv[*optind], having eaten a `--`
 * when argv[*optind - 1] is one): with --interactor, the words up to the
 * next `--` are its ARGs and *optind moves past that `--` to PROGRAM.
 * Without the `--`, PROGRAM cannot be told from an ARG: -EINVAL. */
int sr_interact_split(struct sr_interact *ia, int argc, char **argv,
                      int *optind, char *err, size_t errlen);

/* The options against each other (args.c's sr_check_options calls it):
 * --interactor needs --wall (an idle deadlock is ended by it), excludes
 * --batch; it owns the
 * program's standard input and output (no --stdin, --stdout,
 * --stderr-to-stdout); the other interactor options need --interactor,
 * --interactor-cpu/-memory need --interactor-policy, --interactor-user
 * needs it and root (effective uid `euid`: -EPERM). */
struct sr_options;
int sr_interact_check(const struct sr_options *o, uid_t euid, char *err,
                      size_t errlen);

#endif /* SANDBOX_RUN_INTERACT_ARGS_H */
