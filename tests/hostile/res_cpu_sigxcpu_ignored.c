/* Ignore SIGXCPU and spin. TL (CPU). */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	signal(SIGXCPU, SIG_IGN);
	spin();
}
