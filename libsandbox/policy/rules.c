/*
 * Layer 1 of a policy: the ordered rule table and the per-ABI defaults.
 * Also the user-space evaluator, which must agree exactly with the kernel
 * filter compiled by filter.c (tests/check_bpf.c checks that they do).
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool valid_disp(int disp, int err)
{
	int base = disp & ~S_DISP_FLAG_EXIT;
	if (base < 0 || base >= S_DISP_COUNT)
		return false;
	if ((disp & S_DISP_FLAG_EXIT) && base != S_DISP_TRACE)
		return false;
	if (disp & ~(S_DISP_FLAG_EXIT | 0xff))
		return false;
	if (base == S_DISP_ERRNO && (err < 1 || err > 4095))
		return false;
	return true;
}

int sb_policy_set_default(sandbox_policy_t *p, int abi, int disp, int err)
{
	if (!p || abi < 0 || abi >= S_ABI_COUNT || !valid_disp(disp, err))
		return -EINVAL;
	p->def_disp[abi] = disp;
	p->def_err[abi] = (disp & ~S_DISP_FLAG_EXIT) == S_DISP_ERRNO ? err : 0;
	p->generation++;
	return 0;
}

static bool valid_cond(const sandbox_cond_t *c)
{
	unsigned self = c->arg & (S_ARG_SELF_PID | S_ARG_SELF_CPUCLOCK);
	unsigned arg = c->arg & ~self;
	if (arg > 5 || self == (S_ARG_SELF_PID | S_ARG_SELF_CPUCLOCK))
		return false;
	if (self)
		return c->op == S_CMP_EQ || c->op == S_CMP_NE;
	return c->op >= S_CMP_NE && c->op <= S_CMP_MASKED_EQ;
}

int sb_policy_add_rule(sandbox_policy_t *p, int abi, long nr, int disp,
                       int err, const sandbox_cond_t *conds, unsigned ncond)
{
	if (!p || abi < 0 || abi >= S_ABI_COUNT || nr < 0 ||
	    nr >= sb_abi_nr_limit(abi) || !valid_disp(disp, err) || ncond > 6 ||
	    (ncond && !conds))
		return -EINVAL;
	for (unsigned i = 0; i < ncond; i++)
		if (!valid_cond(&conds[i]))
			return -EINVAL;
	if (p->nrules == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct sb_rule *r = realloc(p->rules, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		p->rules = r;
		p->cap = cap;
	}
	struct sb_rule *r = &p->rules[p->nrules++];
	memset(r, 0, sizeof(*r));
	r->abi = abi;
	r->nr = nr;
	r->disp = disp;
	r->err = (disp & ~S_DISP_FLAG_EXIT) == S_DISP_ERRNO ? err : 0;
	r->ncond = ncond;
	if (ncond)
		memcpy(r->cond, conds, ncond * sizeof(*conds));
	sb_rule_narrow(r);
	p->generation++;
	return 0;
}

int sb_policy_add_rule_name(sandbox_policy_t *p, unsigned abi_mask,
                            const char *name, int disp, int err,
                            const sandbox_cond_t *conds, unsigned ncond)
{
	int added = 0;

	if (!p || !name || !abi_mask || (abi_mask >> S_ABI_COUNT))
		return -EINVAL;
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		if (!(abi_mask & (1u << abi)))
			continue;
		long nr = sb_syscall_number(abi, name);
		if (nr == -ENOENT)
			continue;
		if (nr < 0)
			return (int)nr;
		int rc = sb_policy_add_rule(p, abi, nr, disp, err, conds, ncond);
		if (rc < 0)
			return rc;
		added++;
	}
	return added ? 0 : -ENOENT;
}

/* ------------------------------------------------------------ evaluation */

static bool cond_holds(const sandbox_cond_t *c, const uint64_t args[6],
                       pid_t self)
{
	if (c->arg & S_ARG_SELF_PID) {
		/* Compare as the kernel sees a pid_t argument: 32-bit signed. */
		int32_t v = (int32_t)args[c->arg & ~S_ARG_SELF_PID];
		bool eq = v == (int32_t)self;
		return c->op == S_CMP_EQ ? eq : !eq;
	}
	if (c->arg & S_ARG_SELF_CPUCLOCK) {
		/* clockid_t: the low 32 bits, ~pid << 3 | type (0-3). */
		uint32_t v = (uint32_t)args[c->arg & ~S_ARG_SELF_CPUCLOCK];
		bool eq = (v & ~3u) == (uint32_t)(~(uint32_t)self << 3);
		return c->op == S_CMP_EQ ? eq : !eq;
	}
	uint64_t v = args[c->arg & ~SB_ARG_NARROW], a = c->a;
	if (c->arg & SB_ARG_NARROW) {
		/* An int argument: the bits the kernel runs (narrow.c). */
		v &= c->b;
		a &= c->b;
	}
	switch (c->op) {
	case S_CMP_NE: return v != a;
	case S_CMP_LT: return v < a;
	case S_CMP_LE: return v <= a;
	case S_CMP_EQ: return v == a;
	case S_CMP_GE: return v >= a;
	case S_CMP_GT: return v > a;
	case S_CMP_MASKED_EQ: return (v & c->a) == c->b;
	}
	return false;
}

static bool rule_matches(const struct sb_rule *r, const uint64_t args[6],
                         pid_t self)
{
	for (unsigned i = 0; i < r->ncond; i++)
		if (!cond_holds(&r->cond[i], args, self))
			return false;
	return true;
}

