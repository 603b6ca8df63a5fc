/*
 * The kernel-free tier of policy/filter_tree.c: the filter it rebuilds
 * (a search tree over syscall numbers in front of libseccomp's argument
 * code) returns what libseccomp's program returns, for every built-in
 * policy and random ones, on every architecture (x86_64, i386, x32
 * numbers, a foreign one), every number around every constant either
 * program compares with, the ends of the 32-bit range, and argument
 * values where the rules' answers change. Both programs run in the BPF
 * interpreter (libsandbox/util/bpfsim.c). tests/check_bpf.c compares the rebuilt
 * filters with the policies' tables.
 *
 * SB_BPF_SEED=N repeats a run.
 */
#include "config.h"

#include <check.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "util/bpfsim.h"
#include "ckrun.h"
#include "seedrng.h"

#define X32_BIT 0x40000000u

struct diff {
	unsigned long inputs, differ;
	char first[200];
};

static const uint32_t arches[] = {
	AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, 0,
	UINT32_MAX, AUDIT_ARCH_X86_64 + 1, AUDIT_ARCH_X86_64 - 1,
	AUDIT_ARCH_I386 + 1, AUDIT_ARCH_I386 - 1,
};

/* One call in both programs. */
static void compare_one(const struct sock_fprog *p, const struct sock_fprog *q,
                        uint32_t arch, uint32_t nr, const uint64_t args[6],
                        struct diff *d)
{
	struct seccomp_data sd = { .nr = (int)nr, .arch = arch,
	                           .instruction_pointer = 0x401000 };
	const char *why_p = NULL, *why_q = NULL;

	memcpy(sd.args, args, sizeof(sd.args));
	uint32_t rp = sb_bpf_run(p, &sd, &why_p, NULL);
	uint32_t rq = sb_bpf_run(q, &sd, &why_q, NULL);
	d->inputs++;
	ck_assert_msg(!why_p, "libseccomp's program: %s", why_p);
	ck_assert_msg(!why_q, "rebuilt program: %s", why_q);
	if (rp == rq)
		return;
	if (d->differ++ == 0)
		snprintf(d->first, sizeof(d->first), "arch %#x nr %#x args %#llx "
		         "%#llx %#llx: %#x, rebuilt %#x", arch, nr,
		         (unsigned long long)args[0], (unsigned long long)args[1],
		         (unsigned long long)args[2], rp, rq);
}

/* Argument values worth trying: the edges, and every constant of p's
 * argument loads' comparisons (each 32-bit half) and its neighbours in
 * both halves. */
static size_t arg_values(const struct sock_fprog *p, uint64_t *v, size_t max)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0xffffffff00000000ULL, UINT64_MAX,
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		v[n++] = edges[i];
	for (unsigned i = 0; i < p->len && n + 6 <= max; i++) {
		const struct sock_filter *x = &p->filter[i];
		if (BPF_CLASS(x->code) != BPF_JMP || BPF_OP(x->code) == BPF_JA)
			continue;
		for (int d = -1; d <= 1; d++) {
			uint32_t k = x->k + (uint32_t)d;
			v[n++] = k;
			v[n++] = (uint64_t)k << 32;
		}
	}
	return n;
}

/* Every number near a constant of either program, in every architecture
 * of arches[], with arguments from arg_values (all six arguments the
 * same value, then random mixes). */
static void compare(const struct sock_fprog *p, const struct sock_fprog *q,
                    struct diff *d)
{
	static uint64_t vals[4096];
	size_t nv = arg_values(p, vals, sizeof(vals) / sizeof(vals[0]));
	uint32_t *nrs = malloc((3 * (p->len + q->len) + 4000) * sizeof(*nrs));
	size_t nn = 0;

	ck_assert_ptr_nonnull(nrs);
	for (uint32_t nr = 0; nr < 1100; nr++) {
		nrs[nn++] = nr;
		nrs[nn++] = nr | X32_BIT;
	}
	static const uint32_t far[] = {
		0x3fffffff, 0x7fffffff, 0x80000000, 0xbfffffff, 0xc0000000,
		0xfffffffe, 0xffffffff, 0x40000000 + 1100, 0x12345678,
	};
	for (size_t i = 0; i < sizeof(far) / sizeof(far[0]); i++)
		nrs[nn++] = far[i];
	for (int w = 0; w < 2; w++) {
		const struct sock_fprog *f = w ? q : p;
		for (unsigned i = 0; i < f->len; i++) {
			const struct sock_filter *x = &f->filter[i];
			if (BPF_CLASS(x->code) != BPF_JMP || BPF_OP(x->code) == BPF_JA)
				continue;
			nrs[nn++] = x->k - 1;
			nrs[nn++] = x->k;
			nrs[nn++] = x->k + 1;
		}
	}
	for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
		for (size_t i = 0; i < nn; i++) {
			uint64_t args[6];
			size_t tries = a < 2 ? 24 : 2;
			for (size_t k = 0; k < tries; k++) {
				for (int j = 0; j < 6; j++)
					args[j] = k < 2 ? vals[k] : vals[below((unsigned)nv)];
				compare_one(p, q, arches[a], nrs[i], args, d);
			}
		}
	}
	free(nrs);
}

