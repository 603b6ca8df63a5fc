/*
 * Compile a policy into a seccomp-bpf program with libseccomp.
 *
 * Every ABI the policy gives rules or a non-KILL default for gets its own
 * section (libseccomp checks the architecture first); every other ABI hits
 * the bad-architecture action, SECCOMP_RET_TRACE(SB_TRACE_KILL): the
 * tracer turns it into RF while it can still read the offending call.
 * Whatever no kernel rule decides -- unknown numbers, ABI defaults, KILL
 * lines, TRACE lines, the parts of rule chains the kernel cannot evaluate
 * -- hits the filter's default action, TRACE(ASK): the tracer evaluates
 * the same table in user space at every stop (policy/rules.c), exactly.
 *
 * The rules of one syscall are tried first-match-first (see sandbox.h).
 * libseccomp has no ordered rules, and how it combines several rules of
 * one syscall with different actions is not specified (an unconditional
 * rule replaces every conditional one, in either order). So a chain is
 * compiled into rules whose match sets are disjoint when their actions
 * differ ("rule chains" below): the calls the table allows by argument
 * are allowed in the kernel, refusals with an errno are refused there
 * when that takes few rules, and the rest stops. A call decided in the
 * kernel gets what the table says, for every argument value
 * (tests/check_bpf.c builtins_exact, random_policies_exact).
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint32_t disp_action(int disp, int err)
{
	switch (disp & ~S_DISP_FLAG_EXIT) {
	case S_DISP_ALLOW: return SCMP_ACT_ALLOW;
	case S_DISP_ERRNO: return SCMP_ACT_ERRNO((uint32_t)err);
	case S_DISP_TRACE:
		return SCMP_ACT_TRACE((disp & S_DISP_FLAG_EXIT) ? SB_TRACE_ASK_EXIT
		                                                : SB_TRACE_ASK);
	default: return SCMP_ACT_TRACE(SB_TRACE_KILL);
	}
}

/* The number libseccomp wants for syscall nr of abi. Its rule calls take
 * the native (x86_64) number -- or the pseudo number of a syscall x86_64
 * lacks -- and translate it by name for the filter's architecture: an
 * i386 number passed as is would name another syscall (i386 write, 4, is
 * x86_64 stat), an x32 one with its x32 bit is refused. */
static int scmp_number(int abi, long nr)
{
	char name[64];

	if (abi == S_ABI_X86_64)
		return (int)nr;
	sb_syscall_name(abi, nr, name, sizeof(name));
	return seccomp_syscall_resolve_name(name);
}

static enum scmp_compare scmp_op(int op)
{
	switch (op) {
	case S_CMP_NE: return SCMP_CMP_NE;
	case S_CMP_LT: return SCMP_CMP_LT;
	case S_CMP_LE: return SCMP_CMP_LE;
	case S_CMP_EQ: return SCMP_CMP_EQ;
	case S_CMP_GE: return SCMP_CMP_GE;
	case S_CMP_GT: return SCMP_CMP_GT;
	default: return SCMP_CMP_MASKED_EQ;
	}
}

/* The filter's default action: a stop. The tracer evaluates the policy's
 * table in user space at every stop (whatever the filter's data says), so
 * whatever no kernel rule decides -- a call no rule names, an ABI's
 * default, a part of a rule chain the kernel cannot evaluate -- is
 * decided there, exactly. */
#define FILTER_DEFAULT SCMP_ACT_TRACE(SB_TRACE_ASK)

/* Does falling through to the filter's default give `action`? Every stop
 * is evaluated by the tracer, so a KILL or a TRACE line costs no rule. */
static bool covered_by_default(uint32_t action)
{
	return action == FILTER_DEFAULT ||
	       action == SCMP_ACT_TRACE(SB_TRACE_KILL) ||
	       action == SCMP_ACT_TRACE(SB_TRACE_ASK_EXIT);
}

