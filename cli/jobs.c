/*
 * sandbox-run --batch: parsing one job line (see jobs.h).
 */
#include "config.h"
#include "jobs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

/* The line being read; decoded strings are appended to out. */
struct rd {
	const char *start, *p, *end;
	char *out;
	char *err;
	size_t errlen;
};

static int fail(struct rd *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct rd *r, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->err && r->errlen)
		snprintf(r->err, r->errlen, "column %zu: %s",
		         (size_t)(r->p - r->start) + 1, msg);
	return -EINVAL;
}

static void skip_ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	                         *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* Skip blanks, then the character c. */
static bool eat(struct rd *r, char c)
{
	skip_ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

static int hex4(struct rd *r, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++, r->p++) {
		char c = r->p < r->end ? *r->p : '\0';
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
		           : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		           : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d == 16)
			return fail(r, "bad \\u escape");
		*v = *v * 16 + d;
	}
	return 0;
}

static void put_utf8(struct rd *r, unsigned cp)
{
	if (cp < 0x80) {
		*r->out++ = (char)cp;
	} else if (cp < 0x800) {
		*r->out++ = (char)(0xc0 | (cp >> 6));
		*r->out++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*r->out++ = (char)(0xe0 | (cp >> 12));
		*r->out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*r->out++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*r->out++ = (char)(0xf0 | (cp >> 18));
		*r->out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*r->out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*r->out++ = (char)(0x80 | (cp & 0x3f));
	}
}

/* \uXXXX, with a surrogate pair for code points past U+FFFF. U+0000 is
 * refused: no argument or file name can hold it. */
static int unicode_escape(struct rd *r)
{
	unsigned cp, lo;
	int rc;

	if ((rc = hex4(r, &cp)) < 0)
		return rc;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(r, "lone low surrogate in \\u escape");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
			return fail(r, "high surrogate without its pair");
		r->p += 2;
		if ((rc = hex4(r, &lo)) < 0)
			return rc;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(r, "high surrogate without its pair");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0)
		return fail(r, "\\u0000 in a string");
	put_utf8(r, cp);
	return 0;
}

/* A string at r->p (after blanks), decoded into r->out, NUL-terminated;
 * *s points at it. */
static int read_string(struct rd *r, const char **s)
{
	if (!eat(r, '"'))
		return fail(r, "a string was expected");
	*s = r->out;
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;
		if (c < 0x20)
			return fail(r, c ? "control character in a string"
			                 : "NUL byte in a string");
		r->p++;
		if (c != '\\') {
			*r->out++ = (char)c;
			continue;
		}
		char e = r->p < r->end ? *r->p++ : '\0';
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
		const char *k = e ? strchr(from, e) : NULL;
		if (k) {
			*r->out++ = to[k - from];
		} else if (e == 'u') {
			int rc = unicode_escape(r);
			if (rc < 0)
				return rc;
		} else {
			return fail(r, "bad escape in a string");
		}
	}
	if (r->p == r->end)
		return fail(r, "unterminated string");
	r->p++;
	*r->out++ = '\0';
	return 0;
}

/* A non-negative JSON integer (no sign, fraction or exponent). */
static int read_uint(struct rd *r, const char *key, uint64_t *v)
{
	const char *d;

	skip_ws(r);
	d = r->p;
	*v = 0;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		unsigned dig = (unsigned)(*r->p - '0');
		if (*v > (UINT64_MAX - dig) / 10)
			return fail(r, "\"%s\" is too large", key);
		*v = *v * 10 + dig;
		r->p++;
	}
	if (r->p == d || (r->p < r->end && strchr(".eE-+", *r->p)))
		return fail(r, "\"%s\" must be a whole number of %s", key,
		            strstr(key, "_ms") ? "milliseconds" : "bytes");
	if (*d == '0' && r->p - d > 1)
		return fail(r, "\"%s\": a number with a leading zero", key);
	return 0;
}

static int read_bool(struct rd *r, const char *key, bool *v)
{
	skip_ws(r);
	if (r->end - r->p >= 4 && memcmp(r->p, "true", 4) == 0) {
		r->p += 4;
		*v = true;
	} else if (r->end - r->p >= 5 && memcmp(r->p, "false", 5) == 0) {
		r->p += 5;
		*v = false;
	} else {
		return fail(r, "\"%s\" must be true or false", key);
	}
	return 0;
}

static int read_argv(struct rd *r, struct sr_job *job)
{
	int rc;

	if (!eat(r, '['))
		return fail(r, "\"argv\" must be an array of strings");
	job->argv = job->argv_store;
	job->argc = 0;
	do {
		const char *s;
		if ((rc = read_string(r, &s)) < 0)
			return rc;
		job->argv[job->argc++] = (char *)s;
	} while (eat(r, ','));
	job->argv[job->argc] = NULL;
	if (!eat(r, ']'))
		return fail(r, "\"argv\": ',' or ']' expected");
	if (!job->argv[0][0])
		return fail(r, "\"argv\": empty program name");
	return 0;
}

