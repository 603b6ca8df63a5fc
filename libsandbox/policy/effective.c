/*
 * What the kernel filter of one run is compiled from: the policy's table,
 * plus guards for what the file rules' enforcement cannot refuse itself:
 *   - set-id bits, always: chmod(2), fchmod, fchmodat and fchmodat2 fail
 *     with EPERM when the mode has S_ISUID or S_ISGID. A file the program
 *     made set-user-ID would hand its identity (a run slot's uid, or the
 *     caller's own) to anyone who runs it later, outside the run, with
 *     every later run of that identity open to it through /proc. No
 *     judged program needs the bits. A creating open, creat or mknod may
 *     still name them: the file is empty then, and the kernel clears the
 *     bits at the first write, truncation or fallocate of a process
 *     without CAP_FSETID, so it never holds a program (guarding the open
 *     would also cost every open a stop in fast mode: a seccomp filter
 *     cannot fall back from a conditional refusal to an ALLOW base).
 *     The chmod family is rarely called; it stops in fast mode when the
 *     table allows it;
 *   - truncation, when a Landlock ABI that cannot control it (1 and 2,
 *     Linux < 6.2) holds them: truncate(2) fails with EACCES, an open with
 *     O_TRUNC and no write access mode with EACCES, openat2 (whose flags a
 *     filter cannot read) with ENOSYS. Truncating through a descriptor
 *     needs one opened for writing, which Landlock already decides;
 *   - metadata, when the program runs as an identity that may own files
 *     outside its run (the caller's own uid: an unprivileged supervisor,
 *     credentials the caller set, ids kept) and file rules are enforced:
 *     chmod, chown, utime and xattr changes in every form, by path or
 *     descriptor, fail with EPERM. The kernel checks them by ownership
 *     alone (Landlock has no right for them), so such a program could
 *     make the judge's files behind its standard streams, or any other
 *     of the judge's files by path (also /proc/self/fd/N), world-readable
 *     or unreadable, or change their times. A run slot of its own owns
 *     only what it made in its write trees: no guard then;
 *   - special files, when a mount view holds them (no Landlock): its
 *     write trees are writable mounts, where nothing but the filter stops
 *     symlink(2) and mknod(2) (a FIFO, a socket, a device node): EACCES,
 *     as Landlock answers them.
 * The guards only ever make a call the table lets run fail.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Can syscall nr of abi run under the table (an ALLOW or TRACE base or
 * conditional rule)? */
bool sb_ruleset_may_run(const sandbox_policy_t *p, const struct sb_ruleset *rs,
                        int abi, long nr)
{
	int d, e;

	if (nr < 0 || nr >= rs->nmax[abi])
		return false;
	sb_ruleset_base(p, rs, abi, nr, &d, &e);
	d &= ~S_DISP_FLAG_EXIT;
	if (d == S_DISP_ALLOW || d == S_DISP_TRACE)
		return true;
	for (int32_t r = rs->first[abi][nr]; r >= 0; r = rs->next[r]) {
		d = p->rules[r].disp & ~S_DISP_FLAG_EXIT;
		if (d == S_DISP_ALLOW || d == S_DISP_TRACE)
			return true;
	}
	return false;
}

bool sb_policy_may_call(const sandbox_policy_t *p, const char *const *names)
{
	struct sb_ruleset rs;
	bool may = false;

	if (sb_ruleset_build(p, &rs) < 0)
		return true; /* cannot tell: assume it may */
	for (int abi = 0; abi < S_ABI_COUNT && !may; abi++)
		for (size_t i = 0; names[i] && !may; i++)
			may = sb_ruleset_may_run(p, &rs, abi,
			                         sb_syscall_number(abi, names[i]));
	sb_ruleset_free(&rs);
	return may;
}

/* One guard: a rule for (abi, nr), placed right after the syscall's last
 * unconditional rule (`after`, -1: before everything) so that it is the
 * first conditional rule tried. */
struct guard {
	struct sb_rule rule;
	long after;
};

enum guard_kind { G_SETID, G_TRUNCATE, G_SPECIAL, G_OWNER };

/* A guarded call: its conditions ((arg & a) == b, all of them), none for
 * one the guard refuses whatever its arguments. */
struct guarded {
	const char *name;
	enum guard_kind kind;
	int err;
	unsigned ncond;
	struct { unsigned arg; uint64_t a, b; } cond[2];
};

#define SETID(name, arg, bit) \
	{ name, G_SETID, EPERM, 1, { { arg, bit, bit } } }
#define TRUNC_OPEN(name, flags) \
	{ name, G_TRUNCATE, EACCES, 1, \
	  { { flags, O_ACCMODE | O_TRUNC, O_TRUNC } } }
#define ANY(name, kind, err) { name, kind, err, 0, { { 0, 0, 0 } } }

