/*
 * Defence in depth for the kernel filter: before a compiled program is
 * used (and cached), it is run in a BPF interpreter (util/bpfsim.c) over
 * every syscall number of every ABI and over the argument values where a
 * rule's answer can change, and each decision it takes in the kernel is
 * compared with the table's (sb_ruleset_eval, what the tracer does).
 * libseccomp 2.5.4 builds wrong programs for some sets of rules
 * (review-stop24 D7, D8); filter.c keeps the shapes known to be wrong out
 * of the kernel, and this catches the ones nobody has found yet: a
 * syscall on which the program and the table disagree is sent to the
 * tracer by a few instructions put in front of the program, so the
 * table decides it, in user space, in every mode. Built-in policies are
 * proven by tests/check_bpf.c when the library is tested; this runs for
 * every other table, once per compile (filter_cache.c keeps the result).
 *
 * The instructions put in front:
 *     ld #SB_VERIFY_MAGIC           marks a program with them
 *     ja n                          skips the list
 *     ld #(abi << 24 | nr) ...      n words: what was sent, never run
 *     per entry: a test of arch (and nr) that returns TRACE(ASK)
 *     ld #0                         A as the kernel starts the program
 *     ...the compiled program, unchanged (its jumps are relative)
 * sb_filter_sent() reads the list back for the run's diagnostics.
 */
#include "config.h"
#include "policy/policy.h"
#include "util/bpfsim.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define SB_VERIFY_MAGIC 0x5afe2500u
#define X32_BIT 0x40000000u
#define WHOLE_ABI 0xffffffu   /* nr of an entry that sends a whole ABI */
#define FOREIGN 0xffu          /* abi of the entry for other architectures */
#define SENT_MAX 48            /* syscalls named one by one; more: the ABI */
#define SELF 1234              /* the pid the table is asked about */
#define VALUES_MAX 128         /* values tried for one argument */
#define COMBOS_MAX 4096        /* argument combinations for one syscall */
#define ARG_WORDS 0xfff0u      /* bits of sb_bpf_run's *loaded for args */
#define IP_WORDS 0xcu

static uint32_t arch_of(int abi)
{
	return abi == S_ABI_I386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
}

static uint32_t nr_of(int abi, long nr)
{
	return abi == S_ABI_X32 ? (uint32_t)nr | X32_BIT : (uint32_t)nr;
}

/* Does the kernel's answer `ret` agree with the table's (disp, err)? A
 * stop always does: the tracer evaluates the table. `watched`: the call
 * must stop where the table allows it (memory or space watch). */
static bool agrees(uint32_t ret, int disp, int err, bool watched)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
	uint32_t data = ret & SECCOMP_RET_DATA;
	int base = disp & ~S_DISP_FLAG_EXIT;

	if (action == SECCOMP_RET_TRACE && (data == SB_TRACE_ASK ||
	    data == SB_TRACE_ASK_EXIT || data == SB_TRACE_MEM))
		return true;
	if (base == S_DISP_TRACE)
		return false; /* the callback must be asked */
	switch (action) {
	case SECCOMP_RET_ALLOW: return base == S_DISP_ALLOW && !watched;
	case SECCOMP_RET_ERRNO: return base == S_DISP_ERRNO && (int)data == err;
	case SECCOMP_RET_TRACE: return data == SB_TRACE_KILL && base == S_DISP_KILL;
	default: return false;
	}
}

/* What the accumulator holds at an instruction, on the paths of one
 * (arch, nr) through the program (walk()). */
struct acc {
	uint8_t kind;   /* ACC_* */
	uint8_t word;   /* ACC_ARG: the 32-bit word of seccomp_data */
	uint32_t x;     /* ACC_CONST: the value; ACC_ARG: the mask */
};
enum { ACC_NONE, ACC_CONST, ACC_ARG, ACC_UNKNOWN };

/* A comparison of an argument word the program makes. */
struct cmp {
	uint8_t word, op; /* op: BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET */
	uint32_t mask, k;
};
#define CMPS_MAX 256

