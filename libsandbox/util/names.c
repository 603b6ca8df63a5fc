/*
 * Names and texts: results, ABIs, errors, syscall names (via libseccomp).
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X32_BIT 0x40000000L

SB_EXPORT const char *sandbox_version(void)
{
	return PACKAGE_VERSION;
}

static const struct {
	const char *code;
	const char *text;
} result_names[S_RESULT_COUNT] = {
	[S_RESULT_PD] = { "PD", "pending (no verdict)" },
	[S_RESULT_OK] = { "OK", "exited normally" },
	[S_RESULT_RF] = { "RF", "restricted function" },
	[S_RESULT_ML] = { "ML", "memory limit exceeded" },
	[S_RESULT_OL] = { "OL", "output limit exceeded" },
	[S_RESULT_TL] = { "TL", "time limit exceeded" },
	[S_RESULT_RT] = { "RT", "run-time error (killed by a signal)" },
	[S_RESULT_AT] = { "AT", "abnormal termination (non-zero exit)" },
	[S_RESULT_IE] = { "IE", "internal error" },
	[S_RESULT_BP] = { "BP", "bad policy" },
};

SB_EXPORT const char *sandbox_result_name(int result)
{
	if (result < 0 || result >= S_RESULT_COUNT)
		return "??";
	return result_names[result].code;
}

SB_EXPORT const char *sandbox_result_text(int result)
{
	if (result < 0 || result >= S_RESULT_COUNT)
		return "unknown result";
	return result_names[result].text;
}

SB_EXPORT const char *sandbox_abi_name(int abi)
{
	switch (abi) {
	case S_ABI_X86_64: return "x86_64";
	case S_ABI_I386: return "i386";
	case S_ABI_X32: return "x32";
	default: return "?";
	}
}

SB_EXPORT const char *sandbox_strerror(int err)
{
	if (err < 0)
		err = -err;
	/* strerror() is not thread-safe in general; strerrordesc_np() is and
	 * returns static storage. */
	const char *s = strerrordesc_np(err);
	return s ? s : "unknown error";
}

uint32_t sb_abi_scmp_arch(int abi)
{
	switch (abi) {
	case S_ABI_X86_64: return SCMP_ARCH_X86_64;
	case S_ABI_I386: return SCMP_ARCH_X86;
	case S_ABI_X32: return SCMP_ARCH_X32;
	default: return 0;
	}
}

/* Upper bound (exclusive) of syscall numbers we keep tables for. Numbers
 * at or above it are unknown to libseccomp on every ABI we support (the
 * x32 table ends at 547), so they are "nonexistent" by definition. */
int sb_abi_nr_limit(int abi)
{
	return abi == S_ABI_X32 ? 548 : 512;
}

/* libseccomp reports x32 numbers with the x32 bit set; events carry them
 * without it. */
static int scmp_nr(int abi, long nr)
{
	return abi == S_ABI_X32 ? (int)(nr | X32_BIT) : (int)nr;
}

SB_EXPORT const char *sandbox_syscall_name(int abi, long nr, char *buf,
                                           size_t len)
{
	char *name = NULL;

	if (!buf || len == 0)
		return buf;
	if (sb_abi_scmp_arch(abi) && nr >= 0 && nr < sb_abi_nr_limit(abi))
		name = seccomp_syscall_resolve_num_arch(sb_abi_scmp_arch(abi),
		                                         scmp_nr(abi, nr));
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "syscall_%ld", nr);
	free(name);
	return buf;
}

SB_EXPORT long sandbox_syscall_number(int abi, const char *name)
{
	if (!name || !sb_abi_scmp_arch(abi))
		return -EINVAL;
	int nr = seccomp_syscall_resolve_name_arch(sb_abi_scmp_arch(abi), name);
	if (nr < 0) /* __NR_SCMP_ERROR or a pseudo-syscall (negative) */
		return -ENOENT;
	if (abi == S_ABI_X32)
		nr &= ~(int)X32_BIT;
	return nr;
}
