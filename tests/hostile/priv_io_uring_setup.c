/* io_uring_setup(2) (syscalls the filter never sees). RF. The arguments
 * are chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_io_uring_setup, 1, NULL));
}
