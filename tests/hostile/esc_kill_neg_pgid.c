/* kill(-pgid): the supervisor's process group by number. RF. Flag `ns`. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	MUST_NOT_RETURN(kill(-getpgrp(), SIGUSR2));
}
