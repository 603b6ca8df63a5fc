/* alarm(1) re-armed from its own handler while spinning, and alarm(0)
 * calls in the loop (hoping to reset something of the supervisor's). TL. */
#include "hostile.h"
#include <signal.h>
static void on_alrm(int sig)
{
	(void)sig;
	alarm(1);
}
int main(void)
{
	signal(SIGALRM, on_alrm);
	alarm(1);
	for (unsigned long i = 0;; i++)
		if ((i & 0xffff) == 0)
			alarm(1);
}
