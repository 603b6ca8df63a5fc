/*
 * The program's environment, built in the parent before fork: inherited
 * variables minus secrets, or a pass-through list, then the explicit
 * entries (which override). See sandbox_set_env_pass() in sandbox.h.
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The secret rule (sandbox.h, sandbox_set_env_strip): words that mark a
 * name as secret wherever they appear in it, in any case, ... */
static const char *const secret_words[] = {
	"PASS", "PWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "AUTH",
	"PRIVATE", "COOKIE", "SESSION", "JWT", "SALT", "SIGN", "DSN",
	"WEBHOOK", NULL
};
/* ... whole families of names (PAT: a personal access token; only as a
 * word of its own, PATH must go through) ... */
static const char *const secret_names[] = {
	"AWS_*", "GITHUB_*", "PAT", "*_PAT", "PAT_*", "*_PAT_*", NULL
};

static bool name_matches(const char *const *pats, const char *name, int flags)
{
	for (size_t i = 0; pats && pats[i]; i++)
		if (fnmatch(pats[i], name, flags) == 0)
			return true;
	return false;
}

static bool has_secret_word(const char *name)
{
	for (size_t i = 0; secret_words[i]; i++)
		if (strcasestr(name, secret_words[i]))
			return true;
	return false;
}

/* ... and values that are URLs carrying a credential: any user
 * information, "scheme://user:password@" or "scheme://key@" (Sentry's
 * DSN keys, tokens as user names; it ends the authority, before any '/',
 * '?', '#'), or a query parameter whose name has a secret word
 * ("?password=", "&access_token=", "&sig="). */
static bool secret_query(const char *q)
{
	char name[64];

	while (q && *q) {
		size_t len = strcspn(q, "=&#");
		if (len < sizeof(name)) {
			memcpy(name, q, len);
			name[len] = '\0';
			if (has_secret_word(name) || strcasecmp(name, "sig") == 0)
				return true;
		}
		q = strchr(q, '&');
		q = q ? q + 1 : NULL;
	}
	return false;
}

static bool url_with_credential(const char *value)
{
	const char *p = strstr(value, "://");
	if (!p)
		return false;
	p += 3;
	size_t authority = strcspn(p, "/?#");
	if (memchr(p, '@', authority))
		return true;
	const char *q = strchr(p, '?');
	return q && secret_query(q + 1);
}

/* Does the inherited entry NAME=VALUE look secret? */
bool sb_env_is_secret(const struct sb_iso *iso, const char *entry)
{
	char name[256];
	const char *eq = strchr(entry, '=');
	size_t len = eq ? (size_t)(eq - entry) : strlen(entry);

	if (len >= sizeof(name))
		return true; /* absurdly long names are not passed on */
	memcpy(name, entry, len);
	name[len] = '\0';
	return has_secret_word(name) ||
	       name_matches(secret_names, name, FNM_CASEFOLD) ||
	       (iso && name_matches((const char *const *)iso->env_strip, name, 0)) ||
	       (eq && url_with_credential(eq + 1));
}

static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* Remove an entry with the same name as `entry`, if any. */
static void drop_name(char **v, size_t *n, const char *entry)
{
	size_t len = name_len(entry);
	for (size_t i = 0; i < *n; i++) {
		if (name_len(v[i]) == len && strncmp(v[i], entry, len) == 0) {
			free(v[i]);
			memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
			(*n)--;
			return;
		}
	}
}

static int push(char **v, size_t *n, const char *entry)
{
	drop_name(v, n, entry);
	if (!(v[*n] = strdup(entry)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

static bool in_pass_list(const struct sb_iso *iso, const char *entry)
{
	size_t len = name_len(entry);
	char **pass = iso ? iso->env_pass : NULL;
	for (size_t i = 0; pass && pass[i]; i++)
		if (strlen(pass[i]) == len && strncmp(pass[i], entry, len) == 0)
			return true;
	return false;
}

static size_t count(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

char **sb_env_build(const struct sb_iso *iso, char *const *envp, bool inherit,
                    char *const *host_env)
{
	size_t n = 0, cap = count(host_env) + count(envp) + 1;
	char **v = calloc(cap, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; host_env && host_env[i]; i++) {
		const char *e = host_env[i];
		bool take = inherit
		            ? !sb_env_is_secret(iso, e) || in_pass_list(iso, e)
		            : in_pass_list(iso, e);
		if (take && strchr(e, '=') && push(v, &n, e) < 0)
			goto nomem;
	}
	for (size_t i = 0; envp && envp[i]; i++)
		if (push(v, &n, envp[i]) < 0)
			goto nomem;
	v[n] = NULL;
	return v;
nomem:
	sb_env_free(v);
	errno = ENOMEM;
	return NULL;
}

void sb_env_free(char **envp)
{
	if (!envp)
		return;
	for (char **p = envp; *p; p++)
		free(*p);
	free(envp);
}
