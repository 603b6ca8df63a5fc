/*
 * "io-heavy": "minimal" plus file operations, for programs that read and
 * write many files (converters, archivers, test generators).
 *
 * What it allows beyond "minimal", and why
 *   - opening and creating files: open, openat, creat; closing, dup*,
 *     fcntl on its own descriptors (never F_SETOWN/F_SETSIG, which make
 *     the kernel signal another process);
 *   - metadata: stat, lstat, newfstatat with any path, statx, access,
 *     faccessat(2), readlink(at), statfs, fstatfs, getcwd;
 *   - directories: getdents64, mkdir(at), rmdir, chdir, fchdir;
 *   - changing files: unlink(at), rename(at/at2), truncate, ftruncate,
 *     fsync, fdatasync, fadvise64, chmod, fchmodat, umask, utimensat on a
 *     path, link(at), symlink(at), flock;
 *   - never on a descriptor: fchmod, and utimensat with a NULL path or
 *     AT_EMPTY_PATH (futimens), fail with EPERM. A descriptor can be one
 *     the program was given (its standard streams: the judge's files);
 *     when the program's uid owns them (an unprivileged judge, in a box
 *     or not) it could make a 0600 test world-readable. The rule looks
 *     at the call, never at the descriptor's number (dup() defeats
 *     that). Paths are judged by ownership, as the kernel does: a run
 *     slot of its own owns only what it made; a program running as the
 *     caller's uid gets EPERM for every chmod and utimensat (the
 *     library's guard, docs/SECURITY.md "Metadata");
 *   - fallocate with mode 0 only (it grows the file, and RLIMIT_FSIZE,
 *     the output quota, bounds that); any other mode (KEEP_SIZE,
 *     PUNCH_HOLE, ZERO_RANGE, COLLAPSE_RANGE, INSERT_RANGE, ...) fails
 *     with EOPNOTSUPP in the kernel filter: ext4 and others allocate
 *     KEEP_SIZE blocks past the end without looking at RLIMIT_FSIZE, so
 *     a program could fill the judge's disk through any descriptor it
 *     can write, its stdout too. glibc's posix_fallocate uses mode 0;
 *     programs asking for another mode get the answer of a file system
 *     that does not support it;
 *   - copying: sendfile, copy_file_range, splice, pipe2.
 *   Which files (file rules, enforced by the kernel): read and write
 *   beneath the working directory (regular files and directories: the
 *   kernel refuses symlink, mkfifo and mknod there, and a hard link or
 *   rename that brings a file in from outside); read what a compiled
 *   program's runtime reads (as "default"). Add trees with a policy file
 *   ("include io-heavy", then "read-dir DIR" / "write-dir DIR").
 *
 * What it refuses (RF): mmap (memory management is "compute"), sockets,
 * processes and threads, exec, and everything not listed.
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>

static const char *const files[] = {
	"open", "openat", "creat", "dup", "dup2", "dup3",
	"stat", "lstat", "newfstatat", "statx", "access", "faccessat",
	"faccessat2", "readlink", "readlinkat", "statfs", "fstatfs", "getcwd",
	"getdents64", "mkdir", "mkdirat", "rmdir", "chdir", "fchdir",
	"unlink", "unlinkat", "rename", "renameat", "renameat2", "truncate",
	"ftruncate", "fsync", "fdatasync", "fadvise64", "chmod",
	"fchmodat", "umask", "link", "linkat",
	"symlink", "symlinkat", "flock", "sendfile", "copy_file_range",
	"splice", "pipe2",
	NULL
};

int sb_policy_io_heavy(sandbox_policy_t *p)
{
	static const unsigned long fcntls[] = {
		F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
		F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK,
		F_OFD_SETLKW,
	};
	int rc = sb_policy_minimal_base(p);

	if (rc < 0 || (rc = sb_policy_names(p, files, S_DISP_ALLOW, 0)) < 0 ||
	    (rc = sb_policy_runtime_files(p)) < 0 ||
	    (rc = sandbox_policy_add_file_rule(p, ".", S_FILE_WRITE, NULL,
	                                       0)) < 0)
		return rc;
	/* Metadata by path only: fchmod EPERM; utimensat with a path
	 * (arg 1 not NULL) and without AT_EMPTY_PATH (arg 3). */
	sandbox_cond_t by_path[2] = {
		{ .arg = 1, .op = S_CMP_NE, .a = 0 },
		{ .arg = 3, .op = S_CMP_MASKED_EQ, .a = AT_EMPTY_PATH, .b = 0 },
	};
	if ((rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "fchmod",
	                                       S_DISP_ERRNO, EPERM, NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                                       "utimensat", S_DISP_ERRNO, EPERM,
	                                       NULL, 0)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                                       "utimensat", S_DISP_ALLOW, 0,
	                                       by_path, 2)) < 0)
		return rc;
	/* fallocate: mode (arg 1) 0 only, every other mode EOPNOTSUPP. */
	if ((rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                                       "fallocate", S_DISP_ERRNO,
	                                       EOPNOTSUPP, NULL, 0)) < 0 ||
	    (rc = sb_policy_cond1(p, "fallocate", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
	                          0, 0)) < 0)
		return rc;
	for (size_t i = 0; i < SB_ARRAY_SIZE(fcntls); i++)
		if ((rc = sb_policy_cond1(p, "fcntl", S_DISP_ALLOW, 0, 1, S_CMP_EQ,
		                          fcntls[i], 0)) < 0)
			return rc;
	return 0;
}
