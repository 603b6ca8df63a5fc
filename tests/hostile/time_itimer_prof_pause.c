/* ITIMER_PROF and ITIMER_VIRTUAL storms, then pause() in a loop. TL. */
#include "hostile.h"
#include <signal.h>
#include <sys/time.h>
static void on_sig(int sig)
{
	(void)sig;
}
int main(void)
{
	struct itimerval it = { { 0, 1 }, { 0, 1 } };
	signal(SIGPROF, on_sig);
	signal(SIGVTALRM, on_sig);
	signal(SIGALRM, on_sig);
	setitimer(ITIMER_PROF, &it, NULL);
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	for (;;)
		pause();
}
