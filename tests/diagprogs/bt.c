/*
 * Known call chains for the backtrace tests (built several ways: frame
 * pointers or not, static, stripped). argv[1] picks the chain:
 *   rf     main -> f -> g -> socket(): RF under the default policy
 *   segv   main -> a -> b -> c -> store through NULL: SIGSEGV
 *   abort  main -> a -> b -> abort(): SIGABRT
 *   qsort  main -> qsort (libc) -> cmp -> store through NULL: SIGSEGV
 *   mark   main -> f -> g -> getppid(), then exit 0 (a marked syscall)
 *   open   open("/dev/null") and write "hi\n" to stdout, exit 0
 *   deep   main -> deep -> deep ... (300 calls) -> socket(): RF with a
 *          stack deeper than the backtrace bound
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

volatile int sink;

NOINLINE static int g(int how)
{
	int r = how ? getppid() : socket(AF_INET, SOCK_STREAM, 0);
	sink = r;
	return r + 1;
}

NOINLINE static int f(int how)
{
	int r = g(how);
	sink = r;
	return r + 1;
}

NOINLINE static void c(void)
{
	*(volatile int *)(uintptr_t)sink = 1;
	sink++;
}

NOINLINE static void b(int ab)
{
	if (ab)
		abort();
	c();
	sink++;
}

NOINLINE static void a(int ab)
{
	b(ab);
	sink++;
}

NOINLINE static int deep(int n)
{
	int r = n ? deep(n - 1) : socket(AF_INET, SOCK_STREAM, 0);
	sink = r;
	return r + 1;
}

NOINLINE static int cmp(const void *x, const void *y)
{
	*(volatile int *)(uintptr_t)sink = 1;
	return *(const int *)x - *(const int *)y;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "rf";
	int v[4] = { 4, 3, 2, 1 };

	sink = 0;
	if (strcmp(m, "rf") == 0)
		sink = f(0);
	else if (strcmp(m, "segv") == 0)
		a(0);
	else if (strcmp(m, "abort") == 0)
		a(1);
	else if (strcmp(m, "qsort") == 0)
		qsort(v, 4, sizeof(v[0]), cmp);
	else if (strcmp(m, "mark") == 0)
		sink = f(1);
	else if (strcmp(m, "deep") == 0)
		sink = deep(300);
	else if (strcmp(m, "open") == 0) {
		int fd = open("/dev/null", O_RDONLY);
		if (write(1, "hi\n", 3) != 3)
			return 2;
		close(fd);
	}
	return 0;
}
