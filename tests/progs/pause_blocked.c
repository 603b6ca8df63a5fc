/* Blocks every signal it can and pauses: only a wall-clock TL ends it. */
#include <signal.h>
#include <unistd.h>

int main(void)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (;;)
		pause();
}
