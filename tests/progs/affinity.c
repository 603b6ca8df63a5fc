/* Prints the CPUs it may run on ("cpus 0,2-3"), then reads stdin to its
 * end and exits 0: a run that lasts exactly as long as a test wants, and
 * says where it was placed. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	cpu_set_t set;
	char buf[64];
	const char *sep = "";

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 2;
	printf("cpus ");
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		int e = c;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
			e++;
		if (e == c)
			printf("%s%d", sep, c);
		else
			printf("%s%d-%d", sep, c, e);
		sep = ",";
		c = e;
	}
	printf("\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
