/* swapon(2) of a missing file. RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"
#include <sys/swap.h>
int main(void)
{
	MUST_NOT_RETURN(swapon("/nonexistent-hostile", 0));
}
