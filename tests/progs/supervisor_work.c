/*
 * A program that makes its supervisor work, forever:
 *   supervisor_work refuse   opens a file for writing outside its
 *                            working directory (the default policy asks
 *                            its callback, which refuses: EACCES)
 *   supervisor_work signal   raises SIGUSR1 (caught) in a loop: every
 *                            signal is a stop the tracer handles
 * It ends by its quotas only.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "refuse") == 0) {
		for (;;)
			open("/nonexistent-dir/x", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	}
	if (argc == 2 && strcmp(argv[1], "signal") == 0) {
		signal(SIGUSR1, on_usr1);
		for (;;)
			raise(SIGUSR1);
	}
	return 2;
}
