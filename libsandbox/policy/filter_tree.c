/*
 * The syscall-number part of a compiled filter, rebuilt so that the
 * kernel installs it for less (issue 16).
 *
 * Installing a filter costs the child of every run (Linux 6.18 on this
 * host, docs/PERFORMANCE.md): a fixed ~8 us; ~0.13 us per instruction
 * (checking, converting to eBPF, JIT); and seccomp_cache_prepare(), which
 * runs the program for every syscall number of x86_64 and of i386 (~470
 * each) to find the calls it always allows, with interrupts off: ~4 ns per
 * instruction on each of those ~940 paths. libseccomp's program spends 5
 * instructions on the architecture and the x32 range before its binary
 * tree, and ends each branch of the tree with up to 4 equality tests: the
 * default policy's paths take ~8300 instructions, ~32 us of ~75.
 *
 * With libseccomp's program P as input:
 *  1. Walk P over intervals of (arch, nr). Until P returns or loads
 *     anything but arch and nr, its path depends only on which side of
 *     each constant it compares them with: a few hundred rectangles
 *     ("cells") cover all 2^64 pairs, each ending at a return of P or at
 *     the load of an argument where P goes on ("entry").
 *  2. Emit Q: a test of arch (one == per architecture P treats apart from
 *     the rest), then per architecture a binary search tree over the runs
 *     of numbers that end alike, weighted by how many of them the kernel's
 *     cache walk visits (fewest tests for the most numbers) and by its
 *     length; a subtree whose runs end alike but for single numbers may
 *     be a chain of == tests instead, one per exception. Its leaves are
 *     returns of P's values (the copied ones where a jump reaches them),
 *     or P's own instructions from the entry on: every instruction of P
 *     reachable from an entry, nothing else, copied in order with their
 *     jumps renumbered -- except libseccomp's always-true test of an int
 *     argument's high word ("ld; and #0; jeq #0"), which a jump or an
 *     entry skips where what follows loads A afresh (fill_skip()). Only
 *     what the kernel's action cache understands is written before the
 *     copies: loads of arch and nr, jeq/jge with a constant, ja, ret.
 *  3. Check Q against P: the copy instruction by instruction (same
 *     operation, same constant, jumps to the copies of the same targets,
 *     or of where a skip goes on),
 *     and Q walked as in 1 with P walked within each of Q's cells: every
 *     cell must end alike in both (the same return value, or the copy of
 *     the same entry). Q is used only then, and only when it costs less
 *     by the figures above.
 * From an entry on, Q runs the copies of P's instructions: the first one
 * loads an argument into A, and neither program uses X or the scratch
 * memory (only the operations below are accepted). So Q returns what P
 * returns for every call; anything unexpected leaves P as it was.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OFF_NR ((uint32_t)offsetof(struct seccomp_data, nr))
#define OFF_ARCH ((uint32_t)offsetof(struct seccomp_data, arch))

#define OP_LD (BPF_LD | BPF_W | BPF_ABS)
#define OP_RET (BPF_RET | BPF_K)
#define OP_JA (BPF_JMP | BPF_JA)
#define OP_JEQ (BPF_JMP | BPF_JEQ | BPF_K)
#define OP_JGT (BPF_JMP | BPF_JGT | BPF_K)
#define OP_JGE (BPF_JMP | BPF_JGE | BPF_K)
#define OP_JSET (BPF_JMP | BPF_JSET | BPF_K)
#define OP_AND (BPF_ALU | BPF_AND | BPF_K)

/* Syscall numbers per architecture the kernel's cache walk visits
 * (NR_syscalls of x86_64 and i386, Linux 6.17-6.18): the weights of the
 * tree. A wrong figure costs speed, never a decision. */
#define CACHE_NRS 470u
/* Cache-walk instructions one program instruction is worth (0.13 us of
 * JIT against ~4 ns per walked instruction). */
#define STEPS_PER_INSN 33u
#define MAX_CELLS 8192u
#define MAX_RUNS 512u

enum { D_ARCH, D_NR };
enum { A_ZERO, A_ARCH, A_NR };

struct cell {
	uint32_t lo[2], hi[2]; /* arch, nr */
	int entry;             /* pc of the argument load, or -1: returns ret */
	uint32_t ret;
	unsigned steps;        /* instructions on the path, the last included */
};

struct cells {
	struct cell *c;
	size_t n, cap;
};

struct wstate {
	unsigned pc, steps;
	int a;
	uint32_t lo[2], hi[2];
};

static int push_state(struct wstate **st, size_t *n, size_t *cap,
                      const struct wstate *s)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct wstate *m = realloc(*st, nc * sizeof(*m));
		if (!m)
			return -ENOMEM;
		*st = m;
		*cap = nc;
	}
	(*st)[(*n)++] = *s;
	return 0;
}

