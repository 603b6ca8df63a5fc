/*
 * Compiled seccomp programs without compiling: first the filters of the
 * built-in policies, compiled when the library was built (a new process
 * running a built-in pays no libseccomp at all), then a small
 * process-wide cache of compiled seccomp programs, keyed by what
 * the kernel filter is made of: each ABI's default, every rule (ABI,
 * number, disposition, errno, conditions) in order, and the compile
 * options. Compiling with libseccomp costs ~0.3 ms, a third of starting
 * /bin/true; a judge that creates a sandbox (and a policy) per submission
 * compiles the same program every time, so the second one is a copy.
 *
 * The cache holds value copies (never pointers into a policy), so a
 * policy can change or go away at any time; a changed policy simply
 * misses. A mutex makes it safe for sandboxes in several threads; the
 * lock is held only to look up or insert, never while compiling.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 8

struct cache_entry {
	uint64_t hash;
	uint64_t last_use;
	unsigned watch;         /* WATCH_* of the options */
	int def_disp[S_ABI_COUNT], def_err[S_ABI_COUNT];
	struct sb_rule *rules;
	size_t nrules;
	struct sock_fprog prog;
};

static struct {
	pthread_mutex_t lock;
	uint64_t clock;
	struct cache_entry slot[CACHE_SLOTS];
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The options a filter was compiled with, as one key. */
enum { WATCH_MEMORY = 1, WATCH_SPACE = 2, WATCH_STREAMS = 4 };

/* The space's calls include the streams': with both, one filter. */
static unsigned watch_of(const struct sb_filter_opts *o)
{
	return (o->watch_memory ? WATCH_MEMORY : 0) |
	       (o->watch_space ? WATCH_SPACE
	                       : o->watch_streams ? WATCH_STREAMS : 0);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	/* FNV-1a over the 8 bytes of v. */
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ULL;
	return h;
}

/* Field by field: struct padding is never read. */
static uint64_t policy_hash(const sandbox_policy_t *p, unsigned watch)
{
	uint64_t h = mix(0xcbf29ce484222325ULL, watch);

	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		h = mix(mix(h, (uint64_t)p->def_disp[abi]), (uint64_t)p->def_err[abi]);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = &p->rules[i];
		h = mix(mix(mix(mix(mix(h, (uint64_t)r->abi), (uint64_t)r->nr),
		                (uint64_t)r->disp), (uint64_t)r->err), r->ncond);
		for (unsigned c = 0; c < r->ncond; c++)
			h = mix(mix(mix(mix(h, r->cond[c].arg), (uint64_t)r->cond[c].op),
			            r->cond[c].a), r->cond[c].b);
	}
	return h;
}

static bool rule_equal(const struct sb_rule *x, const struct sb_rule *y)
{
	if (x->abi != y->abi || x->nr != y->nr || x->disp != y->disp ||
	    x->err != y->err || x->ncond != y->ncond)
		return false;
	for (unsigned c = 0; c < x->ncond; c++)
		if (x->cond[c].arg != y->cond[c].arg || x->cond[c].op != y->cond[c].op ||
		    x->cond[c].a != y->cond[c].a || x->cond[c].b != y->cond[c].b)
			return false;
	return true;
}

static bool entry_matches(const struct cache_entry *e, uint64_t hash,
                          const sandbox_policy_t *p, unsigned watch)
{
	if (!e->prog.filter || e->hash != hash || e->watch != watch ||
	    e->nrules != p->nrules ||
	    memcmp(e->def_disp, p->def_disp, sizeof(e->def_disp)) != 0 ||
	    memcmp(e->def_err, p->def_err, sizeof(e->def_err)) != 0)
		return false;
	for (size_t i = 0; i < p->nrules; i++)
		if (!rule_equal(&e->rules[i], &p->rules[i]))
			return false;
	return true;
}

static int prog_copy(const struct sock_fprog *from, struct sock_fprog *to)
{
	size_t sz = from->len * sizeof(from->filter[0]);

	to->filter = malloc(sz ? sz : 1);
	if (!to->filter)
		return -ENOMEM;
	memcpy(to->filter, from->filter, sz);
	to->len = from->len;
	return 0;
}

/* Under the lock: a copy of the cached program for p into *out; 1 on a
 * hit, 0 on a miss, -ENOMEM. */
