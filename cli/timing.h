/*
 * sandbox-run: timing marks of the tool's own steps, for the table of
 * docs/PERFORMANCE.md ("sandbox-run's own start and work"). They exist
 * only in a build made with -DSR_TIMING, e.g.
 *     make CPPFLAGS=-DSR_TIMING bench/sandbox-run
 * where each sr_mark() takes the monotonic clock and the process's CPU
 * clock, and at exit the steps are appended, one line per run, to the
 * file named by SR_TIMING_OUT (times from SR_TIMING_T0, the launcher's
 * CLOCK_MONOTONIC in ns just before its fork). In a normal build
 * sr_mark() is an empty inline function: nothing is added to a run.
 */
#ifndef SR_TIMING_H
#define SR_TIMING_H

#ifdef SR_TIMING
void sr_mark(const char *step);
#else
static inline void sr_mark(const char *step)
{
	(void)step;
}
#endif

#endif