/* What the kernel's action cache makes of (arch, nr) for f: true when
 * f allows it whatever the arguments, as seccomp_is_const_allow()
 * (kernel/seccomp.c, Linux 6.18) finds it: it follows loads of nr and
 * arch, jeq/jge/jgt/jset with a constant, "and" of a constant, ja, and
 * gives up at anything else. */
static bool cached(const struct sock_fprog *f, uint32_t arch, uint32_t nr)
{
	uint32_t a = 0;

	for (unsigned pc = 0; pc < f->len; pc++) {
		const struct sock_filter *x = &f->filter[pc];
		switch (x->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (x->k == offsetof(struct seccomp_data, nr))
				a = nr;
			else if (x->k == offsetof(struct seccomp_data, arch))
				a = arch;
			else
				return false;
			break;
		case BPF_RET | BPF_K:
			return x->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += x->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == x->k ? x->jt : x->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= x->k ? x->jt : x->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > x->k ? x->jt : x->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & x->k) ? x->jt : x->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= x->k;
			break;
		default:
			return false;
		}
	}
	return false;
}

/* The calls the kernel's action cache allows without running the
 * filter are the same for p and q (x86_64 and i386, every number it
 * walks); how many, into *n. */
static void same_cached(const struct sock_fprog *p, const struct sock_fprog *q,
                        const char *name, unsigned *n)
{
	static const uint32_t both[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };
	*n = 0;
	for (size_t a = 0; a < 2; a++)
		for (uint32_t nr = 0; nr < 600; nr++) {
			bool cp = cached(p, both[a], nr);
			ck_assert_msg(cp == cached(q, both[a], nr), "%s: arch %#x nr "
			              "%u: cached %d in libseccomp's program, %d rebuilt",
			              name, both[a], nr, cp, !cp);
			*n += cp;
		}
}

/* p compiled both ways: libseccomp's program and the rebuilt one. */
static void compile_both(const sandbox_policy_t *pol, struct sb_filter_opts o,
                         struct sock_fprog *plain, struct sock_fprog *tree)
{
	o.plain = true;
	ck_assert_int_eq(sb_filter_compile(pol, &o, plain), 0);
	o.plain = false;
	ck_assert_int_eq(sb_filter_compile(pol, &o, tree), 0);
}

/* Each built-in with every set of compile options a run may use: the
 * rebuilt filter is the one compiled (and shorter to walk), and returns
 * what libseccomp's returns. */
START_TEST(builtins_same_as_libseccomp)
{
	for (const char *const *n = sandbox_policy_list(); *n; n++) {
		for (int watch = 0; watch < 8; watch++) {
			if ((watch & 6) == 6)
				continue;
			sandbox_policy_t *pol = sandbox_policy_builtin(*n);
			struct sb_effective eff;
			struct sock_fprog plain, tree;
			struct diff d = { 0 };
			struct sb_filter_opts o = { .watch_memory = watch & 1,
			                            .watch_space = watch & 2,
			                            .watch_streams = watch & 4 };
			ck_assert_ptr_nonnull(pol);
			ck_assert_int_eq(sb_policy_effective(pol, NULL, &eff), 0);
			compile_both(&eff.view, o, &plain, &tree);
			/* every built-in is rebuilt */
			ck_assert_msg(plain.len != tree.len ||
			              memcmp(plain.filter, tree.filter,
			                     plain.len * sizeof(plain.filter[0])),
			              "%s: not rebuilt", *n);
			compare(&plain, &tree, &d);
			unsigned ncached;
			same_cached(&plain, &tree, *n, &ncached);
			if (watch == 0)
				printf("NOTE: %-13s %u -> %u instructions, %lu inputs, "
				       "%lu differ, %u calls cached in both\n", *n,
				       plain.len, tree.len, d.inputs, d.differ, ncached);
			ck_assert_msg(d.differ == 0, "%s (watch %d): %lu of %lu "
			              "differ; first: %s", *n, watch, d.differ,
			              d.inputs, d.first);
			free(plain.filter);
			free(tree.filter);
			sb_policy_effective_free(&eff);
			sandbox_policy_unref(pol);
		}
	}
}
END_TEST

