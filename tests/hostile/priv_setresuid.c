/* setresuid(-1, -1, -1) (a no-op call). RF. The arguments are chosen so
 * that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(setresuid((uid_t)-1, (uid_t)-1, (uid_t)-1));
}
