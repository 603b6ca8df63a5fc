/* Block every signal and sleep for an hour. TL (wall). */
#include "hostile.h"
#include <signal.h>
#include <time.h>
int main(void)
{
	sigset_t all;
	struct timespec ts = { 3600, 0 };
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;)
		nanosleep(&ts, NULL);
}