struct verify {
	const sandbox_policy_t *p;
	const struct sb_filter_opts *o;
	const struct sock_fprog *prog;
	struct sb_ruleset rs;
	uint64_t vals[6][VALUES_MAX];
	size_t nv[6];
	uint64_t rng;
	struct acc at[BPF_MAXINSNS];
	struct cmp cmp[CMPS_MAX];
	size_t ncmp;
	long socketcall, ipc; /* their i386 numbers */
};

/* Does the table decide (abi, nr, args) as the program's answer ret? */
static bool table_agrees(struct verify *v, int abi, long nr,
                         const uint64_t args[6], uint32_t ret)
{
	int err = 0;
	int disp = sb_ruleset_eval(v->p, &v->rs, abi, nr, args, SELF, &err);
	bool known = sb_syscall_known(abi, nr);
	bool watched = known && ((v->o->watch_memory && sb_memory_syscall(abi, nr)) ||
	               (v->o->watch_space && sb_space_syscall(abi, nr)) ||
	               (v->o->watch_streams && sb_truncate_syscall(abi, nr)));
	return agrees(ret, disp, err, watched);
}

/* One call through the program and the table: agree? *loaded gets the
 * words the program read. */
static bool one_call(struct verify *v, int abi, long nr, const uint64_t in[6],
                     uint32_t *loaded)
{
	struct seccomp_data d = { .nr = (int)nr_of(abi, nr), .arch = arch_of(abi),
	                          .instruction_pointer = 0x401000 };
	uint64_t args[6];
	const char *why = NULL;

	/* An i386 call's arguments are 32-bit registers, zero-extended. */
	for (int i = 0; i < 6; i++)
		args[i] = abi == S_ABI_I386 ? (uint32_t)in[i] : in[i];
	memcpy(d.args, args, sizeof(d.args));
	uint32_t ret = sb_bpf_run(v->prog, &d, &why, loaded);
	if (why || (*loaded & IP_WORDS))
		return false; /* nothing the table could say */
	return table_agrees(v, abi, nr, args, ret);
}

static void put(struct verify *v, unsigned arg, uint64_t x)
{
	for (size_t i = 0; i < v->nv[arg]; i++)
		if (v->vals[arg][i] == x)
			return;
	if (v->nv[arg] < VALUES_MAX)
		v->vals[arg][v->nv[arg]++] = x;
}

/* Values any argument is tried with: both halves' edges and signs. */
static void put_edges(struct verify *v, unsigned arg)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 4, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ULL, 0x100000005ULL, 0x1ffffffffULL,
		0xffffffff80000000ULL, 0xfffffffffffffffaULL, 0xfffffffaULL,
		UINT64_MAX, UINT64_MAX - 1,
	};
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		put(v, arg, edges[i]);
}

/* The first conditional rule of (abi, nr) the table tries, or -1 (the
 * rules before its last unconditional one are never tried). */
static int32_t first_rule(const struct verify *v, int abi, long nr)
{
	return nr < v->rs.nmax[abi] && sb_syscall_known(abi, nr)
	       ? v->rs.first[abi][nr] : -1;
}

/* The values of argument `arg` of (abi, nr) where a comparison of its
 * rules can change its answer, as the table compares (64 bits) and as
 * the program does (each 32-bit half apart): every constant and its
 * neighbours, each half with the other half's neighbours, every bit of
 * a mask flipped, the bits outside a mask set. false: no rule names it. */