/* A random table: defaults per ABI, rules on a pool of syscalls in every
 * ABI (x86_64 mostly, i386 and x32 too), with and without argument
 * conditions, every disposition. */
static sandbox_policy_t *random_policy(unsigned spread)
{
	static const int disps[] = { S_DISP_ALLOW, S_DISP_ERRNO, S_DISP_KILL,
	                             S_DISP_TRACE, S_DISP_TRACE | S_DISP_FLAG_EXIT };
	sandbox_policy_t *p = sandbox_policy_new();

	ck_assert_ptr_nonnull(p);
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		if (below(3) == 0)
			ck_assert_int_eq(sandbox_policy_set_default(p, abi,
			                 disps[below(4)], 1 + (int)below(100)), 0);
	unsigned nrules = 1 + below(spread);
	for (unsigned i = 0; i < nrules; i++) {
		int abi = below(3) == 0 ? (int)below(S_ABI_COUNT) : S_ABI_X86_64;
		long nr = (long)below(abi == S_ABI_X32 ? 548 : 460);
		sandbox_cond_t c[6];
		unsigned nc = below(4) ? 0 : 1 + below(2);
		char name[64];
		if (!sb_syscall_known(abi, nr) ||
		    !sb_syscall_name(abi, nr, name, sizeof(name)))
			continue;
		for (unsigned k = 0; k < nc; k++) {
			c[k].arg = k;
			c[k].op = below(2) ? S_CMP_EQ : S_CMP_NE + (int)below(7);
			c[k].a = below(2) ? below(16) : (uint32_t)rnd();
			c[k].b = c[k].op == S_CMP_MASKED_EQ ? c[k].a & rnd() : 0;
		}
		(void)sandbox_policy_add_rule(p, abi, nr, disps[below(5)],
		                              1 + (int)below(200), c, nc);
	}
	return p;
}

/* Random tables, small and large (a large one makes trees beyond an
 * 8-bit jump, and trees in two or three ABIs). */
START_TEST(random_policies_same_as_libseccomp)
{
	unsigned rebuilt = 0;

	for (int i = 0; i < 60; i++) {
		sandbox_policy_t *pol = random_policy(i < 30 ? 40 : 600);
		struct sock_fprog plain, tree;
		struct diff d = { 0 };
		struct sb_filter_opts o = { .watch_memory = i & 1 };
		compile_both(pol, o, &plain, &tree);
		rebuilt += plain.len != tree.len ||
		           memcmp(plain.filter, tree.filter,
		                  plain.len * sizeof(plain.filter[0])) != 0;
		compare(&plain, &tree, &d);
		ck_assert_msg(d.differ == 0, "random #%d: %lu of %lu differ; "
		              "first: %s", i, d.differ, d.inputs, d.first);
		free(plain.filter);
		free(tree.filter);
		sandbox_policy_unref(pol);
	}
	printf("NOTE: %u of 60 random tables rebuilt\n", rebuilt);
	ck_assert_uint_gt(rebuilt, 30);
}
END_TEST

/* Every other x86_64 and i386 number allowed, the rest refused with an
 * errno (and a rule with an argument condition among them): ~830 runs,
 * trees far beyond an 8-bit jump (a ja, or a copy of the return, after
 * the test). Rebuilt whatever it costs (the rebuild keeps libseccomp's
 * program for this table: longer). */
START_TEST(alternating_numbers)
{
	sandbox_policy_t *pol = sandbox_policy_new();
	sandbox_cond_t c = { .arg = 0, .op = S_CMP_EQ, .a = 7 };
	struct sock_fprog plain, tree;
	struct diff d = { 0 };
	struct sb_filter_opts o = { .plain = true };

	ck_assert_ptr_nonnull(pol);
	for (int abi = S_ABI_X86_64; abi <= S_ABI_I386; abi++) {
		ck_assert_int_eq(sandbox_policy_set_default(pol, abi, S_DISP_ERRNO,
		                                            1), 0);
		for (long nr = 0; nr < 460; nr += 2)
			if (sb_syscall_known(abi, nr))
				ck_assert_int_eq(sandbox_policy_add_rule(pol, abi, nr,
				                 S_DISP_ALLOW, 0, NULL, 0), 0);
		ck_assert_int_eq(sandbox_policy_add_rule(pol, abi, 401,
		                 S_DISP_ALLOW, 0, &c, 1), 0);
	}
	ck_assert_int_eq(sb_filter_compile(pol, &o, &plain), 0);
	tree.len = plain.len;
	tree.filter = malloc(plain.len * sizeof(plain.filter[0]));
	ck_assert_ptr_nonnull(tree.filter);
	memcpy(tree.filter, plain.filter, plain.len * sizeof(plain.filter[0]));
	ck_assert_int_eq(sb_filter_tree(&tree, true), 1);
	ck_assert_uint_gt(tree.len, 255);
	compare(&plain, &tree, &d);
	printf("NOTE: alternating: %u -> %u instructions\n", plain.len, tree.len);
	ck_assert_msg(d.differ == 0, "%lu differ; first: %s", d.differ, d.first);
	free(plain.filter);
	free(tree.filter);
	sandbox_policy_unref(pol);
}
END_TEST

