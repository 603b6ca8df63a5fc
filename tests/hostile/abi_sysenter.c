/* `sysenter` from 64-bit code with eax = 20 (i386 getpid), on a stack in
 * the low 4 GiB so the kernel can fetch the i386 arguments. On Intel CPUs
 * the kernel takes it as an i386 syscall: RF. On AMD it raises #UD:
 * SIGILL, RT. sysenter has no return address of its own (the kernel
 * returns to the 32-bit vDSO landing pad, absent in a 64-bit process), so
 * the program never gets back here normally: never a syscall that runs
 * and then OK. */
#include "hostile.h"
#include <sys/mman.h>
int main(void)
{
	long ret;
	char *stk = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (stk == MAP_FAILED)
		return 3;
	__asm__ volatile("mov %%rsp, %%r12\n\t"
	                 "mov %1, %%rsp\n\t"
	                 "sysenter\n\t"
	                 "mov %%r12, %%rsp"
	                 : "=a"(ret)
	                 : "r"(stk + 65536 - 64), "a"(20L)
	                 : "memory", "rbx", "rcx", "rdx", "r8", "r9", "r10",
	                   "r11", "r12");
	MUST_NOT_RETURN(ret);
}
