/* A module built "for another ABI": must be refused before any call. */
#include "sandbox.h"

static int bad_init(sandbox_policy_t *p, const char *arg, void **data)
{
	__builtin_trap(); /* never called */
}

const struct sandbox_policy_module sandbox_policy_module = {
	.abi = SANDBOX_POLICY_ABI + 41,
	.name = "bad-abi",
	.init = bad_init,
};
