/*
 * Profiles: the sb_diag object, per-syscall counts and time stopped
 * (tracer thread), the CPU/memory time series sampled by the manager
 * thread (sandbox-run draws it: cli/render.c).
 */
#include "config.h"
#include "diag/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ the object */

struct sb_diag *sb_diag_new(void)
{
	struct sb_diag *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->bt_when = S_BT_DEFAULT;
	d->prof_fd = -1;
	d->stride = 1;
	return d;
}

static void free_counts(struct sb_diag *d)
{
	for (int a = 0; a < S_ABI_COUNT; a++) {
		free(d->sys[a]);
		d->sys[a] = NULL;
		d->sys_n[a] = 0;
	}
	d->cur = NULL;
}

void sb_diag_free(struct sb_diag *d)
{
	if (!d)
		return;
	free_counts(d);
	free(d->frames);
	free(d->samples);
	free(d->tasks);
	free(d);
}

static void clear_results(struct sb_diag *d)
{
	memset(&d->bt, 0, sizeof(d->bt));
	for (int a = 0; a < S_ABI_COUNT; a++)
		if (d->sys[a])
			memset(d->sys[a], 0, (size_t)d->sys_n[a] * sizeof(*d->sys[a]));
	d->cur = NULL;
	d->t_stop = 0;
	d->ntasks = 0;
	d->tasks_dropped = 0;
	d->nsamples = 0;
	d->stride = 1;
	d->skipped = 0;
	d->next_sample_ns = 0;
	d->header_done = false;
}

static int alloc_counts(struct sb_diag *d)
{
	for (int a = 0; a < S_ABI_COUNT; a++) {
		if (d->sys[a])
			continue;
		int n = sb_abi_nr_limit(a);
		if (n <= 0)
			continue;
		if (!(d->sys[a] = calloc((size_t)n, sizeof(*d->sys[a]))))
			return -ENOMEM;
		d->sys_n[a] = n;
	}
	return 0;
}

void sb_diag_begin_run(struct sb_diag *d, bool classic)
{
	clear_results(d);
	d->all_syscalls = classic;
	if ((d->prof_flags & SANDBOX_PROFILE_SYSCALLS) && alloc_counts(d) < 0)
		free_counts(d);
	if ((d->prof_flags & SANDBOX_PROFILE_SYSCALLS) && !d->tasks)
		d->tasks = calloc(SB_DIAG_MAX_TASKS, sizeof(*d->tasks));
	d->prof_syscalls = (d->prof_flags & SANDBOX_PROFILE_SYSCALLS) &&
	                   d->sys[S_ABI_X86_64] && d->tasks;
	if (d->prof_interval_us && !d->samples)
		d->samples = calloc(SB_DIAG_MAX_SAMPLES, sizeof(*d->samples));
}

void sb_diag_reset(struct sb_diag *d)
{
	if (d)
		clear_results(d);
}

/* ------------------------------------------------------------ syscalls */

void sb_diag_task_end(struct sb_diag *d, pid_t tid, pid_t tgid,
                      uint64_t syscalls)
{
	if (!d || !d->tasks)
		return;
	if (d->ntasks == SB_DIAG_MAX_TASKS) {
		d->tasks_dropped++;
		return;
	}
	sandbox_task_count_t *t = &d->tasks[d->ntasks++];
	t->tid = tid;
	t->tgid = tgid;
	t->syscalls = syscalls;
}

void sb_diag_sys_stop(struct sb_diag *d)
{
	d->t_stop = sb_now_ns();
}

void sb_diag_sys_entry(struct sb_diag *d, const sandbox_syscall_t *sc)
{
	d->cur = NULL;
	if (sc->abi < 0 || sc->abi >= S_ABI_COUNT || !d->sys[sc->abi] ||
	    sc->nr < 0 || sc->nr >= d->sys_n[sc->abi])
		return;
	d->cur = &d->sys[sc->abi][sc->nr];
	d->cur->count++;
}

void sb_diag_sys_resume(struct sb_diag *d)
{
	if (!d->t_stop)
		return;
	if (d->cur)
		d->cur->ns += (uint64_t)(sb_now_ns() - d->t_stop);
	d->t_stop = 0;
}

/* ------------------------------------------------------------ sampling */

