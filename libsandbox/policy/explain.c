/*
 * sandbox_policy_explain(): a policy as text, one line per syscall that
 * has rules (the table as the kernel filter sees it), then what the table
 * does not show (module, file rules, callbacks).
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *disp_name(int disp)
{
	switch (disp & ~S_DISP_FLAG_EXIT) {
	case S_DISP_ALLOW: return "allow";
	case S_DISP_TRACE: return (disp & S_DISP_FLAG_EXIT) ? "trace+exit" : "trace";
	case S_DISP_ERRNO: return "errno";
	case S_DISP_KILL: return "kill";
	}
	return "?";
}

static const char *cmp_name(int op)
{
	static const char *const n[] = { "?", "!=", "<", "<=", "==", ">=", ">", "&" };
	return (op >= 1 && op <= 7) ? n[op] : "?";
}

static void explain_rule(FILE *f, const struct sb_rule *r)
{
	fprintf(f, " %s", disp_name(r->disp));
	if ((r->disp & ~S_DISP_FLAG_EXIT) == S_DISP_ERRNO)
		fprintf(f, "(%s)", strerrorname_np(r->err) ? strerrorname_np(r->err) : "?");
	for (unsigned c = 0; c < r->ncond; c++) {
		const sandbox_cond_t *k = &r->cond[c];
		unsigned arg = k->arg & ~SB_ARG_FLAGS;
		if (k->arg & SB_ARG_NARROW)
			fprintf(f, "%s (arg%u & %#llx) %s %#llx", c ? " &&" : " if",
			        arg, (unsigned long long)k->b, cmp_name(k->op),
			        (unsigned long long)k->a);
		else if (k->arg & S_ARG_SELF_CPUCLOCK)
			fprintf(f, "%s arg%u %s own process clock", c ? " &&" : " if",
			        arg, cmp_name(k->op));
		else if (k->arg & S_ARG_SELF_PID)
			fprintf(f, "%s arg%u %s self", c ? " &&" : " if", arg,
			        cmp_name(k->op));
		else if (k->op == S_CMP_MASKED_EQ)
			fprintf(f, "%s (arg%u & %#llx) == %#llx", c ? " &&" : " if",
			        arg, (unsigned long long)k->a,
			        (unsigned long long)k->b);
		else
			fprintf(f, "%s arg%u %s %#llx", c ? " &&" : " if", arg,
			        cmp_name(k->op), (unsigned long long)k->a);
	}
}

/* What the table does not show: where the policy came from, its file
 * rules, its callbacks. */
/* What the policy lets the program do about tasks (tasks.c). */
static void explain_tasks(const sandbox_policy_t *p, FILE *f)
{
	unsigned t = sb_policy_tasks(p);

	fprintf(f, "# tasks: threads %s, processes %s, exec %s\n",
	        (t & SB_TASKS_THREADS) ? "allowed" : "no",
	        (t & SB_TASKS_PROCESSES) ? "allowed" : "no",
	        (t & SB_TASKS_EXEC) ? "allowed" : "no (after the program's own)");
	if (t & (SB_TASKS_THREADS | SB_TASKS_PROCESSES))
		fputs("#   every new task is traced from its first instruction and "
		      "judged by this policy;\n#   clone with CLONE_UNTRACED is "
		      "killed and clone3 fails with ENOSYS (the engine's guards,\n"
		      "#   shown above); the CPU and memory quotas count every task; "
		      "the run is not\n#   pinned to one CPU\n", f);
}

static void explain_extra(const sandbox_policy_t *p, FILE *f)
{
	explain_tasks(p, f);
	if (p->memory_mode >= 0)
		fprintf(f, "# memory quota judged on: %s (unless the sandbox sets "
		        "its own mode)\n", p->memory_mode == S_MEMORY_RSS
		        ? "resident memory (rss)" : "address space (vsize)");
	for (int i = 0; p->env_defaults[i]; i++)
		fprintf(f, "# environment: %s unless the program's environment "
		        "names it\n", p->env_defaults[i]);
	if (p->module_name)
		fprintf(f, "# loaded from module %s\n", p->module_name);
	sb_files_explain(p, f);
	fprintf(f, "# callback: %s\n", sb_policy_has_callback(p) ?
	        "yes (decides every \"trace\" line; may only make \"allow\" stricter)" :
	        "none (a \"trace\" line without a callback ends the run with BP)");
}

int sb_policy_explain(const sandbox_policy_t *pol, int fd)
{
	struct sb_effective eff;
	struct sb_ruleset rs;
	char name[64];
	int rc, dfd;
	FILE *f;

	if (!pol || fd < 0)
		return -EINVAL;
	if ((rc = sb_policy_effective(pol, NULL, &eff)) < 0)
		return rc;
	const sandbox_policy_t *p = &eff.view;
	if ((rc = sb_ruleset_build(p, &rs)) < 0) {
		sb_policy_effective_free(&eff);
		return rc;
	}
	dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dfd < 0 || !(f = fdopen(dfd, "w"))) {
		rc = -errno;
		if (dfd >= 0)
			close(dfd);
		sb_ruleset_free(&rs);
		sb_policy_effective_free(&eff);
		return rc;
	}
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		fprintf(f, "# ABI %s: default %s", sb_abi_name(abi),
		        disp_name(p->def_disp[abi]));
		if ((p->def_disp[abi] & ~S_DISP_FLAG_EXIT) == S_DISP_ERRNO)
			fprintf(f, "(%s)", strerrorname_np(p->def_err[abi]));
		fputs("; unknown numbers: kill\n", f);
		for (int nr = 0; nr < rs.nmax[abi]; nr++) {
			if (rs.first[abi][nr] < 0 && rs.base[abi][nr] < 0)
				continue;
			fprintf(f, "%s %-20s", sb_abi_name(abi),
			        sb_syscall_name(abi, nr, name, sizeof(name)));
			const char *sep = "";
			for (int32_t i = rs.first[abi][nr]; i >= 0; i = rs.next[i]) {
				fputs(sep, f);
				explain_rule(f, &p->rules[i]);
				sep = ";";
			}
			int32_t b = rs.base[abi][nr];
			fprintf(f, "%s%s", sep, *sep ? " else" : "");
			if (b >= 0) {
				explain_rule(f, &p->rules[b]);
			} else {
				fprintf(f, " %s", disp_name(p->def_disp[abi]));
				if ((p->def_disp[abi] & ~S_DISP_FLAG_EXIT) == S_DISP_ERRNO)
					fprintf(f, "(%s)", strerrorname_np(p->def_err[abi]));
			}
			fputc('\n', f);
		}
	}
	explain_extra(pol, f);
	rc = fclose(f) == 0 ? 0 : -errno;
	sb_ruleset_free(&rs);
	sb_policy_effective_free(&eff);
	return rc;
}
