/*
 * Programs that destroy their own stack before the verdict:
 *   smash  fills 512 bytes of the stack from rsp upwards (its frame and
 *          its callers': saved rbp, return addresses) and rbp with 0x41,
 *          then calls socket() directly: RF
 *   rsp    points rsp and rbp at garbage, then executes ud2: SIGILL
 *   cfi    faults (SIGSEGV) in a function whose own unwind info says its
 *          frame is a DWARF expression that jumps back to itself forever
 *          (DW_CFA_def_cfa_expression { DW_OP_skip -3 })
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

void cfi_loop(void);
__asm__(".text\n"
        ".globl cfi_loop\n"
        ".type cfi_loop, @function\n"
        "cfi_loop:\n"
        ".cfi_startproc\n"
        /* DW_CFA_def_cfa_expression, 3 bytes: DW_OP_skip, -3 (itself) */
        ".cfi_escape 0x0f, 0x03, 0x2f, 0xfd, 0xff\n"
        "xor %eax, %eax\n"
        "mov (%rax), %rax\n"
        "ret\n"
        ".cfi_endproc\n"
        ".size cfi_loop, .-cfi_loop\n");

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "rsp") == 0)
		trash_rsp();
	else if (argc > 1 && strcmp(argv[1], "cfi") == 0)
		cfi_loop();
	else
		smash();
	return 0;
}
