/*
 * The seeded random stream of the kernel-free filter suites (check_bpf,
 * check_filter_tree): SB_BPF_SEED=N repeats a run. One stream per test
 * program (each Check test, forked, starts from the seed main() set).
 *
 * Each suite keeps the generator it always had, so that a seed gives the
 * same random tables and inputs as before this header: check_filter_tree
 * xorshift64 (shifts 13, 7, 17), check_bpf xorshift64* (12, 25, 27, then
 * a multiply). Neither may start from 0, their fixed point.
 *
 *   seedrng_init(kind, fallback)   once, in main(): SB_BPF_SEED or the
 *                                  suite's own fallback; returns the seed
 *   rnd(), below(n)                the next 64 bits, or a number below n
 */
#ifndef SANDBOX_TESTS_SEEDRNG_H
#define SANDBOX_TESTS_SEEDRNG_H

#include <stdint.h>
#include <stdlib.h>

enum seedrng_kind { SEEDRNG_XORSHIFT64, SEEDRNG_XORSHIFT64_STAR };

static uint64_t seedrng_state;
static enum seedrng_kind seedrng_kind;

static inline uint64_t seedrng_init(enum seedrng_kind kind, uint64_t fallback)
{
	const char *seed = getenv("SB_BPF_SEED");

	seedrng_kind = kind;
	seedrng_state = seed ? strtoull(seed, NULL, 0) : fallback;
	if (!seedrng_state)
		seedrng_state = 1;
	return seedrng_state;
}

static inline uint64_t rnd(void)
{
	uint64_t *s = &seedrng_state;

	if (seedrng_kind == SEEDRNG_XORSHIFT64) {
		*s ^= *s << 13;
		*s ^= *s >> 7;
		*s ^= *s << 17;
		return *s;
	}
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static inline unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

#endif /* SANDBOX_TESTS_SEEDRNG_H */
