/* i386 execve (11) of /bin/sh: RF. */
#include "hostile.h"
#include <sys/mman.h>
int main(void)
{
	char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (s == MAP_FAILED)
		return 3;
	strcpy(s, "/bin/sh");
	MUST_NOT_RETURN(int80(11, (long)(uintptr_t)s, 0, 0));
}
