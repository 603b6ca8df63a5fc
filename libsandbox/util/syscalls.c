/*
 * What the supervisor knows of a syscall's arguments: the decoder prints
 * them (diag/decode.c). Keyed by name, so an entry holds for every ABI
 * that has the syscall (libseccomp gives the numbers).
 */
#include "config.h"
#include "util/util.h"

#include <string.h>

const struct sb_sysinfo sb_systab[] = {
	{ "read", false,
	  { SB_ARG_FD, SB_ARG_PTR, SB_ARG_UINT } },
	{ "write", false,
	  { SB_ARG_FD, SB_ARG_BUF, SB_ARG_UINT } },
	{ "pread64", false,
	  { SB_ARG_FD, SB_ARG_PTR, SB_ARG_UINT, SB_ARG_INT } },
	{ "pwrite64", false,
	  { SB_ARG_FD, SB_ARG_BUF, SB_ARG_UINT, SB_ARG_INT } },
	{ "readv", false,
	  { SB_ARG_FD, SB_ARG_PTR, SB_ARG_INT } },
	{ "writev", false,
	  { SB_ARG_FD, SB_ARG_PTR, SB_ARG_INT } },
	{ "open", false,
	  { SB_ARG_PATH, SB_ARG_OFLAGS, SB_ARG_MODE } },
	{ "openat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_OFLAGS, SB_ARG_MODE } },
	{ "creat", false,
	  { SB_ARG_PATH, SB_ARG_MODE } },
	{ "close", false,
	  { SB_ARG_FD } },
	{ "dup", false,
	  { SB_ARG_FD } },
	{ "dup2", false,
	  { SB_ARG_FD, SB_ARG_FD } },
	{ "dup3", false,
	  { SB_ARG_FD, SB_ARG_FD, SB_ARG_OFLAGS } },
	{ "lseek", false,
	  { SB_ARG_FD, SB_ARG_INT, SB_ARG_WHENCE } },
	{ "stat", false,
	  { SB_ARG_PATH, SB_ARG_PTR } },
	{ "lstat", false,
	  { SB_ARG_PATH, SB_ARG_PTR } },
	{ "fstat", false,
	  { SB_ARG_FD, SB_ARG_PTR } },
	{ "newfstatat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_PTR, SB_ARG_ATFLAGS } },
	{ "statx", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_ATFLAGS, SB_ARG_HEX, SB_ARG_PTR } },
	{ "access", false,
	  { SB_ARG_PATH, SB_ARG_INT } },
	{ "faccessat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_INT } },
	{ "faccessat2", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_INT, SB_ARG_ATFLAGS } },
	{ "readlink", false,
	  { SB_ARG_PATH, SB_ARG_PTR, SB_ARG_UINT } },
	{ "readlinkat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_PTR, SB_ARG_UINT } },
	{ "unlink", false,
	  { SB_ARG_PATH } },
	{ "unlinkat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_ATFLAGS } },
	{ "mkdir", false,
	  { SB_ARG_PATH, SB_ARG_MODE } },
	{ "mkdirat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_MODE } },
	{ "rmdir", false,
	  { SB_ARG_PATH } },
	{ "rename", false,
	  { SB_ARG_PATH, SB_ARG_PATH } },
	{ "renameat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_DIRFD, SB_ARG_PATH } },
	{ "chdir", false,
	  { SB_ARG_PATH } },
	{ "chmod", false,
	  { SB_ARG_PATH, SB_ARG_MODE } },
	{ "truncate", false,
	  { SB_ARG_PATH, SB_ARG_INT } },
	{ "ftruncate", false,
	  { SB_ARG_FD, SB_ARG_INT } },
	{ "execve", false,
	  { SB_ARG_PATH, SB_ARG_PTR, SB_ARG_PTR } },
	{ "execveat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_ATFLAGS } },
	{ "chroot", false,
	  { SB_ARG_PATH } },
	{ "getdents64", false,
	  { SB_ARG_FD, SB_ARG_PTR, SB_ARG_UINT } },
	{ "fcntl", false,
	  { SB_ARG_FD, SB_ARG_INT, SB_ARG_HEX } },
	{ "ioctl", false,
	  { SB_ARG_FD, SB_ARG_HEX, SB_ARG_HEX } },
	{ "fsync", false,
	  { SB_ARG_FD } },
	{ "pipe", false,
	  { SB_ARG_PTR } },
	{ "pipe2", false,
	  { SB_ARG_PTR, SB_ARG_OFLAGS } },
	{ "mmap", true,
	  { SB_ARG_PTR, SB_ARG_UINT, SB_ARG_PROT, SB_ARG_MFLAGS, SB_ARG_FD, SB_ARG_HEX } },
	{ "mmap2", true,
	  { SB_ARG_PTR, SB_ARG_UINT, SB_ARG_PROT, SB_ARG_MFLAGS, SB_ARG_FD, SB_ARG_HEX } },
	{ "mprotect", false,
	  { SB_ARG_PTR, SB_ARG_UINT, SB_ARG_PROT } },
	{ "munmap", false,
	  { SB_ARG_PTR, SB_ARG_UINT } },
	{ "mremap", true,
	  { SB_ARG_PTR, SB_ARG_UINT, SB_ARG_UINT, SB_ARG_HEX, SB_ARG_PTR } },
	{ "madvise", false,
	  { SB_ARG_PTR, SB_ARG_UINT, SB_ARG_INT } },
	{ "brk", true,
	  { SB_ARG_PTR } },
	{ "kill", false,
	  { SB_ARG_INT, SB_ARG_SIG } },
	{ "tkill", false,
	  { SB_ARG_INT, SB_ARG_SIG } },
	{ "tgkill", false,
	  { SB_ARG_INT, SB_ARG_INT, SB_ARG_SIG } },
	{ "rt_sigaction", false,
	  { SB_ARG_SIG, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_UINT } },
	{ "rt_sigprocmask", false,
	  { SB_ARG_INT, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_UINT } },
	{ "exit", false,
	  { SB_ARG_INT } },
	{ "exit_group", false,
	  { SB_ARG_INT } },
	{ "socket", false,
	  { SB_ARG_INT, SB_ARG_INT, SB_ARG_INT } },
	{ "connect", false,
	  { SB_ARG_FD, SB_ARG_PTR, SB_ARG_UINT } },
	{ "bind", false,
	  { SB_ARG_FD, SB_ARG_PTR, SB_ARG_UINT } },
	{ "nanosleep", false,
	  { SB_ARG_PTR, SB_ARG_PTR } },
	{ "clock_nanosleep", false,
	  { SB_ARG_INT, SB_ARG_INT, SB_ARG_PTR, SB_ARG_PTR } },
	{ "clock_gettime", false,
	  { SB_ARG_INT, SB_ARG_PTR } },
	{ "arch_prctl", false,
	  { SB_ARG_HEX, SB_ARG_HEX } },
	{ "prctl", false,
	  { SB_ARG_INT, SB_ARG_HEX, SB_ARG_HEX, SB_ARG_HEX, SB_ARG_HEX } },
	{ "set_tid_address", false,
	  { SB_ARG_PTR } },
	{ "futex", false,
	  { SB_ARG_PTR, SB_ARG_INT, SB_ARG_INT, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_INT } },
	{ "getrandom", false,
	  { SB_ARG_PTR, SB_ARG_UINT, SB_ARG_HEX } },
	{ "prlimit64", false,
	  { SB_ARG_INT, SB_ARG_INT, SB_ARG_PTR, SB_ARG_PTR } },
	{ "uname", false,
	  { SB_ARG_PTR } },
	{ "clone", false,
	  { SB_ARG_HEX, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_HEX } },
	{ "wait4", false,
	  { SB_ARG_INT, SB_ARG_PTR, SB_ARG_HEX, SB_ARG_PTR } },
	{ "ptrace", false,
	  { SB_ARG_INT, SB_ARG_INT, SB_ARG_PTR, SB_ARG_PTR } },
	{ "openat2", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_PTR, SB_ARG_UINT } },
	{ "statfs", false,
	  { SB_ARG_PATH, SB_ARG_PTR } },
	{ "renameat2", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_HEX } },
	{ "fchmodat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_MODE } },
	{ "chown", false,
	  { SB_ARG_PATH, SB_ARG_INT, SB_ARG_INT } },
	{ "lchown", false,
	  { SB_ARG_PATH, SB_ARG_INT, SB_ARG_INT } },
	{ "fchownat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_INT, SB_ARG_INT, SB_ARG_ATFLAGS } },
	{ "utimensat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_PTR, SB_ARG_ATFLAGS } },
	{ "mknod", false,
	  { SB_ARG_PATH, SB_ARG_MODE, SB_ARG_HEX } },
	{ "mknodat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_MODE, SB_ARG_HEX } },
	{ "link", false,
	  { SB_ARG_PATH, SB_ARG_PATH } },
	{ "linkat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_ATFLAGS } },
	{ "symlink", false,
	  { SB_ARG_PATH, SB_ARG_PATH } },
	{ "symlinkat", false,
	  { SB_ARG_PATH, SB_ARG_DIRFD, SB_ARG_PATH } },
	{ "utime", false,
	  { SB_ARG_PATH, SB_ARG_PTR } },
	{ "utimes", false,
	  { SB_ARG_PATH, SB_ARG_PTR } },
	{ "futimesat", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_PTR } },
	{ "getxattr", false,
	  { SB_ARG_PATH, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_UINT } },
	{ "lgetxattr", false,
	  { SB_ARG_PATH, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_UINT } },
	{ "setxattr", false,
	  { SB_ARG_PATH, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_UINT, SB_ARG_HEX } },
	{ "lsetxattr", false,
	  { SB_ARG_PATH, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_UINT, SB_ARG_HEX } },
	{ "listxattr", false,
	  { SB_ARG_PATH, SB_ARG_PTR, SB_ARG_UINT } },
	{ "llistxattr", false,
	  { SB_ARG_PATH, SB_ARG_PTR, SB_ARG_UINT } },
	{ "removexattr", false,
	  { SB_ARG_PATH, SB_ARG_PTR } },
	{ "lremovexattr", false,
	  { SB_ARG_PATH, SB_ARG_PTR } },
	{ "inotify_add_watch", false,
	  { SB_ARG_FD, SB_ARG_PATH, SB_ARG_HEX } },
	{ "name_to_handle_at", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_PTR, SB_ARG_PTR, SB_ARG_ATFLAGS } },
	{ "uselib", false,
	  { SB_ARG_PATH } },
	{ "open_tree", false,
	  { SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_HEX } },
};
const size_t sb_systab_len = SB_ARRAY_SIZE(sb_systab);

const struct sb_sysinfo *sb_sysinfo(const char *name)
{
	for (size_t i = 0; i < sb_systab_len; i++)
		if (strcmp(sb_systab[i].name, name) == 0)
			return &sb_systab[i];
	return NULL;
}

/* Arguments the kernel declares int, unsigned int, pid_t, uid_t,
 * clockid_t, u32... (SYSCALL_DEFINE casts the register to that type)
 * beyond those their layout's type already says (descriptors, flags,
 * signals, whence: narrow_type()): bit i for argument i. */
static const struct {
	const char *name;
	unsigned char args;
} narrow_args[] = {
	{ "access", 1 << 1 },        { "faccessat", 1 << 2 },
	{ "fcntl", 1 << 1 },         { "ioctl", 1 << 1 },
	{ "madvise", 1 << 2 },       { "kill", 1 << 0 },
	{ "tkill", 1 << 0 },         { "tgkill", 1 << 0 | 1 << 1 },
	{ "rt_sigprocmask", 1 << 0 },{ "exit", 1 << 0 },
	{ "exit_group", 1 << 0 },    { "socket", 1 << 0 | 1 << 1 | 1 << 2 },
	{ "connect", 1 << 2 },       { "bind", 1 << 2 },
	{ "clock_nanosleep", 1 << 0 | 1 << 1 },
	{ "clock_gettime", 1 << 0 }, { "clock_getres", 1 << 0 },
	{ "arch_prctl", 1 << 0 },    { "prctl", 1 << 0 },
	{ "futex", 1 << 1 | 1 << 2 | 1 << 5 },
	{ "getrandom", 1 << 2 },     { "prlimit64", 1 << 0 | 1 << 1 },
	{ "wait4", 1 << 0 | 1 << 2 },{ "getpgid", 1 << 0 },
	{ "getsid", 1 << 0 },        { "chown", 1 << 1 | 1 << 2 },
	{ "lchown", 1 << 1 | 1 << 2 },
	{ "fchownat", 1 << 2 | 1 << 3 },
	{ "getdents64", 1 << 2 },    { "readlink", 1 << 2 },
	{ "readlinkat", 1 << 3 },    { "setxattr", 1 << 4 },
	{ "lsetxattr", 1 << 4 },     { "renameat2", 1 << 4 },
	{ "inotify_add_watch", 1 << 2 },
	{ "open_tree", 1 << 2 },     { "statx", 1 << 3 },
	{ "mknod", 1 << 2 },         { "mknodat", 1 << 3 },
};

/* The bits a layout type stands for, or 0 (all 64, or it depends). */
static uint64_t narrow_type(unsigned char t)
{
	switch (t) {
	case SB_ARG_FD: /* fdget() takes an unsigned int, whatever the
	                 * syscall declares (mmap, readv: unsigned long) */
	case SB_ARG_DIRFD:
	case SB_ARG_OFLAGS:
	case SB_ARG_SIG:
	case SB_ARG_ATFLAGS:
	case SB_ARG_WHENCE:
		return 0xffffffff;
	case SB_ARG_MODE: /* umode_t */
		return 0xffff;
	default:
		return 0;
	}
}

uint64_t sb_arg_narrow_mask(const char *name, unsigned arg)
{
	const struct sb_sysinfo *si = sb_sysinfo(name);
	uint64_t m;

	if (arg > 5)
		return 0;
	/* i386 ipc(2) runs the low 16 bits of its first argument as the
	 * sub-call (the high 16 are a version): "kill if arg0 == SEMGET"
	 * must catch ipc(0x10002, ...) too (review-stop26 E6). */
	if (arg == 0 && strcmp(name, "ipc") == 0)
		return 0xffff;
	if (si && (m = narrow_type(si->arg[arg])) != 0)
		return m;
	for (size_t i = 0; i < SB_ARRAY_SIZE(narrow_args); i++)
		if (strcmp(narrow_args[i].name, name) == 0)
			return (narrow_args[i].args >> arg) & 1 ? 0xffffffff : 0;
	return 0;
}
