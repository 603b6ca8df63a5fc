/*
 * The manager thread: one per sandbox, started at its first execution and
 * kept until sandbox_destroy(), so a run creates no thread. It watches a
 * run from fork to reap. Before exec (the child's set-up and the execve
 * itself) only what cannot wrongly blame the program applies: interrupts,
 * and a wall-clock bound of the wall quota plus 10 s, counted from fork.
 * From exec on it owns:
 *   - the wall-clock deadline (measured from exec),
 *   - the CPU quota, checked on the program's CPU clock with no /proc
 *     parsing: it sleeps for half the remaining CPU budget (a program cannot
 *     burn more CPU than the wall time that passes per thread), so it wakes
 *     a dozen times per run and kills within about a millisecond,
 *   - RSS sampling in S_MEMORY_RSS mode,
 *   - SIGTERM/SIGINT/SIGQUIT/SIGHUP sent to the supervising process
 *     (signalfd),
 *     broadcast to every running sandbox of the process,
 *   - sandbox_interrupt() requests (eventfd).
 * A run that needs nothing of it but its deadlines (no captured output, no
 * memory samples, no profile, no interaction) is quiet: its start and its
 * exec do not wake the thread (two wake-ups, four context switches and
 * some 20-40 us of CPU per run). The tracer arms a timer instead, at the
 * earliest time the manager can have something to do: fork + the wall
 * quota, or fork + half the CPU quota (both come before the same time
 * counted from exec). The manager then computes the run's deadlines from
 * whatever phase it finds, as it would have. A manager that looked at the
 * run before its exec (a slow set-up) is woken at the exec as before, so
 * that no deadline moves later.
 * It never calls ptrace (only the tracer thread may); it kills through the
 * program's pidfd, which cannot hit a recycled pid. Every use of the pid or
 * pidfd happens under `lock` while `running` is set; the tracer clears
 * `running` under the same lock after reaping the program.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

const int sb_term_signals[SB_NTERM] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };

#define NSEC 1000000000LL
#define SETUP_GRACE_NS (10 * NSEC)

/* ------------------------------------------------------------ registry */

/* Sandboxes with a manager thread, for broadcasting supervisor signals.
 * Touched when a manager starts or stops, never on the hot path. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static sandbox_t **registry;
static size_t registry_len, registry_cap;

void sb_registry_add(sandbox_t *sb)
{
	pthread_mutex_lock(&registry_lock);
	if (registry_len == registry_cap) {
		size_t cap = registry_cap ? registry_cap * 2 : 8;
		sandbox_t **n = realloc(registry, cap * sizeof(*n));
		if (!n) {
			/* Without an entry the sandbox still works; it only misses
			 * signals read by another sandbox's manager. */
			pthread_mutex_unlock(&registry_lock);
			return;
		}
		registry = n;
		registry_cap = cap;
	}
	registry[registry_len++] = sb;
	pthread_mutex_unlock(&registry_lock);
}

void sb_registry_remove(sandbox_t *sb)
{
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < registry_len; i++) {
		if (registry[i] == sb) {
			registry[i] = registry[--registry_len];
			break;
		}
	}
	if (registry_len == 0) {
		free(registry);
		registry = NULL;
		registry_cap = 0;
	}
	pthread_mutex_unlock(&registry_lock);
}

static void registry_broadcast(int signo)
{
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < registry_len; i++)
		sb_interrupt(registry[i], signo);
	pthread_mutex_unlock(&registry_lock);
}

/* ------------------------------------------------------------ the thread */

struct watch {
	int64_t wall_deadline;  /* absolute ns, or INT64_MAX */
	int64_t next_cpu;       /* next CPU check, absolute ns */
	int cpu_safe;           /* tasks running at once next_cpu allows for */
	int64_t next_sample;    /* next RSS sample */
	unsigned generation;
};

/* Under mgr.lock, with mgr.running set. */
static void kill_locked(sandbox_t *sb, int reason)
{
	int expected = SB_KILL_NONE;
	if (!atomic_compare_exchange_strong(&sb->kill_reason, &expected, reason))
		return;
	if (sb_proc_read_exit(sb->mgr.pid, &sb->mgr.px) == 0)
		sb->mgr.have_px = true;
	/* Every process of the program (procs.c), the first through the
	 * run's pidfd. */
	sb_procs_kill(&sb->procs, sb->mgr.pidfd, false);
}

