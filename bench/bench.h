/*
 * What the sections of bench-driver share (bench.c): settings, the
 * table's rows, medians, and running a program natively or in a sandbox.
 */
#ifndef SANDBOX_BENCH_H
#define SANDBOX_BENCH_H

#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>

#include "sandbox.h"

/* Wall-clock guard on every sandboxed run, so a broken engine cannot hang
 * the suite. */
#define GUARD_WALL_MS 120000

extern int opt_reps, opt_startup_runs, opt_tput_reps;
extern double opt_tput_secs;
extern bool opt_reps_set, opt_startup_set; /* -r, -N given */
extern bool opt_verbose, sandbox_available;
extern char helper_dir[PATH_MAX], tmp_dir[PATH_MAX];
extern int n_errors, n_pass, n_miss;

double now_s(void);
/* CPU time of this process (all its threads: a supervisor's, a manager's)
 * and of its reaped children, with theirs (s): what runs cost the machine
 * whatever else runs on it. */
double cpu_used_s(void);
/* The same, and *self the process's own part (its threads, no children). */
double cpu_split_s(double *self);
/* Median of n samples (sorted in place); -1 when n is 0. */
double median(double *v, int n);
void helper_path(char *buf, size_t len, const char *name);
void verbose_samples(const char *what, const double *v, int n, double scale,
                     const char *unit);
const char *find_in_path(const char *name, char *buf, size_t len);

/* The table: a header, rows with a target (PASS when ratio <= target),
 * information rows, errors. */
void table_header(const char *section);
void row_target(const char *name, const char *ref, const char *meas,
                double ratio, double target);
void table_header_paired(const char *section, int reps);
void row_paired(const char *name, const char *ref, const char *meas,
                double *ratios, int n, double target, bool at_least);
void row_info(const char *name, const char *ref, const char *meas,
              double ratio);
void row_error(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *fmt_v(char *buf, size_t len, const char *label, double v,
                  const char *unit);

struct native_opts {
	const char *in_path;   /* stdin from this file, or NULL (/dev/null) */
	const char *out_path;  /* stdout to this file, or NULL (/dev/null) */
	const cpu_set_t *pin;  /* child affinity, or NULL */
	bool seccomp_allow;    /* install a one-instruction RET_ALLOW filter */
};
int install_allow_filter(void);
/* fork/execve/wait4 argv with an empty environment; the wait status. */
int run_native(const char *const argv[], const struct native_opts *o,
               struct rusage *ru);

/* A fast- or classic-mode sandbox for argv, stdin and stdout /dev/null. */
sandbox_t *sb_make(const char *const argv[], int mode, sandbox_policy_t *pol,
                   char *err, size_t errlen);
/* One run (reset first when it ran): caller-view seconds, or -1. */
double sb_run(sandbox_t *sb, int want, sandbox_stat_t *st, char *err,
              size_t errlen);

/* bench/cli.c: sandbox-run itself, its batch mode, peers, phases. */
void section_cli(void);

#endif /* SANDBOX_BENCH_H */
