/*
 * bench/getppid_loop -- the syscall-heavy program of `make bench`.
 *
 *   getppid_loop N        call getppid() N times through syscall(2), so
 *                         that no libc cache can hide the kernel entry;
 *                         exit 0
 *   getppid_loop N -a     same, then exit with the number of CPUs in the
 *                         process's affinity mask (lets the driver check
 *                         that a pinned tracer's child inherits the pin)
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long acc = 0;

	for (long i = 0; i < n; i++)
		acc += syscall(SYS_getppid);
	if (acc == 42) /* never: keeps the loop from being optimised away */
		return 3;
	if (argc > 2 && strcmp(argv[2], "-a") == 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		if (sched_getaffinity(0, sizeof(set), &set) != 0)
			return 255;
		return CPU_COUNT(&set);
	}
	return 0;
}
