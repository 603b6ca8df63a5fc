/* kexec_load(2) with bad flags. RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_kexec_load, 0, 0, NULL, ~0UL));
}
