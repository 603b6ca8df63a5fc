/*
 * The string copies every setter needs: owned string vectors and owned
 * strings, replaced only when the copy succeeded; error messages.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int sb_strv_dup(const char *const *in, bool empty_is_null, char ***out)
{
	size_t n = 0;

	while (in && in[n])
		n++;
	if (n == 0 && empty_is_null) {
		*out = NULL;
		return 0;
	}
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!(v[i] = strdup(in[i]))) {
			sb_strv_free(v);
			return -ENOMEM;
		}
	}
	*out = v;
	return 0;
}

int sb_set_str(char **dst, const char *src)
{
	char *c = NULL;

	if (src && !(c = strdup(src)))
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

void sb_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
