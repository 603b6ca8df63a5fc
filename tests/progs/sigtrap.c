/* Raises SIGTRAP with a handler installed; the handler must run (a raised
 * SIGTRAP must not be mistaken for a ptrace event by the tracer), then the
 * program prints "trap\n" and exits 0. Exits 5 if the handler did not run. */
#include <signal.h>
#include <stdio.h>

static volatile sig_atomic_t got;

static void on_trap(int sig)
{
	(void)sig;
	got++;
}

int main(void)
{
	signal(SIGTRAP, on_trap);
	raise(SIGTRAP);
	raise(SIGTRAP);
	if (got != 2)
		return 5;
	fputs("trap\n", stdout);
	return 0;
}
