/*
 * A small classic-BPF interpreter for seccomp filters: runs a program
 * over one struct seccomp_data the way the kernel does, without a kernel.
 * policy/verify.c runs every custom policy's compiled filter in it before
 * the filter is used; the kernel-free test tier (tests/check_bpf.c) runs
 * the built-in and random policies' filters in it.
 */
#ifndef LIBSANDBOX_UTIL_BPFSIM_H
#define LIBSANDBOX_UTIL_BPFSIM_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>

/* Run prog over d. Returns the filter's 32-bit SECCOMP_RET_* value, or
 * sets *why to what went wrong (a bad instruction, a jump out of the
 * program, a load outside seccomp_data, no return) and returns 0.
 * *loaded (may be NULL) gets bit i set for each 32-bit word i of d the
 * run read (0 nr, 1 arch, 2-3 the instruction pointer, 4 + 2k and
 * 5 + 2k the low and high halves of args[k]): a run that read no
 * argument word decides every call with the same nr and arch alike. */
uint32_t sb_bpf_run(const struct sock_fprog *prog,
                    const struct seccomp_data *d, const char **why,
                    uint32_t *loaded);

#endif
