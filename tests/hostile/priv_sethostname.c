/* sethostname(2) to the current name length 0. RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(sethostname("", 0));
}
