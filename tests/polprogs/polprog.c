/* One small static program for the policy suites: runs the operations
 * named by its arguments, in order, and exits 0. An operation that fails
 * makes it exit with that errno (so "denied with EACCES" shows as exit
 * status 13, never as OK).
 *
 *   write        write "ok\n" to stdout
 *   getpid       getpid()
 *   mmap         an anonymous mmap + munmap
 *   time         clock_gettime
 *   open:PATH    open PATH read-only, read it, close
 *   create:PATH  create/truncate PATH, write to it, close
 *   stat:PATH    stat PATH
 *   unlink:PATH  unlink PATH
 *   falloc:PATH  open PATH read-write (created), fallocate 8 KiB with
 *                mode 0; falloc-keep:, falloc-punch:, falloc-zero: the
 *                same with FALLOC_FL_KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE,
 *                ZERO_RANGE
 *   pipesz:N     a pipe (pipe2), its buffer set to N bytes (F_SETPIPE_SZ)
 *   restart      a 200 ms nanosleep that an ignored SIGALRM (an interval
 *                timer, 50 ms) interrupts: under ptrace the kernel stops
 *                for it and resumes the sleep through restart_syscall
 *   socket       a UDP socket, closed
 *   unix         a unix stream socket, closed
 *   unixpair     a connected pair of unix stream sockets, closed;
 *                unixpair-dgram: the same of datagram sockets;
 *                unixpair-cloexec: of stream sockets, SOCK_CLOEXEC
 *   fork         fork (the child exits at once), wait
 *   exec:N       re-execute this program (argv[0]) with exec:N-1 (N > 0)
 *   int80:N      i386 syscall N through int $0x80, no arguments
 *   int80hi:N    the same with junk in the high half of its first
 *                argument's register (rbx = 1 << 32: the kernel runs N(0))
 *   fdhi:N       fcntl(N, F_GETFD) with junk in the high half of the
 *                descriptor's register (1 << 32 | N: the kernel runs N)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int op_exec(const char *self, const char *n)
{
	char next[32];
	int k = atoi(n);

	if (k <= 0)
		return 0;
	snprintf(next, sizeof(next), "exec:%d", k - 1);
	char *argv[] = { (char *)self, next, NULL };
	execv(self, argv); /* its own file: the one a policy's file rules let
	                    * it execute (argv[0] is a full path here) */
	return -1;
}

/* fallocate:MODE on PATH (created), or 1 when `op` is no fallocate. */
static int op_falloc(const char *op, const char *path)
{
	static const struct { const char *op; int mode; } modes[] = {
		{ "falloc", 0 }, { "falloc-keep", FALLOC_FL_KEEP_SIZE },
		{ "falloc-punch", FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE },
		{ "falloc-zero", FALLOC_FL_ZERO_RANGE },
	};
	int fd, rc;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(op, modes[i].op) != 0)
			continue;
		if ((fd = open(path, O_RDWR | O_CREAT, 0644)) < 0)
			return -1;
		rc = fallocate(fd, modes[i].mode, 0, 8192);
		if (rc < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		return close(fd);
	}
	return 1;
}

static int op_file(const char *op, const char *path)
{
	char buf[64];
	struct stat st;
	int fd;

	if (strcmp(op, "open") == 0) {
		if ((fd = open(path, O_RDONLY)) < 0)
			return -1;
		if (read(fd, buf, sizeof(buf)) < 0)
			return -1;
		return close(fd);
	}
	if (strcmp(op, "create") == 0) {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
			return -1;
		if (write(fd, "x\n", 2) != 2)
			return -1;
		return close(fd);
	}
	if (strcmp(op, "stat") == 0)
		return stat(path, &st);
	if (strcmp(op, "unlink") == 0)
		return unlink(path);
	if ((fd = op_falloc(op, path)) <= 0)
		return fd;
	errno = EINVAL;
	return -1;
}

static int op_simple(const char *op)
{
	struct timespec ts;

	if (strcmp(op, "write") == 0)
		return write(1, "ok\n", 3) == 3 ? 0 : -1;
	if (strcmp(op, "getpid") == 0)
		return getpid() > 0 ? 0 : -1;
	if (strcmp(op, "time") == 0)
		return clock_gettime(CLOCK_MONOTONIC, &ts);
	if (strcmp(op, "mmap") == 0) {
		void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return -1;
		memset(m, 1, 1 << 20);
		return munmap(m, 1 << 20);
	}
	if (strcmp(op, "restart") == 0) {
		struct itimerval it = { .it_value = { 0, 50000 } };
		struct timespec nap = { 0, 200000000 };
		signal(SIGALRM, SIG_IGN);
		if (setitimer(ITIMER_REAL, &it, NULL) < 0)
			return -1;
		return nanosleep(&nap, NULL);
	}
	if (strcmp(op, "socket") == 0) {
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		return s < 0 ? -1 : close(s);
	}
	if (strcmp(op, "unix") == 0) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		return s < 0 ? -1 : close(s);
	}
	if (strncmp(op, "unixpair", 8) == 0) {
		int sv[2], type = SOCK_STREAM;
		if (strcmp(op, "unixpair-dgram") == 0)
			type = SOCK_DGRAM;
		else if (strcmp(op, "unixpair-cloexec") == 0)
			type = SOCK_STREAM | SOCK_CLOEXEC;
		else if (strcmp(op, "unixpair") != 0)
			return -1;
		if (socketpair(AF_UNIX, type, 0, sv) < 0)
			return -1;
		close(sv[1]);
		return close(sv[0]);
	}
	if (strcmp(op, "fork") == 0) {
		pid_t pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0)
			_exit(0);
		return waitpid(pid, NULL, 0) < 0 ? -1 : 0;
	}
	errno = EINVAL;
	return -1;
}

static int op_pipesz(const char *n)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	int rc = fcntl(p[0], F_SETPIPE_SZ, atoi(n)) < 0 ? -1 : 0, e = errno;
	close(p[0]);
	close(p[1]);
	errno = e;
	return rc;
}

static int op_int80(const char *n, long high)
{
	long r, nr = atol(n);

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(high), "c"(0),
	                 "d"(0) : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return 0;
}

static int op_fdhi(const char *n)
{
	long r = syscall(SYS_fcntl, 1L << 32 | atol(n), F_GETFD);
	return r < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char op[32];
		const char *colon = strchr(argv[i], ':');
		int rc;

		if (colon && (size_t)(colon - argv[i]) < sizeof(op)) {
			memcpy(op, argv[i], (size_t)(colon - argv[i]));
			op[colon - argv[i]] = '\0';
			rc = strcmp(op, "exec") == 0 ? op_exec(argv[0], colon + 1)
			   : strcmp(op, "int80") == 0 ? op_int80(colon + 1, 0)
			   : strcmp(op, "int80hi") == 0
			        ? op_int80(colon + 1, 1L << 32)
			   : strcmp(op, "pipesz") == 0 ? op_pipesz(colon + 1)
			   : strcmp(op, "fdhi") == 0 ? op_fdhi(colon + 1)
			                              : op_file(op, colon + 1);
		} else {
			rc = op_simple(argv[i]);
		}
		if (rc < 0)
			return errno ? (errno > 125 ? 125 : errno) : 125;
	}
	return 0;
}