/* ------------------------------------------------------ rule chains
 *
 * A chain (conditional rules r1..rn tried in order, then the base b) is
 * compiled into kernel rules whose match sets never overlap when their
 * actions differ, so that how libseccomp orders or merges rules of one
 * syscall cannot change a decision: the calls whose first matching rule
 * has action A are
 *     S_A = union over i with action(ri) = A of
 *           ri and not rj for every j < i with action(rj) != A
 * (the base is a last rule that always matches). Each S_A is written as
 * a union of terms -- conjunctions with at most one comparison per
 * argument, what one libseccomp rule is -- and only terms that are
 * exactly one rule are added: a call in no added term falls through to
 * the filter's default, a stop, and the tracer decides it. Whatever part
 * is left out costs stops, never a decision. The chain is cut at the
 * first rule the kernel cannot evaluate (the program's pid; an i386
 * constant beyond 32 bits): from there on everything is the tracer's.
 *
 * Which sets are added: the calls the table allows always (the cost of a
 * stop is paid by correct programs); ERRNO sets when they take at most
 * ERRNO_TERMS rules (a refusal is rare, a long rule list is paid at every
 * call of the syscall and at every filter install); KILL and TRACE sets
 * never (the default stops them, and the tracer kills or asks). */

#define TERM_ATOMS 24   /* comparisons in one term before simplifying */
#define TERMS_MAX 64    /* terms one rule's set may expand to */
#define ERRNO_TERMS 8   /* terms an ERRNO set may take in the kernel */

struct atom {
	unsigned arg;
	int op;        /* S_CMP_*; never NE/LT/GT after simplify() */
	uint64_t a, b;
};

struct term {
	unsigned n;
	struct atom at[TERM_ATOMS];
};

struct terms {
	size_t n;
	struct term *t; /* TERMS_MAX of them */
};

static bool atom_holds(const struct atom *x, uint64_t v)
{
	switch (x->op) {
	case S_CMP_NE: return v != x->a;
	case S_CMP_LT: return v < x->a;
	case S_CMP_LE: return v <= x->a;
	case S_CMP_EQ: return v == x->a;
	case S_CMP_GE: return v >= x->a;
	case S_CMP_GT: return v > x->a;
	default: return (v & x->a) == x->b;
	}
}

/* The comparisons of one argument in a term, folded into at most one
 * (what a libseccomp rule can hold): 1 done (*out), 0 the term can never
 * hold, -1 not one comparison (the term is left to the tracer). */
static int fold_arg(const struct atom *in, unsigned n, struct atom *out)
{
	uint64_t lo = 0, hi = UINT64_MAX, m = 0, b = 0;
	const struct atom *ne[TERM_ATOMS];
	unsigned nne = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct atom *x = &in[i];
		switch (x->op) {
		case S_CMP_EQ:
			for (unsigned k = 0; k < n; k++)
				if (!atom_holds(&in[k], x->a))
					return 0;
			*out = *x;
			return 1;
		case S_CMP_NE: ne[nne++] = x; break;
		case S_CMP_LT:
			if (x->a == 0)
				return 0;
			hi = hi < x->a - 1 ? hi : x->a - 1;
			break;
		case S_CMP_LE: hi = hi < x->a ? hi : x->a; break;
		case S_CMP_GT:
			if (x->a == UINT64_MAX)
				return 0;
			lo = lo > x->a + 1 ? lo : x->a + 1;
			break;
		case S_CMP_GE: lo = lo > x->a ? lo : x->a; break;
		default:
			if ((x->b & ~x->a) || ((b ^ x->b) & m & x->a))
				return 0;
			m |= x->a;
			b |= x->b;
			break;
		}
	}
	/* A != at the edge of bounds moves the edge (a lone != stays). */
	for (bool moved = lo > 0 || hi < UINT64_MAX; moved && lo <= hi;) {
		moved = false;
		for (unsigned i = 0; i < nne; i++) {
			if (ne[i]->a == lo && lo < hi) {
				lo++;
				moved = true;
			} else if (ne[i]->a == hi && lo < hi) {
				hi--;
				moved = true;
			}
		}
	}
	if (lo > hi)
		return 0;
	if (lo == hi) {
		struct atom eq = { in[0].arg, S_CMP_EQ, lo, 0 };
		for (unsigned k = 0; k < n; k++)
			if (!atom_holds(&in[k], lo))
				return 0;
		*out = eq;
		return 1;
	}
	/* What is left: NEs inside (lo, hi), a mask, the bounds. */
	unsigned live = 0;
	const struct atom *the_ne = NULL;
	for (unsigned i = 0; i < nne; i++) {
		uint64_t c = ne[i]->a;
		if (c < lo || c > hi || (m && (c & m) != b))
			continue; /* implied by the rest */
		if (!the_ne || the_ne->a != c)
			live++;
		the_ne = ne[i];
	}
	unsigned kinds = (live > 0) + (m != 0) + (lo > 0) + (hi < UINT64_MAX);
	if (live > 1 || kinds > 1)
		return -1;
	out->arg = in[0].arg;
	out->b = 0;
	if (live) {
		out->op = S_CMP_NE;
		out->a = the_ne->a;
	} else if (m) {
		out->op = m == UINT64_MAX ? S_CMP_EQ : S_CMP_MASKED_EQ;
		out->a = m == UINT64_MAX ? b : m;
		out->b = m == UINT64_MAX ? 0 : b;
	} else if (lo > 0) {
		out->op = S_CMP_GE;
		out->a = lo;
	} else if (hi < UINT64_MAX) {
		out->op = S_CMP_LE;
		out->a = hi;
	} else {
		return 2; /* always true: no comparison */
	}
	return 1;
}

