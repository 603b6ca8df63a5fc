/*
 * Tasks: what a policy lets the program do about threads, processes and
 * exec, and the guards that keep every new task under the tracer.
 *
 * The engine follows every task the program creates: the tracer's options
 * (PTRACE_O_TRACECLONE | TRACEFORK | TRACEVFORK) are the same for every
 * policy, and the kernel attaches each new task, stopped before its first
 * instruction, with its creator's seccomp filter. Two calls could still
 * make a task the tracer never sees, so whatever the table says they are
 * refused wherever the table lets them run (the guards, compiled into the
 * kernel filter and evaluated in classic mode alike):
 *   - clone(2) with CLONE_UNTRACED: RF (KILL), checked on the flags
 *     argument: every rule that lets clone run also requires the flag
 *     clear (so the filter still decides thread creation in the kernel,
 *     with no stop), or, where a rule cannot take that, a KILL rule for
 *     the flag is the first condition tried;
 *   - clone3(2): its flags are in memory, which a filter cannot read and
 *     which another thread could change after any check in user space:
 *     ENOSYS, the answer of a kernel without it (glibc then uses clone).
 * So a policy that lets tasks be created without the tracer following
 * them cannot be expressed.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#ifndef CLONE_UNTRACED
#define CLONE_UNTRACED 0x00800000
#endif

/* Can rule disposition d let a call run? */
static bool runs(int d)
{
	d &= ~S_DISP_FLAG_EXIT;
	return d == S_DISP_ALLOW || d == S_DISP_TRACE;
}

long sb_policy_last_base(const sandbox_policy_t *p, int abi, long nr)
{
	long last = -1;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].abi == abi && p->rules[i].nr == nr &&
		    p->rules[i].ncond == 0)
			last = (long)i;
	return last;
}

/* Does a rule only hold for CLONE_THREAD clones (a condition on the flags
 * that requires the bit)? */
static bool thread_only(const struct sb_rule *r)
{
	for (unsigned c = 0; c < r->ncond; c++) {
		const sandbox_cond_t *k = &r->cond[c];
		if (k->arg == 0 && k->op == S_CMP_MASKED_EQ &&
		    (k->a & CLONE_THREAD) && (k->b & CLONE_THREAD))
			return true;
	}
	return false;
}

/* How syscall `name` can run under p in any ABI: 0 never, 1 only as a
 * thread-only clone (see thread_only), 2 otherwise. */
static int may_run(const sandbox_policy_t *p, const char *name)
{
	int how = 0;

	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		long nr = sb_syscall_number(abi, name);
		if (nr < 0)
			continue;
		long base = sb_policy_last_base(p, abi, nr);
		int d = base >= 0 ? p->rules[base].disp : p->def_disp[abi];
		if (runs(d))
			return 2;
		for (size_t i = (size_t)(base + 1); i < p->nrules; i++) {
			const struct sb_rule *r = &p->rules[i];
			if (r->abi != abi || r->nr != nr || !runs(r->disp))
				continue;
			if (!thread_only(r))
				return 2;
			how = 1;
		}
	}
	return how;
}

unsigned sb_policy_tasks(const sandbox_policy_t *p)
{
	unsigned t = 0;
	int clone = may_run(p, "clone");

	if (clone)
		t |= SB_TASKS_THREADS;
	if (clone == 2 || may_run(p, "fork") || may_run(p, "vfork"))
		t |= SB_TASKS_PROCESSES;
	if (may_run(p, "execve") || may_run(p, "execveat"))
		t |= SB_TASKS_EXEC;
	return t;
}

/* Make a conditional rule that lets clone run also require CLONE_UNTRACED
 * clear, in its one condition on the flags (a second condition on one
 * argument is not something every filter compiler takes). False when the
 * rule cannot be rewritten so. */
static bool merge_untraced(struct sb_rule *r)
{
	for (unsigned c = 0; c < r->ncond; c++) {
		sandbox_cond_t *k = &r->cond[c];
		if (k->arg != 0)
			continue;
		if (k->op == S_CMP_MASKED_EQ) {
			if (k->b & CLONE_UNTRACED) { /* only untraced clones */
				r->disp = S_DISP_KILL;
				r->err = 0;
			} else {
				k->a |= CLONE_UNTRACED;
			}
			return true;
		}
		if (k->op == S_CMP_EQ) {
			if (k->a & CLONE_UNTRACED) {
				r->disp = S_DISP_KILL;
				r->err = 0;
			}
			return true;
		}
		return false; /* another comparison of the flags */
	}
	if (r->ncond == SB_ARRAY_SIZE(r->cond))
		return false;
	r->cond[r->ncond++] = (sandbox_cond_t){ .arg = 0, .op = S_CMP_MASKED_EQ,
	                                        .a = CLONE_UNTRACED, .b = 0 };
	return true;
}

