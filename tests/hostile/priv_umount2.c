/* umount2(2) of a path that is not a mount point. RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"
#include <sys/mount.h>
int main(void)
{
	MUST_NOT_RETURN(umount2("/nonexistent-hostile", MNT_DETACH));
}
