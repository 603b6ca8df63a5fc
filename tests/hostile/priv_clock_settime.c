/* clock_settime(CLOCK_MONOTONIC) (always EINVAL if it ran). RF. The
 * arguments are chosen so that nothing harmful happens even if the call
 * ran. */
#include "hostile.h"
#include <time.h>
int main(void)
{
	MUST_NOT_RETURN(clock_settime(CLOCK_MONOTONIC, &(struct timespec){ 0, 0 }));
}