static bool rule_values(struct verify *v, int abi, long nr, unsigned arg)
{
	bool named = false;

	for (int32_t i = first_rule(v, abi, nr); i >= 0; i = v->rs.next[i]) {
		const struct sb_rule *r = &v->p->rules[i];
		for (unsigned c = 0; c < r->ncond; c++) {
			const sandbox_cond_t *k = &r->cond[c];
			unsigned self = k->arg & (S_ARG_SELF_PID | S_ARG_SELF_CPUCLOCK);
			if ((k->arg & ~SB_ARG_FLAGS) != arg)
				continue;
			named = true;
			if (self == S_ARG_SELF_CPUCLOCK) {
				put(v, arg, ~(uint64_t)SELF << 3 | 2);
				put(v, arg, (uint32_t)(~(uint32_t)SELF << 3 | 1));
				put(v, arg, ~(uint64_t)(SELF + 1) << 3 | 2);
				continue;
			}
			if (self == S_ARG_SELF_PID) {
				put(v, arg, SELF);
				put(v, arg, SELF + 1);
				put(v, arg, 0xffffffff00000000ULL | SELF);
				put(v, arg, 0x100000000ULL | SELF);
				continue;
			}
			uint64_t hi = k->a >> 32, lo = k->a & 0xffffffff;
			for (int d = -1; d <= 1; d++) {
				uint64_t dd = (uint64_t)(int64_t)d;
				put(v, arg, k->a + dd);
				put(v, arg, (hi << 32) | (uint32_t)(lo + (uint32_t)d));
				put(v, arg, ((hi + dd) << 32) | lo);
				put(v, arg, ((hi + dd) << 32) | 0xffffffffu);
				put(v, arg, (hi + dd) << 32);
			}
			if (k->op == S_CMP_MASKED_EQ) {
				put(v, arg, k->b);
				put(v, arg, k->b | ~k->a);
				put(v, arg, k->b | (~k->a & 0xffffffff));
				put(v, arg, k->b | (~k->a & 0xffffffff00000000ULL));
				for (int bit = 0; bit < 64; bit++)
					if (k->a & (1ULL << bit))
						put(v, arg, k->b ^ (1ULL << bit));
			}
		}
	}
	return named;
}

static uint64_t rnd(struct verify *v)
{
	/* xorshift64*: the same combinations every time */
	v->rng ^= v->rng >> 12;
	v->rng ^= v->rng << 25;
	v->rng ^= v->rng >> 27;
	return v->rng * 0x2545f4914f6cdd1dULL;
}

/* Every combination of the values (or COMBOS_MAX of them, the same ones
 * each time, when there are more): agree? *loaded: what any run read. */
static bool combos(struct verify *v, int abi, long nr, uint32_t *loaded,
                   bool *every)
{
	unsigned long n = 1;
	bool all = true;

	for (unsigned i = 0; i < 6; i++) {
		n *= v->nv[i];
		if (n > COMBOS_MAX) {
			all = false;
			n = COMBOS_MAX;
		}
	}
	*every = all;
	v->rng = 0x5eed0000ULL ^ ((uint64_t)abi << 20) ^ (uint64_t)nr;
	*loaded = 0;
	for (unsigned long k = 0; k < n; k++) {
		uint64_t args[6];
		unsigned long rest = k;
		uint32_t l = 0;
		for (unsigned i = 0; i < 6; i++) {
			size_t j = all ? rest % v->nv[i] : rnd(v) % v->nv[i];
			rest /= v->nv[i];
			args[i] = v->vals[i][j];
		}
		if (!one_call(v, abi, nr, args, &l))
			return false;
		*loaded |= l;
	}
	return true;
}

/* ------------------------------------------------ the program's paths */

static void flow(struct verify *v, unsigned to, const struct acc *a)
{
	struct acc *t = &v->at[to];
	if (t->kind == ACC_NONE)
		*t = *a;
	else if (t->kind != a->kind || t->word != a->word || t->x != a->x)
		t->kind = ACC_UNKNOWN;
}

/* Every path of a call of (arch, nr) through the program, whatever its
 * arguments: the comparisons of argument words on them, into v->cmp.
 * Jumps go forward only, so one pass in order sees every way into an
 * instruction before it. false: a comparison of something else than a
 * (masked) argument word or a constant, or too many: not understood. */
