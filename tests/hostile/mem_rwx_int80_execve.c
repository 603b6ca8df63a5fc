/* An RWX mapping with i386 shellcode: execve("/bin/sh") through int $0x80
 * (nr 11) from 64-bit code. RF (i386 ABI). */
#include "hostile.h"
#include <sys/mman.h>
int main(void)
{
	/* mov $11,%eax; xor %ebx,%ebx; xor %ecx,%ecx; xor %edx,%edx;
	 * int $0x80; ret */
	static const unsigned char code[] = { 0xb8, 11, 0, 0, 0, 0x31, 0xdb,
		0x31, 0xc9, 0x31, 0xd2, 0xcd, 0x80, 0xc3 };
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return 3;
	}
	memcpy(p, code, sizeof(code));
	MUST_NOT_RETURN(((long (*)(void))p)());
}
