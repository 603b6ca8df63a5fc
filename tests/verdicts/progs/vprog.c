/* The ordinary program of the verdict suites: one behaviour per argv[1],
 * the kinds of things submissions do. Built dynamic and static.
 *   hello            print "hello", exit 0
 *   echo             copy stdin to stdout, then print "end", exit 0
 *   args             print each argument as "argv[N]: TEXT"
 *   env NAME...      print each variable's value, or "(unset)"
 *   streams          interleave lines on stdout and stderr, unbuffered
 *   exit N           exit N
 *   segv             write through a null pointer
 *   fpe              integer division by zero
 *   abort            abort()
 *   socket           socket(2) (forbidden by the default policy)
 *   malloc MB [how]  malloc and touch MB MiB in one block; when malloc
 *                    fails: "exit" exits 1, otherwise it writes through
 *                    the null pointer (what careless solutions do)
 *   grow MB          malloc and touch 1 MiB at a time, MB times
 *   mmap MB          one anonymous mmap of MB MiB, touched
 *   write BYTES      write BYTES bytes of 'x' to stdout (stdio)
 *   file PATH BYTES  write BYTES bytes to the file PATH
 *   spin             burn CPU forever
 *   spin_ms N        burn N ms of CPU, print "spun", exit 0
 *   sleep            sleep forever (wall clock only)
 *   recurse MB       recursion using about MB MiB of stack, then print
 *                    "recursed"
 *   stack MB         an MB MiB array on the stack, touched, then print
 *                    "stack ok"
 *   bigstack         a 80 MiB local array, zero-initialized (Judger's)
 *   clock            call clock() and time(), exit 0
 *   touch PATH       create PATH, exit 0
 *   stacklimit       print RLIMIT_STACK: "unlimited" or the bytes
 *   own_cpu_limit S  set its own RLIMIT_CPU to S seconds, then spin
 *   own_fsize_limit N  set its own RLIMIT_FSIZE to N bytes, then write
 *                    "Hello world\n" to stdout forever
 *   raise SIG        raise(SIG), then exit 0
 *   bus              a misaligned store with alignment checking on
 *   ill              an undefined instruction (ud2)
 *   accerr           a store to a read-only page
 *   ids              print "uid U euid U gid G egid G groups G..." */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static volatile int sink;

static size_t mib(const char *s)
{
	return (size_t)strtoul(s ? s : "1", NULL, 10) << 20;
}

/* About 1 KiB of stack per level; the result depends on every frame. */
static int recurse(long n)
{
	volatile char frame[1000];
	frame[0] = (char)n;
	frame[999] = (char)(n >> 8);
	if (n <= 0)
		return frame[0];
	return recurse(n - 1) + frame[0] + frame[999];
}

static int on_stack(size_t bytes)
{
	volatile char *a = alloca(bytes);
	memset((char *)a, 1, bytes);
	return a[bytes / 2];
}

/* Judger's stack test: an 80 MiB local array, zero-initialized. */
__attribute__((noinline)) static int bigstack(void)
{
	int big[1024 * 1024 * 20] = { 0 };
	big[sink] = 1;
	return big[1024];
}

