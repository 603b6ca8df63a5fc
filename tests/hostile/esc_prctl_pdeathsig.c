/* Clear PR_SET_PDEATHSIG so it survives the supervisor: RF at prctl. */
#include "hostile.h"
#include <sys/prctl.h>
int main(void)
{
	MUST_NOT_RETURN(prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0));
}