static int add_cell(struct cells *out, const struct wstate *s, int entry,
                    uint32_t ret)
{
	if (out->n >= MAX_CELLS)
		return -E2BIG;
	if (out->n == out->cap) {
		size_t nc = out->cap ? out->cap * 2 : 256;
		struct cell *m = realloc(out->c, nc * sizeof(*m));
		if (!m)
			return -ENOMEM;
		out->c = m;
		out->cap = nc;
	}
	out->c[out->n++] = (struct cell){ { s->lo[0], s->lo[1] },
	                                  { s->hi[0], s->hi[1] },
	                                  entry, ret, s->steps };
	return 0;
}

/* The part of [lo, hi] where `v op k` holds (*tlo..*thi, or none: false)
 * and where it does not (up to two pieces). */
struct split {
	int nt, nf;
	uint32_t t[2], f[2][2];
};

static void split_interval(unsigned op, uint32_t k, uint32_t lo, uint32_t hi,
                           struct split *s)
{
	s->nt = s->nf = 0;
	switch (op) {
	case OP_JEQ:
		if (k < lo || k > hi) {
			s->f[s->nf][0] = lo, s->f[s->nf++][1] = hi;
			break;
		}
		s->t[0] = s->t[1] = k;
		s->nt = 1;
		if (lo < k)
			s->f[s->nf][0] = lo, s->f[s->nf++][1] = k - 1;
		if (k < hi)
			s->f[s->nf][0] = k + 1, s->f[s->nf++][1] = hi;
		break;
	case OP_JGT: /* v > k */
		if (k < hi) {
			s->t[0] = lo > k ? lo : k + 1;
			s->t[1] = hi;
			s->nt = 1;
		}
		if (lo <= k)
			s->f[s->nf][0] = lo, s->f[s->nf++][1] = hi < k ? hi : k;
		break;
	default: /* OP_JGE: v >= k */
		if (k <= hi) {
			s->t[0] = lo > k ? lo : k;
			s->t[1] = hi;
			s->nt = 1;
		}
		if (lo < k)
			s->f[s->nf][0] = lo, s->f[s->nf++][1] = hi < k - 1 ? hi : k - 1;
		break;
	}
}

/* Walk f from pc 0 over the (arch, nr) rectangle `in`, into cells that
 * each end at a return or at an argument load (see the top). -ENOTSUP:
 * an operation the walk does not model; -EINVAL: a jump out of f. */
static int walk(const struct sock_filter *f, unsigned len, const struct cell *in,
                struct cells *out)
{
	struct wstate *st = NULL, s = { 0, 0, A_ZERO, { in->lo[0], in->lo[1] },
	                                { in->hi[0], in->hi[1] } };
	size_t n = 0, cap = 0;
	int rc = push_state(&st, &n, &cap, &s);

	while (rc == 0 && n > 0) {
		s = st[--n];
		for (;;) {
			if (s.pc >= len) {
				rc = -EINVAL;
				break;
			}
			const struct sock_filter *i = &f[s.pc];
			unsigned next = s.pc + 1;
			s.steps++;
			if (i->code == OP_RET) {
				rc = add_cell(out, &s, -1, i->k);
				break;
			}
			if (i->code == OP_LD) {
				if (i->k != OFF_NR && i->k != OFF_ARCH) {
					rc = add_cell(out, &s, (int)s.pc, 0);
					break;
				}
				s.a = i->k == OFF_NR ? A_NR : A_ARCH;
				s.pc = next;
				continue;
			}
			if (i->code == OP_JA) {
				if (i->k >= len - next) {
					rc = -EINVAL;
					break;
				}
				s.pc = next + i->k;
				continue;
			}
			if (i->code != OP_JEQ && i->code != OP_JGT &&
			    i->code != OP_JGE && i->code != OP_JSET &&
			    i->code != OP_AND) {
				rc = -ENOTSUP;
				break;
			}
			if (s.a == A_ZERO) {
				/* A is 0 before the first load: a constant */
				bool t = (i->code == OP_JEQ || i->code == OP_JGE) &&
				         i->k == 0;
				s.pc = i->code == OP_AND ? next
				     : next + (t ? i->jt : i->jf);
				continue;
			}
			if (i->code == OP_JSET || i->code == OP_AND) {
				rc = -ENOTSUP; /* not an interval */
				break;
			}
			int d = s.a == A_NR ? D_NR : D_ARCH;
			struct split sp;
			split_interval(i->code, i->k, s.lo[d], s.hi[d], &sp);
			/* every piece goes on; the last one in this loop */
			struct wstate piece = s;
			for (int k = 0; k < sp.nf && rc == 0; k++) {
				piece.lo[d] = sp.f[k][0];
				piece.hi[d] = sp.f[k][1];
				piece.pc = next + i->jf;
				rc = push_state(&st, &n, &cap, &piece);
			}
			if (rc < 0)
				break;
			if (!sp.nt) {
				n--; /* the last false piece, here */
				s = st[n];
				continue;
			}
			s.lo[d] = sp.t[0];
			s.hi[d] = sp.t[1];
			s.pc = next + i->jt;
		}
	}
	free(st);
	return rc;
}

/* ------------------------------------------------------------ emit */

/* A run of numbers ending alike in one architecture. */
struct run {
	uint32_t lo, hi;
	int entry;
	uint32_t ret;
};

