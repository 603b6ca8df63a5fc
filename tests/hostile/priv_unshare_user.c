/* unshare(CLONE_NEWUSER) (a user namespace: root inside). RF. The
 * arguments are chosen so that nothing harmful happens even if the call
 * ran. */
#include "hostile.h"
#include <sched.h>
int main(void)
{
	MUST_NOT_RETURN(unshare(CLONE_NEWUSER));
}
