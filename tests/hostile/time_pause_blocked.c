/* Block every signal, then wait for one with sigsuspend on a full mask
 * (never wakes). TL (wall). */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;)
		sigsuspend(&all);
}