static void spin_ms(long ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			sink += i;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static int write_bytes(FILE *f, long n)
{
	char buf[4096];
	memset(buf, 'x', sizeof(buf));
	while (n > 0) {
		size_t k = n < (long)sizeof(buf) ? (size_t)n : sizeof(buf);
		if (fwrite(buf, 1, k, f) != k)
			return 2;
		n -= (long)k;
	}
	return fflush(f) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "hello";
	const char *a2 = argc > 2 ? argv[2] : NULL;

	if (strcmp(what, "hello") == 0) {
		puts("hello");
	} else if (strcmp(what, "echo") == 0) {
		int c;
		while ((c = getchar()) != EOF)
			putchar(c);
		puts("end");
	} else if (strcmp(what, "args") == 0) {
		for (int i = 0; i < argc; i++)
			printf("argv[%d]: %s\n", i, argv[i]);
	} else if (strcmp(what, "env") == 0) {
		for (int i = 2; i < argc; i++) {
			const char *v = getenv(argv[i]);
			printf("%s\n", v ? v : "(unset)");
		}
	} else if (strcmp(what, "streams") == 0) {
		setvbuf(stdout, NULL, _IONBF, 0);
		fputs("err1\n", stderr);
		fputs("out1\n", stdout);
		fputs("err2\n", stderr);
		fputs("out2\n", stdout);
	} else if (strcmp(what, "exit") == 0) {
		return a2 ? atoi(a2) : 3;
	} else if (strcmp(what, "segv") == 0) {
		*(volatile int *)(uintptr_t)sink = 1;
	} else if (strcmp(what, "fpe") == 0) {
		volatile int seven = 7; /* (1 / x is compiled without a division) */
		return seven / sink;
	} else if (strcmp(what, "abort") == 0) {
		abort();
	} else if (strcmp(what, "socket") == 0) {
		return socket(AF_INET, SOCK_STREAM, 0) < 0 ? 4 : 0;
	} else if (strcmp(what, "malloc") == 0) {
		size_t n = mib(a2);
		char *p = malloc(n);
		if (!p && argc > 3 && strcmp(argv[3], "exit") == 0)
			return 1;
		memset(p, 1, n);
		printf("%d\n", p[n / 2]);
	} else if (strcmp(what, "grow") == 0) {
		long n = a2 ? atol(a2) : 1;
		for (long i = 0; i < n; i++) {
			char *p = malloc(1 << 20);
			memset(p, 1, 1 << 20);
			sink += p[4096];
		}
		puts("grown");
	} else if (strcmp(what, "mmap") == 0) {
		size_t n = mib(a2);
		char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		memset(p, 1, n);
		puts("mapped");
	} else if (strcmp(what, "write") == 0) {
		return write_bytes(stdout, a2 ? atol(a2) : 1);
	} else if (strcmp(what, "file") == 0) {
		FILE *f = fopen(a2, "w");
		if (!f)
			return 1;
		int rc = write_bytes(f, argc > 3 ? atol(argv[3]) : 1);
		return fclose(f) == 0 ? rc : 2;
	} else if (strcmp(what, "spin") == 0) {
		for (;;)
			sink++;
	} else if (strcmp(what, "spin_ms") == 0) {
		spin_ms(a2 ? atol(a2) : 100);
		puts("spun");
	} else if (strcmp(what, "sleep") == 0) {
		for (;;)
			sleep(1000);
	} else if (strcmp(what, "recurse") == 0) {
		sink = recurse((long)(mib(a2) >> 10));
		puts("recursed");
	} else if (strcmp(what, "stack") == 0) {
		sink = on_stack(mib(a2));
		puts("stack ok");
	} else if (strcmp(what, "bigstack") == 0) {
		sink = bigstack();
		printf("big stack");
	} else if (strcmp(what, "clock") == 0) {
		sink = (int)clock() + (int)time(NULL);
	} else if (strcmp(what, "stacklimit") == 0) {
		struct rlimit rl;
		if (getrlimit(RLIMIT_STACK, &rl) < 0)
			return 1;
		if (rl.rlim_cur == RLIM_INFINITY)
			puts("unlimited");
		else
			printf("%llu\n", (unsigned long long)rl.rlim_cur);
	} else if (strcmp(what, "own_cpu_limit") == 0) {
		struct rlimit rl = { .rlim_cur = strtoul(a2 ? a2 : "1", NULL, 10) };
		rl.rlim_max = rl.rlim_cur + 1;
		if (setrlimit(RLIMIT_CPU, &rl) < 0)
			return 1;
		for (;;)
			sink++;
	} else if (strcmp(what, "own_fsize_limit") == 0) {
		struct rlimit rl = { .rlim_cur = strtoul(a2 ? a2 : "5", NULL, 10) };
		rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			return 1;
		for (;;)
			if (write(1, "Hello world\n", 12) < 0)
				return 2;
	} else if (strcmp(what, "raise") == 0) {
		raise(a2 ? atoi(a2) : SIGTERM);
	} else if (strcmp(what, "bus") == 0) {
		/* EFLAGS.AC (bit 18) makes a misaligned access fault in user
		 * mode: SIGBUS. */
		static char buf[16];
		__asm__ volatile("pushf\n\torl $0x40000, (%%rsp)\n\tpopf" ::: "cc",
		                 "memory");
		*(volatile int *)(void *)(buf + 1 + sink) = 1;
	} else if (strcmp(what, "ill") == 0) {
		__asm__ volatile("ud2");
	} else if (strcmp(what, "accerr") == 0) {
		char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		               -1, 0);
		if (p == MAP_FAILED)
			return 1;
		*(volatile char *)p = 1;
	} else if (strcmp(what, "ids") == 0) {
		gid_t g[64];
		int n = getgroups(64, g);
		if (n < 0)
			return 1;
		printf("uid %u euid %u gid %u egid %u groups", (unsigned)getuid(),
		       (unsigned)geteuid(), (unsigned)getgid(), (unsigned)getegid());
		for (int i = 0; i < n; i++)
			printf(" %u", (unsigned)g[i]);
		putchar('\n');
	} else if (strcmp(what, "touch") == 0) {
		int fd = open(a2, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		return fd < 0 ? 1 : 0;
	} else {
		fprintf(stderr, "vprog: unknown behaviour %s\n", what);
		return 99;
	}
	return 0;
}