/* Fold every argument of t: 1 (t has at most one comparison per
 * argument now), 0 (t never holds), -1 (t is not one rule). */
static int simplify(struct term *t)
{
	struct term out = { 0 };
	int rc = 1;

	for (unsigned arg = 0; arg < 6; arg++) {
		struct atom in[TERM_ATOMS];
		unsigned n = 0;
		for (unsigned i = 0; i < t->n; i++)
			if (t->at[i].arg == arg)
				in[n++] = t->at[i];
		if (!n)
			continue;
		int r = fold_arg(in, n, &out.at[out.n]);
		if (r == 0)
			return 0;
		if (r == 1)
			out.n++;
		if (r < 0) {
			/* keep them all: a later comparison may still fold
			 * them (or make the term impossible) */
			memcpy(&out.at[out.n], in, n * sizeof(in[0]));
			out.n += n;
			rc = -1;
		}
	}
	*t = out;
	return rc;
}

/* The comparisons whose disjunction is "not x": 0.. of them in *neg, or
 * -1 when x never holds (its negation always does). */
static int negate(const struct atom *x, struct atom *neg)
{
	static const int opposite[] = {
		[S_CMP_NE] = S_CMP_EQ, [S_CMP_LT] = S_CMP_GE,
		[S_CMP_LE] = S_CMP_GT, [S_CMP_EQ] = S_CMP_NE,
		[S_CMP_GE] = S_CMP_LT, [S_CMP_GT] = S_CMP_LE,
	};
	unsigned n = 0;

	if (x->op != S_CMP_MASKED_EQ) {
		neg[0] = (struct atom){ x->arg, opposite[x->op], x->a, 0 };
		return 1;
	}
	if (x->b & ~x->a)
		return -1;
	/* (v & m) != b: some bit of m differs from b's. */
	for (unsigned bit = 0; bit < 64; bit++) {
		uint64_t one = 1ULL << bit;
		if (!(x->a & one))
			continue;
		neg[n++] = (struct atom){ x->arg, S_CMP_MASKED_EQ, one,
		                          ~x->b & one };
	}
	return (int)n;
}

/* The conditions of rule r as a term. */
static void rule_term(const struct sb_rule *r, struct term *t)
{
	t->n = r->ncond;
	for (unsigned c = 0; c < r->ncond; c++)
		t->at[c] = (struct atom){ r->cond[c].arg, r->cond[c].op,
		                          r->cond[c].a, r->cond[c].b };
}

/* ts := ts and not r (each term and each comparison of "not r"), into
 * `out` (room for TERMS_MAX), then swapped into ts. Terms that cannot be
 * kept (too many, too long) are dropped: what is left is a part of the
 * set, which is all the kernel may decide. */
static void and_not(struct terms *ts, const struct sb_rule *r, struct terms *out)
{
	struct atom neg[6 * 64];
	unsigned nneg = 0;

	for (unsigned c = 0; c < r->ncond; c++) {
		struct atom x = { r->cond[c].arg, r->cond[c].op, r->cond[c].a,
		                  r->cond[c].b };
		int k = negate(&x, neg + nneg);
		if (k < 0)
			return; /* r never matches: ts and not r is ts */
		nneg += (unsigned)k;
	}
	out->n = 0;
	for (size_t i = 0; i < ts->n; i++) {
		for (unsigned k = 0; k < nneg && out->n < TERMS_MAX; k++) {
			struct term *t = &out->t[out->n];
			if (ts->t[i].n >= TERM_ATOMS)
				break;
			*t = ts->t[i];
			t->at[t->n++] = neg[k];
			if (simplify(t) != 0)
				out->n++;
		}
	}
	struct terms swap = *ts;
	*ts = *out;
	*out = swap;
}

