/*
 * sandbox-run: what a policy's rule table lets a program do. See
 * policyinfo.h.
 */
#include "config.h"
#include "policyinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#ifndef MAP_DENYWRITE
#define MAP_DENYWRITE 0x0800
#endif

/* The dynamic loader's calls before main() (glibc 2.36, x86_64), and
 * whether it copes with an error from each (ENOENT from access: no
 * preload file). */
static const struct {
	const char *name;
	uint64_t args[6];
	bool may_fail;
} loader_calls[] = {
	{ "access", { 0, 4 /* R_OK */ }, true },
	{ "openat", { (uint64_t)AT_FDCWD, 0, O_RDONLY | O_CLOEXEC }, false },
	{ "newfstatat", { 3, 0, 0, AT_EMPTY_PATH }, false },
	{ "read", { 3, 0, 832 }, false },
	{ "pread64", { 3, 0, 784, 64 }, false },
	{ "mmap", { 0, 44207, PROT_READ, MAP_PRIVATE, 3, 0 }, false },
	{ "mmap", { 0, 1974096, PROT_READ, MAP_PRIVATE | MAP_DENYWRITE, 3, 0 },
	  false },
	{ "mmap", { 0x7f0000000000, 1400832, PROT_READ | PROT_EXEC,
	            MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE, 3, 0x26000 }, false },
	{ "mprotect", { 0x7f0000000000, 16384, PROT_READ }, false },
	{ "close", { 3 }, false },
};

bool sr_policy_starts_dynamic(const sandbox_policy_t *p)
{
	for (size_t i = 0; i < sizeof(loader_calls) / sizeof(loader_calls[0]); i++) {
		long nr = sandbox_syscall_number(S_ABI_X86_64, loader_calls[i].name);
		int err = 0;
		if (nr < 0)
			continue;
		int d = sandbox_policy_evaluate(p, S_ABI_X86_64, nr,
		                                loader_calls[i].args, 1, &err);
		d &= ~S_DISP_FLAG_EXIT;
		if (d == S_DISP_KILL || d < 0)
			return false;
		if (d == S_DISP_ERRNO && !loader_calls[i].may_fail)
			return false;
	}
	return true;
}
