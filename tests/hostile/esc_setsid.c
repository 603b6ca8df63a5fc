/* setsid(): leave the supervisor's session. RF. */
#include "hostile.h"
int main(void)
{
	MUST_NOT_RETURN(setsid());
}
