/* kill(0, sig): the program's process group, which is the supervisor's
 * (no setsid/setpgid in the child). RF. Flag `ns`. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	MUST_NOT_RETURN(kill(0, SIGUSR2));
}
