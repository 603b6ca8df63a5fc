/* name_to_handle_at(2) of /. RF. The arguments are chosen so that nothing
 * harmful happens even if the call ran. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_name_to_handle_at, AT_FDCWD, "/", NULL, NULL, 0));
}