/* What one architecture's numbers do: its runs, in order. */
struct arch_fn {
	uint32_t arch;        /* the value (singletons only) */
	struct run *r;
	size_t n;
};

static bool same_end(const struct run *x, const struct run *y)
{
	return x->entry == y->entry && (x->entry >= 0 || x->ret == y->ret);
}

static bool same_fn(const struct arch_fn *x, const struct arch_fn *y)
{
	if (x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (x->r[i].lo != y->r[i].lo || !same_end(&x->r[i], &y->r[i]))
			return false;
	return true;
}

static int cmp_nr(const void *a, const void *b)
{
	const struct cell *x = *(const struct cell *const *)a;
	const struct cell *y = *(const struct cell *const *)b;
	return x->lo[D_NR] < y->lo[D_NR] ? -1 : x->lo[D_NR] > y->lo[D_NR];
}

/* The runs of the architectures in [alo, ahi] (which every cell holds
 * whole or not at all): cells in nr order, tiling 0..UINT32_MAX. */
static int arch_runs(const struct cells *cs, uint32_t alo, struct arch_fn *fn)
{
	const struct cell **mine = malloc(cs->n * sizeof(*mine));
	size_t m = 0;
	int rc = 0;

	fn->r = malloc(cs->n * sizeof(*fn->r));
	fn->n = 0;
	if (!mine || !fn->r) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].lo[D_ARCH] <= alo && alo <= cs->c[i].hi[D_ARCH])
			mine[m++] = &cs->c[i];
	qsort(mine, m, sizeof(*mine), cmp_nr);
	uint64_t expect = 0;
	for (size_t i = 0; i < m; i++) {
		const struct cell *c = mine[i];
		struct run r = { c->lo[D_NR], c->hi[D_NR], c->entry, c->ret };
		if (c->lo[D_NR] != expect) {
			rc = -EINVAL; /* not a tiling */
			goto out;
		}
		expect = (uint64_t)c->hi[D_NR] + 1;
		if (fn->n && same_end(&fn->r[fn->n - 1], &r))
			fn->r[fn->n - 1].hi = r.hi;
		else
			fn->r[fn->n++] = r;
	}
	if (expect != (uint64_t)UINT32_MAX + 1)
		rc = -EINVAL;
out:
	free(mine);
	return rc;
}

/* How many numbers of r the cache walk visits. */
static uint64_t weight(const struct run *r)
{
	if (r->lo >= CACHE_NRS)
		return 0;
	return (r->hi < CACHE_NRS ? r->hi : CACHE_NRS - 1) - r->lo + 1;
}

/* The program being written back to front: ins[0] is its last
 * instruction; "index" below counts from the end. */
struct out {
	struct sock_filter *ins;
	size_t n, cap;
};

static int put(struct out *o, struct sock_filter x)
{
	if (o->n >= BPF_MAXINSNS)
		return -E2BIG;
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 512;
		struct sock_filter *m = realloc(o->ins, nc * sizeof(*m));
		if (!m)
			return -ENOMEM;
		o->ins = m;
		o->cap = nc;
	}
	o->ins[o->n++] = x;
	return (int)(o->n - 1);
}

/* A jump to index `to` from the instruction about to be written at
 * index `from`: its offset. */
static size_t dist(size_t from, size_t to)
{
	return from - to - 1;
}

/* Something that does what the instruction at index `to` does, written
 * next: a copy of it if it returns, else a ja to it. Its index. */
static int put_far(struct out *o, size_t to)
{
	if (o->ins[to].code == OP_RET)
		return put(o, o->ins[to]);
	return put(o, (struct sock_filter)BPF_JUMP(OP_JA, (uint32_t)dist(o->n, to), 0, 0));
}

/* Write "if (A op k) goto t else goto f" (indexes); a target out of an
 * 8-bit offset's reach goes through put_far() just after the test.
 * Returns the test's index. */
static int put_test(struct out *o, uint16_t op, uint32_t k, size_t t, size_t f)
{
	int rc;

	/* room for one more instruction between the test and t */
	if (dist(o->n + 1, t) > 255) {
		if ((rc = put_far(o, t)) < 0)
			return rc;
		t = (size_t)rc;
	}
	if (dist(o->n, f) > 255) {
		if ((rc = put_far(o, f)) < 0)
			return rc;
		f = (size_t)rc;
	}
	return put(o, (struct sock_filter)BPF_JUMP(op, k, (uint8_t)dist(o->n, t),
	                                           (uint8_t)dist(o->n, f)));
}

struct emit {
	struct out o;
	const struct sock_filter *p;
	unsigned plen;
	int *copy_of_p;       /* P pc -> index of its copy, or -1 */
	const unsigned *to;   /* P pc -> where P goes on (fill_skip) */
	uint32_t *rets;       /* distinct return values written */
	size_t *ret_at;       /* their indexes */
	size_t nrets;
};

