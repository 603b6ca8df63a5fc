/* mount(2) of a tmpfs on a path that does not exist. RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"
#include <sys/mount.h>
int main(void)
{
	MUST_NOT_RETURN(mount("none", "/nonexistent-hostile", "tmpfs", 0, NULL));
}
