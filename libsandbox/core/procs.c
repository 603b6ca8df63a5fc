/*
 * The program's processes (thread groups), shared by the tracer and the
 * manager thread: the quotas are judged over all of them. The tracer is
 * the only one that adds or ends entries, always under mgr.lock; the
 * manager reads them under the same lock (CPU and memory checks) and may
 * kill them all.
 *
 * Each process other than the first is held by a pidfd opened at its
 * creation event, while it is stopped and cannot yet be reaped: a kill
 * can never hit a recycled pid. The first one is the run's own pidfd.
 * When no descriptor can be had (a program keeping a thousand processes
 * alive under the usual limit of 1024 descriptors), the process goes on
 * without one, held by its pid alone: every process of the program is
 * a tracee of the tracer thread, and a tracee's pid stays taken, zombie
 * included, until its tracer waits for it -- only the tracer. So only the
 * tracer kills such a process (sb_procs_kill(..., true)), always before
 * it has taken its end; the manager's kill reaches it through the
 * tracer, which kills what is left as soon as it sees a kill was made
 * (tracer.c).
 *
 * CPU of a process is its CPU clock (every thread it ever had, exact to
 * the nanosecond); the clock of a live process is read when asked, and
 * the last reading is kept: at its main thread's exit stop, as each of
 * its other threads ends (through a zombie main thread too: after its
 * last thread, the whole), just before any kill, and at each check. A process that created no process of its
 * own ends with its exact figure, the rusage of its end; one that did
 * keeps its last clock reading (its rusage also counts the children it
 * waited for, which are counted on their own).
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The process CPU clock of pid, as clock_getcpuclockid() makes it
 * (the kernel's MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)), without its
 * clock_getres() probe: a second system call at every reading, where
 * clock_gettime() fails alike for a pid that is gone. */
static int64_t clock_ns(pid_t pid)
{
	clockid_t cid = (clockid_t)((~(unsigned)pid << 3) | 2u);
	struct timespec t;

	if (pid <= 0 || clock_gettime(cid, &t) != 0)
		return -1;
	return sb_ts_ns(&t);
}

/* Read the CPU clock of a live process into its entry (never backwards). */
static void read_clock(struct sb_proc *p)
{
	int64_t ns;

	if (p->live && !p->final && (ns = clock_ns(p->pid)) > p->cpu_ns)
		p->cpu_ns = ns;
}

static void proc_init(struct sb_proc *p, pid_t pid, pid_t parent, int pidfd,
                      bool owned)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->parent = parent;
	p->pidfd = pidfd;
	p->owned = owned;
	p->live = true;
	p->user_us = p->sys_us = -1;
	p->vm_peak = p->rss_peak = -1;
}

void sb_procs_end(struct sb_procs *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].owned && ps->v[i].pidfd >= 0)
			close(ps->v[i].pidfd);
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

int sb_procs_begin(struct sb_procs *ps, pid_t pid, int pidfd)
{
	sb_procs_end(ps);
	if (!(ps->v = malloc(4 * sizeof(*ps->v))))
		return -ENOMEM;
	ps->cap = 4;
	ps->n = ps->nlive = 1;
	proc_init(&ps->v[0], pid, 0, pidfd, false);
	ps->sample_rss = ps->sample_vm = -1;
	return 0;
}

struct sb_proc *sb_procs_find(struct sb_procs *ps, pid_t pid)
{
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].pid == pid)
			return &ps->v[i];
	return NULL;
}

static int read_times(pid_t pid, int64_t *user_us, int64_t *sys_us);

int sb_procs_add(struct sb_procs *ps, pid_t pid, pid_t parent)
{
	struct sb_proc *p;

	if (sb_procs_find(ps, pid))
		return 0;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap * 2;
		struct sb_proc *v = realloc(ps->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		ps->v = v;
		ps->cap = cap;
	}
	/* The new process is stopped at its creation: it cannot be reaped
	 * before this pidfd holds it. Out of descriptors: its pid. */
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0 && errno != EMFILE && errno != ENFILE && errno != ENOMEM)
		return -errno;
	p = &ps->v[ps->n++];
	proc_init(p, pid, parent, fd, true);
	ps->nlive++;
	if (fd < 0)
		ps->unheld++;
	if ((p = sb_procs_find(ps, parent)) && !p->parent_of) {
		p->parent_of = true;
		/* Made by a thread left after its main thread's exit stop:
		 * its end's rusage will count the children it waits for, so
		 * its own times are read now (sb_procs_exit_stop). */
		if (p->exit_stopped && p->live)
			(void)read_times(p->pid, &p->user_us, &p->sys_us);
	}
	return 0;
}

void sb_procs_thread_gone(struct sb_procs *ps, pid_t tgid)
{
	struct sb_proc *p = sb_procs_find(ps, tgid);

	if (p)
		read_clock(p);
}

int64_t sb_procs_cpu_ns(struct sb_procs *ps)
{
	int64_t sum = 0;

	for (size_t i = 0; i < ps->n; i++) {
		read_clock(&ps->v[i]);
		if (ps->v[i].cpu_ns > 0)
			sum += ps->v[i].cpu_ns;
	}
	return sum;
}

void sb_procs_kill(struct sb_procs *ps, int run_pidfd, bool tracer)
{
	/* Read first: a killed process takes no exit stop. */
	for (size_t i = 0; i < ps->n; i++)
		read_clock(&ps->v[i]);
	for (size_t i = 0; i < ps->n; i++) {
		struct sb_proc *p = &ps->v[i];
		if (!p->live)
			continue;
		if (p->owned) {
			if (p->pidfd >= 0)
				syscall(SYS_pidfd_send_signal, p->pidfd, SIGKILL, NULL, 0);
			else if (tracer) /* its end not taken: the pid is its */
				kill(p->pid, SIGKILL);
		} else if (run_pidfd < 0 ||
		           syscall(SYS_pidfd_send_signal, run_pidfd, SIGKILL, NULL,
		                   0) < 0) {
			kill(p->pid, SIGKILL); /* the first one: our own child */
		}
	}
}