/* Can the kernel evaluate rule r of abi? */
static bool kernel_rule(const struct sb_rule *r, int abi)
{
	for (unsigned c = 0; c < r->ncond; c++)
		if ((r->cond[c].arg & SB_ARG_FLAGS) ||
		    (abi == S_ABI_I386 && (r->cond[c].a > UINT32_MAX ||
		                           r->cond[c].b > UINT32_MAX)))
			return false;
	return true;
}

/* Is t exactly one libseccomp rule for abi (one comparison per argument;
 * for i386, constants of 32 bits: its arguments are)? */
static bool one_rule(const struct term *t, int abi)
{
	unsigned seen = 0;
	for (unsigned i = 0; i < t->n; i++) {
		if (seen & (1u << t->at[i].arg))
			return false;
		seen |= 1u << t->at[i].arg;
		if (abi == S_ABI_I386 &&
		    (t->at[i].a > UINT32_MAX || t->at[i].b > UINT32_MAX))
			return false;
	}
	return true;
}

static int add_term(scmp_filter_ctx ctx, const struct term *t, int snr,
                    uint32_t action)
{
	struct scmp_arg_cmp cmp[6];
	for (unsigned c = 0; c < t->n; c++) {
		cmp[c].arg = t->at[c].arg;
		cmp[c].op = scmp_op(t->at[c].op);
		cmp[c].datum_a = t->at[c].a;
		cmp[c].datum_b = t->at[c].b;
	}
	return seccomp_rule_add_exact_array(ctx, action, snr, t->n, cmp);
}

/* One syscall's chain: its rules, in order, and the base as a last rule
 * that always matches (NULL); `cut`: how many of them the kernel can
 * evaluate (the rest, and the base after a cut, are the tracer's). */
struct chain {
	const struct sb_rule *rule[64 + 1];
	uint32_t action[64 + 1];
	unsigned n, cut;
};

/* The terms of the calls whose first matching rule is rule i of c (the
 * base when c->rule[i] is NULL), in ts. */
static void rule_set(const struct chain *c, unsigned i, struct terms *ts,
                     struct terms *scratch)
{
	ts->n = 1;
	ts->t[0].n = 0;
	if (c->rule[i]) {
		rule_term(c->rule[i], &ts->t[0]);
		if (simplify(&ts->t[0]) == 0)
			ts->n = 0;
	}
	for (unsigned j = 0; j < i && ts->n; j++)
		if (c->action[j] != c->action[i])
			and_not(ts, c->rule[j], scratch);
}

/* Does x imply y (same argument)? Only the cases that are cheap to see:
 * false may be wrong, true never is. */
static bool implies(const struct atom *x, const struct atom *y)
{
	if (x->op == y->op && x->a == y->a && x->b == y->b)
		return true;
	if (x->op == S_CMP_EQ)
		return atom_holds(y, x->a);
	if (x->op == S_CMP_MASKED_EQ && y->op == S_CMP_MASKED_EQ)
		return (y->a & ~x->a) == 0 && (x->b & y->a) == y->b;
	if (x->op == S_CMP_GE && y->op == S_CMP_GE)
		return x->a >= y->a;
	if (x->op == S_CMP_LE && y->op == S_CMP_LE)
		return x->a <= y->a;
	return false;
}

/* Does every call that t matches match u? */
static bool within(const struct term *t, const struct term *u)
{
	for (unsigned k = 0; k < u->n; k++) {
		bool ok = false;
		for (unsigned i = 0; i < t->n && !ok; i++)
			ok = t->at[i].arg == u->at[k].arg &&
			     implies(&t->at[i], &u->at[k]);
		if (!ok)
			return false;
	}
	return true;
}

/* Add t to acc unless a term there already matches all it matches; the
 * terms it covers leave. acc is kept with fewer comparisons first. */
