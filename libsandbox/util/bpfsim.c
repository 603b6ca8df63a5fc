/*
 * A classic-BPF interpreter with the kernel's rules for seccomp programs
 * (kernel/seccomp.c, seccomp_check_filter; net/core/filter.c): 32-bit
 * accumulator A and index X, 16 scratch words, loads only of aligned 32-bit
 * words of struct seccomp_data (BPF_LD|BPF_W|BPF_ABS) or of the data's
 * length, forward jumps only, and the program must end in a return.
 * Anything else is refused, as the kernel would refuse to load it.
 */
#include "config.h"
#include "util/bpfsim.h"

#include <stddef.h>
#include <string.h>

#define SCRATCH 16

static uint32_t load_word(const struct seccomp_data *d, uint32_t off,
                          const char **why, uint32_t *loaded)
{
	uint32_t w;

	if (off & 3 || off + 4 > sizeof(*d)) {
		*why = "load outside struct seccomp_data, or unaligned";
		return 0;
	}
	*loaded |= 1u << (off / 4);
	memcpy(&w, (const char *)d + off, 4); /* little-endian host */
	return w;
}

/* A op B for the ALU instructions; false for an unknown op or a
 * division by zero (the kernel refuses a constant zero divisor and
 * returns 0 for X = 0). */
static int alu(uint16_t op, uint32_t *a, uint32_t b)
{
	switch (op) {
	case BPF_ADD: *a += b; return 1;
	case BPF_SUB: *a -= b; return 1;
	case BPF_MUL: *a *= b; return 1;
	case BPF_DIV: if (!b) return -1; *a /= b; return 1;
	case BPF_MOD: if (!b) return -1; *a %= b; return 1;
	case BPF_OR:  *a |= b; return 1;
	case BPF_AND: *a &= b; return 1;
	case BPF_XOR: *a ^= b; return 1;
	case BPF_LSH: *a = b < 32 ? *a << b : 0; return 1;
	case BPF_RSH: *a = b < 32 ? *a >> b : 0; return 1;
	case BPF_NEG: *a = -*a; return 1;
	default: return 0;
	}
}

static int jump(uint16_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JSET: return (a & b) != 0;
	default: return -1;
	}
}

uint32_t sb_bpf_run(const struct sock_fprog *prog,
                    const struct seccomp_data *d, const char **why,
                    uint32_t *loaded)
{
	uint32_t a = 0, x = 0, mem[SCRATCH] = { 0 }, words = 0;

	*why = NULL;
	if (!loaded)
		loaded = &words;
	*loaded = 0;
	if (!prog->len || prog->len > BPF_MAXINSNS) {
		*why = "empty or too long";
		return 0;
	}
	for (unsigned pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->filter[pc];
		uint16_t cls = BPF_CLASS(f->code);
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;
		int r;

		switch (cls) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v;
			if (f->code == (BPF_LD | BPF_W | BPF_ABS))
				v = load_word(d, f->k, why, loaded);
			else if (f->code == (cls | BPF_W | BPF_LEN))
				v = sizeof(*d);
			else if (f->code == (cls | BPF_IMM))
				v = f->k;
			else if (f->code == (cls | BPF_MEM) && f->k < SCRATCH)
				v = mem[f->k];
			else {
				*why = "a load seccomp does not allow";
				return 0;
			}
			if (*why)
				return 0;
			if (cls == BPF_LD)
				a = v;
			else
				x = v;
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (f->k >= SCRATCH) {
				*why = "store outside the scratch memory";
				return 0;
			}
			mem[f->k] = cls == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if ((r = alu(BPF_OP(f->code), &a, src)) <= 0) {
				*why = r ? "division by zero" : "an unknown ALU op";
				return 0;
			}
			break;
		case BPF_JMP: {
			unsigned off;
			if (BPF_OP(f->code) == BPF_JA) {
				off = f->k;
			} else if ((r = jump(BPF_OP(f->code), a, src)) < 0) {
				*why = "an unknown jump";
				return 0;
			} else {
				off = r ? f->jt : f->jf;
			}
			if (pc + 1 + off >= prog->len) {
				*why = "a jump out of the program";
				return 0;
			}
			pc += off;
			break;
		}
		case BPF_RET:
			if (BPF_RVAL(f->code) == BPF_K)
				return f->k;
			if (BPF_RVAL(f->code) == BPF_A)
				return a;
			*why = "a return seccomp does not allow";
			return 0;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			*why = "an unknown instruction class";
			return 0;
		}
	}
	*why = "the program ends without a return";
	return 0;
}
