/* SIGSTOP to itself, then carry on: a stopped traced program would sit
 * outside its quotas; the tracer discards stop signals, so the program
 * just continues. Verdict OK. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	raise(SIGSTOP);
	kill(getpid(), SIGTSTP);
	puts("still running");
	return 0;
}
