/* setpgid(0, 0): leave the supervisor's process group. RF. */
#include "hostile.h"
int main(void)
{
	MUST_NOT_RETURN(setpgid(0, 0));
}
