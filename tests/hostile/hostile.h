/*
 * Shared helpers of the hostile-program corpus (every .c file of tests/hostile).
 *
 * Every program is one attack. When an action the default policy forbids
 * *succeeds* (or a forbidden syscall returns at all, instead of the program
 * being killed at it), the program prints a line starting with "ESCAPED"
 * and exits 42: the runner (check_hostile.c) fails on that word whatever
 * the verdict. A program that was refused the way the policy says prints
 * what happened and exits as documented in expected.tsv.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_BIT 0x40000000L

static inline __attribute__((noreturn, format(printf, 1, 2)))
void escaped(const char *fmt, ...)
{
	__builtin_va_list ap;

	fputs("ESCAPED: ", stdout);
	__builtin_va_start(ap, fmt);
	vprintf(fmt, ap);
	__builtin_va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	_exit(42);
}

/* A syscall that the policy must kill the program at: reaching the next
 * line at all is an escape. */
#define MUST_NOT_RETURN(expr)                                              \
	do {                                                               \
		long r_ = (long)(expr);                                    \
		escaped("%s returned %ld (%s)", #expr, r_,                 \
		        r_ < 0 ? strerror(errno) : "success");             \
	} while (0)

/* A raw 64-bit `syscall` with a full 64-bit rax (glibc's syscall() takes
 * a long too, but this makes the register explicit). */
static inline long raw_syscall6(unsigned long nr, long a1, long a2, long a3,
                                long a4, long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10),
	                   "r"(r8), "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
}

/* An i386 syscall through int $0x80 from 64-bit code. */
static inline long int80(long nr, long a1, long a2, long a3)
{
	long ret;

	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(nr), "b"(a1), "c"(a2), "d"(a3)
	                 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* Burn CPU forever. */
static inline __attribute__((noreturn)) void spin(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}

#endif
