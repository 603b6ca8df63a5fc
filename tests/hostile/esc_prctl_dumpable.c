/* PR_SET_DUMPABLE 0 (hide /proc/self from the supervisor): RF. */
#include "hostile.h"
#include <sys/prctl.h>
int main(void)
{
	MUST_NOT_RETURN(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
}