/* How many times faster than the wall clock the program's CPU time can
 * grow: its tasks running at once, at most the CPUs it may use. */
static int64_t cpu_parallelism(sandbox_t *sb)
{
	int64_t n = atomic_load(&sb->ntasks);
	if (n < 1)
		n = 1;
	return n < sb->mgr.ncpus ? n : sb->mgr.ncpus;
}

/* Under mgr.lock: the program's CPU and the tracer's for it, ns. */
static int64_t cpu_used(sandbox_t *sb)
{
	/* Every task of every process (procs.c), and the tracer's work for
	 * them. */
	int64_t used = sb_procs_cpu_ns(&sb->procs);
	int64_t sup = sb_supervisor_cpu_ns(sb);
	return sup > 0 ? used + sup : used;
}

bool sb_manager_cpu_over(sandbox_t *sb)
{
	bool over = false;

	pthread_mutex_lock(&sb->mgr.lock);
	if (sb->mgr.running && sb->mgr.exec_seen &&
	    sb->quota[S_QUOTA_CPU] != SANDBOX_UNLIMITED &&
	    cpu_used(sb) >= (int64_t)sb->quota[S_QUOTA_CPU] * 1000000) {
		kill_locked(sb, SB_KILL_CPU);
		over = true;
	}
	pthread_mutex_unlock(&sb->mgr.lock);
	return over;
}

/* Check the running program; returns the next time to wake (abs ns). */
static int64_t check_run(sandbox_t *sb, struct watch *w)
{
	int64_t now = sb_now_ns(), next = INT64_MAX;

	if (atomic_load(&sb->interrupt_sig)) {
		kill_locked(sb, SB_KILL_INTERRUPT);
		return INT64_MAX;
	}
	if (w->wall_deadline != INT64_MAX) {
		if (now >= w->wall_deadline) {
			/* An interaction samples both sides first (relay.c). */
			if (sb->mgr.exec_seen && sb->link.wall_kill &&
			    atomic_load(&sb->kill_reason) == SB_KILL_NONE)
				sb->link.wall_kill(sb->link.data);
			kill_locked(sb, sb->mgr.exec_seen ? SB_KILL_WALL
			                                  : SB_KILL_SETUP);
			return INT64_MAX;
		}
		next = w->wall_deadline;
	}
	/* Before exec the CPU clock and the memory figures are the set-up's
	 * (a copy of the supervisor): nothing of the program's to judge. */
	if (!sb->mgr.exec_seen)
		return next;
	/* Due, or more tasks may run at once than it was timed for (the
	 * tracer woke us: sb_manager_tasks_grew). */
	if (sb->quota[S_QUOTA_CPU] != SANDBOX_UNLIMITED &&
	    (now >= w->next_cpu || cpu_parallelism(sb) > w->cpu_safe)) {
		int64_t quota = (int64_t)sb->quota[S_QUOTA_CPU] * 1000000;
		int64_t used = cpu_used(sb);
		if (used >= quota) {
			kill_locked(sb, SB_KILL_CPU);
			return INT64_MAX;
		}
		/* Wake again at half the time the quota could last (the
		 * tracer burns it too): early enough for twice the tasks
		 * running now, and the tracer. */
		int64_t par = cpu_parallelism(sb);
		int64_t left = (quota - used) / (2 * (par + 1));
		w->next_cpu = now + (left > 500000 ? left : 500000);
		w->cpu_safe = (int)(2 * par + 1);
		atomic_store(&sb->mgr.cpu_safe, w->cpu_safe);
	}
	if (sb->quota[S_QUOTA_CPU] != SANDBOX_UNLIMITED && w->next_cpu < next)
		next = w->next_cpu;
	/* RSS mode: the program's resident memory and page tables. With
	 * several processes, in either mode: their sum (RLIMIT_AS holds each
	 * one alone). The
	 * samples run from the start when the policy lets the program make
	 * processes: a new process does not wake this thread. */
	bool rss_mode = sb->memory_mode == S_MEMORY_RSS;
	if ((rss_mode || sb->procs.n > 1 ||
	     (sb->compiled.tasks & SB_TASKS_PROCESSES)) &&
	    sb->quota[S_QUOTA_MEMORY] != SANDBOX_UNLIMITED) {
		if (now >= w->next_sample) {
			int64_t rss, vm, pte;
			if (sb->procs.n > 1)
				sb_procs_sample(&sb->procs, &rss, &vm, &pte);
			else
				rss = sb_proc_rss_pte(sb->mgr.pid, &pte), vm = -1;
			/* RSS mode judges the page tables too: kernel memory
			 * the program makes the host hold (4 KiB per 2 MiB of
			 * address space it touches, even a zero page). */
			int64_t mem = rss + (pte > 0 ? pte : 0);
			int64_t judged = rss_mode ? mem : vm;
			if (rss > atomic_load(&sb->mem_sample_peak))
				atomic_store(&sb->mem_sample_peak, rss);
			if (mem > atomic_load(&sb->mem_judged_peak))
				atomic_store(&sb->mem_judged_peak, mem);
			if (judged > (int64_t)sb->quota[S_QUOTA_MEMORY]) {
				kill_locked(sb, SB_KILL_MEMORY);
				return INT64_MAX;
			}
			w->next_sample = now + (int64_t)sb->sample_usec * 1000;
		}
		if (w->next_sample < next)
			next = w->next_sample;
	}
	/* Profile time series (profile.c). */
	return sb->diag ? sb_diag_tick(sb->diag, sb->mgr.pid,
	                               sb_ts_ns(&sb->mgr.start), now, next)
	                : next;
}

