/* Unbounded recursion, with a SIGSEGV handler on an alternate stack that
 * exits 0 ("I finished"). Still ML. */
#include "hostile.h"
#include <signal.h>
#include <stdlib.h>
static char alt[65536];
static void on_segv(int sig)
{
	(void)sig;
	_exit(0);
}
static volatile int forever = 1;
static int deep(int n)
{
	volatile char frame[4096];
	frame[0] = (char)n;
	if (!forever)
		return 0;
	return deep(n + 1) + frame[0];
}
int main(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	return deep(0);
}