static int read_id(struct rd *r, struct sr_job *job)
{
	const char *s;
	uint64_t v;
	int rc;

	skip_ws(r);
	if (r->p < r->end && *r->p == '"') {
		if ((rc = read_string(r, &s)) < 0)
			return rc;
		if (strlen(s) > SR_JOB_ID_MAX)
			return fail(r, "\"id\" is longer than %u bytes",
			            SR_JOB_ID_MAX);
		snprintf(job->id, sizeof(job->id), "%s", s);
	} else {
		if ((rc = read_uint(r, "id", &v)) < 0)
			return fail(r, "\"id\" must be a string or a whole number");
		snprintf(job->id, sizeof(job->id), "%llu", (unsigned long long)v);
		job->id_is_number = true;
	}
	job->has_id = true;
	return 0;
}

enum key {
	K_ID, K_ARGV, K_STDIN, K_STDOUT, K_STDERR, K_STDERR_TO_STDOUT, K_CPU,
	K_WALL, K_MEMORY, K_OUTPUT, K_STACK, K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"id", "argv", "stdin", "stdout", "stderr", "stderr_to_stdout",
	"cpu_ms", "wall_ms", "memory_bytes", "output_bytes", "stack_bytes",
};

/* A quota: positive (the library refuses 0 for every quota, the output's
 * too, as --output=0 is refused); a time quota at most what the library
 * takes (its nanosecond clock: INT64_MAX ns). */
static int read_quota(struct rd *r, const char *key, uint64_t *v)
{
	const uint64_t max_ms = (uint64_t)INT64_MAX / 1000000;
	int rc = read_uint(r, key, v);
	if (rc < 0)
		return rc;
	if (*v == SANDBOX_UNLIMITED)
		return fail(r, "\"%s\" is too large", key);
	if (*v == 0)
		return fail(r, "\"%s\" must be positive", key);
	if (strstr(key, "_ms") && *v > max_ms)
		return fail(r, "\"%s\" is too large (at most %" PRIu64 ")", key,
		            max_ms);
	return 0;
}

static int read_value(struct rd *r, enum key k, struct sr_job *job)
{
	uint64_t *quota[K_COUNT] = {
		[K_CPU] = &job->cpu_ms, [K_WALL] = &job->wall_ms,
		[K_MEMORY] = &job->memory_bytes, [K_OUTPUT] = &job->output_bytes,
		[K_STACK] = &job->stack_bytes,
	};
	int rc;

	switch (k) {
	case K_ID:
		return read_id(r, job);
	case K_ARGV:
		return read_argv(r, job);
	case K_STDIN:
	case K_STDOUT:
	case K_STDERR: {
		const char **dst = &job->stdio[k - K_STDIN];
		if ((rc = read_string(r, dst)) < 0)
			return rc;
		return **dst ? 0 : fail(r, "\"%s\": empty file name",
		                        key_names[k]);
	}
	case K_STDERR_TO_STDOUT:
		return read_bool(r, key_names[k], &job->stderr_to_stdout);
	default:
		return read_quota(r, key_names[k], quota[k]);
	}
}

void sr_job_free(struct sr_job *job)
{
	free(job->store);
	free(job->argv_store);
	job->store = NULL;
	job->argv_store = NULL;
	job->argv = NULL;
}

bool sr_job_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

static int parse_object(struct rd *r, struct sr_job *job)
{
	bool seen[K_COUNT] = { false };
	const char *key;
	int rc;

	if (!eat(r, '{'))
		return fail(r, "a job is one JSON object: '{' expected");
	if (eat(r, '}'))
		return 0;
	do {
		char *mark = r->out;
		size_t k;
		if ((rc = read_string(r, &key)) < 0)
			return rc;
		for (k = 0; k < K_COUNT && strcmp(key, key_names[k]) != 0; k++)
			;
		if (k == K_COUNT)
			return fail(r, "unknown key \"%.64s\" (see sandbox-run(1), "
			            "BATCH MODE)", key);
		if (seen[k])
			return fail(r, "\"%s\" given twice", key_names[k]);
		seen[k] = true;
		r->out = mark; /* the key's copy is not kept */
		if (!eat(r, ':'))
			return fail(r, "':' expected after \"%s\"", key_names[k]);
		if ((rc = read_value(r, (enum key)k, job)) < 0)
			return rc;
	} while (eat(r, ','));
	if (!eat(r, '}'))
		return fail(r, "',' or '}' expected");
	if (job->stderr_to_stdout && job->stdio[2])
		return fail(r, "\"stderr\" and \"stderr_to_stdout\" exclude each "
		            "other");
	return 0;
}

int sr_job_parse(const char *line, size_t len, struct sr_job *job, char *err,
                 size_t errlen)
{
	struct rd r = { line, line, line + len, NULL, err, errlen };
	int rc;

	memset(job, 0, sizeof(*job));
	job->cpu_ms = job->wall_ms = SANDBOX_UNLIMITED;
	job->memory_bytes = job->output_bytes = SANDBOX_UNLIMITED;
	job->stack_bytes = SANDBOX_UNLIMITED;
	if (err && errlen)
		err[0] = '\0';
	/* Decoding never makes a string longer; every string has two quotes
	 * in the line for its NUL, and an element of argv takes at least
	 * three bytes ("",). */
	job->store = malloc(len + 1);
	job->argv_store = malloc((len / 3 + 2) * sizeof(char *));
	if (!job->store || !job->argv_store)
		return -ENOMEM;
	r.out = job->store;
	if ((rc = parse_object(&r, job)) < 0)
		return rc;
	skip_ws(&r);
	if (r.p != r.end)
		return fail(&r, "text after the job's object");
	return 0;
}
