/* init_module(2) with an empty image. RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_init_module, NULL, 0, ""));
}
