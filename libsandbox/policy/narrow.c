/*
 * Conditions on arguments the kernel reads on fewer than 64 bits
 * (review-stop24 D2). A syscall declared with an int (a descriptor, a
 * command, flags, a signal, a clock id) runs on the low 32 bits of its
 * register, whatever a program leaves in the high half; a umode_t on 16;
 * i386 ipc(2)'s sub-call (arg0) on 16 (the high half is a version).
 * A condition compared with the whole register would let
 * write(0x100000001, ...) past "errno if arg0 == 1". So, when a rule is
 * added, each condition on such an argument (util/syscalls.c knows which)
 * is rewritten to look only at the bits the kernel runs:
 *   ==  becomes a masked ==: (arg & 0xffffffff) == V, evaluated in the
 *       kernel and by the tracer alike;
 *   (arg & m) == b  keeps only the bits of m the kernel reads;
 *   !=, <, <=, >, >=  are marked SB_ARG_NARROW with the mask in b: the
 *       tracer compares (arg & b) with (a & b); the kernel filter cannot
 *       (libseccomp compares 64 bits), so such a rule and what comes after
 *       it in its syscall's chain stop (policy/filter.c, kernel_rule).
 * A constant that does not fit the argument (neither zero- nor
 * sign-extended) is left as it is: the rule then matches registers the
 * kernel cannot tell from others, as written.
 */
#include "config.h"
#include "policy/policy.h"

/* Does a fit in the bits of m, zero- or sign-extended? */
static bool fits(uint64_t a, uint64_t m)
{
	return (a & ~m) == 0 || (a & ~m) == ~m;
}

void sb_rule_narrow(struct sb_rule *r)
{
	char name[64];

	sb_syscall_name(r->abi, r->nr, name, sizeof(name));
	for (unsigned c = 0; c < r->ncond; c++) {
		sandbox_cond_t *k = &r->cond[c];
		if (k->arg & SB_ARG_FLAGS)
			continue; /* already compared on 32 bits, or narrowed */
		uint64_t m = sb_arg_narrow_mask(name, k->arg);
		if (!m)
			continue;
		if (k->op == S_CMP_MASKED_EQ) {
			if (!(k->b & ~m))
				k->a &= m;
			continue;
		}
		if (!fits(k->a, m))
			continue;
		if (k->op == S_CMP_EQ) {
			k->op = S_CMP_MASKED_EQ;
			k->b = k->a & m;
			k->a = m;
		} else {
			k->arg |= SB_ARG_NARROW;
			k->a &= m;
			k->b = m;
		}
	}
}
