/* A module whose code needs a symbol nobody defines: dlopen(RTLD_NOW)
 * fails, and the load must fail with the loader's message. */
#include "sandbox.h"

int tm_this_symbol_does_not_exist(int x);

static int undef_init(sandbox_policy_t *p, const char *arg, void **data)
{
	return tm_this_symbol_does_not_exist(1);
}

const struct sandbox_policy_module sandbox_policy_module = {
	.abi = SANDBOX_POLICY_ABI,
	.name = "undefined",
	.init = undef_init,
};
