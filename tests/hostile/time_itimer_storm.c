/* ITIMER_REAL every microsecond with a handler, while spinning: a signal
 * storm on the tracer (classic and fast: every delivery is a ptrace stop)
 * hoping to slow the supervisor down. TL. */
#include "hostile.h"
#include <signal.h>
#include <sys/time.h>
static void on_alrm(int sig)
{
	(void)sig;
}
int main(void)
{
	struct itimerval it = { { 0, 1 }, { 0, 1 } };
	signal(SIGALRM, on_alrm);
	setitimer(ITIMER_REAL, &it, NULL);
	spin();
}
