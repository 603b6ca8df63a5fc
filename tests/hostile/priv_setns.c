/* setns(2) into the mount namespace of pid 1 (fd -1: invalid). RF. The
 * arguments are chosen so that nothing harmful happens even if the call
 * ran. */
#include "hostile.h"
#include <sched.h>
int main(void)
{
	MUST_NOT_RETURN(setns(-1, CLONE_NEWNS));
}