/* The comparison is not vacuous: the filter of a table with one rule
 * fewer (one syscall of default dropped, its argument rules, or an i386
 * rule) differs from the table's own filter where that rule decides. */
START_TEST(a_dropped_rule_is_caught)
{
	sandbox_policy_t *pol = sandbox_policy_builtin("default");
	struct sb_effective eff;
	struct sb_filter_opts o = { 0 };
	int tested = 0;

	ck_assert_ptr_nonnull(pol);
	ck_assert_int_eq(sb_policy_effective(pol, NULL, &eff), 0);
	for (size_t drop = 0; drop < eff.view.nrules; drop += 7) {
		sandbox_policy_t view = eff.view;
		struct sb_rule *rules = malloc(view.nrules * sizeof(*rules));
		struct sock_fprog plain, tree;
		struct diff d = { 0 };
		ck_assert_ptr_nonnull(rules);
		memcpy(rules, view.rules, drop * sizeof(*rules));
		memcpy(rules + drop, view.rules + drop + 1,
		       (view.nrules - drop - 1) * sizeof(*rules));
		/* the full table, libseccomp; the table less one rule, rebuilt */
		o.plain = true;
		ck_assert_int_eq(sb_filter_compile(&eff.view, &o, &plain), 0);
		view.rules = rules;
		view.nrules--;
		o.plain = false;
		ck_assert_int_eq(sb_filter_compile(&view, &o, &tree), 0);
		compare(&plain, &tree, &d);
		/* a rule the next one repeats may change nothing: count */
		tested += d.differ > 0;
		free(plain.filter);
		free(tree.filter);
		free(rules);
	}
	printf("NOTE: %d dropped rules caught\n", tested);
	ck_assert_int_gt(tested, (int)(eff.view.nrules / 7) * 3 / 4);
	sb_policy_effective_free(&eff);
	sandbox_policy_unref(pol);
}
END_TEST

/* Programs written by hand: what the rebuild cannot model stays as it
 * was; a comparison before any load sees A = 0. */
START_TEST(hand_written)
{
	struct sock_filter jset_nr[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
	};
	struct sock_filter tax[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	/* A = 0 at first: the first test is always true */
	struct sock_filter zero[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 9),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 6, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 5, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 4, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 9, 0, 1),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 2),
	};
	struct {
		struct sock_filter *f;
		unsigned short len;
		int rebuilt;
	} cases[] = {
		{ jset_nr, 4, 0 }, { tax, 3, 0 }, { zero, 14, 1 },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct sock_fprog p = { cases[c].len, cases[c].f };
		struct sock_fprog q = { cases[c].len, malloc(cases[c].len *
		                                             sizeof(cases[c].f[0])) };
		struct diff d = { 0 };
		ck_assert_ptr_nonnull(q.filter);
		memcpy(q.filter, p.filter, p.len * sizeof(p.filter[0]));
		int rc = sb_filter_tree(&q, true);
		ck_assert_int_eq(rc, cases[c].rebuilt);
		if (!rc)
			ck_assert_mem_eq(q.filter, p.filter, p.len * sizeof(p.filter[0]));
		compare(&p, &q, &d);
		ck_assert_msg(d.differ == 0, "case %zu: %s", c, d.first);
		free(q.filter);
	}
}
END_TEST

/* The shapes the rebuild writes beyond a tree of jge (issue 16, stop
 * 26): a run of numbers that end alike but for single numbers becomes a
 * chain of jeq, one per exception; libseccomp's always-true test of an
 * int argument's high word ("ld hi; and #0; jeq #0") is skipped where
 * the instruction it leads to loads A afresh -- and only there: not
 * where that instruction reads the 0 left in A, not where the
 * instruction before falls into it. Each returns what P returns. */