static const struct guarded guarded[] = {
	SETID("chmod", 1, S_ISUID), SETID("chmod", 1, S_ISGID),
	SETID("fchmod", 1, S_ISUID), SETID("fchmod", 1, S_ISGID),
	SETID("fchmodat", 2, S_ISUID), SETID("fchmodat", 2, S_ISGID),
	SETID("fchmodat2", 2, S_ISUID), SETID("fchmodat2", 2, S_ISGID),
	TRUNC_OPEN("open", 1), TRUNC_OPEN("openat", 2),
	ANY("openat2", G_TRUNCATE, ENOSYS), ANY("truncate", G_TRUNCATE, EACCES),
	ANY("truncate64", G_TRUNCATE, EACCES),
	ANY("symlink", G_SPECIAL, EACCES), ANY("symlinkat", G_SPECIAL, EACCES),
	ANY("mknod", G_SPECIAL, EACCES), ANY("mknodat", G_SPECIAL, EACCES),
	ANY("chmod", G_OWNER, EPERM), ANY("fchmod", G_OWNER, EPERM),
	ANY("fchmodat", G_OWNER, EPERM), ANY("fchmodat2", G_OWNER, EPERM),
	ANY("chown", G_OWNER, EPERM), ANY("fchown", G_OWNER, EPERM),
	ANY("lchown", G_OWNER, EPERM), ANY("fchownat", G_OWNER, EPERM),
	ANY("chown32", G_OWNER, EPERM), ANY("fchown32", G_OWNER, EPERM),
	ANY("lchown32", G_OWNER, EPERM), ANY("utime", G_OWNER, EPERM),
	ANY("utimes", G_OWNER, EPERM), ANY("futimesat", G_OWNER, EPERM),
	ANY("utimensat", G_OWNER, EPERM),
	ANY("utimensat_time64", G_OWNER, EPERM),
	ANY("setxattr", G_OWNER, EPERM), ANY("lsetxattr", G_OWNER, EPERM),
	ANY("fsetxattr", G_OWNER, EPERM), ANY("removexattr", G_OWNER, EPERM),
	ANY("lremovexattr", G_OWNER, EPERM),
	ANY("fremovexattr", G_OWNER, EPERM),
	ANY("setxattrat", G_OWNER, EPERM), ANY("removexattrat", G_OWNER, EPERM),
};
#define NGUARDED SB_ARRAY_SIZE(guarded)

static void guard_rule(struct sb_rule *r, int abi, long nr,
                       const struct guarded *t)
{
	memset(r, 0, sizeof(*r));
	r->abi = abi;
	r->nr = nr;
	r->disp = S_DISP_ERRNO;
	r->err = t->err;
	r->ncond = t->ncond;
	for (unsigned c = 0; c < t->ncond; c++) {
		r->cond[c].arg = t->cond[c].arg;
		r->cond[c].op = S_CMP_MASKED_EQ;
		r->cond[c].a = t->cond[c].a;
		r->cond[c].b = t->cond[c].b;
	}
}

static bool wanted(const struct guarded *t, const struct sb_eff_opts *o)
{
	switch (t->kind) {
	case G_SETID: return true;
	case G_TRUNCATE: return o && o->guard_truncate;
	case G_SPECIAL: return o && o->guard_special;
	case G_OWNER: return o && o->guard_owner;
	}
	return false;
}

/* The guards this table needs (at most NGUARDED per ABI). */
static int make_guards(const sandbox_policy_t *p, const struct sb_eff_opts *o,
                       struct guard *g, size_t *n)
{
	const struct guarded *t = guarded;
	struct sb_ruleset rs;
	int rc;

	*n = 0;
	if ((rc = sb_ruleset_build(p, &rs)) < 0)
		return rc;
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		for (size_t i = 0; i < NGUARDED; i++) {
			if (!wanted(&t[i], o))
				continue;
			long nr = sb_syscall_number(abi, t[i].name);
			if (nr < 0 || !sb_ruleset_may_run(p, &rs, abi, nr))
				continue;
			guard_rule(&g[*n].rule, abi, nr, &t[i]);
			/* Unconditional guards go last (they replace the table's
			 * line); conditional ones first among the conditions. */
			g[*n].after = t[i].ncond == 0 ? (long)p->nrules - 1
			                              : sb_policy_last_base(p, abi, nr);
			(*n)++;
		}
	}
	sb_ruleset_free(&rs);
	return 0;
}

int sb_policy_effective(const sandbox_policy_t *p, const struct sb_eff_opts *o,
                        struct sb_effective *eff)
{
	struct guard g[NGUARDED * S_ABI_COUNT];
	size_t ng = 0, n = 0;
	const sandbox_policy_t *t;
	struct sb_rule *v;
	int rc;

	/* The task guards first (tasks.c): every table has them. */
	if ((rc = sb_policy_guarded(p, eff)) < 0)
		return rc;
	t = &eff->view;
	if ((rc = make_guards(t, o, g, &ng)) < 0)
		goto fail;
	if (!ng)
		return 0;
	if (!(v = malloc((t->nrules + ng) * sizeof(*v)))) {
		rc = -ENOMEM;
		goto fail;
	}
	for (size_t k = 0; k < ng; k++)
		if (g[k].after < 0)
			v[n++] = g[k].rule;
	for (size_t i = 0; i < t->nrules; i++) {
		v[n++] = t->rules[i];
		for (size_t k = 0; k < ng; k++)
			if (g[k].after == (long)i)
				v[n++] = g[k].rule;
	}
	free(eff->owned);
	eff->owned = v;
	eff->view.rules = v;
	eff->view.nrules = eff->view.cap = n;
	return 0;
fail:
	sb_policy_effective_free(eff);
	return rc;
}

void sb_policy_effective_free(struct sb_effective *eff)
{
	free(eff->owned);
	eff->owned = NULL;
}
