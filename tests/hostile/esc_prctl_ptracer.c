/* PR_SET_PTRACER_ANY (Yama): RF. */
#include "hostile.h"
#include <sys/prctl.h>
int main(void)
{
	MUST_NOT_RETURN(prctl(PR_SET_PTRACER, (unsigned long)-1, 0, 0, 0));
}
