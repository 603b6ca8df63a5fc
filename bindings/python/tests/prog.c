/*
 * The program the Python binding's tests run, one behaviour per command:
 *
 *   prog hello            print "Hello World!" and exit 0
 *   prog exit N           exit with status N (exit_group)
 *   prog exit1            exit(1) through the plain exit syscall
 *   prog sum              read two integers, print their sum
 *   prog cat              copy stdin to stdout
 *   prog scribble         write "TAMPERED" over the start of stdin's file
 *                         (pwrite on fd 0), then copy stdin to stdout
 *   prog segv | fpe | abort
 *                         die of SIGSEGV, SIGFPE, SIGABRT
 *   prog loop             spin forever
 *   prog sleep MS         sleep MS milliseconds, exit 0
 *   prog pause            pause() forever
 *   prog open PATH|null|bogus
 *                         open PATH (or NULL, or the address 1) read-only;
 *                         exit 0 when it opened, else errno
 *   prog write PATH       create PATH, write "Hello World!\n", exit 0 or
 *                         errno
 *   prog fillcut PATH KIB  write KIB KiB to PATH, truncate it to 0 bytes,
 *                         exit 0 (else 1)
 *   prog cheat DIR        print "0", then rewrite every DIR/N.out there is
 *                         (N = 1..9) to "0" (a judge's answers); says on
 *                         stderr how many, exits 0
 *   prog openbig          open() a path of 4 MiB of 'A' without a NUL
 *   prog int80exit N      exit with N through the i386 ABI (int $0x80)
 *   prog int80fork        call i386 fork (nr 2; x86_64 nr 2 is open)
 *   prog fork             fork(); the parent waits
 *   prog exec PROG ARGS   execv(PROG, ARGS)
 *   prog getppid N        N getppid calls through syscall(2)
 *   prog malloc MB        allocate and touch MB MiB
 *   prog print N          write N bytes of 'x' to stdout
 *   prog eprint N         the same to stderr
 *   prog alt N            N lines "out I" to stdout and "err I" to stderr,
 *                         one write each, taking turns
 *   prog wipe FD          ftruncate(FD, 0), then write "after\n" to FD;
 *                         exit 0 when the truncation worked, else 1
 *   prog killppid         kill(getppid(), SIGKILL)
 *   prog catch            handle SIGUSR1 sent to itself, exit 0
 *   prog argv ARGS        print each argument on a line
 *   prog env NAME         print the variable's value
 *   prog bus              misaligned store with alignment checking on
 *                         (SIGBUS, BUS_ADRALN)
 *   prog accerr           store into a read-only page (SIGSEGV,
 *                         SEGV_ACCERR)
 *   prog fsize            set its own RLIMIT_FSIZE to 5 bytes, then write
 *                         lines forever (SIGXFSZ from the kernel)
 *   prog xcpu             set its own RLIMIT_CPU soft limit to 0 s, then
 *                         spin (SIGXCPU from the kernel)
 *   prog vfork            vfork(); the child exits 0, the parent waits
 *   prog clone            a thread through clone(2) with its own stack,
 *                         the parent waits for it
 *
 * Built twice: dynamic (prog) and static (prog_static).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught = 1;
}

static long int80(long nr, long a)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a) : "memory");
	return ret;
}

static int do_open(const char *what)
{
	const char *path = strcmp(what, "null") == 0 ? NULL
	                   : strcmp(what, "bogus") == 0 ? (const char *)1 : what;
	long fd = syscall(SYS_open, path, O_RDONLY);
	return fd < 0 ? errno : 0;
}

static int do_cheat(const char *dir)
{
	char path[4096];
	int n = 0;

	puts("0");
	fflush(stdout);
	for (int i = 1; i <= 9; i++) {
		snprintf(path, sizeof(path), "%s/%d.out", dir, i);
		int fd = open(path, O_WRONLY | O_TRUNC);
		if (fd < 0)
			continue;
		n += write(fd, "0\n", 2) == 2;
		close(fd);
	}
	fprintf(stderr, "rewrote %d answers\n", n);
	return 0;
}

static int do_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return errno;
	const char msg[] = "Hello World!\n";
	size_t done = 0;
	while (done < sizeof(msg) - 1) {
		ssize_t w = write(fd, msg + done, sizeof(msg) - 1 - done);
		if (w < 0)
			return errno;
		done += (size_t)w;
	}
	return close(fd) < 0 ? errno : 0;
}

static int do_fillcut(const char *path, long kib)
{
	static char buf[1024];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (; fd >= 0 && kib > 0; kib--)
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return 1;
	return fd < 0 || ftruncate(fd, 0) < 0 || close(fd) < 0;
}

static int do_print(int fd, long n)
{
	char buf[4096];
	memset(buf, 'x', sizeof(buf));
	while (n > 0) {
		ssize_t w = write(fd, buf, n < (long)sizeof(buf) ? (size_t)n : sizeof(buf));
		if (w <= 0)
			return 1;
		n -= w;
	}
	return 0;
}

static int do_alt(long n)
{
	char line[32];
	for (long i = 0; i < n; i++)
		for (int fd = 1; fd <= 2; fd++) {
			int len = snprintf(line, sizeof(line), "%s %ld\n",
			                   fd == 1 ? "out" : "err", i);
			if (write(fd, line, (size_t)len) != len)
				return 1;
		}
	return 0;
}

static int do_bus(void)
{
	static char buf[16] __attribute__((aligned(16)));
	/* EFLAGS.AC: misaligned accesses in user mode fault */
	__asm__ volatile("pushf\n\torl $0x40000, (%%rsp)\n\tpopf" ::: "memory", "cc");
	volatile int *p = (volatile int *)(void *)(buf + 1);
	*p = 42;
	return 0;
}