static int lookup(uint64_t hash, const sandbox_policy_t *p, unsigned watch,
                  struct sock_fprog *out)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct cache_entry *e = &cache.slot[i];
		if (!entry_matches(e, hash, p, watch))
			continue;
		e->last_use = ++cache.clock;
		return prog_copy(&e->prog, out) < 0 ? -ENOMEM : 1;
	}
	return 0;
}

/* Under the lock: remember a copy of prog for p in the least recently
 * used slot. Best effort: out of memory just leaves it uncached. */
static void insert(uint64_t hash, const sandbox_policy_t *p, unsigned watch,
                   const struct sock_fprog *prog)
{
	struct cache_entry *e = &cache.slot[0], fresh = { 0 };

	for (int i = 1; i < CACHE_SLOTS; i++)
		if (cache.slot[i].last_use < e->last_use)
			e = &cache.slot[i];
	fresh.rules = malloc((p->nrules ? p->nrules : 1) * sizeof(*p->rules));
	if (!fresh.rules || prog_copy(prog, &fresh.prog) < 0) {
		free(fresh.rules);
		return;
	}
	if (p->nrules)
		memcpy(fresh.rules, p->rules, p->nrules * sizeof(*p->rules));
	fresh.nrules = p->nrules;
	fresh.hash = hash;
	fresh.watch = watch;
	memcpy(fresh.def_disp, p->def_disp, sizeof(fresh.def_disp));
	memcpy(fresh.def_err, p->def_err, sizeof(fresh.def_err));
	fresh.last_use = ++cache.clock;
	free(e->rules);
	free(e->prog.filter);
	*e = fresh;
}

/* The libseccomp in this process is the one the built-in filters were
 * compiled with: its tables (which numbers exist, the i386 and x32 ones)
 * made them. */
static bool builtin_usable(void)
{
	const struct scmp_version *v = seccomp_version();
	return sb_filters_builtin_count > 0 && v &&
	       v->major == sb_filters_builtin_scmp[0] &&
	       v->minor == sb_filters_builtin_scmp[1] &&
	       v->micro == sb_filters_builtin_scmp[2];
}

static const struct sb_filter_builtin *find(const sandbox_policy_t *p,
                                           unsigned watch)
{
	if (!builtin_usable())
		return NULL;
	for (size_t i = 0; i < sb_filters_builtin_count; i++) {
		const struct sb_filter_builtin *b = &sb_filters_builtin[i];
		bool same = b->watch_memory == !!(watch & WATCH_MEMORY) &&
		            b->watch_space == !!(watch & WATCH_SPACE) &&
		            b->watch_streams == !!(watch & WATCH_STREAMS) &&
		            b->nrules == p->nrules &&
		            memcmp(b->def_disp, p->def_disp, sizeof(b->def_disp)) == 0 &&
		            memcmp(b->def_err, p->def_err, sizeof(b->def_err)) == 0;
		for (size_t r = 0; same && r < p->nrules; r++)
			same = rule_equal(&b->rules[r], &p->rules[r]);
		if (same)
			return b;
	}
	return NULL;
}

const struct sb_filter_builtin *sb_filter_builtin_find(const sandbox_policy_t *p,
                                                     const struct sb_filter_opts *o)
{
	return find(p, watch_of(o));
}

int sb_filter_get(const sandbox_policy_t *p, const struct sb_filter_opts *o,
                  struct sock_fprog *out)
{
	uint64_t hash;
	int rc;

	memset(out, 0, sizeof(*out));
	unsigned watch = watch_of(o);
	const struct sb_filter_builtin *b = find(p, watch);
	if (b) {
		struct sock_fprog f = { .len = b->len,
		                        .filter = (struct sock_filter *)b->prog };
		return prog_copy(&f, out);
	}
	hash = policy_hash(p, watch);
	pthread_mutex_lock(&cache.lock);
	rc = lookup(hash, p, watch, out);
	pthread_mutex_unlock(&cache.lock);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if ((rc = sb_filter_compile(p, o, out)) < 0 ||
	    (rc = sb_filter_verify(p, o, out)) < 0)
		return rc;
	pthread_mutex_lock(&cache.lock);
	insert(hash, p, watch, out);
	pthread_mutex_unlock(&cache.lock);
	return 0;
}
