/* Syscall numbers no ABI has: argv[1] (decimal or 0x hex), default 1000.
 * RF for every one of them. */
#include "hostile.h"
#include <stdlib.h>
int main(int argc, char **argv)
{
	unsigned long nr = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
	MUST_NOT_RETURN(raw_syscall6(nr, 0, 0, 0, 0, 0, 0));
}
