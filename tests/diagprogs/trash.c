/*
 * Programs that destroy their own stack before the verdict:
 *   smash  fills 512 bytes of the stack from rsp upwards (its frame and
 *          its callers': saved rbp, return addresses) and rbp with 0x41,
 *          then calls socket() directly: RF
 *   rsp    points rsp and rbp at garbage, then executes ud2: SIGILL
 * The backtrace must stop early (partial), not hang or crash.
 */
#include <string.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static void smash(void)
{
	__asm__ volatile(
		"movabs $0x4141414141414141, %%rax\n\t"
		"mov %%rsp, %%rdi\n\t"
		"mov $64, %%ecx\n\t"
		"cld\n\t"
		"rep stosq\n\t"
		"mov %%rax, %%rbp\n\t"
		"mov $41, %%eax\n\t"   /* socket(AF_INET, SOCK_STREAM, 0) */
		"mov $2, %%edi\n\t"
		"mov $1, %%esi\n\t"
		"xor %%edx, %%edx\n\t"
		"syscall\n\t"
		"ud2\n\t"
		::: "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory");
}

NOINLINE static void trash_rsp(void)
{
	__asm__ volatile(
		"movabs $0x4141414141414141, %%rax\n\t"
		"mov %%rax, %%rbp\n\t"
		"mov $0x10, %%rsp\n\t"
		"ud2\n\t"
		::: "rax", "memory");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "rsp") == 0)
		trash_rsp();
	else
		smash();
	return 0;
}