static bool walk(struct verify *v, uint32_t arch, uint32_t nr)
{
	const struct sock_fprog *prog = v->prog;

	memset(v->at, 0, prog->len * sizeof(v->at[0]));
	v->ncmp = 0;
	v->at[0] = (struct acc){ ACC_CONST, 0, 0 };
	for (unsigned pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->filter[pc];
		struct acc a = v->at[pc];
		if (a.kind == ACC_NONE)
			continue; /* no path gets here */
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS) && f->k < 64 && !(f->k & 3)) {
				unsigned w = f->k / 4;
				a = w == 0 ? (struct acc){ ACC_CONST, 0, nr }
				  : w == 1 ? (struct acc){ ACC_CONST, 0, arch }
				  : w >= 4 ? (struct acc){ ACC_ARG, (uint8_t)w, 0xffffffff }
				  : (struct acc){ ACC_UNKNOWN, 0, 0 };
			} else if (f->code == (BPF_LD | BPF_IMM)) {
				a = (struct acc){ ACC_CONST, 0, f->k };
			} else {
				a = (struct acc){ ACC_UNKNOWN, 0, 0 };
			}
			break;
		case BPF_ALU:
			if (f->code == (BPF_ALU | BPF_AND | BPF_K) && a.kind == ACC_ARG)
				a.x &= f->k;
			else if (f->code == (BPF_ALU | BPF_AND | BPF_K) && a.kind == ACC_CONST)
				a.x &= f->k;
			else
				a = (struct acc){ ACC_UNKNOWN, 0, 0 };
			break;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) != BPF_TAX)
				a = (struct acc){ ACC_UNKNOWN, 0, 0 };
			break;
		case BPF_RET:
			continue;
		case BPF_JMP: {
			uint8_t op = BPF_OP(f->code);
			unsigned t = pc + 1 + f->jt, e = pc + 1 + f->jf;
			if (op == BPF_JA) {
				if (pc + 1 + f->k < prog->len)
					flow(v, pc + 1 + f->k, &a);
				continue;
			}
			if (BPF_SRC(f->code) != BPF_K || t >= prog->len ||
			    e >= prog->len || a.kind == ACC_UNKNOWN)
				return false;
			if (a.kind == ACC_CONST) {
				bool yes = op == BPF_JEQ ? a.x == f->k
				         : op == BPF_JGT ? a.x > f->k
				         : op == BPF_JGE ? a.x >= f->k
				         : (a.x & f->k) != 0;
				flow(v, yes ? t : e, &a);
				continue;
			}
			if (v->ncmp == CMPS_MAX)
				return false;
			v->cmp[v->ncmp++] = (struct cmp){ a.word, op, a.x, f->k };
			flow(v, t, &a);
			flow(v, e, &a);
			continue;
		}
		default: /* ST, STX, LDX: A unchanged */
			break;
		}
		if (pc + 1 < prog->len)
			flow(v, pc + 1, &a);
	}
	return true;
}

static bool cmp_holds(const struct cmp *c, uint64_t arg)
{
	uint32_t w = (uint32_t)(c->word & 1 ? arg >> 32 : arg) & c->mask;
	switch (c->op) {
	case BPF_JEQ: return w == c->k;
	case BPF_JGT: return w > c->k;
	case BPF_JGE: return w >= c->k;
	default: return (w & c->k) != 0;
	}
}

/* Add the values where the program's comparisons of argument `arg` turn:
 * each constant and its neighbours in the compared half (the other half
 * 0 or all ones), under the mask. */
static void put_cmp_values(struct verify *v, unsigned arg)
{
	for (size_t i = 0; i < v->ncmp; i++) {
		const struct cmp *c = &v->cmp[i];
		if ((unsigned)(c->word - 4) / 2 != arg)
			continue;
		for (int d = -1; d <= 1; d++) {
			uint32_t h = c->k + (uint32_t)d;
			if (c->word & 1) {
				put(v, arg, (uint64_t)h << 32);
				put(v, arg, (uint64_t)h << 32 | 0xffffffff);
			} else {
				put(v, arg, h);
				put(v, arg, 0xffffffff00000000ULL | h);
			}
		}
	}
}

/* Does condition k of the table hold for value x of its argument (as
 * rules.c compares it)? */
static bool cond_holds(const sandbox_cond_t *k, uint64_t x)
{
	if (k->arg & S_ARG_SELF_PID)
		return ((int32_t)x == SELF) == (k->op == S_CMP_EQ);
	if (k->arg & S_ARG_SELF_CPUCLOCK)
		return (((uint32_t)x & ~3u) == (uint32_t)(~(uint32_t)SELF << 3)) ==
		       (k->op == S_CMP_EQ);
	uint64_t a = k->a;
	if (k->arg & SB_ARG_NARROW) {
		x &= k->b;
		a &= k->b;
	}
	switch (k->op) {
	case S_CMP_NE: return x != a;
	case S_CMP_LT: return x < a;
	case S_CMP_LE: return x <= a;
	case S_CMP_EQ: return x == a;
	case S_CMP_GE: return x >= a;
	case S_CMP_GT: return x > a;
	default: return (x & k->a) == k->b;
	}
}

