/*
 * A small classic-BPF interpreter for seccomp filters: runs a program
 * over one struct seccomp_data the way the kernel does, without a kernel.
 * The kernel-free test tier (tests/check_bpf.c) uses it to compare each
 * compiled policy with the user-space evaluation.
 */
#ifndef LIBSANDBOX_TESTS_BPFSIM_H
#define LIBSANDBOX_TESTS_BPFSIM_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>

/* Run prog over d. Returns the filter's 32-bit SECCOMP_RET_* value, or
 * sets *why to what went wrong (a bad instruction, a jump out of the
 * program, a load outside seccomp_data, no return) and returns 0. */
uint32_t bpfsim_run(const struct sock_fprog *prog,
                    const struct seccomp_data *d, const char **why);

#endif
