/* kill(-1, SIGKILL): every process the uid may signal. RF. Only ever run
 * in a fresh PID namespace (flag `ns`). */
#include "hostile.h"
#include <signal.h>
int main(void)
{
	MUST_NOT_RETURN(kill(-1, SIGKILL));
}
