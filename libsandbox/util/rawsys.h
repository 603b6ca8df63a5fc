/*
 * System calls without libc: for a child that shares its parent's memory
 * (core/spawn.c starts the program with clone(CLONE_VM)) until its execve.
 *
 * Such a child shares the parent's thread-local storage too: libc's
 * wrappers write errno there (the parent thread's errno, while that thread
 * runs), and some read state cached there (raise() signals the thread id
 * glibc keeps for the parent's thread, not the child). These calls touch
 * no memory but their arguments: they return the kernel's result, a
 * negative errno on failure (-4095..-1), and never write errno.
 *
 * x86_64 only, like the whole library (configure.ac).
 */
#ifndef SB_RAWSYS_H
#define SB_RAWSYS_H

#include <sys/syscall.h>

/* Every function such a child runs, from its entry to its execve: built
 * without AddressSanitizer's and UBSan's instrumentation -- ASan's stack
 * frames (with detect_stack_use_after_return, clang's default) come from
 * a fake stack of the calling thread's, found through the thread-local
 * storage, so the supervisor thread's, which it is using at the same
 * time; UBSan's handlers allocate and lock. Such code calls no libc
 * function either (no memset: initializers), whose sanitizer interceptors
 * would do the same. A no-op in other builds. tests/check_child_code.sh
 * checks the sanitizer build. */
#define SB_CHILD_CODE __attribute__((no_sanitize_address, no_sanitize_undefined))

static inline long sb_rawsys6(long nr, long a, long b, long c, long d,
                              long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
	                   "r"(r9)
	                 : "rcx", "r11", "memory");
	return ret;
}

#define SB_RAW_ARG(x) ((long)(x))
#define sb_rawsys0(nr) sb_rawsys6((nr), 0, 0, 0, 0, 0, 0)
#define sb_rawsys1(nr, a) sb_rawsys6((nr), SB_RAW_ARG(a), 0, 0, 0, 0, 0)
#define sb_rawsys2(nr, a, b) \
	sb_rawsys6((nr), SB_RAW_ARG(a), SB_RAW_ARG(b), 0, 0, 0, 0)
#define sb_rawsys3(nr, a, b, c) \
	sb_rawsys6((nr), SB_RAW_ARG(a), SB_RAW_ARG(b), SB_RAW_ARG(c), 0, 0, 0)
#define sb_rawsys4(nr, a, b, c, d) \
	sb_rawsys6((nr), SB_RAW_ARG(a), SB_RAW_ARG(b), SB_RAW_ARG(c), \
	           SB_RAW_ARG(d), 0, 0)
#define sb_rawsys5(nr, a, b, c, d, e) \
	sb_rawsys6((nr), SB_RAW_ARG(a), SB_RAW_ARG(b), SB_RAW_ARG(c), \
	           SB_RAW_ARG(d), SB_RAW_ARG(e), 0)

/* The result as 0 or -errno (for calls whose success value is not used). */
static inline int sb_raw_rc(long r)
{
	return r < 0 ? (int)r : 0;
}

/* Leave at once (the child is a process of its own: its whole group).
 * Not declared _Noreturn: under AddressSanitizer a call to a noreturn
 * function is preceded by __asan_handle_no_return, which expects the
 * thread's own stack, not the child's (core/spawn.c). */
static inline void sb_raw_exit(int status)
{
	for (;;)
		(void)sb_rawsys1(SYS_exit_group, status);
}

#endif
