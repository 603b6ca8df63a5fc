/*
 * CPU placement of a run: the tracer thread and the program share one CPU,
 * which makes each ptrace stop several times cheaper than a cross-CPU
 * wake-up. Sandboxes of one process are spread over the allowed CPUs.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>

/* Runs currently pinned per CPU, in this process. */
#define MAX_CPUS 1024
static atomic_int pinned_runs[MAX_CPUS];

/* The CPU to use: the current one if no other run of ours is on it, else
 * the allowed CPU with the fewest runs. */
static int choose_cpu(const cpu_set_t *allowed)
{
	int cur = sched_getcpu();
	if (cur >= 0 && cur < MAX_CPUS && CPU_ISSET(cur, allowed) &&
	    atomic_load(&pinned_runs[cur]) == 0)
		return cur;
	int best = -1, best_n = 0;
	for (int c = 0; c < MAX_CPUS && c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, allowed))
			continue;
		int n = atomic_load(&pinned_runs[c]);
		if (best < 0 || n < best_n) {
			best = c;
			best_n = n;
		}
	}
	return best;
}

void sb_pin_begin(const sandbox_t *sb, struct sb_pin *pin)
{
	cpu_set_t one;

	pin->pinned = false;
	if (sb->affinity != S_AFFINITY_AUTO)
		return;
	if (pthread_getaffinity_np(pthread_self(), sizeof(pin->saved),
	                           &pin->saved) != 0)
		return;
	if (CPU_COUNT(&pin->saved) < 2)
		return; /* nothing to choose: already on one CPU */
	pin->cpu = choose_cpu(&pin->saved);
	if (pin->cpu < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(pin->cpu, &one);
	if (pthread_setaffinity_np(pthread_self(), sizeof(one), &one) != 0)
		return;
	atomic_fetch_add(&pinned_runs[pin->cpu], 1);
	pin->pinned = true;
}

void sb_pin_end(struct sb_pin *pin)
{
	if (!pin->pinned)
		return;
	atomic_fetch_sub(&pinned_runs[pin->cpu], 1);
	pthread_setaffinity_np(pthread_self(), sizeof(pin->saved), &pin->saved);
	pin->pinned = false;
}
