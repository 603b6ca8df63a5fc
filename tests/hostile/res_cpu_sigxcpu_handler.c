/* Catch SIGXCPU and keep spinning after it. TL (CPU). */
#include "hostile.h"
#include <signal.h>
static void on_xcpu(int sig)
{
	(void)sig;
}
int main(void)
{
	signal(SIGXCPU, on_xcpu);
	spin();
}