static size_t exit_index(const struct emit *e, const struct run *r)
{
	if (r->entry >= 0)
		return (size_t)e->copy_of_p[e->to[r->entry]];
	for (size_t i = 0; i < e->nrets; i++)
		if (e->rets[i] == r->ret)
			return e->ret_at[i];
	return SIZE_MAX; /* not reached: every leaf's value was written */
}

/* A leaf of the tree may be a chain of == tests instead of a subtree:
 * runs r[i..j) of which all but those of one end D are single numbers
 * ("D except at these numbers") take one jeq per exception instead of
 * two jge around each. *d gets the index of a run of D; the chain's
 * cost in the same units as plan_tree()'s (instructions times
 * STEPS_PER_INSN, plus the cache walk: D's numbers pass every test, the
 * k-th exception tried stops after k). UINT64_MAX: not a chain. */
#define NOT_A_CHAIN UINT64_MAX
static uint64_t chain_cost(const struct run *r, size_t i, size_t j, size_t *d)
{
	size_t wide = SIZE_MAX, best = i;
	uint64_t best_w = 0;

	for (size_t k = i; k < j; k++) {
		if (r[k].lo == r[k].hi)
			continue;
		if (wide != SIZE_MAX && !same_end(&r[wide], &r[k]))
			return NOT_A_CHAIN; /* two ranges that end apart */
		wide = k;
	}
	if (wide != SIZE_MAX) {
		best = wide;
	} else {
		/* only single numbers: D is the end that weighs most */
		for (size_t k = i; k < j; k++) {
			uint64_t w = 0;
			for (size_t m = i; m < j; m++)
				if (same_end(&r[m], &r[k]))
					w += weight(&r[m]) + 1;
			if (w > best_w) {
				best_w = w;
				best = k;
			}
		}
	}
	uint64_t wd = 0, m = 0, m1 = 0;
	for (size_t k = i; k < j; k++) {
		if (same_end(&r[k], &r[best])) {
			wd += weight(&r[k]);
		} else {
			m++;
			m1 += weight(&r[k]) > 0;
		}
	}
	*d = best;
	return m * STEPS_PER_INSN + wd * m + m1 * (m1 + 1) / 2;
}

/* Runs beyond which the tree is planned without chains (Knuth's O(n^2)
 * programme; with chains it is O(n^3)). */
#define CHAIN_RUNS 192u
/* plan_tree()'s mark of a chain in root[]. */
#define CHAIN UINT16_MAX

/* The plan of the tree of runs r[0..n): root[i*(n+1)+j] is where r[i..j)
 * splits, or CHAIN (then chain_d[i*(n+1)+j] is D's run). The cost of a
 * test is what the cache walk pays for it (every number of its subtree
 * passes it) and, where chains compete, its instruction. Without chains
 * (n > CHAIN_RUNS) Knuth's O(n^2) programme for an alphabetic tree with
 * weighted leaves. */
static int plan_tree(const struct run *r, size_t n, uint16_t **rootp,
                     uint16_t **chainp)
{
	size_t w = n + 1;
	bool chains = n <= CHAIN_RUNS;
	uint64_t *cost = malloc(w * w * sizeof(*cost));
	uint64_t *pre = malloc(w * sizeof(*pre));
	uint16_t *root = malloc(w * w * sizeof(*root));
	uint16_t *cd = chains ? malloc(w * w * sizeof(*cd)) : NULL;

	if (!cost || !pre || !root || (chains && !cd)) {
		free(cost);
		free(pre);
		free(root);
		free(cd);
		return -ENOMEM;
	}
	pre[0] = 0;
	for (size_t i = 0; i < n; i++)
		pre[i + 1] = pre[i] + weight(&r[i]);
	for (size_t i = 0; i < n; i++) {
		cost[i * w + i + 1] = 0;
		root[i * w + i + 1] = (uint16_t)i;
	}
	for (size_t len = 2; len <= n; len++) {
		for (size_t i = 0; i + len <= n; i++) {
			size_t j = i + len;
			size_t from = chains ? i + 1
			            : len == 2 ? i + 1 : root[i * w + j - 1];
			size_t to = chains ? j - 1
			          : len == 2 ? i + 1 : root[(i + 1) * w + j];
			uint64_t best = UINT64_MAX;
			size_t bk = from;
			for (size_t k = from; k <= to; k++) {
				uint64_t c = cost[i * w + k] + cost[k * w + j];
				if (c < best) {
					best = c;
					bk = k;
				}
			}
			cost[i * w + j] = best + pre[j] - pre[i] +
			                  (chains ? STEPS_PER_INSN : 0);
			root[i * w + j] = (uint16_t)bk;
			size_t d;
			uint64_t cc = chains ? chain_cost(r, i, j, &d) : NOT_A_CHAIN;
			if (cc < cost[i * w + j]) {
				cost[i * w + j] = cc;
				root[i * w + j] = CHAIN;
				cd[i * w + j] = (uint16_t)d;
			}
		}
	}
	free(cost);
	free(pre);
	*rootp = root;
	*chainp = cd;
	return 0;
}

/* Write the chain of runs r[i..j) whose runs of r[d]'s end fall through
 * (see chain_cost()): its first test's index. Exceptions that the cache
 * walk visits are tested first. */
