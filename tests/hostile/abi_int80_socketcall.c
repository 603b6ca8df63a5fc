/* i386 socketcall (102) SYS_SOCKET: a socket without socket(2). RF. */
#include "hostile.h"
#include <sys/mman.h>
int main(void)
{
	/* socketcall(SYS_SOCKET=1, args) with args in the low 4 GiB. */
	unsigned *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (args == MAP_FAILED)
		return 3;
	args[0] = 2; /* AF_INET */
	args[1] = 1; /* SOCK_STREAM */
	args[2] = 0;
	MUST_NOT_RETURN(int80(102, 1, (long)(uintptr_t)args, 0));
}
