/* Another process found without a signal (review stop23 A3): getsid()/
 * getpgid() of the supervisor told that it exists -- a plain run shares
 * the host's PID namespace: every process of the host was visible.
 * Refused as for a process that does not exist (ESRCH); the program's own
 * pid, session and clocks still answer. (Another process's CPU clock is
 * not refused: docs/SECURITY.md.) OK. */
#include "hostile.h"
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

int main(void)
{
	pid_t sup = getppid();
	struct timespec ts;
	clockid_t mine;

	if (getsid(sup) >= 0)
		escaped("getsid(supervisor %d) = %d", (int)sup, (int)getsid(sup));
	if (getpgid(sup) >= 0)
		escaped("getpgid(supervisor %d) = %d", (int)sup, (int)getpgid(sup));
	/* What is its own still answers. */
	if (getsid(0) < 0 || getpgid(0) < 0 || getsid(getpid()) < 0 ||
	    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) < 0 ||
	    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0 ||
	    clock_getcpuclockid(0, &mine) != 0 || clock_gettime(mine, &ts) < 0 ||
	    pthread_getcpuclockid(pthread_self(), &mine) != 0 ||
	    clock_gettime(mine, &ts) < 0 ||
	    clock_gettime(CLOCK_MONOTONIC, &ts) < 0) {
		printf("its own: %s\n", strerror(errno));
		abort();
	}
	puts("refused: another process's session and group");
	return 0;
}