static int put_chain(struct emit *e, const struct run *r, size_t i, size_t j,
                     size_t d)
{
	size_t next = exit_index(e, &r[d]);
	int rc = (int)next;

	/* back to front: the last test first -- unvisited exceptions, then
	 * the visited ones, each group from its highest number down */
	for (int visited = 0; visited <= 1; visited++) {
		for (size_t k = j; k-- > i;) {
			if (same_end(&r[k], &r[d]) ||
			    (weight(&r[k]) > 0) != (visited == 1))
				continue;
			rc = put_test(&e->o, OP_JEQ, r[k].lo, exit_index(e, &r[k]),
			              next);
			if (rc < 0)
				return rc;
			next = (size_t)rc;
		}
	}
	return rc;
}

/* Write the tree of runs r[i..j) (its first test last, back to front);
 * its index, or the exit's for a single run. */
static int put_tree(struct emit *e, const struct run *r, size_t n,
                    const uint16_t *root, const uint16_t *cd, size_t i,
                    size_t j)
{
	if (j == i + 1)
		return (int)exit_index(e, &r[i]);
	size_t k = root[i * (n + 1) + j];
	if (k == CHAIN)
		return put_chain(e, r, i, j, cd[i * (n + 1) + j]);
	int hi = put_tree(e, r, n, root, cd, k, j);
	if (hi < 0)
		return hi;
	int lo = put_tree(e, r, n, root, cd, i, k);
	if (lo < 0)
		return lo;
	return put_test(&e->o, OP_JGE, r[k].lo, (size_t)hi, (size_t)lo);
}

/* One architecture's numbers: "ld nr" and the tree; or the exit. */
static int put_arch(struct emit *e, const struct arch_fn *fn)
{
	uint16_t *root, *cd;
	int rc;

	if (fn->n == 1)
		return (int)exit_index(e, &fn->r[0]);
	if (fn->n > MAX_RUNS)
		return -E2BIG;
	if ((rc = plan_tree(fn->r, fn->n, &root, &cd)) < 0)
		return rc;
	rc = put_tree(e, fn->r, fn->n, root, cd, 0, fn->n);
	free(root);
	free(cd);
	if (rc < 0)
		return rc;
	if (dist(e->o.n, (size_t)rc) != 0 && (rc = put_far(&e->o, (size_t)rc)) < 0)
		return rc;
	return put(&e->o, (struct sock_filter)BPF_STMT(OP_LD, OFF_NR));
}

/* Only what the walk and the copy model, anywhere in P: loads of
 * seccomp_data words, returns of constants, jumps on constants, "and" of
 * a constant, all jumps inside P. */
static bool modelled(const struct sock_filter *p, unsigned len)
{
	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &p[pc];
		unsigned left = len - pc - 1;
		switch (i->code) {
		case OP_LD:
			if (i->k % 4 || i->k >= sizeof(struct seccomp_data))
				return false;
			/* fall through */
		case OP_AND:
			if (!left)
				return false;
			break;
		case OP_RET:
			break;
		case OP_JA:
			if (i->k >= left)
				return false;
			break;
		case OP_JEQ: case OP_JGT: case OP_JGE: case OP_JSET:
			if (i->jt >= left || i->jf >= left)
				return false;
			break;
		default:
			return false;
		}
	}
	return len > 0 && p[len - 1].code == OP_RET;
}

/* Where P's run from pc goes on, into to[pc]: pc itself, or past
 *     pc:    ld <argument word>
 *     pc+1:  and #0
 *     pc+2:  jeq #0, jt, jf
 * -- libseccomp's test of the high word of an int argument, which the
 * mask makes always true -- to where its jt leads (and beyond, if that
 * is one too), when that instruction loads A afresh: the 0 left in A is
 * never read, so P from pc and P from to[pc] return the same for every
 * call. Only where nothing falls into pc (the instruction before it is
 * a jump or a return): then every way into pc is a jump or an entry,
 * and each of them can go to to[pc] instead. P is modelled(). */
static void fill_skip(const struct sock_filter *p, unsigned len, unsigned *to)
{
	for (unsigned pc = len; pc-- > 0;) {
		const struct sock_filter *i = &p[pc];
		to[pc] = pc;
		if (pc == 0 || pc + 3 >= len ||
		    (BPF_CLASS(p[pc - 1].code) != BPF_JMP && p[pc - 1].code != OP_RET) ||
		    i[0].code != OP_LD ||
		    i[0].k < (uint32_t)offsetof(struct seccomp_data, args) ||
		    i[1].code != OP_AND || i[1].k != 0 ||
		    i[2].code != OP_JEQ || i[2].k != 0)
			continue;
		unsigned t = pc + 3 + i[2].jt;
		if (t < len && p[t].code == OP_LD)
			to[pc] = to[t];
	}
}

/* Mark what P runs from its entries on (jumps only go forward; a jump
 * goes where to[] says). */
