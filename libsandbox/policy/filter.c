/*
 * Compile a policy into a seccomp-bpf program with libseccomp.
 *
 * Every ABI the policy gives rules or a non-KILL default for gets its own
 * section (libseccomp checks the architecture first); every other ABI hits
 * the bad-architecture action, SECCOMP_RET_TRACE(SB_TRACE_KILL): the
 * tracer turns it into RF while it can still read the offending call.
 * Unknown syscall numbers hit the filter's default action: TRACE(KILL)
 * too when every ABI's default is KILL; otherwise TRACE(ASK), so that
 * each ABI keeps its own default without a rule per syscall per ABI (the
 * tracer's user-space evaluation gives the default, and KILL for unknown
 * numbers).
 *
 * The rules of one syscall are tried first-match-first (see sandbox.h).
 * libseccomp has no ordered rules, so a syscall compiles to kernel rules
 * only where that is exact; otherwise it compiles to SB_TRACE_ASK and the
 * tracer evaluates the same table in user space (policy.c), which is exact
 * by construction. A syscall is exact in the kernel when:
 *   - its first matching rule is unconditional (one action), or
 *   - all its rules are conditional, share one action, none uses the
 *     program's pid, and what applies when none matches is what the
 *     filter's default action gives; not for x32 (libseccomp compares
 *     its 64-bit arguments as 32-bit values), and for i386 only with
 *     constants that fit in 32 bits.
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

/* The filter's default action: TRACE(KILL), unless some ABI's default
 * disposition is not KILL. Then it is TRACE(ASK): a call no rule names
 * stops and the tracer evaluates the policy's table in user space, which
 * gives every ABI its own default (and still kills unknown numbers). */
static uint32_t filter_default(const sandbox_policy_t *p)
{
	for (int abi = 0; abi < S_ABI_COUNT; abi++)
		if (p->def_disp[abi] != S_DISP_KILL)
			return SCMP_ACT_TRACE(SB_TRACE_ASK);
	return SCMP_ACT_TRACE(SB_TRACE_KILL);
}

/* Does falling through to the filter default `dflt` give `action`? Under
 * a TRACE(ASK) default the tracer decides, so a KILL is kept as well. */
static bool covered_by_default(uint32_t action, uint32_t dflt)
{
	return action == dflt || (dflt == SCMP_ACT_TRACE(SB_TRACE_ASK) &&
	                          action == SCMP_ACT_TRACE(SB_TRACE_KILL));
}

/* Can the conditional rules starting at `first` be compiled exactly into
 * kernel rules? True when they share one action and none uses the
 * program's pid, and what applies when none matches (the base) is what
 * the filter's default gives. Sets *action. */
static bool chain_exact(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                        int abi, int32_t first, int base, int base_err,
                        uint32_t dflt, uint32_t *action)
{
	/* libseccomp compares the arguments of x32 calls (and i386 ones) as
	 * 32-bit values. The kernel gives an x32 call 64-bit arguments: only
	 * the tracer can compare them as the table says. An i386 call's are
	 * 32-bit, so only constants beyond 32 bits differ. */
	if (abi == S_ABI_X32)
		return false;
	if (!covered_by_default(disp_action(base, base_err), dflt) &&
	    dflt != SCMP_ACT_TRACE(SB_TRACE_ASK))
		return false;
	*action = disp_action(p->rules[first].disp, p->rules[first].err);
	for (int32_t i = first; i >= 0; i = rs->next[i]) {
		const struct sb_rule *r = &p->rules[i];
		if (disp_action(r->disp, r->err) != *action)
			return false;
		for (unsigned c = 0; c < r->ncond; c++)
			if ((r->cond[c].arg & S_ARG_SELF_PID) ||
			    (abi == S_ABI_I386 && (r->cond[c].a > UINT32_MAX ||
			                           r->cond[c].b > UINT32_MAX)))
				return false;
	}
	return true;
}

static int add_conditional(scmp_filter_ctx ctx, const struct sb_rule *r,
                           int snr, uint32_t action)
{
	struct scmp_arg_cmp cmp[6];
	for (unsigned c = 0; c < r->ncond; c++) {
		cmp[c].arg = r->cond[c].arg;
		cmp[c].op = scmp_op(r->cond[c].op);
		cmp[c].datum_a = r->cond[c].a;
		cmp[c].datum_b = r->cond[c].b;
	}
	return seccomp_rule_add_exact_array(ctx, action, snr, r->ncond, cmp);
}

static int compile_abi(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                       const struct sb_filter_opts *o, int abi, uint32_t dflt,
                       scmp_filter_ctx ctx)
{
	int rc;

	for (long nr = 0; nr < rs->nmax[abi]; nr++) {
		if (!sb_syscall_known(abi, nr))
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
			if (covered_by_default(action, dflt))
				continue;
			rc = seccomp_rule_add_exact(ctx, action, snr, 0);
		} else if (!mem && !space &&
		           chain_exact(p, rs, abi, first, base, base_err, dflt,
		                       &action)) {
			/* Rules that do what the default does add nothing (and
			 * libseccomp refuses them: EACCES). */
			rc = 0;
			for (int32_t i = first; i >= 0 && rc == 0 &&
			     !covered_by_default(action, dflt); i = rs->next[i])
				rc = add_conditional(ctx, &p->rules[i], snr, action);
		} else if (mem || space || dflt != SCMP_ACT_TRACE(SB_TRACE_ASK)) {
			rc = seccomp_rule_add_exact(ctx, SCMP_ACT_TRACE(
			        mem ? SB_TRACE_MEM : SB_TRACE_ASK), snr, 0);
		} else {
			rc = 0; /* the default asks already */
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
static scmp_filter_ctx abi_ctx(int abi, uint32_t dflt, int *rc)
{
	scmp_filter_ctx ctx = seccomp_init(dflt);
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
	uint32_t dflt = filter_default(p);
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
		if (!(ctx = abi_ctx(abi, dflt, &rc)))
			goto out;
		if ((rc = compile_abi(p, &rs, o, abi, dflt, ctx)) < 0)
			goto out;
		if (!all) {
			all = ctx;
		} else if ((rc = seccomp_merge(all, ctx)) < 0) {
			goto out;
		}
		ctx = NULL; /* merged (and released) or kept as `all` */
	}
	if (!all && !(all = abi_ctx(S_ABI_X86_64, dflt, &rc)))
		goto out;
	rc = export_bpf(all, out);
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
