/*
 * sandbox-run: the files it opens around a run, so that nothing a program
 * planted (a symbolic link, a hard link, a forged report) redirects or
 * survives it. Every file goes through sandbox_open_file() (no symbolic
 * link at the end or on the way, root only opens root's own files with one
 * name); see sandbox-run(1), FILES.
 *
 *   streams  --stdin (opened at prepare), --stdout, --stderr,
 *            --trace-file, --profile, --interaction-log (created or
 *            truncated just before the run); stdout and stderr naming one
 *            file share one descriptor;
 *   results  --report, --meta, --profile-svg: their directory is resolved
 *            and proven writable before the run, the old file is removed
 *            just before the run, and after it all of them are written to
 *            temporary files and renamed into place together -- or, when
 *            one cannot be written, none is left at any of their paths.
 *
 * Steps: sr_files_prepare() (no side effect), sr_files_open() (just before
 * the run), sr_files_commit() (after it), sr_files_close(). Each returns 0
 * or a negative errno with a one-line message naming the option in err.
 */
#ifndef SANDBOX_RUN_FILES_H
#define SANDBOX_RUN_FILES_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "args.h"

enum { SR_OUT_REPORT = 0, SR_OUT_META, SR_OUT_SVG, SR_OUT_COUNT };

/* A file written after the run (report, meta, picture). */
struct sr_result_file {
	const char *opt;        /* "--report" */
	const char *path;       /* NULL: not asked for */
	bool to_stdout;         /* "-" */
	int dirfd;              /* O_PATH directory holding it, or -1 */
	char dir[PATH_MAX];     /* its path, to see it was not replaced */
	char base[NAME_MAX + 1];
	bool replace;           /* regular file or nothing: renamed into place */
	int inplace_fd;         /* a FIFO or device: written where it is */
	char tmp[NAME_MAX + 1]; /* the temporary name while committing */
};

struct sr_files {
	int stdio[3];           /* the program's streams, -1: inherited */
	bool stderr_to_stdout;  /* stderr is stdio[1]'s descriptor (or fd 1) */
	FILE *trace;            /* --trace: stderr or the --trace-file */
	int profile_fd;         /* --profile, or -1 */
	int log_fd;             /* --interaction-log, or -1 */
	struct sr_result_file out[SR_OUT_COUNT];
};

void sr_files_init(struct sr_files *f);
/* Open --stdin, resolve the directories of the result files and prove
 * they accept a new file, check the --report=- rules. Creates and changes
 * nothing. */
int sr_files_prepare(struct sr_files *f, const struct sr_options *o,
                     char *err, size_t errlen);
/* Only the result files' part of sr_files_prepare() (those not prepared
 * yet), after checking that no two options name one file, and the rule
 * of --report=- (nothing of the program's goes to standard output): for
 * the report of a run refused before it started. */
int sr_files_prepare_results(struct sr_files *f, const struct sr_options *o,
                             char *err, size_t errlen);
/* Create or truncate --stdout, --stderr, --trace-file, --profile; remove
 * the old result files. Call when the run is certain to start. */
int sr_files_open(struct sr_files *f, const struct sr_options *o,
                  char *err, size_t errlen);

/* Writes one result file; returns 0 or a negative errno. */
typedef int (*sr_result_fn)(FILE *f, const void *ctx);
/* Write the result files that were asked for (fn[i] for out[i]), all or
 * none: on failure no file is left at any of their paths (nor a forged one
 * the program put there). */
int sr_files_commit(struct sr_files *f, const sr_result_fn fn[SR_OUT_COUNT],
                    const void *ctx, char *err, size_t errlen);
void sr_files_close(struct sr_files *f);

/* After the run: is the file at `path` no longer the one `fd` has open
 * (lstat's st_dev and st_ino against fstat's; gone counts)? A program
 * that may make names in its directory could have unlinked the judge's
 * file and left its own there. False for NULL, "-" or fd < 0. */
bool sr_files_replaced(const char *path, int fd);
/* sr_files_replaced() for every file of the run still open in f (the
 * streams, --trace-file, --profile, --interaction-log, the report
 * targets written in place): 0, or -ESTALE with the step ("stdout") in
 * *step and the message naming the option in err. Call after the run,
 * before sr_files_commit(). */
int sr_files_verify(const struct sr_files *f, const struct sr_options *o,
                    const char **step, char *err, size_t errlen);

/* A message for an error of sandbox_open_file() on `path` for option
 * `opt` ("--stdout: out.txt is a symbolic link ..."). */
void sr_files_error(char *err, size_t errlen, const char *opt,
                    const char *path, int rc);

#endif /* SANDBOX_RUN_FILES_H */
