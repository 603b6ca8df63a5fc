/* A module whose init refuses to start (e.g. a bad argument). */
#include <errno.h>

#include "sandbox.h"

static int refuse_init(sandbox_policy_t *p, const char *arg, void **data)
{
	return -EDOM;
}

const struct sandbox_policy_module sandbox_policy_module = {
	.abi = SANDBOX_POLICY_ABI,
	.name = "refuse",
	.init = refuse_init,
};
