/* perf_event_open(2) with a NULL attribute. RF. The arguments are chosen
 * so that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
}
