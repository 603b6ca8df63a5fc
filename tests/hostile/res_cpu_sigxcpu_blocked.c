/* Block SIGXCPU (the RLIMIT_CPU soft warning) and spin. TL (CPU). */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGXCPU);
	sigprocmask(SIG_BLOCK, &s, NULL);
	spin();
}
