/*
 * The small helpers the built-in policies share: x86_64 rules by name, a
 * rule with one condition. Public API only.
 */
#include "config.h"
#include "builtin.h"

int sb_policy_allow_names(sandbox_policy_t *p, const char *const *names,
                          const char **bad)
{
	for (; *names; names++) {
		int rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *names,
		                                      S_DISP_ALLOW, 0, NULL, 0);
		if (rc < 0) {
			if (bad)
				*bad = *names;
			return rc;
		}
	}
	return 0;
}

int sb_policy_names(sandbox_policy_t *p, const char *const *names, int disp,
                    int err)
{
	for (; *names; names++) {
		int rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *names,
		                                      disp, err, NULL, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int sb_policy_cond1(sandbox_policy_t *p, const char *name, int disp, int err,
                    unsigned arg, int op, uint64_t a, uint64_t b)
{
	sandbox_cond_t c = { .arg = arg, .op = op, .a = a, .b = b };
	return sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, name, disp,
	                                    err, &c, 1);
}
