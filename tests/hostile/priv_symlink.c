/* symlink(2) in the working directory pointing at / (a later relative
 * write open would follow it). RF. The arguments are chosen so that
 * nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(symlink("/", "root"));
}