static int do_accerr(void)
{
	volatile char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
	                        -1, 0);
	if (p == MAP_FAILED)
		return errno;
	*p = 1;
	return 0;
}

static int do_rlimit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };
	if (setrlimit(resource, &rl) < 0)
		return errno;
	if (resource == RLIMIT_FSIZE)
		for (;;)
			if (write(1, "Hello World!\n", 13) < 0)
				return errno;
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static int clone_child(void *arg)
{
	(void)arg;
	return 0;
}

static int do_clone(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int status;
	pid_t pid = clone(clone_child, stack + sizeof(stack), SIGCHLD, NULL);
	if (pid < 0)
		return errno;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "hello";
	const char *arg = argc > 2 ? argv[2] : "0";

	if (strcmp(cmd, "hello") == 0) {
		fputs("Hello World!\n", stdout);
		return 0;
	}
	if (strcmp(cmd, "exit") == 0)
		syscall(SYS_exit_group, atoi(arg));
	if (strcmp(cmd, "exit1") == 0)
		syscall(SYS_exit, 1);
	if (strcmp(cmd, "sum") == 0) {
		long a, b;
		if (scanf("%ld %ld", &a, &b) != 2)
			return 2;
		printf("%ld\n", a + b);
		return 0;
	}
	if (strcmp(cmd, "scribble") == 0) {
		/* refused or not, then the input as it now is */
		ssize_t w = pwrite(0, "TAMPERED", 8, 0);
		(void)w;
		cmd = "cat";
	}
	if (strcmp(cmd, "cat") == 0) {
		char buf[4096];
		ssize_t n;
		while ((n = read(0, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) != n)
				return 1;
		return 0;
	}
	if (strcmp(cmd, "segv") == 0) {
		volatile int *volatile bad = (int *)(uintptr_t)atoi("8");
		return *bad;
	}
	if (strcmp(cmd, "fpe") == 0) {
		volatile int zero = 0;
		volatile int r = atoi("100") / zero;
		return r;
	}
	if (strcmp(cmd, "abort") == 0)
		abort();
	if (strcmp(cmd, "loop") == 0)
		for (volatile unsigned long i = 0;; i++)
			;
	if (strcmp(cmd, "sleep") == 0) {
		long ms = atol(arg);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
		nanosleep(&ts, NULL);
		return 0;
	}
	if (strcmp(cmd, "pause") == 0)
		for (;;)
			pause();
	if (strcmp(cmd, "open") == 0)
		return do_open(arg);
	if (strcmp(cmd, "openbig") == 0) {
		size_t len = 4u << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		memset(p, 'A', len);
		mprotect(p + len - 4096, 4096, PROT_NONE);
		return do_open(p);
	}
	if (strcmp(cmd, "write") == 0)
		return do_write(arg);
	if (strcmp(cmd, "cheat") == 0)
		return do_cheat(arg);
	if (strcmp(cmd, "int80exit") == 0)
		int80(1, atol(arg));
	if (strcmp(cmd, "int80fork") == 0)
		return (int)int80(2, 0);
	if (strcmp(cmd, "fork") == 0) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
		return 0;
	}
	if (strcmp(cmd, "exec") == 0 && argc > 2) {
		execv(argv[2], argv + 2);
		return errno;
	}
	if (strcmp(cmd, "getppid") == 0) {
		long n = atol(arg), acc = 0;
		for (long i = 0; i < n; i++)
			acc += syscall(SYS_getppid);
		return acc == 42 ? 3 : 0;
	}
	if (strcmp(cmd, "malloc") == 0) {
		long mb = atol(arg);
		for (long i = 0; i < mb; i++) {
			char *p = malloc(1 << 20);
			if (!p)
				return 1;
			memset(p, 1, 1 << 20);
		}
		return 0;
	}
	if (strcmp(cmd, "fillcut") == 0 && argc > 3)
		return do_fillcut(argv[2], atol(argv[3]));
	if (strcmp(cmd, "print") == 0)
		return do_print(1, atol(arg));
	if (strcmp(cmd, "eprint") == 0)
		return do_print(2, atol(arg));
	if (strcmp(cmd, "alt") == 0)
		return do_alt(atol(arg));
	if (strcmp(cmd, "wipe") == 0) {
		int fd = atoi(arg), cut = ftruncate(fd, 0);
		return write(fd, "after\n", 6) == 6 && cut == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "killppid") == 0)
		return kill(getppid(), SIGKILL) < 0 ? errno : 0;
	if (strcmp(cmd, "catch") == 0) {
		signal(SIGUSR1, on_usr1);
		raise(SIGUSR1);
		return caught ? 0 : 1;
	}
	if (strcmp(cmd, "argv") == 0) {
		for (int i = 2; i < argc; i++)
			puts(argv[i]);
		return 0;
	}
	if (strcmp(cmd, "env") == 0) {
		const char *v = getenv(arg);
		puts(v ? v : "(unset)");
		return 0;
	}
	if (strcmp(cmd, "bus") == 0)
		return do_bus();
	if (strcmp(cmd, "accerr") == 0)
		return do_accerr();
	if (strcmp(cmd, "fsize") == 0)
		return do_rlimit(RLIMIT_FSIZE, 5, RLIM_INFINITY);
	if (strcmp(cmd, "xcpu") == 0)
		return do_rlimit(RLIMIT_CPU, 0, 30);
	if (strcmp(cmd, "vfork") == 0) {
		int status;
		pid_t pid = vfork();
		if (pid == 0)
			_exit(0);
		return pid > 0 && waitpid(pid, &status, 0) == pid ? 0 : 1;
	}
	if (strcmp(cmd, "clone") == 0)
		return do_clone();
	fprintf(stderr, "prog: unknown command %s\n", cmd);
	return 99;
}
