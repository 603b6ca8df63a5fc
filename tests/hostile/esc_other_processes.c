/* Another process found and watched without a signal (review stop23 A3):
 * getsid()/getpgid() of the supervisor tell that it exists, and
 * clock_gettime() on its process CPU clock (~pid << 3 | CPUCLOCK_SCHED)
 * reads its CPU time -- the kernel checks nothing for a process clock. A
 * plain run shares the host's PID namespace: every process of the host
 * was visible. Refused as for a process or clock that does not exist
 * (ESRCH, EINVAL); the program's own pid, session and clocks still
 * answer. OK. */
#include "hostile.h"
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define PROCESS_CLOCK(pid) ((clockid_t)((~(unsigned)(pid) << 3) | 2))

int main(void)
{
	pid_t sup = getppid();
	struct timespec ts;
	clockid_t mine;

	if (getsid(sup) >= 0)
		escaped("getsid(supervisor %d) = %d", (int)sup, (int)getsid(sup));
	if (getpgid(sup) >= 0)
		escaped("getpgid(supervisor %d) = %d", (int)sup, (int)getpgid(sup));
	if (clock_gettime(PROCESS_CLOCK(sup), &ts) == 0)
		escaped("the supervisor's CPU clock read: %ld.%09ld s",
		        (long)ts.tv_sec, ts.tv_nsec);
	if (clock_getres(PROCESS_CLOCK(sup), &ts) == 0)
		escaped("clock_getres of the supervisor's CPU clock");
	/* What is its own still answers. */
	if (getsid(0) < 0 || getpgid(0) < 0 || getsid(getpid()) < 0 ||
	    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) < 0 ||
	    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0 ||
	    clock_getcpuclockid(0, &mine) != 0 || clock_gettime(mine, &ts) < 0 ||
	    /* by its own pid (review-stop24 D6: ESRCH) */
	    clock_getcpuclockid(getpid(), &mine) != 0 ||
	    clock_gettime(mine, &ts) < 0 ||
	    pthread_getcpuclockid(pthread_self(), &mine) != 0 ||
	    clock_gettime(mine, &ts) < 0 ||
	    clock_gettime(CLOCK_MONOTONIC, &ts) < 0) {
		printf("its own: %s\n", strerror(errno));
		abort();
	}
	puts("refused: another process's session, group and CPU clock");
	return 0;
}
