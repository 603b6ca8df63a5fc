/* userfaultfd(2) (a classic kernel-exploit helper). RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_userfaultfd, 0));
}
