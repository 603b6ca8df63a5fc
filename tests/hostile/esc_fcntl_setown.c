/* Signal the supervisor without kill(2): make it the owner of the
 * program's stdout (F_SETOWN), choose the signal (F_SETSIG) and ask for
 * SIGIO (O_ASYNC). When stdout is a pipe the supervisor reads (output
 * capture), every read sends the signal -- any signal, SIGKILL or SIGSTOP
 * included, to any pid or process group the uid may signal. Here it is
 * SIGUSR2 to the supervisor, which the runner counts. The policy must
 * refuse the F_SETOWN of a foreign pid (kill of anything but itself is
 * RF). Expected RF; F_SETOWN succeeding is an escape. */
#include "hostile.h"
#include <fcntl.h>
#include <signal.h>
int main(void)
{
	if (fcntl(1, F_SETOWN, getppid()) == 0 &&
	    fcntl(1, F_SETSIG, SIGUSR2) == 0 &&
	    fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_ASYNC) == 0) {
		char buf[4096];
		memset(buf, 'x', sizeof(buf));
		for (int i = 0; i < 64; i++)
			if (write(1, buf, sizeof(buf)) < 0)
				break;
		fflush(stdout);
		escaped("F_SETOWN(getppid()) + F_SETSIG + O_ASYNC accepted");
	}
	printf("fcntl refused: %s\n", strerror(errno));
	return 0;
}
