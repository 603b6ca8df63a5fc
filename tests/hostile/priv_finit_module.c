/* finit_module(2) of fd -1. RF. The arguments are chosen so that nothing
 * harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_finit_module, -1, "", 0));
}
