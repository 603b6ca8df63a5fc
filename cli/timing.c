/*
 * sandbox-run: timing marks (see timing.h). Empty unless built with
 * -DSR_TIMING.
 */
#include "config.h"
#include "timing.h"

#ifdef SR_TIMING
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SR_MARK_MAX 64

static struct {
	const char *step;
	long long mono, cpu; /* ns */
} marks[SR_MARK_MAX];
static int nmarks;

static long long ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* One line: "step wall_us cpu_us ..." (wall from SR_TIMING_T0, CPU of the
 * process since it was forked), then "exit" at the atexit handler. */
static void dump(void)
{
	const char *out = getenv("SR_TIMING_OUT");
	const char *t0s = getenv("SR_TIMING_T0");
	long long t0 = t0s ? atoll(t0s) : marks[0].mono;
	char line[4096];
	size_t n = 0;
	int fd;

	sr_mark("exit");
	for (int i = 0; i < nmarks && n < sizeof(line) - 80; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %.1f %.1f ",
		                      marks[i].step,
		                      (double)(marks[i].mono - t0) / 1e3,
		                      (double)marks[i].cpu / 1e3);
	line[n ? n - 1 : 0] = '\n';
	if (!out || (fd = open(out, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	                       0600)) < 0)
		return;
	if (write(fd, line, n) < 0) { /* nothing to do */ }
	close(fd);
}

void sr_mark(const char *step)
{
	if (nmarks == 0)
		atexit(dump);
	if (nmarks == SR_MARK_MAX)
		return;
	marks[nmarks].step = step;
	marks[nmarks].mono = ns(CLOCK_MONOTONIC);
	marks[nmarks].cpu = ns(CLOCK_PROCESS_CPUTIME_ID);
	nmarks++;
}
#else
typedef int sr_timing_none; /* ISO C: no empty translation unit */
#endif
