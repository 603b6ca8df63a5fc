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

/* ... and values that hold a credential in another shape:
 *   - a key=value or "key: value" pair whose key is a word (letters,
 *     digits, '_', '-', '.') holding one of the secret words: libpq's
 *     "host=db password=x", ADO.NET's "Server=db;Password=x;", ODBC's
 *     "UID=sa;PWD=x", "Authorization: Bearer x", "token: x" (spaces may
 *     stand around '='; ':' counts only when a space follows it, so
 *     PATH=/home/u/tokens:/bin goes through);
 *   - netrc's "password x" (or passwd): the word, then spaces, then
 *     anything;
 *   - an HTTP authorization value: "Bearer x", "Basic x", "Digest x",
 *     "Token x", "Negotiate x" at the start. */
static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Is the word s[0..len) followed by what makes it a key with a value? */
static bool word_keys_a_value(const char *s, size_t len)
{
	const char *after = s + len, *v = skip_blanks(after);
	char word[64];

	if (*v == '=')
		return true;
	if (*after == ':' && (after[1] == ' ' || after[1] == '\t'))
		return true;
	if (v == after || *v == '\0' || len >= sizeof(word))
		return false;
	memcpy(word, s, len);
	word[len] = '\0';
	return strcasecmp(word, "password") == 0 ||
	       strcasecmp(word, "passwd") == 0;
}

static bool secret_pair(const char *value)
{
	const char *s = value;

	while (*s) {
		if (!ident_char(*s)) {
			s++;
			continue;
		}
		size_t len = 0;
		while (ident_char(s[len]))
			len++;
		char word[256];
		bool secret = len >= sizeof(word); /* absurdly long: a key */
		if (!secret) {
			memcpy(word, s, len);
			word[len] = '\0';
			secret = has_secret_word(word);
		}
		if (secret && word_keys_a_value(s, len))
			return true;
		s += len;
	}
	return false;
}

static bool auth_scheme(const char *value)
{
	static const char *const schemes[] = {
		"Bearer", "Basic", "Digest", "Token", "Negotiate", NULL
	};
	const char *v = skip_blanks(value);

	for (size_t i = 0; schemes[i]; i++) {
		size_t n = strlen(schemes[i]);
		if (strncasecmp(v, schemes[i], n) == 0 &&
		    (v[n] == ' ' || v[n] == '\t') && *skip_blanks(v + n))
			return true;
	}
	return false;
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
	       (eq && (url_with_credential(eq + 1) || secret_pair(eq + 1) ||
	               auth_scheme(eq + 1)));
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

/* Is an entry named like `entry` among the first n of v? */
static bool has_name(char *const *v, size_t n, const char *entry)
{
	size_t len = name_len(entry);
	for (size_t i = 0; i < n; i++)
		if (name_len(v[i]) == len && strncmp(v[i], entry, len) == 0)
			return true;
	return false;
}

char **sb_env_build(const struct sb_iso *iso, char *const *envp, bool inherit,
                    char *const *host_env, char *const *defaults)
{
	size_t n = 0;
	size_t cap = count(host_env) + count(envp) + count(defaults) + 1;
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
	for (size_t i = 0; defaults && defaults[i]; i++)
		if (!has_name(v, n, defaults[i]) && push(v, &n, defaults[i]) < 0)
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