static void keep_term(struct terms *acc, const struct term *t)
{
	size_t out = 0;

	for (size_t i = 0; i < acc->n; i++)
		if (within(t, &acc->t[i]))
			return;
	for (size_t i = 0; i < acc->n; i++)
		if (!within(&acc->t[i], t))
			acc->t[out++] = acc->t[i];
	acc->n = out;
	if (acc->n == TERMS_MAX)
		return; /* left to the tracer */
	size_t at = acc->n;
	while (at > 0 && acc->t[at - 1].n > t->n)
		at--;
	memmove(&acc->t[at + 1], &acc->t[at], (acc->n - at) * sizeof(*t));
	acc->t[at] = *t;
	acc->n++;
}

/* Only == and masked == comparisons? */
static bool plain(const struct term *t)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->at[i].op != S_CMP_EQ && t->at[i].op != S_CMP_MASKED_EQ)
			return false;
	return true;
}

/* May t go into the kernel, out of `all` terms planned for the
 * syscall? libseccomp 2.5.4 builds wrong filters or never returns for
 * some sets of rules of one syscall (check_bpf and review-stop24 D5, D7,
 * D8 found them):
 *  - A1 <= 8 && A3 <= x, then A1 >= y && A4 <= 4 (x, y beyond 32 bits):
 *    calls that match neither are allowed;
 *  - A2 != c1 && A4 != 7, then A2 != c2 (equal high words, c1 > c2):
 *    calls that match neither are allowed;
 *  - two rules sharing a first !=, <, <=, >, >= comparison and going on
 *    to other arguments: never returns.
 * Rules made only of == and masked == comparisons were never wrong and
 * never hung (thousands of random sets). So a syscall with several
 * kernel rules gets only such rules; one with a single rule gets it
 * whatever its comparisons; the rest is the tracer's. */
static bool may_join(const struct term *t, size_t all)
{
	return all == 1 || (t->n > 0 && plain(t));
}

/* Add to ctx the kernel rules of chain c of (abi, nr) -- see "rule
 * chains" above. Rules of one action are added most general first, and
 * none that an added one covers, and none that may_join() refuses (the
 * tracer decides those). 0, or -errno from libseccomp (ctx then holds an
 * unknown part of them). */
static int add_chain(scmp_filter_ctx ctx, const struct chain *c, int abi,
                     int snr, struct terms *ts, struct terms *scratch,
                     struct terms *acc)
{
	uint32_t plan_act[TERMS_MAX];
	size_t planned = 0;

