/* A module without an init function. */
#include "sandbox.h"

const struct sandbox_policy_module sandbox_policy_module = {
	.abi = SANDBOX_POLICY_ABI,
	.name = "no-init",
};
