/* chroot(2) to a missing directory. RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(chroot("/nonexistent-hostile"));
}
