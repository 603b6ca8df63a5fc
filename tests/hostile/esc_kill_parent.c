/* SIGKILL to the supervisor: RF. */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	MUST_NOT_RETURN(kill(getppid(), SIGKILL));
}
