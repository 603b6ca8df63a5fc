/*
 * Time: the monotonic clock in nanoseconds and the differences the
 * figures of a run are made of.
 */
#include "config.h"
#include "util/util.h"

#define NSEC 1000000000LL

int64_t sb_ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * NSEC + t->tv_nsec;
}

int64_t sb_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return sb_ts_ns(&t);
}

int64_t sb_ts_diff_us(const struct timespec *a, const struct timespec *b)
{
	return (sb_ts_ns(a) - sb_ts_ns(b)) / 1000;
}

int64_t sb_tv_us(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}