/* A clone rule for abi: disposition d (err e), one condition on the
 * flags when untraced_clear. */
static struct sb_rule clone_rule(int abi, long nr, int d, int e,
                                 bool untraced_clear)
{
	struct sb_rule r;

	memset(&r, 0, sizeof(r));
	r.abi = abi;
	r.nr = nr;
	r.disp = d;
	r.err = e;
	if (untraced_clear) {
		r.ncond = 1;
		r.cond[0] = (sandbox_cond_t){ .arg = 0, .op = S_CMP_MASKED_EQ,
		                              .a = CLONE_UNTRACED, .b = 0 };
	}
	return r;
}

/* Rewrite v (n rules, room for 3 more per ABI) so that clone with
 * CLONE_UNTRACED is killed in abi wherever it could run. Preferably every
 * rule that lets clone run requires the flag clear (the table keeps one
 * action per chain, so a filter can still decide in the kernel: no stop
 * at thread creation); else a KILL rule for the flag, first among the
 * conditions. */
static size_t guard_clone(const sandbox_policy_t *p, struct sb_rule *v,
                          size_t n, int abi)
{
	long nr = sb_syscall_number(abi, "clone");
	long base = -1;
	bool merged = true;

	if (nr < 0)
		return n;
	for (size_t i = 0; i < n; i++)
		if (v[i].abi == abi && v[i].nr == nr && v[i].ncond == 0)
			base = (long)i;
	int bd = base >= 0 ? v[base].disp : p->def_disp[abi];
	int be = base >= 0 ? v[base].err : p->def_err[abi];
	/* Try on a copy of the conditions after the base. */
	struct sb_rule *copy = malloc((n ? n : 1) * sizeof(*copy));
	if (!copy)
		merged = false;
	else
		memcpy(copy, v, n * sizeof(*v));
	for (size_t i = (size_t)(base + 1); merged && i < n; i++)
		if (copy[i].abi == abi && copy[i].nr == nr && runs(copy[i].disp))
			merged = merge_untraced(&copy[i]);
	if (merged) {
		memcpy(v, copy, n * sizeof(*v));
		free(copy);
		if (!runs(bd))
			return n;
		/* The base lets it run: KILL becomes the base, and the old
		 * base is the last condition, for clones without the flag. */
		if (base >= 0) {
			v[base].disp = S_DISP_KILL;
			v[base].err = 0;
		} else {
			memmove(v + 1, v, n * sizeof(*v));
			v[0] = clone_rule(abi, nr, S_DISP_KILL, 0, false);
			n++;
		}
		v[n++] = clone_rule(abi, nr, bd, be, true);
		return n;
	}
	free(copy);
	/* The KILL rule first among the conditions, right after the base. */
	struct sb_rule g = clone_rule(abi, nr, S_DISP_KILL, 0, false);
	g.ncond = 1;
	g.cond[0] = (sandbox_cond_t){ .arg = 0, .op = S_CMP_MASKED_EQ,
	                              .a = CLONE_UNTRACED, .b = CLONE_UNTRACED };
	memmove(v + base + 2, v + base + 1, (n - (size_t)(base + 1)) * sizeof(*v));
	v[base + 1] = g;
	return n + 1;
}

int sb_policy_guarded(const sandbox_policy_t *p, struct sb_effective *eff)
{
	bool clone = may_run(p, "clone") != 0, clone3 = may_run(p, "clone3") != 0;
	struct sb_rule *v;
	size_t n = p->nrules;

	memset(eff, 0, sizeof(*eff));
	/* A table only: no layers, never freed as a policy. */
	atomic_init(&eff->view.refs, 1);
	eff->view.generation = p->generation;
	memcpy(eff->view.def_disp, p->def_disp, sizeof(p->def_disp));
	memcpy(eff->view.def_err, p->def_err, sizeof(p->def_err));
	eff->view.rules = p->rules;
	eff->view.nrules = eff->view.cap = p->nrules;
	if (!clone && !clone3)
		return 0;
	if (!(v = malloc((n + 4 * S_ABI_COUNT) * sizeof(*v))))
		return -ENOMEM;
	if (n)
		memcpy(v, p->rules, n * sizeof(*v));
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		if (clone)
			n = guard_clone(p, v, n, abi);
		long nr = sb_syscall_number(abi, "clone3");
		/* Unconditional and last: replaces every rule of clone3. */
		if (clone3 && nr >= 0)
			v[n++] = clone_rule(abi, nr, S_DISP_ERRNO, ENOSYS, false);
	}
	eff->owned = v;
	eff->view.rules = v;
	eff->view.nrules = eff->view.cap = n;
	return 0;
}
