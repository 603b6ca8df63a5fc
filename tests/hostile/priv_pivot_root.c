/* pivot_root(2) with missing paths. RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_pivot_root, "/nonexistent-a", "/nonexistent-b"));
}
