/*
 * A complete libsandbox policy module (walkthrough: docs/POLICIES.md).
 *
 * "readonly": the program may read files under one directory and nothing
 * else, may not write any file, and every syscall it makes is counted by
 * name. Load it with
 *
 *     sandbox_policy_load_module("module_readonly.so", "DIR[:COUNTS]", ...)
 *     sandbox-run --policy=./module_readonly.so:/srv/data prog
 *
 * DIR is the readable directory. When the policy is freed (its last
 * reference dropped), the module writes one line per syscall seen over
 * all the runs of the policy, "NAME COUNT", sorted by number, into the
 * file COUNTS, or to the supervisor's standard error without one.
 *
 * How it works:
 *   - init() builds the rule table: the calls a program needs to start,
 *     compute and do I/O on open descriptors are TRACE (each stops so that
 *     the callback can count it), a few harmful ones are KILL, the rest
 *     is KILL by default;
 *   - which files: file rules, which the kernel enforces (Landlock, or a
 *     private mount view): DIR may be read (sandbox_policy_add_file_rule),
 *     and so may what the dynamic loader reads to start a dynamic program
 *     (its cache and library directories, each optional); opening any
 *     other file fails with EACCES, and opening for writing fails even
 *     under DIR (the table refuses write opens before that);
 *   - callback() counts and answers CONT, so the table's decision stands;
 *   - cleanup() writes the counts and frees the state when the policy's
 *     last reference goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

/* x86_64 syscall numbers are below this (libseccomp knows ~460). */
#define MAX_NR 1024

struct readonly {
	char *counts_path; /* NULL: print at cleanup */
	unsigned long count[MAX_NR];
};

/* Counted and allowed: start-up of a static or dynamic C program, memory,
 * time, I/O on descriptors, and the file calls (the file rules decide
 * which files). */
static const char *const traced[] = {
	"read", "write", "readv", "writev", "pread64", "lseek", "close",
	"fstat", "newfstatat", "stat", "lstat", "statx", "access", "faccessat",
	"faccessat2", "open", "openat", "readlink", "getdents64", "getcwd",
	"brk", "mmap", "munmap", "mprotect", "mremap", "madvise",
	"arch_prctl", "set_tid_address", "set_robust_list", "rseq",
	"getrandom", "prlimit64", "rt_sigaction", "rt_sigprocmask",
	"rt_sigreturn", "clock_gettime", "gettimeofday", "getpid", "futex",
	"ioctl", "fcntl", "exit", "exit_group",
	NULL
};

/* Never: new processes or threads, exec. */
static const char *const killed[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat",
	NULL
};

/* What the dynamic loader reads to start a dynamic program; optional: a
 * host without one of them has nothing there to allow. */
static int loader_files(sandbox_policy_t *p)
{
	static const char *const paths[] = { "/etc/ld.so.cache",
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
		NULL };
	for (const char *const *f = paths; *f; f++) {
		int rc = sandbox_policy_add_file_rule(p, *f, S_FILE_READ |
		                                      S_FILE_OPTIONAL, NULL, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int add_all(sandbox_policy_t *p, const char *const *names, int disp)
{
	for (; *names; names++) {
		int rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *names,
		                                      disp, 0, NULL, 0);
		if (rc < 0 && rc != -ENOENT)
			return rc;
	}
	return 0;
}

/* Read-only opens: (flags & O_ACCMODE) == O_RDONLY and no O_CREAT/O_TRUNC. */
static int readonly_opens(sandbox_policy_t *p)
{
	const uint64_t mask = O_ACCMODE | O_CREAT | O_TRUNC;
	sandbox_cond_t open_ro = { .arg = 1, .op = S_CMP_MASKED_EQ, .a = mask,
	                           .b = O_RDONLY };
	sandbox_cond_t openat_ro = open_ro;
	int rc;

	openat_ro.arg = 2;
	/* Unconditional EACCES first, then the conditional TRACE: "TRACE when
	 * read-only, else EACCES" (see "Which rule wins" in sandbox.h). */
	if ((rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "open",
	                                       S_DISP_ERRNO, EACCES, NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "open",
	                                       S_DISP_TRACE, 0, &open_ro, 1)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "openat",
	                                       S_DISP_ERRNO, EACCES, NULL, 0)) < 0)
		return rc;
	return sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "openat",
	                                    S_DISP_TRACE, 0, &openat_ro, 1);
}

static int readonly_init(sandbox_policy_t *p, const char *arg, void **data)
{
	struct readonly *st;
	char *dir = NULL, *colon;
	int rc = -EINVAL;

	if (!arg || !arg[0])
		return -EINVAL; /* the directory is required */
	if (!(st = calloc(1, sizeof(*st))) || !(dir = strdup(arg))) {
		rc = -ENOMEM;
		goto fail;
	}
	if ((colon = strchr(dir, ':'))) {
		*colon = '\0';
		if (!colon[1] || !(st->counts_path = strdup(colon + 1))) {
			rc = colon[1] ? -ENOMEM : -EINVAL;
			goto fail;
		}
	}
	if ((rc = add_all(p, traced, S_DISP_TRACE)) < 0 ||
	    (rc = add_all(p, killed, S_DISP_KILL)) < 0 ||
	    (rc = readonly_opens(p)) < 0 ||
	    (rc = loader_files(p)) < 0 ||
	    (rc = sandbox_policy_add_file_rule(p, dir, S_FILE_READ, NULL, 0)) < 0)
		goto fail;
	free(dir);
	*data = st;
	return 0;
fail:
	free(dir);
	if (st)
		free(st->counts_path);
	free(st);
	return rc;
}

static void write_counts(const struct readonly *st, FILE *f)
{
	char name[64];

	for (long nr = 0; nr < MAX_NR; nr++)
		if (st->count[nr])
			fprintf(f, "%s %lu\n",
			        sandbox_syscall_name(S_ABI_X86_64, nr, name,
			                             sizeof(name)),
			        st->count[nr]);
}

static void readonly_callback(const sandbox_event_t *ev,
                              sandbox_action_t *act, void *data)
{
	struct readonly *st = data;
	const sandbox_syscall_t *sc = &ev->syscall;

	act->type = S_ACTION_CONT;
	if (ev->type == S_EVENT_SYSCALL && sc->abi == S_ABI_X86_64 &&
	    sc->nr >= 0 && sc->nr < MAX_NR)
		st->count[sc->nr]++;
}

static void readonly_cleanup(void *data)
{
	struct readonly *st = data;

	if (!st)
		return;
	if (st->counts_path) {
		FILE *f = fopen(st->counts_path, "we");
		if (f) {
			write_counts(st, f);
			fclose(f);
		}
	} else {
		write_counts(st, stderr);
	}
	free(st->counts_path);
	free(st);
}

/* The one symbol libsandbox looks for. */
const struct sandbox_policy_module sandbox_policy_module = {
	.abi = SANDBOX_POLICY_ABI,
	.name = "readonly",
	.description = "read files under one directory only; count syscalls",
	.init = readonly_init,
	.callback = readonly_callback,
	.cleanup = readonly_cleanup,
};
