/* ioctl(0, TIOCSTI) (push characters into the terminal's input). RF. The
 * arguments are chosen so that nothing harmful happens even if the call
 * ran. */
#include "hostile.h"
#include <sys/ioctl.h>
int main(void)
{
	MUST_NOT_RETURN(ioctl(0, TIOCSTI, "x"));
}