	/* acc->t[TERMS_MAX..] is not there: the plan is built in place,
	 * one action after the other, each kept at the end of acc. */
	acc->n = 0;
	for (unsigned i = 0; i < c->n && i < c->cut; i++) {
		uint32_t act = c->action[i];
		bool first = true;
		if (covered_by_default(act))
			continue;
		/* Each action once, at its first rule: all its sets. */
		for (unsigned j = 0; j < i; j++)
			first = first && c->action[j] != act;
		if (!first)
			continue;
		struct terms mine = { 0, acc->t + planned };
		for (unsigned k = i; k < c->cut; k++) {
			if (c->action[k] != act)
				continue;
			rule_set(c, k, ts, scratch);
			for (size_t t = 0; t < ts->n; t++)
				if (one_rule(&ts->t[t], abi) &&
				    planned + mine.n < TERMS_MAX)
					keep_term(&mine, &ts->t[t]);
		}
		if ((act & 0xffff0000u) == SCMP_ACT_ERRNO(0) &&
		    mine.n > ERRNO_TERMS)
			continue; /* left to the tracer */
		for (size_t t = 0; t < mine.n; t++)
			plan_act[planned + t] = act;
		planned += mine.n;
	}
	for (size_t t = 0; t < planned; t++) {
		if (!may_join(&acc->t[t], planned))
			continue; /* left to the tracer */
		int rc = add_term(ctx, &acc->t[t], snr, plan_act[t]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The chain of (abi, nr), whose first conditional rule is `first`. */
static void chain_of(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                     int abi, long nr, int32_t first, struct chain *c)
{
	int base, base_err;

	c->n = c->cut = 0;
	for (int32_t i = first; i >= 0 && c->n < 64; i = rs->next[i]) {
		const struct sb_rule *r = &p->rules[i];
		c->rule[c->n] = r;
		c->action[c->n] = disp_action(r->disp, r->err);
		c->n++;
		if (c->cut == c->n - 1 && kernel_rule(r, abi))
			c->cut = c->n;
	}
	/* A chain too long to hold ends with its 64th rule: the rest is
	 * the tracer's (as after a rule the kernel cannot evaluate). */
	bool whole = c->cut == c->n && (first < 0 || c->n < 64 ||
	             rs->next[c->rule[63] - p->rules] < 0);
	sb_ruleset_base(p, rs, abi, nr, &base, &base_err);
	c->rule[c->n] = NULL;
	c->action[c->n] = disp_action(base, base_err);
	c->n++;
	if (whole)
		c->cut = c->n;
}

/* The chain of (abi, nr) into ctx: tried alone in a context of its own
 * first, so that a rule libseccomp refuses leaves the syscall to the
 * tracer instead of failing the compile or leaving half of it. */
static int compile_chain(scmp_filter_ctx ctx, const struct chain *c, int abi,
                         int snr)
{
	struct terms ts = { 0 }, scratch = { 0 }, acc = { 0 };
	scmp_filter_ctx alone = NULL;
	int rc = -ENOMEM;

	ts.t = malloc(TERMS_MAX * sizeof(*ts.t));
	scratch.t = malloc(TERMS_MAX * sizeof(*scratch.t));
	acc.t = malloc(TERMS_MAX * sizeof(*acc.t));
	if (!ts.t || !scratch.t || !acc.t ||
	    !(alone = seccomp_init(FILTER_DEFAULT)))
		goto out;
	if (abi != S_ABI_X86_64 &&
	    ((rc = seccomp_arch_add(alone, sb_abi_scmp_arch(abi))) < 0 ||
	     (rc = seccomp_arch_remove(alone, SCMP_ARCH_NATIVE)) < 0))
		goto out;
	rc = add_chain(alone, c, abi, snr, &ts, &scratch, &acc);
	if (rc == -ENOMEM)
		goto out;
	rc = rc < 0 ? 0 : add_chain(ctx, c, abi, snr, &ts, &scratch, &acc);
out:
	if (alone)
		seccomp_release(alone);
	free(ts.t);
	free(scratch.t);
	free(acc.t);
	return rc;
}

/* Is nr one of the i386 calls libseccomp multiplexes? For i386 it adds
 * every rule of a direct socket or ipc call (socket, bind, ..., semget,
 * msgsnd, ...) a second time, to socketcall or ipc with "arg0 == the
 * sub-call's number" -- so socketcall(SYS_SOCKET, ...) took socket's
 * disposition instead of the table's for socketcall (review-stop25 E1:
 * "i386 default allow; socketcall kill" let int $0x80 socket() run).
 * Such a call gets no kernel rule: it stops, and the tracer decides it by
 * the table; socketcall's and ipc's own rules are then the only ones on
 * them. Names, not numbers: whatever numbers a libseccomp gives them. */
static bool i386_multiplexed(long nr)
{
	static const char *const names[] = {
		/* socketcall's sub-calls 1..20 */
		"socket", "bind", "connect", "listen", "accept", "getsockname",
		"getpeername", "socketpair", "send", "recv", "sendto",
		"recvfrom", "shutdown", "setsockopt", "getsockopt", "sendmsg",
		"recvmsg", "accept4", "recvmmsg", "sendmmsg",
		/* ipc's */
		"semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv",
		"msgget", "msgctl", "shmat", "shmdt", "shmget", "shmctl",
	};
	char name[64];

	sb_syscall_name(S_ABI_I386, nr, name, sizeof(name));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static int compile_abi(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                       const struct sb_filter_opts *o, int abi,
                       scmp_filter_ctx ctx)
{
	struct chain c;
	int rc;

	for (long nr = 0; nr < rs->nmax[abi]; nr++) {
		if (!sb_syscall_known(abi, nr) ||
		    (abi == S_ABI_I386 && i386_multiplexed(nr)))
			continue;
		int snr = scmp_number(abi, nr);
		if (snr == __NR_SCMP_ERROR)
			return -EINVAL;
		int32_t first = rs->first[abi][nr];
		int base, base_err;
		uint32_t action;
		bool mem = o->watch_memory && sb_memory_syscall(abi, nr);
		bool space = (o->watch_space && sb_space_syscall(abi, nr)) ||
		             (o->watch_streams && sb_truncate_syscall(abi, nr));

		sb_ruleset_base(p, rs, abi, nr, &base, &base_err);
		if (first < 0) {
			action = disp_action(base, base_err);
			if (mem && action == SCMP_ACT_ALLOW)
				action = SCMP_ACT_TRACE(SB_TRACE_MEM);
			else if (space && action == SCMP_ACT_ALLOW)
				action = SCMP_ACT_TRACE(SB_TRACE_ASK);
			if (covered_by_default(action))
				continue;
			rc = seccomp_rule_add_exact(ctx, action, snr, 0);
		} else if (mem) {
			/* The tracer evaluates and watches the return. */
			rc = seccomp_rule_add_exact(ctx, SCMP_ACT_TRACE(SB_TRACE_MEM),
			                            snr, 0);
		} else if (space || abi == S_ABI_X32) {
			/* The default stops every call: the tracer measures
			 * first (space), or compares x32's 64-bit arguments,
			 * which libseccomp compares as 32-bit values. */
			rc = 0;
		} else {
			chain_of(p, rs, abi, nr, first, &c);
			rc = compile_chain(ctx, &c, abi, snr);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

static bool abi_in_filter(const sandbox_policy_t *p, int abi)
{
	if (p->def_disp[abi] != S_DISP_KILL)
		return true;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].abi == abi)
			return true;
	return false;
}

/* libseccomp 2.5 can only export to a file descriptor. */
static int export_bpf(scmp_filter_ctx ctx, struct sock_fprog *out)
{
	int fd = memfd_create("sandbox-bpf", MFD_CLOEXEC);
	int rc = 0;
	if (fd < 0)
		return -errno;
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		goto out;
	off_t len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(struct sock_filter) ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		rc = -E2BIG;
		goto out;
	}
	out->filter = malloc((size_t)len);
	if (!out->filter) {
		rc = -ENOMEM;
		goto out;
	}
	if (pread(fd, out->filter, (size_t)len, 0) != len) {
		free(out->filter);
		out->filter = NULL;
		rc = -EIO;
		goto out;
	}
	out->len = (unsigned short)(len / sizeof(struct sock_filter));
out:
	close(fd);
	return rc;
}

/* A context for one ABI, with the attributes every part must share. */
static scmp_filter_ctx abi_ctx(int abi, int *rc)
{
	scmp_filter_ctx ctx = seccomp_init(FILTER_DEFAULT);
	if (!ctx) {
		*rc = -ENOMEM;
		return NULL;
	}
	/* The child sets no_new_privs itself before seccomp(2). */
	if ((*rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
	    (*rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	                            SCMP_ACT_TRACE(SB_TRACE_KILL))) < 0 ||
	    (*rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0 ||
	    (abi != S_ABI_X86_64 &&
	     ((*rc = seccomp_arch_add(ctx, sb_abi_scmp_arch(abi))) < 0 ||
	      (*rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) < 0))) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int sb_filter_compile(const sandbox_policy_t *p, const struct sb_filter_opts *o,
                      struct sock_fprog *out)
{
	struct sb_ruleset rs;
	scmp_filter_ctx all = NULL, ctx = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = sb_ruleset_build(p, &rs);
	if (rc < 0)
		return rc;
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		/* A policy with no rule at all still needs one architecture:
		 * x86_64, where every syscall takes the default action. */
		if (!abi_in_filter(p, abi) && !(abi == S_ABI_X86_64 && !p->nrules))
			continue;
		if (!(ctx = abi_ctx(abi, &rc)))
			goto out;
		if ((rc = compile_abi(p, &rs, o, abi, ctx)) < 0)
			goto out;
		if (!all) {
			all = ctx;
		} else if ((rc = seccomp_merge(all, ctx)) < 0) {
			goto out;
		}
		ctx = NULL; /* merged (and released) or kept as `all` */
	}
	if (!all && !(all = abi_ctx(S_ABI_X86_64, &rc)))
		goto out;
	rc = export_bpf(all, out);
	if (rc == 0 && !o->plain)
		(void)sb_filter_tree(out, false);
out:
	if (rc < 0 && rc != -ENOMEM && rc != -E2BIG && rc != -EIO)
		rc = -EINVAL;
	if (ctx)
		seccomp_release(ctx);
	if (all)
		seccomp_release(all);
	sb_ruleset_free(&rs);
	return rc;
}
