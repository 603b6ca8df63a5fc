/* Same as esc_fcntl_setown with F_SETOWN_EX naming the supervisor's
 * process group (F_OWNER_PGRP): one read by the supervisor would signal
 * the whole judge. Expected RF. */
#include "hostile.h"
#include <fcntl.h>
#include <signal.h>
int main(void)
{
	struct f_owner_ex o = { .type = F_OWNER_PGRP, .pid = getpgrp() };
	if (fcntl(1, F_SETOWN_EX, &o) == 0)
		escaped("F_SETOWN_EX to process group %d accepted", (int)o.pid);
	printf("fcntl refused: %s\n", strerror(errno));
	return 0;
}