static void mark_reachable(const struct sock_filter *p, unsigned len,
                           const unsigned *to, bool *live)
{
	for (unsigned pc = 0; pc < len; pc++) {
		if (!live[pc])
			continue;
		const struct sock_filter *i = &p[pc];
		if (i->code == OP_RET)
			continue;
		if (i->code == OP_JA) {
			live[to[pc + 1 + i->k]] = true;
		} else if (BPF_CLASS(i->code) == BPF_JMP) {
			live[to[pc + 1 + i->jt]] = true;
			live[to[pc + 1 + i->jf]] = true;
		} else {
			live[pc + 1] = true;
		}
	}
}

/* P's instructions reachable from its entries, copied back to front. */
static int put_copy(struct emit *e, const bool *live)
{
	for (unsigned pc = e->plen; pc-- > 0;) {
		if (!live[pc])
			continue;
		struct sock_filter x = e->p[pc];
		if (x.code == OP_JA) {
			x.k = (uint32_t)dist(e->o.n, (size_t)e->copy_of_p[e->to[pc + 1 + x.k]]);
		} else if (BPF_CLASS(x.code) == BPF_JMP) {
			/* a skip (fill_skip) may take a jump further than in P */
			size_t t = dist(e->o.n, (size_t)e->copy_of_p[e->to[pc + 1 + x.jt]]);
			size_t f = dist(e->o.n, (size_t)e->copy_of_p[e->to[pc + 1 + x.jf]]);
			if (t > 255 || f > 255)
				return -E2BIG; /* P is kept */
			x.jt = (uint8_t)t;
			x.jf = (uint8_t)f;
		}
		int rc = put(&e->o, x);
		if (rc < 0)
			return rc;
		e->copy_of_p[pc] = rc;
	}
	return 0;
}

/* ------------------------------------------------------------ check */

/* Is every copied instruction of Q the same as P's, with jumps to the
 * copies of the same targets (or of where to[] says they go on)? q_of_p:
 * P pc -> Q pc or -1. */
static bool copy_faithful(const struct sock_filter *p, unsigned plen,
                          const struct sock_filter *q, unsigned qlen,
                          const unsigned *to, const int *q_of_p)
{
	for (unsigned pc = 0; pc < plen; pc++) {
		if (q_of_p[pc] < 0)
			continue;
		unsigned qc = (unsigned)q_of_p[pc];
		const struct sock_filter *a = &p[pc], *b = &q[qc];
		if (qc >= qlen || a->code != b->code)
			return false;
		if (a->code == OP_JA) {
			if (b->k >= qlen - qc - 1 ||
			    q_of_p[to[pc + 1 + a->k]] != (int)(qc + 1 + b->k))
				return false;
		} else if (BPF_CLASS(a->code) == BPF_JMP) {
			if (a->k != b->k || qc + 1 + b->jt >= qlen ||
			    qc + 1 + b->jf >= qlen ||
			    q_of_p[to[pc + 1 + a->jt]] != (int)(qc + 1 + b->jt) ||
			    q_of_p[to[pc + 1 + a->jf]] != (int)(qc + 1 + b->jf))
				return false;
		} else if (a->k != b->k || a->jt != b->jt || a->jf != b->jf ||
		           (a->code != OP_RET &&
		            (qc + 1 >= qlen || q_of_p[pc + 1] != (int)(qc + 1)))) {
			return false;
		}
	}
	return true;
}

/* Does every call end alike in P and Q (see the top)? Also the cost of
 * each (cache-walk instructions of x86_64 and i386, and length). */
static int equivalent(const struct sock_filter *p, unsigned plen,
                      const struct sock_filter *q, unsigned qlen,
                      const unsigned *to, const int *q_of_p, uint64_t *pcost,
                      uint64_t *qcost)
{
	const struct cell all = { { 0, 0 }, { UINT32_MAX, UINT32_MAX }, -1, 0, 0 };
	struct cells qc = { 0 }, pc = { 0 };
	int *p_of_q = NULL;
	int rc;

	*pcost = (uint64_t)plen * STEPS_PER_INSN;
	*qcost = (uint64_t)qlen * STEPS_PER_INSN;
	if (!copy_faithful(p, plen, q, qlen, to, q_of_p))
		return -EINVAL;
	if (!(p_of_q = malloc(qlen * sizeof(*p_of_q))))
		return -ENOMEM;
	for (unsigned i = 0; i < qlen; i++)
		p_of_q[i] = -1;
	for (unsigned i = 0; i < plen; i++)
		if (q_of_p[i] >= 0)
			p_of_q[q_of_p[i]] = (int)i;
	if ((rc = walk(q, qlen, &all, &qc)) < 0)
		goto out;
	for (size_t i = 0; i < qc.n && rc == 0; i++) {
		const struct cell *c = &qc.c[i];
		pc.n = 0;
		if ((rc = walk(p, plen, c, &pc)) < 0)
			break;
		for (size_t k = 0; k < pc.n; k++) {
			const struct cell *d = &pc.c[k];
			bool same = c->entry < 0
			          ? d->entry < 0 && d->ret == c->ret
			          : d->entry >= 0 &&
			            p_of_q[c->entry] == (int)to[d->entry];
			if (!same) {
				rc = -EINVAL;
				break;
			}
			if (d->lo[D_ARCH] > AUDIT_ARCH_X86_64 || d->hi[D_ARCH] < AUDIT_ARCH_I386 ||
			    d->lo[D_NR] >= CACHE_NRS)
				continue;
			uint64_t nrs = (d->hi[D_NR] < CACHE_NRS ? d->hi[D_NR] : CACHE_NRS - 1) -
			               d->lo[D_NR] + 1;
			unsigned archs = (d->lo[D_ARCH] <= AUDIT_ARCH_X86_64 && AUDIT_ARCH_X86_64 <= d->hi[D_ARCH]) +
			                 (d->lo[D_ARCH] <= AUDIT_ARCH_I386 && AUDIT_ARCH_I386 <= d->hi[D_ARCH]);
			*qcost += nrs * archs * c->steps;
			*pcost += nrs * archs * d->steps;
		}
	}
out:
	free(qc.c);
	free(pc.c);
	free(p_of_q);
	return rc;
}

