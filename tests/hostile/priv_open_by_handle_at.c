/* open_by_handle_at(2) (the shocker container escape) with a NULL handle.
 * RF. The arguments are chosen so that nothing harmful happens even if the
 * call ran. */
#include "hostile.h"
#include <fcntl.h>
int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, 0));
}