/* Is nr a syscall libseccomp knows for this ABI? Unknown numbers are
 * KILL whatever the policy says. Each answer is looked up the first time
 * it is asked for and kept (libseccomp's tables do not change in a
 * process; looking all of them up at once costs ~0.2 ms, a third of a
 * run's check): 0 not yet, 1 unknown, 2 known. Racing threads store the
 * same answer. */
#define KNOWN_MAX 548 /* >= sb_abi_nr_limit() of every ABI */
static _Atomic unsigned char known_tab[S_ABI_COUNT][KNOWN_MAX];

bool sb_syscall_known(int abi, long nr)
{
	char buf[64];

	if (abi < 0 || abi >= S_ABI_COUNT || nr < 0 || nr >= sb_abi_nr_limit(abi) ||
	    nr >= KNOWN_MAX)
		return false;
	unsigned char k = atomic_load_explicit(&known_tab[abi][nr],
	                                       memory_order_relaxed);
	if (k == 0) {
		sb_syscall_name(abi, nr, buf, sizeof(buf));
		k = strncmp(buf, "syscall_", 8) != 0 ? 2 : 1;
		atomic_store_explicit(&known_tab[abi][nr], k, memory_order_relaxed);
	}
	return k == 2;
}

int sb_ruleset_build(const sandbox_policy_t *p, struct sb_ruleset *rs)
{
	int32_t *last[S_ABI_COUNT] = { 0 };
	int rc = -ENOMEM;

	memset(rs, 0, sizeof(*rs));
	rs->next = malloc((p->nrules ? p->nrules : 1) * sizeof(int32_t));
	if (!rs->next)
		goto out;
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		size_t sz = (size_t)sb_abi_nr_limit(abi) * sizeof(int32_t);
		rs->nmax[abi] = sb_abi_nr_limit(abi);
		rs->base[abi] = malloc(sz);
		rs->first[abi] = malloc(sz);
		last[abi] = malloc(sz);
		if (!rs->base[abi] || !rs->first[abi] || !last[abi])
			goto out;
		memset(rs->base[abi], 0xff, sz);
		memset(rs->first[abi], 0xff, sz);
	}
	/* An unconditional rule becomes the base and drops the conditional
	 * rules before it; conditional rules chain in insertion order. */
	for (size_t i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = &p->rules[i];
		rs->next[i] = -1;
		if (r->ncond == 0) {
			rs->base[r->abi][r->nr] = (int32_t)i;
			rs->first[r->abi][r->nr] = -1;
		} else if (rs->first[r->abi][r->nr] < 0) {
			rs->first[r->abi][r->nr] = (int32_t)i;
			last[r->abi][r->nr] = (int32_t)i;
		} else {
			rs->next[last[r->abi][r->nr]] = (int32_t)i;
			last[r->abi][r->nr] = (int32_t)i;
		}
	}
	rc = 0;
out:
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		free(last[abi]);
	if (rc < 0)
		sb_ruleset_free(rs);
	return rc;
}

void sb_ruleset_free(struct sb_ruleset *rs)
{
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		free(rs->base[abi]);
		free(rs->first[abi]);
		rs->base[abi] = rs->first[abi] = NULL;
	}
	free(rs->next);
	rs->next = NULL;
}

void sb_ruleset_base(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                     int abi, long nr, int *disp, int *err)
{
	int32_t b = rs->base[abi][nr];
	*disp = b >= 0 ? p->rules[b].disp : p->def_disp[abi];
	*err = b >= 0 ? p->rules[b].err : p->def_err[abi];
}

int sb_ruleset_eval(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                    int abi, long nr, const uint64_t args[6], pid_t self,
                    int *err)
{
	int e = 0, disp;
	uint64_t a32[6];

	/* An i386 call's arguments are 32-bit registers: the kernel (and the
	 * filter) read only the low halves, whatever a 64-bit process left
	 * in the high ones before int $0x80 (review-stop24 D1). */
	if (abi == S_ABI_I386) {
		for (int i = 0; i < 6; i++)
			a32[i] = (uint32_t)args[i];
		args = a32;
	}
	if (!sb_syscall_known(abi, nr)) {
		disp = S_DISP_KILL;
		goto out;
	}
	for (int32_t i = rs->first[abi][nr]; i >= 0; i = rs->next[i]) {
		const struct sb_rule *r = &p->rules[i];
		if (rule_matches(r, args, self)) {
			disp = r->disp;
			e = r->err;
			goto out;
		}
	}
	sb_ruleset_base(p, rs, abi, nr, &disp, &e);
out:
	if (err)
		*err = e;
	return disp;
}

int sb_policy_evaluate(const sandbox_policy_t *p, int abi, long nr,
                       const uint64_t args[6], pid_t self, int *err)
{
	struct sb_ruleset rs;
	static const uint64_t zero[6];

	if (!p || abi < 0 || abi >= S_ABI_COUNT)
		return -EINVAL;
	int rc = sb_ruleset_build(p, &rs);
	if (rc < 0)
		return rc;
	rc = sb_ruleset_eval(p, &rs, abi, nr, args ? args : zero, self, err);
	sb_ruleset_free(&rs);
	return rc;
}

/* KILL cannot be made laxer by a callback, so a default of KILL and no
 * other rule means the program dies at its first syscall of this ABI. */
bool sb_policy_abi_allowed(const sandbox_policy_t *p, int abi)
{
	if ((p->def_disp[abi] & 0xff) != S_DISP_KILL)
		return true;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].abi == abi && (p->rules[i].disp & 0xff) != S_DISP_KILL)
			return true;
	return false;
}
