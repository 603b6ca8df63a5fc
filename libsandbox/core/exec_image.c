/*
 * What a failed execve asked of the address space.
 *
 * An execve that fails after its point of no return cannot go back to the
 * old program, which is gone: the kernel kills the process with SIGSEGV
 * (execve(2)), before any exec event. Under a VSIZE memory quota the usual
 * cause is RLIMIT_AS: the new image does not fit. The tracer tells that
 * case from the others with facts read at that SIGSEGV stop: the ELF
 * headers of the file being executed (/proc/PID/exe already names it) and
 * of its interpreter (PT_INTERP, looked up in the program's own root), the
 * stack rlimit in effect (/proc/PID/limits), and the size of the arguments
 * and environment the tracer passed. They are replayed as the requests
 * fs/exec.c and fs/binfmt_elf.c make, in their order, each checked with
 * everything before it against the limit (may_expand_vm()):
 *   1. the pages of the argument and environment strings beyond the first
 *      (copy_strings(); a refusal there is E2BIG from execve, before the
 *      point of no return),
 *   2. the initial stack: 128 KiB more, capped by RLIMIT_STACK
 *      (setup_arg_pages()),
 *   3. the program's segments (sb_elf_load_requests(): one span for a
 *      position-independent file, file pages and .bss per segment for a
 *      fixed one),
 *   4. the interpreter's span.
 * The vDSO mapped after them is not checked against the limit. The first
 * request that takes the total above the quota is the refused one: the
 * verdict is ML, and the figures count it. When every request fits, the
 * quota did not cause the failure.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096ULL
#define STACK_EXPAND (128ULL << 10) /* setup_arg_pages() */

/* Bytes execve copies onto the new stack before the point of no return:
 * a pointer's worth of room, the file name, the environment, the
 * arguments (each string with its NUL). */
uint64_t sb_exec_args_bytes(const char *file, char *const argv[],
                            char *const envp[])
{
	uint64_t n = sizeof(void *) + strlen(file) + 1;
	for (size_t i = 0; argv && argv[i]; i++)
		n += strlen(argv[i]) + 1;
	for (size_t i = 0; envp && envp[i]; i++)
		n += strlen(envp[i]) + 1;
	return n;
}

bool sb_exec_args_refused(uint64_t args_bytes, uint64_t quota,
                          struct sb_exec_need *need)
{
	uint64_t args = (args_bytes + PAGE - 1) & ~(PAGE - 1);

	memset(need, 0, sizeof(*need));
	if (args <= PAGE || args <= quota)
		return false;
	need->refused = (int64_t)(args - PAGE);
	need->peak = need->total = (int64_t)args;
	return true;
}

/* The interpreter, resolved inside the program's root: absolute symbolic
 * links in a box root point into the box, not into ours. */
static int open_in_root(pid_t pid, const char *path)
{
	char root[64];
	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	int dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
	                        .resolve = RESOLVE_IN_ROOT };
	int fd = (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	int e = errno;
	close(dfd);
	return fd < 0 ? -e : fd;
}

/* Append the load requests of the ELF file at fd. */
static int add_file(int fd, uint64_t *req, size_t *n, size_t max,
                    char *interp, size_t len)
{
	ssize_t k = sb_elf_load_requests(fd, req + *n, max - *n, interp, len);
	if (k < 0)
		return (int)k;
	*n += (size_t)k;
	return 0;
}

int sb_exec_image_need(pid_t pid, uint64_t args_bytes, uint64_t quota,
                       struct sb_exec_need *need)
{
	uint64_t req[2 + 2 * SB_ELF_MAX_REQUESTS];
	char exe[64], interp[256];
	size_t n = 0;
	uint64_t stack_limit = UINT64_MAX;
	int rc;

	memset(need, 0, sizeof(*need));
	(void)sb_proc_limit(pid, "Max stack size", &stack_limit);
	uint64_t args = (args_bytes + PAGE - 1) & ~(PAGE - 1);
	req[n++] = args - PAGE; /* the first page comes with the new mm */
	uint64_t stack = (stack_limit & ~(PAGE - 1)) < args + STACK_EXPAND
	                 ? stack_limit & ~(PAGE - 1) : args + STACK_EXPAND;
	req[n++] = stack > args ? stack - args : 0;

	/* The program, then its interpreter. A fact that cannot be read
	 * (rc) leaves the requests known so far: over the quota already,
	 * they decide; else nothing is decided. */
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	interp[0] = '\0';
	int fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
	} else {
		rc = add_file(fd, req, &n, SB_ARRAY_SIZE(req), interp,
		              sizeof(interp));
		close(fd);
	}
	if (rc == 0 && interp[0]) {
		if ((fd = open_in_root(pid, interp)) < 0) {
			rc = fd;
		} else {
			rc = add_file(fd, req, &n, SB_ARRAY_SIZE(req), NULL, 0);
			close(fd);
		}
	}

	uint64_t total = PAGE;
	for (size_t i = 0; i < n; i++) {
		if (!need->refused && req[i] && total + req[i] > quota) {
			need->refused = (int64_t)req[i];
			need->peak = (int64_t)(total + req[i]);
		}
		total += req[i];
	}
	need->total = (int64_t)total;
	return need->refused ? 0 : rc;
}
