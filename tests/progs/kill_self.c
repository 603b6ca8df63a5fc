/* Sends itself SIGTERM with a handler installed that exits 0. argv[1]:
 * "raise" (default, tgkill) or "kill" (kill(getpid())). A policy that lets
 * the signal through must deliver it to the handler: verdict OK. If the
 * signal never arrives, exits 7 (AT). */
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

int main(int argc, char **argv)
{
	signal(SIGTERM, on_term);
	if (argc > 1 && strcmp(argv[1], "kill") == 0)
		kill(getpid(), SIGTERM);
	else
		raise(SIGTERM);
	sleep(1);
	return 7;
}
