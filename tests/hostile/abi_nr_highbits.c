/* rax = (1 << 32) | nr: the kernel uses only the low 32 bits of the
 * syscall number. argv[1] = "fork": fork (57) dressed up that way must be
 * RF; "getpid": getpid (39) must simply work (OK). Both modes must agree. */
#include "hostile.h"
int main(int argc, char **argv)
{
	int fork_it = argc > 1 && strcmp(argv[1], "fork") == 0;
	unsigned long nr = (1UL << 32) | (fork_it ? 57 : 39);
	long r = raw_syscall6(nr, 0, 0, 0, 0, 0, 0);
	if (fork_it) {
		if (r == 0)
			_exit(0);
		MUST_NOT_RETURN(r);
	}
	if (r != getpid()) {
		printf("getpid via high bits gave %ld\n", r);
		return 3;
	}
	puts("getpid ok");
	return 0;
}
