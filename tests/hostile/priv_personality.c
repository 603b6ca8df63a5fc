/* personality(READ_IMPLIES_EXEC). RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"
#include <sys/personality.h>
int main(void)
{
	MUST_NOT_RETURN(personality(READ_IMPLIES_EXEC));
}
