/* setgroups(0, NULL) (drop supplementary groups). RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"
#include <grp.h>
int main(void)
{
	MUST_NOT_RETURN(setgroups(0, NULL));
}
