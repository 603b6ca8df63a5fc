/*
 * Names and texts the layers share: ABI names, errno text, syscall names
 * and numbers (libseccomp's tables, so we keep no table of our own).
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X32_BIT 0x40000000L

const char *sb_abi_name(int abi)
{
	switch (abi) {
	case S_ABI_X86_64: return "x86_64";
	case S_ABI_I386: return "i386";
	case S_ABI_X32: return "x32";
	default: return "?";
	}
}

const char *sb_strerror(int err)
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

const char *sb_syscall_name(int abi, long nr, char *buf, size_t len)
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

long sb_syscall_number(int abi, const char *name)
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

static const char *const step_names[SB_STEP_COUNT] = {
	[SB_STEP_UNKNOWN] = "setup",
#define SB_STEP_NAME(id, name) [SB_STEP_##id] = name,
	SB_STEPS(SB_STEP_NAME)
#undef SB_STEP_NAME
};

const char *sb_step_name(int step)
{
	if (step < 0 || step >= SB_STEP_COUNT)
		step = SB_STEP_UNKNOWN;
	return step_names[step];
}

/* The memory syscalls' numbers per ABI, resolved once (libseccomp's
 * tables never change in a process). -1: the ABI has no such call. */
static const char *const mem_names[SB_MEMSYS_COUNT] = {
	[SB_MEMSYS_BRK] = "brk", [SB_MEMSYS_MMAP] = "mmap",
	[SB_MEMSYS_MMAP2] = "mmap2", [SB_MEMSYS_MREMAP] = "mremap",
};
static long mem_nr[S_ABI_COUNT][SB_MEMSYS_COUNT];
static pthread_once_t mem_once = PTHREAD_ONCE_INIT;

static void mem_init(void)
{
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		for (int k = 1; k < SB_MEMSYS_COUNT; k++) {
			long nr = sb_syscall_number(abi, mem_names[k]);
			mem_nr[abi][k] = nr < 0 ? -1 : nr;
		}
}

/* The calls that can free blocks of a file (a box's writable space
 * watches them, isolation/box.c): truncating or punching a hole (the
 * first NTRUNCATE: what shrinks a file through a descriptor, which the
 * stream files watch, core/capture.c), removing or replacing a name, an
 * open that may truncate, and closing a descriptor -- the last one of a
 * file already removed (open, unlink, fill) or made without a name
 * (O_TMPFILE) frees it, with no path call after the fill. */
static const char *const space_names[] = {
	"truncate", "truncate64", "ftruncate", "ftruncate64", "fallocate",
	"unlink", "unlinkat", "rename", "renameat", "renameat2", "open",
	"openat", "openat2", "creat", "close", "close_range", "dup2", "dup3",
};
#define NSPACE (sizeof(space_names) / sizeof(space_names[0]))
#define NTRUNCATE 5
/* Looked up at every syscall stop under an output quota in classic mode:
 * one byte per number (SPACE_CALL, TRUNCATE_CALL), not a scan. */
#define SPACE_CALL 1u
#define TRUNCATE_CALL 2u
#define SPACE_NR_MAX 548 /* >= sb_abi_nr_limit() of every ABI */
static unsigned char space_kind[S_ABI_COUNT][SPACE_NR_MAX];
static pthread_once_t space_once = PTHREAD_ONCE_INIT;

static void space_init(void)
{
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		for (size_t k = 0; k < NSPACE; k++) {
			long nr = sb_syscall_number(abi, space_names[k]);
			if (nr >= 0 && nr < SPACE_NR_MAX)
				space_kind[abi][nr] |= (unsigned char)(
					SPACE_CALL | (k < NTRUNCATE ? TRUNCATE_CALL : 0));
		}
}

static bool space_kind_is(int abi, long nr, unsigned kind)
{
	if (abi < 0 || abi >= S_ABI_COUNT || nr < 0 || nr >= SPACE_NR_MAX)
		return false;
	pthread_once(&space_once, space_init);
	return (space_kind[abi][nr] & kind) != 0;
}

bool sb_space_syscall(int abi, long nr)
{
	return space_kind_is(abi, nr, SPACE_CALL);
}

bool sb_truncate_syscall(int abi, long nr)
{
	return space_kind_is(abi, nr, TRUNCATE_CALL);
}

int sb_memory_syscall(int abi, long nr)
{
	if (abi < 0 || abi >= S_ABI_COUNT || nr < 0)
		return SB_MEMSYS_NONE;
	pthread_once(&mem_once, mem_init);
	for (int k = 1; k < SB_MEMSYS_COUNT; k++)
		if (mem_nr[abi][k] == nr)
			return k;
	return SB_MEMSYS_NONE;
}
