/*
 * The policy object: a reference count and its layers (policy.h). Made
 * empty (every ABI's default KILL); freed with its last reference, top
 * layer first.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

sandbox_policy_t *sb_policy_new(void)
{
	sandbox_policy_t *p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	atomic_init(&p->refs, 1);
	p->memory_mode = -1;
	for (int a = 0; a < S_ABI_COUNT; a++)
		p->def_disp[a] = S_DISP_KILL;
	return p;
}

sandbox_policy_t *sb_policy_ref(sandbox_policy_t *p)
{
	if (p)
		atomic_fetch_add(&p->refs, 1);
	return p;
}

void sb_policy_unref(sandbox_policy_t *p)
{
	if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
		return;
	/* Top layer first: the module's code goes last (its release may
	 * unload it). */
	if (p->user.cleanup)
		p->user.cleanup(p->user.data);
	if (p->module.cleanup)
		p->module.cleanup(p->module.data);
	free(p->module_name);
	for (int i = 0; p->env_defaults[i]; i++)
		free(p->env_defaults[i]);
	sb_files_free(p->files);
	free(p->rules);
	free(p);
}

int sb_policy_set_env_default(sandbox_policy_t *p, const char *entry)
{
	size_t len = (size_t)(strchr(entry, '=') - entry) + 1;
	int i = 0;

	while (p->env_defaults[i] && strncmp(p->env_defaults[i], entry, len))
		i++;
	if (i == SANDBOX_POLICY_ENV_MAX)
		return -ENOSPC;
	char *copy = strdup(entry);
	if (!copy)
		return -ENOMEM;
	free(p->env_defaults[i]);
	p->env_defaults[i] = copy;
	return 0;
}

int sb_policy_set_module(sandbox_policy_t *p, sandbox_policy_fn fn,
                         void *data, void (*release)(void *data),
                         const char *name)
{
	int rc = sb_set_str(&p->module_name, name);
	if (rc < 0)
		return rc;
	p->module.fn = fn;
	p->module.data = data;
	p->module.cleanup = release;
	return 0;
}

bool sb_policy_has_callback(const sandbox_policy_t *p)
{
	for (int i = 0; i < SB_POLICY_NCALLBACKS; i++)
		if (sb_policy_callback(p, i)->fn)
			return true;
	return false;
}

/* Layer 4 only: the table, the file rules and a module stay. */
int sb_policy_set_callback(sandbox_policy_t *p, sandbox_policy_fn fn,
                           void *data, void (*cleanup)(void *data))
{
	struct sb_callback *u;

	if (!p)
		return -EINVAL;
	u = &p->user;
	if (u->cleanup && (u->data != data || u->cleanup != cleanup))
		u->cleanup(u->data);
	u->fn = fn;
	u->data = data;
	u->cleanup = cleanup;
	return 0;
}
