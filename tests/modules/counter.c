/* A module with state: the "compute" profile plus getpid traced; the
 * callback counts getpid calls and denies the third and later ones with
 * EPERM. The argument names a file that cleanup writes the count into. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

struct counter {
	char *out;
	int getpid_calls;
};

static int counter_init(sandbox_policy_t *p, const char *arg, void **data)
{
	static const char *const allow[] = {
		"read", "write", "close", "fstat", "newfstatat", "brk", "mmap",
		"munmap", "mprotect", "arch_prctl", "set_tid_address",
		"set_robust_list", "rseq", "getrandom", "prlimit64", "readlink",
		"exit", "exit_group", "ioctl", "clock_gettime", NULL
	};
	struct counter *c;
	int rc;

	for (const char *const *n = allow; *n; n++)
		if ((rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *n,
		                                       S_DISP_ALLOW, 0, NULL, 0)) < 0)
			return rc;
	if ((rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "getpid",
	                                       S_DISP_TRACE, 0, NULL, 0)) < 0)
		return rc;
	if (!(c = calloc(1, sizeof(*c))))
		return -ENOMEM;
	if (arg && !(c->out = strdup(arg))) {
		free(c);
		return -ENOMEM;
	}
	*data = c;
	return 0;
}

static void counter_cb(const sandbox_event_t *ev, sandbox_action_t *act,
                       void *data)
{
	struct counter *c = data;

	act->type = S_ACTION_CONT;
	if (ev->type == S_EVENT_SYSCALL && ev->disposition == S_DISP_TRACE &&
	    ++c->getpid_calls > 2) {
		act->type = S_ACTION_DENY;
		act->data = EPERM;
	}
}

static void counter_cleanup(void *data)
{
	struct counter *c = data;
	FILE *f;

	if (c->out && (f = fopen(c->out, "we"))) {
		fprintf(f, "%d\n", c->getpid_calls);
		fclose(f);
	}
	free(c->out);
	free(c);
}

const struct sandbox_policy_module sandbox_policy_module = {
	.abi = SANDBOX_POLICY_ABI,
	.name = "counter",
	.description = "counts getpid, denies the third",
	.init = counter_init,
	.callback = counter_cb,
	.cleanup = counter_cleanup,
};