/* utime, stime (clock ticks), vsize (bytes), rss (pages) of /proc/PID/stat */
static int read_stat(pid_t pid, sandbox_sample_t *s)
{
	char path[64], buf[1024];
	unsigned long ut, st, vsize;
	long rss;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the name may hold anything */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	                 "%lu %lu %*d %*d %*d %*d %*d %*d %*u %lu %ld",
	                 &ut, &st, &vsize, &rss) != 4)
		return -EIO;
	long tck = sysconf(_SC_CLK_TCK), pg = sysconf(_SC_PAGESIZE);
	s->user_us = (int64_t)ut * 1000000 / (tck > 0 ? tck : 100);
	s->sys_us = (int64_t)st * 1000000 / (tck > 0 ? tck : 100);
	s->vm = (int64_t)vsize;
	s->rss = (int64_t)rss * (pg > 0 ? pg : 4096);
	return 0;
}

static int64_t cpu_clock_us(pid_t pid)
{
	clockid_t cid;
	struct timespec t;
	if (clock_getcpuclockid(pid, &cid) != 0 || clock_gettime(cid, &t) != 0)
		return -1;
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void emit_sample(struct sb_diag *d, const sandbox_sample_t *s)
{
	char line[256];
	int n = 0;

	if (d->prof_fd < 0)
		return;
	if (d->prof_flags & SANDBOX_PROFILE_CSV) {
		if (!d->header_done)
			n = snprintf(line, sizeof(line),
			             "t_us,cpu_us,user_us,sys_us,rss_bytes,vm_bytes\n");
		n += snprintf(line + n, sizeof(line) - (size_t)n,
		              "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
		              ",%" PRId64 ",%" PRId64 "\n", s->t_us, s->cpu_us,
		              s->user_us, s->sys_us, s->rss, s->vm);
	} else {
		n = snprintf(line, sizeof(line),
		             "{\"t_us\":%" PRId64 ",\"cpu_us\":%" PRId64
		             ",\"user_us\":%" PRId64 ",\"sys_us\":%" PRId64
		             ",\"rss_bytes\":%" PRId64 ",\"vm_bytes\":%" PRId64 "}\n",
		             s->t_us, s->cpu_us, s->user_us, s->sys_us, s->rss,
		             s->vm);
	}
	d->header_done = true;
	if (n > 0)
		(void)sb_write_all(d->prof_fd, line, (size_t)n);
}

/* Keep a bounded number of samples: when full, drop every other one. */
static void keep_sample(struct sb_diag *d, const sandbox_sample_t *s)
{
	if (!d->samples)
		return;
	if (++d->skipped < d->stride)
		return;
	d->skipped = 0;
	if (d->nsamples == SB_DIAG_MAX_SAMPLES) {
		for (size_t i = 0; i < SB_DIAG_MAX_SAMPLES / 2; i++)
			d->samples[i] = d->samples[2 * i];
		d->nsamples = SB_DIAG_MAX_SAMPLES / 2;
		d->stride *= 2;
	}
	d->samples[d->nsamples++] = *s;
}

static void take_sample(struct sb_diag *d, pid_t pid, int64_t now)
{
	sandbox_sample_t s = { .t_us = (now - d->start_ns) / 1000 };
	if (read_stat(pid, &s) < 0)
		return; /* gone: the tracer is about to see it */
	if (s.vm == 0)
		return; /* exiting: its memory is already released */
	s.cpu_us = cpu_clock_us(pid);
	keep_sample(d, &s);
	emit_sample(d, &s);
}

int64_t sb_diag_tick(struct sb_diag *d, pid_t pid, int64_t start_ns,
                     int64_t now, int64_t next)
{
	if (!d || !d->prof_interval_us)
		return next;
	int64_t step = (int64_t)d->prof_interval_us * 1000;
	if (!d->next_sample_ns) {
		d->start_ns = start_ns;
		d->next_sample_ns = now;
	}
	if (now >= d->next_sample_ns) {
		take_sample(d, pid, now);
		d->next_sample_ns += step;
		if (d->next_sample_ns <= now)
			d->next_sample_ns = now + step;
	}
	return d->next_sample_ns < next ? d->next_sample_ns : next;
}
