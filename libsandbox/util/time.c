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

struct timespec *sb_ts_until(int64_t deadline_ns, struct timespec *ts)
{
	if (deadline_ns == INT64_MAX)
		return NULL;
	int64_t left = deadline_ns - sb_now_ns();
	if (left < 0)
		left = 0;
	ts->tv_sec = left / NSEC;
	ts->tv_nsec = left % NSEC;
	return ts;
}

int64_t sb_thread_cpu_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
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
