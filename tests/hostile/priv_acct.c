/* acct(2) to a missing file. RF. The arguments are chosen so that nothing
 * harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(acct("/nonexistent-hostile/acct"));
}