START_TEST(new_shapes)
{
#define LD(w) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, w))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, v)
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, t, f)
#define AND0 BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0)
	/* nr < 100 allowed but 3, 17, 40, 77 (errno); the rest trace */
	struct sock_filter chain[] = {
		LD(arch), JEQ(AUDIT_ARCH_X86_64, 0, 9), LD(nr),
		JEQ(3, 7, 0), JEQ(17, 6, 0), JEQ(40, 5, 0), JEQ(77, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 100, 1, 0),
		RET(SECCOMP_RET_ALLOW), RET(SECCOMP_RET_TRACE),
		RET(SECCOMP_RET_TRACE | 3), RET(SECCOMP_RET_ERRNO | 1),
	};
	/* nr 5: allowed if args[0]'s low word is 7 (the high word's test
	 * always true) */
	struct sock_filter skip[] = {
		LD(arch), JEQ(AUDIT_ARCH_X86_64, 0, 8), LD(nr),
		JEQ(5, 0, 5),
		LD(args[0]) /* + 4: the high word below */, AND0, JEQ(0, 0, 3),
		LD(args[0]), JEQ(7, 2, 1),
		RET(SECCOMP_RET_TRACE | 3), RET(SECCOMP_RET_ERRNO | 1),
		RET(SECCOMP_RET_ALLOW),
	};
	/* the same, but where the test leads reads A (the 0): no skip */
	struct sock_filter reads_a[] = {
		LD(arch), JEQ(AUDIT_ARCH_X86_64, 0, 7), LD(nr),
		JEQ(5, 0, 4),
		LD(args[0]), AND0, JEQ(0, 0, 2),
		JEQ(0, 2, 1),
		RET(SECCOMP_RET_TRACE | 3), RET(SECCOMP_RET_ERRNO | 1),
		RET(SECCOMP_RET_ALLOW),
	};
	/* the same, but an instruction before falls into it: no skip */
	struct sock_filter falls_in[] = {
		LD(arch), JEQ(AUDIT_ARCH_X86_64, 0, 9), LD(nr),
		JEQ(5, 0, 6),
		LD(args[1]), LD(args[0]), AND0, JEQ(0, 0, 3),
		LD(args[0]), JEQ(7, 2, 1),
		RET(SECCOMP_RET_TRACE | 3), RET(SECCOMP_RET_ERRNO | 1),
		RET(SECCOMP_RET_ALLOW),
	};
#undef LD
#undef RET
#undef JEQ
#undef AND0
	skip[4].k += 4;
	reads_a[4].k += 4;
	falls_in[5].k += 4;
	struct {
		struct sock_filter *f;
		unsigned short len;
		unsigned max_len; /* of the rebuilt program */
		unsigned and0;    /* "and #0" left in it */
	} cases[] = {
		{ chain, sizeof(chain) / sizeof(chain[0]), 12, 0 },
		{ skip, sizeof(skip) / sizeof(skip[0]), 10, 0 },
		{ reads_a, sizeof(reads_a) / sizeof(reads_a[0]), 64, 1 },
		{ falls_in, sizeof(falls_in) / sizeof(falls_in[0]), 64, 1 },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct sock_fprog p = { cases[c].len, cases[c].f };
		struct sock_fprog q = { cases[c].len, malloc(cases[c].len *
		                                             sizeof(cases[c].f[0])) };
		struct diff d = { 0 };
		unsigned and0 = 0, ncached;
		ck_assert_ptr_nonnull(q.filter);
		memcpy(q.filter, p.filter, p.len * sizeof(p.filter[0]));
		ck_assert_int_eq(sb_filter_tree(&q, true), 1);
		for (unsigned i = 0; i < q.len; i++)
			and0 += q.filter[i].code == (BPF_ALU | BPF_AND | BPF_K) &&
			        q.filter[i].k == 0;
		compare(&p, &q, &d);
		same_cached(&p, &q, "new_shapes", &ncached);
		printf("NOTE: shape %zu: %u -> %u instructions\n", c, p.len, q.len);
		ck_assert_msg(d.differ == 0, "case %zu: %s", c, d.first);
		ck_assert_uint_le(q.len, cases[c].max_len);
		ck_assert_uint_eq(and0, cases[c].and0);
		free(q.filter);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("filter_tree");
	TCase *tc = tcase_create("same as libseccomp");
	uint64_t seed = seedrng_init(SEEDRNG_XORSHIFT64, 0x7ee5eedULL);

	printf("NOTE: SB_BPF_SEED=%#llx\n", (unsigned long long)seed);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, hand_written);
	tcase_add_test(tc, new_shapes);
	tcase_add_test(tc, a_dropped_rule_is_caught);
	tcase_add_test(tc, alternating_numbers);
	tcase_add_test(tc, builtins_same_as_libseccomp);
	tcase_add_test(tc, random_policies_same_as_libseccomp);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
