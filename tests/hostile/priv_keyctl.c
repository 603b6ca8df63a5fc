/* keyctl(KEYCTL_GET_KEYRING_ID, session keyring). RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_keyctl, 0, -3, 0));
}