/* ------------------------------------------------------------ the rebuild */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The architectures P treats apart (singletons, X86_64 first, then
 * I386, then the others by value) and what the rest does (*rest). */
static int arch_fns(const struct cells *cs, struct arch_fn *fns, size_t *nfns,
                    struct arch_fn *rest)
{
	uint32_t *b = malloc((2 * cs->n + 1) * sizeof(*b));
	size_t nb = 0, kept = 0;
	bool have_rest = false;
	int rc = 0;

	if (!b)
		return -ENOMEM;
	b[nb++] = 0;
	for (size_t i = 0; i < cs->n; i++) {
		b[nb++] = cs->c[i].lo[D_ARCH];
		if (cs->c[i].hi[D_ARCH] < UINT32_MAX)
			b[nb++] = cs->c[i].hi[D_ARCH] + 1;
	}
	qsort(b, nb, sizeof(*b), cmp_u32);
	size_t u = 0;
	for (size_t i = 0; i < nb; i++)
		if (!u || b[u - 1] != b[i])
			b[u++] = b[i];
	for (size_t i = 0; i < u && rc == 0; i++) {
		uint32_t lo = b[i], hi = i + 1 < u ? b[i + 1] - 1 : UINT32_MAX;
		struct arch_fn fn = { lo, NULL, 0 };
		if ((rc = arch_runs(cs, lo, &fn)) < 0) {
			free(fn.r);
			break;
		}
		if (lo != hi) {
			if (!have_rest) {
				*rest = fn;
				have_rest = true;
				continue;
			}
			if (!same_fn(rest, &fn))
				rc = -ENOTSUP; /* two wide ranges apart */
			free(fn.r);
			continue;
		}
		if (kept == 8) {
			rc = -ENOTSUP;
			free(fn.r);
			break;
		}
		fns[kept++] = fn;
	}
	free(b);
	if (rc == 0 && !have_rest)
		rc = -ENOTSUP;
	/* singletons that do what the rest does need no test */
	size_t out = 0;
	for (size_t i = 0; i < kept; i++) {
		if (rc == 0 && !same_fn(rest, &fns[i]))
			fns[out++] = fns[i];
		else
			free(fns[i].r);
	}
	*nfns = out;
	/* the chain's order: x86_64, i386, the others */
	for (size_t i = 0; i < out; i++)
		for (size_t j = i + 1; j < out; j++) {
			uint32_t x = fns[i].arch, y = fns[j].arch;
			int rx = x == AUDIT_ARCH_X86_64 ? 0 : x == AUDIT_ARCH_I386 ? 1 : 2;
			int ry = y == AUDIT_ARCH_X86_64 ? 0 : y == AUDIT_ARCH_I386 ? 1 : 2;
			if (ry < rx || (ry == rx && y < x)) {
				struct arch_fn t = fns[i];
				fns[i] = fns[j];
				fns[j] = t;
			}
		}
	return rc;
}

static int add_ret(struct emit *e, uint32_t k)
{
	for (size_t i = 0; i < e->nrets; i++)
		if (e->rets[i] == k)
			return 0;
	int rc = put(&e->o, (struct sock_filter)BPF_STMT(OP_RET, k));
	if (rc < 0)
		return rc;
	e->rets[e->nrets] = k;
	e->ret_at[e->nrets++] = (size_t)rc;
	return 0;
}

/* Q from P's cells, back to front in e->o. */
static int emit_all(struct emit *e, const struct cells *cs,
                    struct arch_fn *fns, size_t nfns, struct arch_fn *rest)
{
	bool *live = calloc(e->plen, sizeof(*live));
	size_t nruns = rest->n, order[8];
	int at[8], next, rc = -ENOMEM;

