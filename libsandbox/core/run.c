/*
 * What sandbox_check() does below the argument checks and the status
 * machine (api/sandbox.c): decide the isolation in effect, check the
 * program and its ELF facts, compile the policy for this configuration
 * (cached until the policy or its options change).
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sb_run_drop_compiled(sandbox_t *sb)
{
	free(sb->compiled.prog.filter);
	sb->compiled.prog.filter = NULL;
	sb->compiled.prog.len = 0;
	sb_ruleset_free(&sb->compiled.rules);
	sb->compiled.valid = false;
}

struct sb_diag *sb_run_diag(sandbox_t *sb)
{
	if (!sb->diag)
		sb->diag = sb_diag_new();
	return sb->diag;
}

/* argv[0] must be an executable regular file (seen through the chroot). */
static int check_program(const sandbox_t *sb)
{
	char *path = NULL;
	const char *p = sb->argv[0];
	struct stat st;
	int rc = 0;

	if (sb->chroot_dir) {
		/* A relative program path is relative to the work directory,
		 * which is itself inside the chroot. */
		const char *wd = (p[0] != '/' && sb->workdir) ? sb->workdir : "";
		size_t n = strlen(sb->chroot_dir) + strlen(wd) + strlen(p) + 3;
		if (!(path = malloc(n)))
			return -ENOMEM;
		snprintf(path, n, "%s/%s/%s", sb->chroot_dir, wd, p);
		p = path;
	} else if (p[0] != '/' && sb->workdir) {
		size_t n = strlen(sb->workdir) + strlen(p) + 2;
		if (!(path = malloc(n)))
			return -ENOMEM;
		snprintf(path, n, "%s/%s", sb->workdir, p);
		p = path;
	}
	if (stat(p, &st) < 0)
		rc = -errno;
	else if (!S_ISREG(st.st_mode))
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
	else if (access(p, X_OK) < 0)
		rc = -errno;
	free(path);
	return rc;
}

/* Compile the policy for this configuration, unless the cache fits. */
static int compile_policy(sandbox_t *sb)
{
	bool watch = sb->memory_mode == S_MEMORY_VSIZE &&
	             sb->quota[S_QUOTA_MEMORY] != SANDBOX_UNLIMITED;
	int rc;

	/* Rules added after path rules go through the path layer too. */
	if ((rc = sb_paths_refresh(sb->policy, NULL, 0)) < 0)
		return rc;
	if (sb->compiled.valid && sb->compiled.policy == sb->policy &&
	    sb->compiled.generation == sb->policy->generation &&
	    sb->compiled.watch_memory == watch)
		return 0;
	sb_run_drop_compiled(sb);
	struct sb_filter_opts o = { .watch_memory = watch };
	if ((rc = sb_filter_get(sb->policy, &o, &sb->compiled.prog)) < 0)
		return rc;
	if ((rc = sb_ruleset_build(sb->policy, &sb->compiled.rules)) < 0) {
		sb_run_drop_compiled(sb);
		return rc;
	}
	sb->compiled.valid = true;
	sb->compiled.policy = sb->policy;
	sb->compiled.generation = sb->policy->generation;
	sb->compiled.watch_memory = watch;
	return 0;
}

/* Bit (1 << abi) for each ABI whose syscalls the policy can let run. */
static unsigned abis_allowed(const sandbox_policy_t *p)
{
	unsigned m = 0;
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		if (sb_policy_abi_allowed(p, abi))
			m |= 1u << abi;
	return m;
}

int sb_run_check(sandbox_t *sb)
{
	int rc = 0;

	/* Isolation decides what is in effect; with a box root it checks
	 * argv[0] itself, inside the box (isolation.c). */
	if (sb->iso) {
		const struct sb_iso_prog prog = {
			.argv0 = sb->argv[0], .workdir = sb->workdir,
			.chroot = sb->chroot_dir, .set_creds = sb->set_creds,
			.env_inherit = sb->env_inherit,
		};
		if ((rc = sb_iso_check(sb->iso, &prog)) < 0)
			return rc;
	}
	if (rc == 0 && (rc = check_program(sb)) < 0)
		return rc;
	/* ELF facts; refuses what cannot run in the policy (elfinfo.c). */
	if (rc == 0) {
		if (!sb_run_diag(sb))
			return -ENOMEM;
		rc = sb_diag_check(sb->diag, sb->argv[0], sb->chroot_dir,
		                   sb->workdir, abis_allowed(sb->policy));
		if (rc < 0)
			return rc;
	}
	return compile_policy(sb);
}