/* Keep one value of `arg` per class: values on which every condition of
 * the table on it and every comparison of the program on it answer
 * alike are decided alike by both. */
static void one_per_class(struct verify *v, int abi, long nr, unsigned arg)
{
	uint64_t sig[VALUES_MAX][CMPS_MAX / 64 + 2];
	size_t out = 0;

	for (size_t i = 0; i < v->nv[arg]; i++) {
		uint64_t x = v->vals[arg][i], *g = sig[out];
		unsigned bit = 0;
		memset(g, 0, sizeof(sig[0]));
		for (size_t c = 0; c < v->ncmp; c++) {
			if ((unsigned)(v->cmp[c].word - 4) / 2 != arg)
				continue;
			if (cmp_holds(&v->cmp[c], x))
				g[bit / 64] |= 1ULL << (bit % 64);
			bit++;
		}
		bit = CMPS_MAX; /* the table's conditions after */
		for (int32_t r = first_rule(v, abi, nr); r >= 0; r = v->rs.next[r]) {
			const struct sb_rule *ru = &v->p->rules[r];
			for (unsigned c = 0; c < ru->ncond; c++) {
				const sandbox_cond_t *k = &ru->cond[c];
				if ((k->arg & ~SB_ARG_FLAGS) != arg)
					continue;
				if (bit < 64 * (CMPS_MAX / 64 + 2) && cond_holds(k, x))
					g[bit / 64] |= 1ULL << (bit % 64);
				bit++;
			}
		}
		bool seen = false;
		for (size_t j = 0; j < out && !seen; j++)
			seen = memcmp(sig[j], g, sizeof(sig[0])) == 0;
		if (!seen)
			v->vals[arg][out++] = x;
	}
	v->nv[arg] = out;
}

/* i386 socketcall and ipc: libseccomp multiplexes them by arg0. */
static bool i386_mux(const struct verify *v, int abi, long nr)
{
	return abi == S_ABI_I386 && (nr == v->socketcall || nr == v->ipc);
}

/* When not every combination was tried: each value of each argument
 * with every other argument where a rule of the chain matches (where
 * miscompiles of a rule live; review-stop25 E3). */
static bool around_rules(struct verify *v, int abi, long nr)
{
	for (int32_t r = first_rule(v, abi, nr); r >= 0; r = v->rs.next[r]) {
		const struct sb_rule *ru = &v->p->rules[r];
		uint64_t at[6] = { 0 };
		for (unsigned i = 0; i < 6; i++) {
			for (size_t k = 0; k < v->nv[i]; k++) {
				bool ok = true;
				for (unsigned c = 0; c < ru->ncond && ok; c++)
					if ((ru->cond[c].arg & ~SB_ARG_FLAGS) == i)
						ok = cond_holds(&ru->cond[c], v->vals[i][k]);
				if (ok) {
					at[i] = v->vals[i][k];
					break;
				}
			}
		}
		for (unsigned i = 0; i < 6; i++) {
			for (size_t k = 0; k < v->nv[i]; k++) {
				uint64_t args[6];
				uint32_t l = 0;
				memcpy(args, at, sizeof(args));
				args[i] = v->vals[i][k];
				if (!one_call(v, abi, nr, args, &l))
					return false;
			}
		}
	}
	return true;
}

/* Does the program decide every call of (abi, nr) as the table does? */
static bool syscall_agrees(struct verify *v, int abi, long nr)
{
	static const uint64_t zero[6];
	uint32_t loaded = 0;
	bool conditional = first_rule(v, abi, nr) >= 0;

	if (!one_call(v, abi, nr, zero, &loaded))
		return false;
	/* No rule looks at the arguments and the program read none: it
	 * decides every call of this number alike. */
	if (!conditional && !(loaded & ARG_WORDS))
		return true;
	if (!walk(v, arch_of(abi), nr_of(abi, nr)))
		return false;
	for (unsigned i = 0; i < 6; i++) {
		bool cmped = false;
		for (size_t c = 0; c < v->ncmp && !cmped; c++)
			cmped = (unsigned)(v->cmp[c].word - 4) / 2 == i;
		v->nv[i] = 0;
		put(v, i, 0);
		bool named = (conditional && rule_values(v, abi, nr, i)) ||
		             (i == 0 && i386_mux(v, abi, nr));
		if (!named && !cmped)
			continue;
		put_edges(v, i);
		put_cmp_values(v, i);
		if (abi == S_ABI_I386)
			for (size_t k = 0; k < v->nv[i]; k++)
				v->vals[i][k] = (uint32_t)v->vals[i][k];
		one_per_class(v, abi, nr, i);
	}
	if (i386_mux(v, abi, nr)) /* every sub-call (review-stop25 E1), */
		for (uint64_t k = 0; k <= 40; k++) {
			put(v, 0, k);
			put(v, 0, k | 0x10000); /* with a version (stop26 E6) */
		}
	bool all = true;
	if (!combos(v, abi, nr, &loaded, &all))
		return false;
	return all || around_rules(v, abi, nr);
}

