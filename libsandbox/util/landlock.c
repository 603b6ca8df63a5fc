/*
 * Landlock, the kernel's own file (and network, and scope) confinement:
 * its three syscalls, and what the running kernel offers (its ABI version
 * and the access rights and scopes each version added).
 *
 * The constants are ours: a distribution's <linux/landlock.h> may be
 * older than the kernel it runs (Debian 12's knows ABI 2, its kernels may
 * have 7), and the numbers are a stable kernel ABI.
 *
 * The test setting sb_test_landlock_abi = N makes sb_landlock_abi() report
 * at most N (0: no Landlock at all). It exists so that the test suite can
 * exercise, on a kernel that has everything, what libsandbox does on one
 * that has less. It can only take protection away, never add any, so it
 * is a variable of the library that only a program linked with the static
 * library can set (the test suites), not an environment variable: no
 * judge's, binding's or user's environment reaches it. sandbox_probe()
 * (sandbox-run --check) says when it is in effect.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

#define CREATE_RULESET_VERSION 1u

int sb_landlock_create(const struct sb_ll_ruleset_attr *attr, size_t size)
{
	long fd = syscall(SYS_landlock_create_ruleset, attr, size, 0);
	return fd < 0 ? -errno : (int)fd;
}

int sb_landlock_add_path(int ruleset, int parent_fd, uint64_t access)
{
	struct sb_ll_path_beneath rule = {
		.allowed_access = access,
		.parent_fd = parent_fd,
	};
	if (syscall(SYS_landlock_add_rule, ruleset, SB_LL_RULE_PATH_BENEATH,
	            &rule, 0) < 0)
		return -errno;
	return 0;
}

int sb_landlock_restrict(int ruleset)
{
	return syscall(SYS_landlock_restrict_self, ruleset, 0) < 0 ? -errno : 0;
}

int sb_landlock_kernel_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
	                 CREATE_RULESET_VERSION);
	return v < 0 ? 0 : (int)v;
}

int sb_test_landlock_abi = -1;

/* The test setting, or -1 when none. */
int sb_landlock_abi_override(void)
{
	int v = sb_test_landlock_abi;

	if (v < 0)
		return -1;
	return v > SB_LL_ABI_KNOWN ? SB_LL_ABI_KNOWN : v;
}

int sb_landlock_abi(void)
{
	int abi = sb_landlock_kernel_abi(), cap = sb_landlock_abi_override();

	if (cap >= 0 && cap < abi)
		abi = cap;
	return abi;
}

/* What each ABI version added: file access rights it handles, and the
 * S_LL_* features of sandbox.h. */
static const struct {
	int abi;
	uint64_t fs;
	unsigned features;
} added[] = {
	{ 1, SB_LL_FS_ABI1, S_LL_FS },
	{ 2, SB_LL_FS_REFER, S_LL_REFER },
	{ 3, SB_LL_FS_TRUNCATE, S_LL_TRUNCATE },
	{ 4, 0, S_LL_NET_TCP },
	{ 5, SB_LL_FS_IOCTL_DEV, S_LL_IOCTL_DEV },
	{ 6, 0, S_LL_SCOPE_SIGNAL | S_LL_SCOPE_ABSTRACT_UNIX },
};

uint64_t sb_landlock_fs_rights(int abi)
{
	uint64_t r = 0;

	for (size_t i = 0; i < SB_ARRAY_SIZE(added) && added[i].abi <= abi; i++)
		r |= added[i].fs;
	return r;
}

unsigned sb_landlock_features(int abi)
{
	unsigned f = 0;

	for (size_t i = 0; i < SB_ARRAY_SIZE(added) && added[i].abi <= abi; i++)
		f |= added[i].features;
	return f;
}
