/* delete_module(2) of a module that does not exist. RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_delete_module, "hostile_none", 0));
}
