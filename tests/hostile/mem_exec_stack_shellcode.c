/* Make the stack executable with mprotect (allowed: JITs need it), copy
 * shellcode there that calls fork (57) with a plain `syscall`: the
 * syscall is filtered wherever it comes from. RF at fork. */
#include "hostile.h"
#include <stdint.h>
#include <sys/mman.h>
int main(void)
{
	/* mov $57,%eax; syscall; ret */
	static const unsigned char shell[] = { 0xb8, 57, 0, 0, 0, 0x0f, 0x05, 0xc3 };
	unsigned char area[8192];
	unsigned char *code = (unsigned char *)(((uintptr_t)area + 4095) &
	                                        ~(uintptr_t)4095);
	memcpy(code, shell, sizeof(shell));
	if (mprotect(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
		printf("mprotect: %s\n", strerror(errno));
		return 3;
	}
	long r = ((long (*)(void))(void *)code)();
	if (r == 0)
		_exit(0);
	MUST_NOT_RETURN(r);
}
