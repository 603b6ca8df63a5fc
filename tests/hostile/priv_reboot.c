/* reboot(2) with wrong magic numbers (EINVAL if it ran). Flag ns. RF. The
 * arguments are chosen so that nothing harmful happens even if the call
 * ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_reboot, 0, 0, 0, NULL));
}
