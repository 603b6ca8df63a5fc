/* unshare(CLONE_NEWNS|CLONE_NEWPID). RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"
#include <sched.h>
int main(void)
{
	MUST_NOT_RETURN(unshare(CLONE_NEWNS | CLONE_NEWPID));
}