/* Does a call of another architecture hit the tracer (which kills it)? */
static bool foreign_agrees(struct verify *v)
{
	static const uint32_t arches[] = { AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM,
	                                   0, 0xffffffff };
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
		struct seccomp_data d = { .nr = 1, .arch = arches[i] };
		const char *why = NULL;
		uint32_t ret = sb_bpf_run(v->prog, &d, &why, NULL);
		if (why || (ret != (SECCOMP_RET_TRACE | SB_TRACE_KILL) &&
		            ret != (SECCOMP_RET_TRACE | SB_TRACE_ASK)))
			return false;
	}
	return true;
}

/* ----------------------------------------------------- the prefix */

struct sent {
	size_t n;
	uint32_t word[3 * SENT_MAX + 4];   /* abi << 24 | nr */
};

static void add_sent(struct sent *s, int abi, uint32_t nr)
{
	if (s->n < sizeof(s->word) / sizeof(s->word[0]))
		s->word[s->n++] = (uint32_t)abi << 24 | nr;
}

/* The prefix's instructions for what s names, into f (NULL: count). */
static size_t emit(const struct sent *s, struct sock_filter *f)
{
	size_t n = 0;
#define I(x) do { if (f) f[n] = (struct sock_filter)x; n++; } while (0)
	I(BPF_STMT(BPF_LD | BPF_IMM, SB_VERIFY_MAGIC));
	I(BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)s->n, 0, 0));
	for (size_t i = 0; i < s->n; i++)
		I(BPF_STMT(BPF_LD | BPF_IMM, s->word[i]));
	for (size_t i = 0; i < s->n; i++) {
		unsigned abi = s->word[i] >> 24;
		uint32_t nr = s->word[i] & WHOLE_ABI;
		I(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
		if (abi == FOREIGN) {
			I(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 2, 0));
			I(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 1, 0));
			I(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | SB_TRACE_KILL));
			continue;
		}
		if (abi == S_ABI_I386 && nr == WHOLE_ABI) {
			I(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 1));
			I(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | SB_TRACE_ASK));
			continue;
		}
		I(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch_of((int)abi), 0, 3));
		I(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
		if (nr == WHOLE_ABI) /* x86_64 or x32: by the x32 bit */
			I(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, X32_BIT,
			           abi == S_ABI_X32 ? 0 : 1, abi == S_ABI_X32 ? 1 : 0));
		else
			I(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr_of((int)abi, nr), 0, 1));
		I(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | SB_TRACE_ASK));
	}
	I(BPF_STMT(BPF_LD | BPF_IMM, 0));
#undef I
	return n;
}