/* utime and stime of a process (its threads, not its children), from
 * /proc/PID/stat, in microseconds (clock-tick steps). */
static int read_times(pid_t pid, int64_t *user_us, int64_t *sys_us)
{
	char path[64], buf[1024];
	unsigned long long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* The name may hold spaces and parentheses: fields follow the last ')'. */
	const char *s = strrchr(buf, ')');
	if (!s || sscanf(s + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	                 &ut, &st) != 2)
		return -EIO;
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	*user_us = (int64_t)(ut * 1000000ULL / (unsigned long long)hz);
	*sys_us = (int64_t)(st * 1000000ULL / (unsigned long long)hz);
	return 0;
}

void sb_procs_exit_stop(struct sb_procs *ps, pid_t pid,
                        const struct sb_proc_exit *px)
{
	struct sb_proc *p = sb_procs_find(ps, pid);
	struct sb_proc_exit own;

	if (!p || !p->live)
		return;
	read_clock(p);
	p->exit_stopped = true;
	/* A process that made none has its exact times from its end
	 * (wait4's rusage, sb_procs_gone): /proc's clock ticks are read
	 * only for one whose rusage will count its children. */
	if (p->parent_of)
		(void)read_times(pid, &p->user_us, &p->sys_us);
	if (!px && sb_proc_read_exit(pid, &own) == 0)
		px = &own;
	if (px) {
		p->vm_peak = px->vm_peak;
		p->rss_peak = px->rss_peak;
	}
}

void sb_procs_gone(struct sb_procs *ps, pid_t pid, const struct rusage *ru)
{
	struct sb_proc *p = sb_procs_find(ps, pid);

	if (!p || !p->live)
		return;
	p->live = false;
	ps->nlive--;
	if (ru && !p->parent_of) {
		/* Its own figure, exact: it waited for no child of its own. */
		p->user_us = sb_tv_us(&ru->ru_utime);
		p->sys_us = sb_tv_us(&ru->ru_stime);
		int64_t ns = (p->user_us + p->sys_us) * 1000;
		if (ns > p->cpu_ns)
			p->cpu_ns = ns;
		if (ru->ru_maxrss * 1024 > p->rss_peak)
			p->rss_peak = ru->ru_maxrss * 1024;
	}
	p->final = true;
	if (p->owned && p->pidfd >= 0) {
		close(p->pidfd);
		p->pidfd = -1;
	} else if (p->owned) {
		ps->unheld--;
	}
}

/* Is pid's address space one of the k in reps (kept in the kernel's kcmp
 * order)? If not, it is inserted there (room permitting). true: counted
 * already. A process kcmp cannot compare (gone, no kcmp) counts alone. */
static bool seen_vm(pid_t *reps, size_t *k, size_t cap, pid_t pid)
{
	size_t lo = 0, hi = *k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = sb_proc_cmp_vm(pid, reps[mid]);
		if (c == 0)
			return true;
		if (c < -1)
			return false;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (*k < cap) {
		memmove(&reps[lo + 1], &reps[lo], (*k - lo) * sizeof(*reps));
		reps[lo] = pid;
		(*k)++;
	}
	return false;
}

/* The program's memory over its live processes, each address space once:
 * processes sharing one (CLONE_VM, vfork) count once, and when there are
 * several, each counts its proportional set size, so that the pages a
 * fork() left shared count once in all (RSS would count them in each).
 * Reading it walks the page tables, so past SB_PROCS_PSS_MAX address
 * spaces (a fork-heavy program, a bomb) each counts its RSS; past
 * SB_PROCS_MM_CAP the rest are not compared. *pte: the page tables of
 * those address spaces, each once (never shared between them). */
#define SB_PROCS_MM_CAP 256
#define SB_PROCS_PSS_MAX 16
void sb_procs_sample(struct sb_procs *ps, int64_t *rss, int64_t *vm,
                     int64_t *pte)
{
	pid_t reps[SB_PROCS_MM_CAP], own[SB_PROCS_MM_CAP];
	size_t k = 0, nown = 0;
	int64_t r = 0, v = 0, t = 0, pt;

	for (size_t i = 0; i < ps->n; i++) {
		if (!ps->v[i].live)
			continue;
		/* a zombie main thread has no memory to compare or read */
		pid_t pid = sb_proc_mm_holder(ps->v[i].pid);
		if (seen_vm(reps, &k, SB_PROCS_MM_CAP, pid))
			continue;
		if (nown < SB_PROCS_MM_CAP) {
			own[nown++] = pid;
		} else {
			int64_t a = sb_proc_rss_pte(pid, &pt);
			if (a > 0)
				r += a;
			if (pt > 0)
				t += pt;
		}
		int64_t b = sb_proc_vm_size(pid);
		if (b > 0)
			v += b;
	}
	for (size_t i = 0; i < nown; i++) {
		int64_t a = sb_proc_rss_pte(own[i], &pt);
		if (nown > 1 && nown <= SB_PROCS_PSS_MAX) {
			int64_t pss = sb_proc_pss(own[i]);
			if (pss >= 0)
				a = pss;
		}
		if (a > 0)
			r += a;
		if (pt > 0)
			t += pt;
	}
	*rss = r;
	*vm = v;
	*pte = t;
	if (r > ps->sample_rss)
		ps->sample_rss = r;
	if (v > ps->sample_vm)
		ps->sample_vm = v;
}