/* Under mgr.lock, running: copy captured output, OL past the quota (or
 * when an interaction's relay counted it past). */
static void copy_output(sandbox_t *sb)
{
	if (atomic_load(&sb->kill_reason) != SB_KILL_NONE)
		return;
	if (atomic_load(&sb->link.output_over)) {
		kill_locked(sb, SB_KILL_OUTPUT);
		return;
	}
	for (int i = 1; i <= 2; i++) {
		if (sb->cap[i].rfd >= 0 &&
		    sb_capture_copy(sb, i) == SB_CAP_OVER) {
			kill_locked(sb, SB_KILL_OUTPUT);
			return;
		}
	}
}

/* A new phase of the run (fork, then exec): deadlines from its start. */
static void start_watch(sandbox_t *sb, struct watch *w)
{
	int64_t start = sb_ts_ns(&sb->mgr.start);
	w->generation = sb->mgr.generation;
	/* Before exec: the wall quota plus a set-up allowance, so that a
	 * loaded host (a box root's mounts, a cgroup) is never mistaken for
	 * a set-up that hangs. */
	int64_t grace = sb->mgr.exec_seen ? 0 : SETUP_GRACE_NS;
	w->wall_deadline = sb->quota[S_QUOTA_WALLCLOCK] == SANDBOX_UNLIMITED
	                   ? INT64_MAX
	                   : start + grace +
	                     (int64_t)sb->quota[S_QUOTA_WALLCLOCK] * 1000000;
	/* Half the quota: early enough for two tasks running at once
	 * (more wake us: sb_manager_tasks_grew). */
	w->next_cpu = sb->quota[S_QUOTA_CPU] == SANDBOX_UNLIMITED
	              ? INT64_MAX
	              : start + (int64_t)sb->quota[S_QUOTA_CPU] * 1000000 / 2;
	w->cpu_safe = 2;
	atomic_store(&sb->mgr.cpu_safe, 2);
	w->next_sample = start;
}

static void drain(int fd, size_t size)
{
	char buf[sizeof(struct signalfd_siginfo)];
	if (read(fd, buf, size) < 0)
		return;
}

