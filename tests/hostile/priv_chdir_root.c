/* chdir("/") (then relative write paths would reach the whole tree). RF.
 * The arguments are chosen so that nothing harmful happens even if the
 * call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(chdir("/"));
}
