/* add_key(2) of a user key to the session keyring. RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_add_key, "user", "hostile", "x", 1, -3));
}