	for (size_t i = 0; i < nfns; i++)
		nruns += fns[i].n;
	/* room for the copied returns too */
	e->rets = malloc((nruns + e->plen) * sizeof(*e->rets));
	e->ret_at = malloc((nruns + e->plen) * sizeof(*e->ret_at));
	if (!live || !e->rets || !e->ret_at)
		goto out;
	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].entry >= 0)
			live[e->to[cs->c[i].entry]] = true;
	mark_reachable(e->p, e->plen, e->to, live);
	if ((rc = put_copy(e, live)) < 0)
		goto out;
	/* The tree's leaves return through the copied returns of the same
	 * value where they can (a leaf out of an 8-bit jump's reach gets a
	 * copy of its own, put_far()). */
	for (size_t i = 0; i < e->o.n; i++) {
		bool seen = false;
		if (e->o.ins[i].code != OP_RET)
			continue;
		for (size_t k = 0; k < e->nrets && !seen; k++)
			seen = e->rets[k] == e->o.ins[i].k;
		if (!seen) {
			e->rets[e->nrets] = e->o.ins[i].k;
			e->ret_at[e->nrets++] = i;
		}
	}
	for (size_t f = 0; f <= nfns; f++) {
		const struct arch_fn *fn = f < nfns ? &fns[f] : rest;
		for (size_t i = 0; i < fn->n && rc == 0; i++)
			if (fn->r[i].entry < 0)
				rc = add_ret(e, fn->r[i].ret);
	}
	if (rc < 0)
		goto out;
	/* The trees, biggest first: the smaller ones end up nearer the tests
	 * of arch, within an 8-bit jump. */
	if ((next = put_arch(e, rest)) < 0) {
		rc = next;
		goto out;
	}
	for (size_t i = 0; i < nfns; i++)
		order[i] = i;
	for (size_t i = 0; i < nfns; i++)
		for (size_t j = i + 1; j < nfns; j++)
			if (fns[order[j]].n > fns[order[i]].n) {
				size_t t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
	for (size_t i = 0; i < nfns; i++)
		if ((at[order[i]] = put_arch(e, &fns[order[i]])) < 0) {
			rc = at[order[i]];
			goto out;
		}
	for (size_t i = nfns; i-- > 0;)
		if ((next = put_test(&e->o, OP_JEQ, fns[i].arch, (size_t)at[i],
		                     (size_t)next)) < 0) {
			rc = next;
			goto out;
		}
	if (nfns) {
		rc = put(&e->o, (struct sock_filter)BPF_STMT(OP_LD, OFF_ARCH));
	} else if (dist(e->o.n, (size_t)next) != 0) {
		rc = put_far(&e->o, (size_t)next);
	}
	rc = rc < 0 ? rc : 0;
out:
	free(live);
	return rc;
}

int sb_filter_tree(struct sock_fprog *prog, bool any_cost)
{
	const struct cell all = { { 0, 0 }, { UINT32_MAX, UINT32_MAX }, -1, 0, 0 };
	struct cells cs = { 0 };
	struct arch_fn fns[8], rest = { 0, NULL, 0 };
	size_t nfns = 0;
	struct emit e = { .p = prog->filter, .plen = prog->len };
	int *q_of_p = NULL;
	unsigned *to = NULL;
	uint64_t pcost, qcost;
	int rc;

	if (!modelled(prog->filter, prog->len))
		return 0;
	if ((rc = walk(prog->filter, prog->len, &all, &cs)) < 0 ||
	    (rc = arch_fns(&cs, fns, &nfns, &rest)) < 0)
		goto out;
	rc = -ENOMEM;
	if (!(e.copy_of_p = malloc(e.plen * sizeof(int))) ||
	    !(q_of_p = malloc(e.plen * sizeof(int))) ||
	    !(to = malloc(e.plen * sizeof(*to))))
		goto out;
	fill_skip(prog->filter, prog->len, to);
	e.to = to;
	for (unsigned i = 0; i < e.plen; i++)
		e.copy_of_p[i] = -1;
	if ((rc = emit_all(&e, &cs, fns, nfns, &rest)) < 0)
		goto out;
	/* front to back */
	size_t n = e.o.n;
	for (size_t i = 0; i < n / 2; i++) {
		struct sock_filter t = e.o.ins[i];
		e.o.ins[i] = e.o.ins[n - 1 - i];
		e.o.ins[n - 1 - i] = t;
	}
	for (unsigned i = 0; i < e.plen; i++)
		q_of_p[i] = e.copy_of_p[i] < 0 ? -1 : (int)(n - 1 - (size_t)e.copy_of_p[i]);
	rc = equivalent(prog->filter, prog->len, e.o.ins, (unsigned)n, to, q_of_p,
	                &pcost, &qcost);
	if (rc == 0 && (qcost < pcost || any_cost)) {
		free(prog->filter);
		prog->filter = e.o.ins;
		prog->len = (unsigned short)n;
		e.o.ins = NULL;
		rc = 1;
	}
out:
	free(cs.c);
	for (size_t i = 0; i < nfns; i++)
		free(fns[i].r);
	free(rest.r);
	free(e.copy_of_p);
	free(e.rets);
	free(e.ret_at);
	free(e.o.ins);
	free(q_of_p);
	free(to);
	/* anything else, out of memory included, leaves P as it was */
	return rc == 1;
}
