/* mknod(2) of a character device (/dev/mem's numbers) in the working
 * directory. RF. The arguments are chosen so that nothing harmful happens
 * even if the call ran. */
#include "hostile.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>
int main(void)
{
	MUST_NOT_RETURN(mknod("mem", S_IFCHR | 0600, makedev(1, 1)));
}