/* prog := the prefix for s, then prog. 0 or -ENOMEM, -E2BIG. */
static int prepend(const struct sent *s, struct sock_fprog *prog)
{
	size_t n = emit(s, NULL);
	if (n + prog->len > BPF_MAXINSNS)
		return -E2BIG;
	struct sock_filter *f = malloc((n + prog->len) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	emit(s, f);
	memcpy(f + n, prog->filter, prog->len * sizeof(*f));
	free(prog->filter);
	prog->filter = f;
	prog->len = (unsigned short)(n + prog->len);
	return 0;
}

int sb_filter_sent(const struct sock_fprog *prog, struct sb_filter_sent *out,
                   size_t max)
{
	const struct sock_filter *f = prog->filter;

	if (!f || prog->len < 2 || f[0].code != (BPF_LD | BPF_IMM) ||
	    f[0].k != SB_VERIFY_MAGIC || f[1].code != (BPF_JMP | BPF_JA) ||
	    f[1].k > (uint32_t)prog->len - 2)
		return 0;
	size_t n = f[1].k;
	for (size_t i = 0; i < n && i < max; i++) {
		uint32_t w = f[2 + i].k;
		out[i].abi = (w >> 24) == FOREIGN ? -1 : (int)(w >> 24);
		out[i].nr = (w & WHOLE_ABI) == WHOLE_ABI ? -1 : (long)(w & WHOLE_ABI);
	}
	return (int)n;
}

const char *sb_test_filter_allow;

/* The test hook (policy.h): "allow x86_64 sb_test_filter_allow" in front
 * of prog. */
static int test_corrupt(struct sock_fprog *prog)
{
	const char *name = sb_test_filter_allow;
	long nr;

	if (!name || (nr = sb_syscall_number(S_ABI_X86_64, name)) < 0)
		return 0;
	struct sock_filter pre[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	size_t n = sizeof(pre) / sizeof(pre[0]);
	struct sock_filter *f = malloc((n + prog->len) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	memcpy(f, pre, sizeof(pre));
	memcpy(f + n, prog->filter, prog->len * sizeof(*f));
	free(prog->filter);
	prog->filter = f;
	prog->len = (unsigned short)(n + prog->len);
	return 0;
}

/* A run that reads neither the number nor an argument (an architecture
 * the program hands to its bad-architecture action) decides every call
 * of the ABI alike: true when the table agrees with that one answer for
 * every number. */
static bool abi_agrees_at_once(struct verify *v, int abi, long lim)
{
	static const uint64_t zero[6];
	struct seccomp_data d = { .nr = (int)nr_of(abi, 0), .arch = arch_of(abi),
	                          .instruction_pointer = 0x401000 };
	const char *why = NULL;
	uint32_t loaded = 0;

	uint32_t ret = sb_bpf_run(v->prog, &d, &why, &loaded);
	if (why || (loaded & ~(1u << 1)))
		return false;
	for (long nr = 0; nr < lim; nr++) {
		if (first_rule(v, abi, nr) >= 0 ||
		    !table_agrees(v, abi, nr, zero, ret))
			return false;
	}
	return true;
}

/* Which syscalls of prog disagree with p's table, into s. */
static int find_disagreements(struct verify *v, struct sent *s)
{
	s->n = 0;
	if (!foreign_agrees(v))
		add_sent(s, FOREIGN, 0);
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		size_t first = s->n;
		long lim = sb_abi_nr_limit(abi) + 8;
		if (abi_agrees_at_once(v, abi, lim))
			continue;
		for (long nr = 0; nr < lim; nr++) {
			if (syscall_agrees(v, abi, nr))
				continue;
			if (s->n - first == SENT_MAX) {
				s->n = first; /* too many: the whole ABI */
				add_sent(s, abi, WHOLE_ABI);
				break;
			}
			add_sent(s, abi, (uint32_t)nr);
		}
	}
	return 0;
}

int sb_filter_verify(const sandbox_policy_t *p, const struct sb_filter_opts *o,
                     struct sock_fprog *prog)
{
	struct verify *v = calloc(1, sizeof(*v));
	struct sent s;
	int rc;

	if (!v)
		return -ENOMEM;
	v->p = p;
	v->o = o;
	v->prog = prog;
	v->socketcall = sb_syscall_number(S_ABI_I386, "socketcall");
	v->ipc = sb_syscall_number(S_ABI_I386, "ipc");
	if ((rc = test_corrupt(prog)) < 0 ||
	    (rc = sb_ruleset_build(p, &v->rs)) < 0)
		goto out;
	find_disagreements(v, &s);
	if (s.n == 0)
		goto out_rs;
	if ((rc = prepend(&s, prog)) < 0)
		goto out_rs;
	/* What is left must agree now. */
	v->prog = prog;
	struct sent again;
	find_disagreements(v, &again);
	rc = again.n ? -EINVAL : (int)s.n;
out_rs:
	sb_ruleset_free(&v->rs);
out:
	free(v);
	if (rc < 0) {
		free(prog->filter);
		prog->filter = NULL;
		prog->len = 0;
	}
	return rc;
}
