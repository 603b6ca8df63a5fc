/*
 * CPU placement of a run. The tracer thread and the program share one CPU,
 * which makes each ptrace stop several times cheaper than a cross-CPU
 * wake-up -- as long as nothing else is pinned there: two runs pinned to
 * one CPU while another is idle share it, and a wall-time limit meant for
 * one core ends them both. So a run is pinned only to a CPU it has claimed
 * for itself host-wide (util/claims.c); when every CPU it may use is claimed,
 * or claims cannot be made, it is not pinned at all and the scheduler
 * places it.
 *
 * The CPUs a run may use: the calling thread's affinity (which the kernel
 * keeps inside its cpuset), narrowed by sandbox_set_cpus(). A program
 * whose policy lets it create threads or processes is never pinned to one
 * of them: it may use them all (sandbox_set_cpus() narrows that too).
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>

static int set_mask(const cpu_set_t *set)
{
	return -pthread_setaffinity_np(pthread_self(), sizeof(*set), set);
}

/* Claim `cpu` and pin the thread to it. */
static bool take(struct sb_pin *pin, int cpu)
{
	cpu_set_t one;
	int fd = sb_claim(SB_CLAIM_CPU, (unsigned long)cpu);

	if (fd < 0)
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (set_mask(&one) < 0) {
		sb_claim_release(fd);
		return false;
	}
	pin->claim = fd;
	pin->cpu = cpu;
	pin->changed = true;
	return true;
}

/* The CPU the thread is on first (no migration), then the others. */
static void claim_one(const cpu_set_t *allowed, struct sb_pin *pin)
{
	int cur = sched_getcpu();

	if (cur >= 0 && cur < CPU_SETSIZE && CPU_ISSET(cur, allowed) &&
	    take(pin, cur))
		return;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (c != cur && CPU_ISSET(c, allowed) && take(pin, c))
			return;
}

static int only_cpu(const cpu_set_t *set)
{
	if (CPU_COUNT(set) != 1)
		return -1;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			return c;
	return -1;
}

int sb_pin_begin(sandbox_t *sb, struct sb_pin *pin)
{
	cpu_set_t allowed;
	int rc;

	pin->changed = false;
	pin->claim = -1;
	pin->cpu = -1;
	pin->ncpus = 0;
	if (sb->affinity == S_AFFINITY_NONE && !sb->has_cpus)
		return 0;
	if ((rc = -pthread_getaffinity_np(pthread_self(), sizeof(pin->saved),
	                                  &pin->saved)) < 0)
		/* More CPUs than a cpu_set_t holds: leave placement alone,
		 * unless the caller asked for CPUs we cannot apply. */
		return sb->has_cpus ? rc : 0;
	allowed = pin->saved;
	if (sb->has_cpus)
		CPU_AND(&allowed, &allowed, &sb->cpus);
	if (CPU_COUNT(&allowed) == 0)
		return -EINVAL;
	/* A program that may create tasks gets every CPU it may use: its
	 * threads run in parallel, and its CPU quota counts them all. */
	if (sb->affinity == S_AFFINITY_AUTO &&
	    !(sb->compiled.tasks & (SB_TASKS_THREADS | SB_TASKS_PROCESSES)))
		claim_one(&allowed, pin);
	if (pin->claim < 0 && !CPU_EQUAL(&allowed, &pin->saved)) {
		if ((rc = set_mask(&allowed)) < 0)
			return rc;
		pin->changed = true;
	}
	sb->stat.cpu = pin->claim >= 0 ? pin->cpu : only_cpu(&allowed);
	pin->ncpus = pin->claim >= 0 ? 1 : CPU_COUNT(&allowed);
	return 0;
}

void sb_pin_end(struct sb_pin *pin)
{
	if (pin->changed)
		(void)set_mask(&pin->saved);
	sb_claim_release(pin->claim);
	pin->changed = false;
	pin->claim = -1;
}