static void *manager_main(void *arg)
{
	sandbox_t *sb = arg;
	struct watch w = { .generation = ~0u };
	/* ctl, signals, captured stdout, captured stderr, the timer */
	struct pollfd pfd[5] = {
		{ .fd = sb->mgr.ctl_fd, .events = POLLIN },
		{ .fd = sb->mgr.sig_fd, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
		{ .fd = sb->mgr.timer_fd, .events = POLLIN },
	};

	for (;;) {
		int64_t wake = INT64_MAX;

		pthread_mutex_lock(&sb->mgr.lock);
		if (sb->mgr.quit) {
			pthread_mutex_unlock(&sb->mgr.lock);
			break;
		}
		pfd[2].fd = pfd[3].fd = -1; /* poll() skips negative fds */
		if (sb->mgr.running) {
			if (w.generation != sb->mgr.generation)
				start_watch(sb, &w);
			/* From now on a quiet run's exec wakes us. */
			if (!sb->mgr.exec_seen)
				sb->mgr.looked = true;
			int64_t before = sb_capture_total(sb);
			copy_output(sb);
			wake = check_run(sb, &w);
			/* Once the program is being killed, what is left in the
			 * pipes is drained by the tracer. A trickle of small
			 * writes is left to gather for a while (capture.c). */
			bool live = atomic_load(&sb->kill_reason) == SB_KILL_NONE;
			if (live && sb_capture_gather(sb, sb_capture_total(sb) -
			                                      before)) {
				int64_t t = sb_now_ns() + SB_CAP_GATHER_NS;
				if (t < wake)
					wake = t;
			} else if (live) {
				sb_capture_pollfd(sb, 1, &pfd[2]);
				sb_capture_pollfd(sb, 2, &pfd[3]);
			}
		}
		pthread_mutex_unlock(&sb->mgr.lock);

		struct timespec ts;
		int n = ppoll(pfd, 5, sb_ts_until(wake, &ts), NULL);
		if (n <= 0)
			continue;
		if (pfd[0].revents & POLLIN)
			drain(pfd[0].fd, sizeof(uint64_t));
		if (pfd[4].fd >= 0 && (pfd[4].revents & POLLIN))
			drain(pfd[4].fd, sizeof(uint64_t));
		if (pfd[1].fd >= 0 && (pfd[1].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(pfd[1].fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				registry_broadcast((int)si.ssi_signo);
		}
	}
	return NULL;
}

static void wake(sandbox_t *sb)
{
	uint64_t one = 1;
	if (sb->mgr.ctl_fd >= 0 && write(sb->mgr.ctl_fd, &one, sizeof(one)) < 0)
		return; /* the counter is already non-zero: it will wake anyway */
}

void sb_manager_output_over(sandbox_t *sb)
{
	atomic_store(&sb->link.output_over, true);
	wake(sb);
}

int sb_manager_start(sandbox_t *sb)
{
	sigset_t all, old, term, cur;
	int rc;

	if (sb->mgr.started)
		return 0;
	sb->mgr.ctl_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sb->mgr.ctl_fd < 0)
		return -errno;
	/* Listen only to those the caller blocks: a host that wants them
	 * blocks them in all its threads (sandbox_block_term_signals()). A
	 * signalfd takes a signal pending for the process even while the
	 * thread the kernel chose is about to run the host's handler, so
	 * listening to a signal the host handles would swallow it (a Python
	 * host lost most of its Ctrl-C, even between runs). */
	sigemptyset(&term);
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	for (int i = 0; i < SB_NTERM; i++)
		if (sigismember(&cur, sb_term_signals[i]) == 1)
			sigaddset(&term, sb_term_signals[i]);
	sb->mgr.sig_fd = sigisemptyset(&term)
	                 ? -1 : signalfd(-1, &term, SFD_CLOEXEC | SFD_NONBLOCK);
	/* Without a timer every run wakes the manager (not quiet). */
	sb->mgr.timer_fd = timerfd_create(CLOCK_MONOTONIC,
	                                  TFD_CLOEXEC | TFD_NONBLOCK);
	/* The thread starts with every signal blocked, so it never runs a
	 * handler of the host's; the caller's mask is restored at once. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&sb->mgr.thread, NULL, manager_main, sb);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		close(sb->mgr.ctl_fd);
		sb->mgr.ctl_fd = -1;
		if (sb->mgr.sig_fd >= 0)
			close(sb->mgr.sig_fd);
		sb->mgr.sig_fd = -1;
		if (sb->mgr.timer_fd >= 0)
			close(sb->mgr.timer_fd);
		sb->mgr.timer_fd = -1;
		return -rc;
	}
	sb->mgr.started = true;
	sb_registry_add(sb);
	return 0;
}

void sb_manager_stop(sandbox_t *sb)
{
	if (!sb->mgr.started)
		return;
	sb_registry_remove(sb);
	pthread_mutex_lock(&sb->mgr.lock);
	sb->mgr.quit = true;
	pthread_mutex_unlock(&sb->mgr.lock);
	wake(sb);
	pthread_join(sb->mgr.thread, NULL);
	close(sb->mgr.ctl_fd);
	sb->mgr.ctl_fd = -1;
	if (sb->mgr.sig_fd >= 0)
		close(sb->mgr.sig_fd);
	sb->mgr.sig_fd = -1;
	if (sb->mgr.timer_fd >= 0)
		close(sb->mgr.timer_fd);
	sb->mgr.timer_fd = -1;
	sb->mgr.started = false;
	sb->mgr.quit = false;
}

int64_t sb_supervisor_cpu_ns(const sandbox_t *sb)
{
	struct timespec t;

	if (sb->mgr.tracer_base < 0 ||
	    clock_gettime(sb->mgr.tracer_clock, &t) != 0)
		return -1;
	int64_t ns = sb_ts_ns(&t) - sb->mgr.tracer_base -
	             atomic_load(&sb->uncharged_ns);
	return ns > 0 ? ns : 0;
}

/* Does the run need the manager from its start or its exec on, beyond
 * its deadlines? Captured output is copied as it comes: any capture pipe
 * of this run, whatever asked for it (the caller, or the library for a
 * stream it must count; review-stop23 A5), and one asked for; memory is
 * sampled from the exec (RSS mode, or a sum over processes); a profile's
 * time series starts at the exec; an interaction's relay is told. */
static bool needs_manager_early(const sandbox_t *sb)
{
	bool mem = sb->quota[S_QUOTA_MEMORY] != SANDBOX_UNLIMITED &&
	           (sb->memory_mode == S_MEMORY_RSS ||
	            (sb->compiled.tasks & SB_TASKS_PROCESSES));
	bool capture = false;

	for (int i = 1; i <= 2; i++)
		capture = capture || sb->cap[i].on || sb->cap[i].rfd >= 0;
	return capture || mem ||
	       (sb->diag && sb->diag->prof_interval_us) || sb->link.data ||
	       sb->link.wall_kill;
}

/* A quiet run's first look (see the top of this file): the earliest
 * deadline it can have, counted from the fork; INT64_MAX: none. */
static int64_t first_look_ns(const sandbox_t *sb, int64_t fork_ns)
{
	int64_t first = INT64_MAX;
	uint64_t wall = sb->quota[S_QUOTA_WALLCLOCK], cpu = sb->quota[S_QUOTA_CPU];

	if (wall != SANDBOX_UNLIMITED)
		first = fork_ns + (int64_t)wall * 1000000;
	if (cpu != SANDBOX_UNLIMITED &&
	    fork_ns + (int64_t)cpu * 1000000 / 2 < first)
		first = fork_ns + (int64_t)cpu * 1000000 / 2;
	return first;
}

/* Under mgr.lock: arm the timer for a quiet run; false when it cannot
 * (the run then wakes the manager). */
static bool arm_first_look(sandbox_t *sb, const struct timespec *t_fork)
{
	int64_t first = first_look_ns(sb, sb_ts_ns(t_fork));
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };

	if (sb->mgr.timer_fd < 0 || needs_manager_early(sb))
		return false;
	/* No deadline at all: nothing to look at (a zero value disarms). */
	if (first != INT64_MAX) {
		its.it_value.tv_sec = first / NSEC;
		its.it_value.tv_nsec = first % NSEC;
	}
	return timerfd_settime(sb->mgr.timer_fd, TFD_TIMER_ABSTIME, &its,
	                       NULL) == 0;
}

void sb_manager_begin_run(sandbox_t *sb, pid_t pid, int pidfd,
                          const struct timespec *t_fork)
{
	bool quiet;

	pthread_mutex_lock(&sb->mgr.lock);
	sb->mgr.tracer_base = -1; /* nothing is charged before exec */
	sb->mgr.running = true;
	sb->mgr.exec_seen = false;
	sb->mgr.generation++;
	sb->mgr.pid = pid;
	sb->mgr.pidfd = pidfd;
	sb->mgr.start = *t_fork;
	sb->mgr.have_px = false;
	/* The program inherits the calling (tracer) thread's affinity: as
	 * the CPU placement just set it, else as the kernel says. */
	cpu_set_t set;
	sb->mgr.ncpus = sb->mgr.pinned_ncpus > 0 ? sb->mgr.pinned_ncpus
	                : sched_getaffinity(0, sizeof(set), &set) == 0
	                ? CPU_COUNT(&set) : 1;
	if (sb->mgr.ncpus < 1)
		sb->mgr.ncpus = 1;
	atomic_store(&sb->mgr.cpu_safe, 2); /* the first check: start_watch */
	sb->mgr.looked = false;
	quiet = sb->mgr.quiet = arm_first_look(sb, t_fork);
	pthread_mutex_unlock(&sb->mgr.lock);
	if (!quiet)
		wake(sb);
}

/* Called by the tracer thread: its CPU clock is read from here on. */
void sb_manager_exec(sandbox_t *sb, const struct timespec *t_exec)
{
	clockid_t clk = CLOCK_THREAD_CPUTIME_ID;
	int64_t base = -1;
	bool kick;

	atomic_store(&sb->uncharged_ns, 0);
	if (pthread_getcpuclockid(pthread_self(), &clk) == 0)
		base = sb_thread_cpu_ns();
	pthread_mutex_lock(&sb->mgr.lock);
	sb->mgr.tracer_clock = clk;
	sb->mgr.tracer_base = base;
	sb->mgr.exec_seen = true;
	sb->mgr.generation++; /* re-arm the deadlines from exec */
	sb->mgr.start = *t_exec;
	/* A quiet run's manager that has not looked yet will find the exec
	 * at its first look, which comes before any deadline from here. */
	kick = !sb->mgr.quiet || sb->mgr.looked;
	pthread_mutex_unlock(&sb->mgr.lock);
	if (kick)
		wake(sb);
}

void sb_manager_tasks_grew(sandbox_t *sb, unsigned n)
{
	if (sb->quota[S_QUOTA_CPU] == SANDBOX_UNLIMITED)
		return;
	int running = (int)((int64_t)n < sb->mgr.ncpus ? (int64_t)n
	                                               : sb->mgr.ncpus);
	int safe = atomic_load(&sb->mgr.cpu_safe);
	/* Once per step up: the manager sets its own figure when it looks
	 * (tracer review R1: with more tasks than CPUs assumed, the first
	 * check at half the quota let the program run past its quota until
	 * the backstop, a second later). */
	if (running > safe &&
	    atomic_compare_exchange_strong(&sb->mgr.cpu_safe, &safe, running))
		wake(sb);
}

bool sb_manager_interrupted(sandbox_t *sb)
{
	if (!atomic_load(&sb->interrupt_sig))
		return false;
	pthread_mutex_lock(&sb->mgr.lock);
	if (sb->mgr.running)
		kill_locked(sb, SB_KILL_INTERRUPT);
	pthread_mutex_unlock(&sb->mgr.lock);
	return true;
}

void sb_manager_end_run(sandbox_t *sb)
{
	pthread_mutex_lock(&sb->mgr.lock);
	sb->mgr.running = false;
	sb->mgr.pid = -1;
	sb->mgr.pidfd = -1;
	pthread_mutex_unlock(&sb->mgr.lock);
	/* No wake-up needed: a manager that sleeps on a deadline of a run that
	 * is over just finds `running` clear when it wakes. */
}

void sb_interrupt(sandbox_t *sb, int signo)
{
	int expected = 0;
	uint64_t one = 1;
	atomic_compare_exchange_strong(&sb->interrupt_sig, &expected, signo);
	wake(sb); /* write(2) on an eventfd: async-signal-safe */
	int fd = atomic_load(&sb->link_wake);
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		return; /* non-zero already: the relay wakes anyway */
}
