/* setgid(0). RF. The arguments are chosen so that nothing harmful happens
 * even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(setgid(0));
}
