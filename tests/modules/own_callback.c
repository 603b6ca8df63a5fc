/* A module whose init sets a callback itself instead of declaring it:
 * refused, and its cleanup still runs exactly once (counted in the file
 * named by the argument). */
#include <stdio.h>

#include "sandbox.h"

static void cb(const sandbox_event_t *ev, sandbox_action_t *act, void *data)
{
	act->type = S_ACTION_CONT;
}

static void mark(void *data)
{
	FILE *f = fopen(data, "ae");
	if (f) {
		fputs("cleanup\n", f);
		fclose(f);
	}
}

static int own_init(sandbox_policy_t *p, const char *arg, void **data)
{
	*data = (void *)arg;
	return sandbox_policy_set_callback(p, cb, NULL, NULL);
}

const struct sandbox_policy_module sandbox_policy_module = {
	.abi = SANDBOX_POLICY_ABI,
	.name = "own-callback",
	.init = own_init,
	.cleanup = mark,
};
