/* Stop itself again and again, between short sleeps: a stopped process
 * uses no CPU, but the wall clock keeps running. TL (wall). */
#include "hostile.h"
#include <signal.h>
#include <time.h>
int main(void)
{
	struct timespec ts = { 0, 10000000 };
	for (;;) {
		raise(SIGSTOP);
		nanosleep(&ts, NULL);
	}
}
