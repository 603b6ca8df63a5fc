/*
 * Policy files: a line-oriented text format for people who do not write
 * C (sandbox-policy(5), docs/POLICIES.md). One statement per line:
 *
 *   # comment (anywhere a word may start, to the end of the line)
 *   include BUILTIN            a built-in profile; first statement only
 *   default DISP               x86_64 syscalls without a rule
 *   read-dir PATH | write-dir PATH | exec-file PATH   [optional]
 *   read-args                  file rules (policy/files.c)
 *   files confined | files unconfined
 *   memory-mode vsize|rss      what the memory quota is judged on
 *   SYSCALL DISP [COND [&& COND]...]
 *
 *   DISP := allow | kill | trace | trace+exit | deny ERRNO
 *   COND := argN OP VALUE | argN & MASK == VALUE     (N is 0..5)
 *   OP   := == | != | < | <= | > | >=
 *   VALUE:= a C integer (42, 0x2a, 052, -1) | an errno-free name: self
 *
 * Words are separated by blanks. Every error names FILE:LINE:COLUMN (both
 * from 1; the column of the offending word, in bytes).
 *
 * The parser never stores the text: it walks it once, line by line, and
 * turns each statement into sandbox_policy_* calls on the target policy.
 */
#include "config.h"
#include "sources/sources.h"
#include "../policies/builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Longest policy file we read (a policy is a few hundred lines). */
#define PF_MAX_SIZE (1u << 20)
/* Words per line: syscall, deny, errno, 6 conditions of 5 words. */
#define PF_MAX_WORDS 40

struct pf_word {
	const char *s;
	size_t len;
	unsigned col;
};

struct pf {
	sandbox_policy_t *p;
	const char *name;
	unsigned line;
	struct pf_word w[PF_MAX_WORDS];
	unsigned nw;
	bool had_rule;     /* a statement other than include was seen */
	char *err;
	size_t errlen;
};

/* Error at word `i` of the current line (or at column `col` if i < 0). */
static int pf_error(struct pf *pf, int rc, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int pf_error(struct pf *pf, int rc, unsigned col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_errf(pf->err, pf->errlen, "%s:%u:%u: %s", pf->name, pf->line, col,
	        msg);
	return rc;
}

static bool word_is(const struct pf_word *w, const char *s)
{
	return w->len == strlen(s) && memcmp(w->s, s, w->len) == 0;
}

/* Copy a word into buf as a C string; -ENAMETOOLONG if it does not fit. */
static int word_str(const struct pf_word *w, char *buf, size_t len)
{
	if (w->len >= len)
		return -ENAMETOOLONG;
	memcpy(buf, w->s, w->len);
	buf[w->len] = '\0';
	return 0;
}

/* ------------------------------------------------------------ lexing */

/* Split one line (without its newline) into words. */
static int split(struct pf *pf, const char *s, size_t len)
{
	size_t i = 0;

	pf->nw = 0;
	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		if (s[i] == '\0' || (unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return pf_error(pf, -EINVAL, (unsigned)i + 1,
			                "control character 0x%02x in the text",
			                (unsigned char)s[i]);
		if (pf->nw == PF_MAX_WORDS)
			return pf_error(pf, -EINVAL, (unsigned)i + 1,
			                "line too long (more than %d words)",
			                PF_MAX_WORDS);
		struct pf_word *w = &pf->w[pf->nw++];
		w->s = s + i;
		w->col = (unsigned)i + 1;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		       s[i] != '#' && (unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			i++;
		w->len = (size_t)(s + i - w->s);
	}
	return 0;
}

/* ------------------------------------------------------------ values */

static int parse_u64(struct pf *pf, const struct pf_word *w, uint64_t *out)
{
	char buf[32], *end;
	bool neg = false;
	const char *s = buf;

	if (word_str(w, buf, sizeof(buf)) < 0)
		return pf_error(pf, -EINVAL, w->col, "number too long: \"%.*s\"",
		                (int)w->len > 40 ? 40 : (int)w->len, w->s);
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s < '0' || *s > '9')
		return pf_error(pf, -EINVAL, w->col,
		                "expected a number, got \"%s\"", buf);
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end || errno == ERANGE)
		return pf_error(pf, -EINVAL, w->col, "bad number \"%s\"", buf);
	*out = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	return 0;
}

/* An errno by name (EPERM) or number (1..4095). */
static int parse_errno(struct pf *pf, const struct pf_word *w, int *out)
{
	char buf[32];

	if (w->s[0] >= '0' && w->s[0] <= '9') {
		uint64_t v;
		int rc = parse_u64(pf, w, &v);
		if (rc < 0)
			return rc;
		if (v < 1 || v > 4095)
			return pf_error(pf, -EINVAL, w->col,
			                "errno %llu out of range (1..4095)",
			                (unsigned long long)v);
		*out = (int)v;
		return 0;
	}
	if (word_str(w, buf, sizeof(buf)) == 0)
		for (int e = 1; e < 4096; e++) {
			const char *n = strerrorname_np(e);
			if (n && strcmp(n, buf) == 0) {
				*out = e;
				return 0;
			}
		}
	return pf_error(pf, -EINVAL, w->col, "unknown errno \"%.*s\"",
	                (int)w->len > 40 ? 40 : (int)w->len, w->s);
}

/* DISP at word *i; advances *i past it (and past deny's errno). */
static int parse_disp(struct pf *pf, unsigned *i, int *disp, int *err)
{
	const struct pf_word *w = &pf->w[*i];

	*err = 0;
	if (word_is(w, "allow"))
		*disp = S_DISP_ALLOW;
	else if (word_is(w, "kill"))
		*disp = S_DISP_KILL;
	else if (word_is(w, "trace"))
		*disp = S_DISP_TRACE;
	else if (word_is(w, "trace+exit"))
		*disp = S_DISP_TRACE | S_DISP_FLAG_EXIT;
	else if (word_is(w, "deny")) {
		if (*i + 1 >= pf->nw)
			return pf_error(pf, -EINVAL, w->col + (unsigned)w->len + 1,
			                "\"deny\" needs an errno (EPERM, 13, ...)");
		(*i)++;
		*disp = S_DISP_ERRNO;
		return parse_errno(pf, &pf->w[(*i)++], err);
	} else
		return pf_error(pf, -EINVAL, w->col, "unknown disposition \"%.*s\" "
		                "(allow, deny ERRNO, kill, trace, trace+exit)",
		                (int)w->len > 40 ? 40 : (int)w->len, w->s);
	(*i)++;
	return 0;
}

/* ------------------------------------------------------------ conditions */

static int parse_op(const struct pf_word *w)
{
	static const struct { const char *s; int op; } ops[] = {
		{ "==", S_CMP_EQ }, { "!=", S_CMP_NE }, { "<", S_CMP_LT },
		{ "<=", S_CMP_LE }, { ">", S_CMP_GT }, { ">=", S_CMP_GE },
		{ "&", S_CMP_MASKED_EQ },
	};
	for (size_t k = 0; k < SB_ARRAY_SIZE(ops); k++)
		if (word_is(w, ops[k].s))
			return ops[k].op;
	return -1;
}

/* The word after word `i` (or an error "expected WHAT" at line end). */
static int need(struct pf *pf, unsigned i, const char *what)
{
	if (i < pf->nw)
		return 0;
	const struct pf_word *last = &pf->w[pf->nw - 1];
	return pf_error(pf, -EINVAL, last->col + (unsigned)last->len + 1,
	                "expected %s at the end of the line", what);
}

/* argN OP VALUE | argN & MASK == VALUE, starting at word *i. */
static int parse_cond(struct pf *pf, unsigned *i, sandbox_cond_t *c)
{
	const struct pf_word *w = &pf->w[*i];
	int rc, op;

	memset(c, 0, sizeof(*c));
	if (w->len != 4 || memcmp(w->s, "arg", 3) != 0 || w->s[3] < '0' ||
	    w->s[3] > '5')
		return pf_error(pf, -EINVAL, w->col, "expected a condition "
		                "\"argN OP VALUE\" (N is 0..5), got \"%.*s\"",
		                (int)w->len > 40 ? 40 : (int)w->len, w->s);
	c->arg = (unsigned)(w->s[3] - '0');
	if ((rc = need(pf, ++*i, "an operator (== != < <= > >= &)")) < 0)
		return rc;
	w = &pf->w[*i];
	if ((op = parse_op(w)) < 0)
		return pf_error(pf, -EINVAL, w->col, "unknown operator \"%.*s\" "
		                "(== != < <= > >= &)",
		                (int)w->len > 40 ? 40 : (int)w->len, w->s);
	c->op = op;
	if ((rc = need(pf, ++*i, "a value")) < 0)
		return rc;
	w = &pf->w[*i];
	if (op == S_CMP_MASKED_EQ) {
		if ((rc = parse_u64(pf, w, &c->a)) < 0 ||
		    (rc = need(pf, ++*i, "\"==\" after the mask")) < 0)
			return rc;
		w = &pf->w[*i];
		if (!word_is(w, "=="))
			return pf_error(pf, -EINVAL, w->col, "expected \"==\" after "
			                "the mask, got \"%.*s\"",
			                (int)w->len > 40 ? 40 : (int)w->len, w->s);
		if ((rc = need(pf, ++*i, "a value")) < 0 ||
		    (rc = parse_u64(pf, &pf->w[*i], &c->b)) < 0)
			return rc;
	} else if (word_is(w, "self")) {
		if (op != S_CMP_EQ && op != S_CMP_NE)
			return pf_error(pf, -EINVAL, w->col,
			                "\"self\" compares with == or != only");
		c->a = c->arg;
		c->arg |= S_ARG_SELF_PID;
	} else if ((rc = parse_u64(pf, w, &c->a)) < 0) {
		return rc;
	}
	(*i)++;
	return 0;
}

/* ------------------------------------------------------------ statements */

static int st_rule(struct pf *pf)
{
	sandbox_cond_t conds[6];
	unsigned i = 1, n = 0;
	char name[64];
	int disp, err, rc;

	if (word_str(&pf->w[0], name, sizeof(name)) < 0 ||
	    sandbox_syscall_number(S_ABI_X86_64, name) < 0)
		return pf_error(pf, -ENOENT, pf->w[0].col,
		                "unknown syscall \"%.*s\" (x86_64)",
		                (int)pf->w[0].len > 40 ? 40 : (int)pf->w[0].len,
		                pf->w[0].s);
	if ((rc = need(pf, i, "a disposition after the syscall name")) < 0 ||
	    (rc = parse_disp(pf, &i, &disp, &err)) < 0)
		return rc;
	while (i < pf->nw) {
		if (n > 0) {
			if (!word_is(&pf->w[i], "&&"))
				return pf_error(pf, -EINVAL, pf->w[i].col,
				                "expected \"&&\" between conditions");
			if ((rc = need(pf, ++i, "a condition after \"&&\"")) < 0)
				return rc;
		}
		if (n == 6)
			return pf_error(pf, -EINVAL, pf->w[i].col,
			                "more than 6 conditions");
		if ((rc = parse_cond(pf, &i, &conds[n++])) < 0)
			return rc;
	}
	rc = sandbox_policy_add_rule_name(pf->p, 1u << S_ABI_X86_64, name, disp,
	                                  err, conds, n);
	if (rc < 0)
		return pf_error(pf, rc, pf->w[0].col, "cannot add the rule: %s",
		                sandbox_strerror(rc));
	return 0;
}

static int st_include(struct pf *pf)
{
	const struct sb_builtin *b;
	char name[64];
	int rc;

	if ((rc = need(pf, 1, "a built-in policy name")) < 0)
		return rc;
	if (pf->nw > 2)
		return pf_error(pf, -EINVAL, pf->w[2].col,
		                "unexpected \"%.*s\" after the policy name",
		                (int)pf->w[2].len > 40 ? 40 : (int)pf->w[2].len,
		                pf->w[2].s);
	if (word_str(&pf->w[1], name, sizeof(name)) < 0 ||
	    !(b = sb_builtin_find(name)))
		return pf_error(pf, -ENOENT, pf->w[1].col,
		                "unknown built-in policy \"%.*s\"",
		                (int)pf->w[1].len > 40 ? 40 : (int)pf->w[1].len,
		                pf->w[1].s);
	if (pf->had_rule || pf->p->nrules || pf->p->files ||
	    pf->p->module.cleanup || pf->p->user.fn || pf->p->user.cleanup)
		return pf_error(pf, -EINVAL, pf->w[0].col, "\"include\" must come "
		                "first, into an empty policy (rules after it "
		                "tighten or loosen it)");
	if ((rc = b->build(pf->p)) < 0)
		return pf_error(pf, rc, pf->w[1].col, "cannot build \"%s\": %s",
		                name, sandbox_strerror(rc));
	return 0;
}

static int st_default(struct pf *pf)
{
	unsigned i = 1;
	int disp, err, rc;

	if ((rc = need(pf, i, "a disposition")) < 0 ||
	    (rc = parse_disp(pf, &i, &disp, &err)) < 0)
		return rc;
	if (i < pf->nw)
		return pf_error(pf, -EINVAL, pf->w[i].col,
		                "\"default\" takes no conditions");
	if ((rc = sandbox_policy_set_default(pf->p, S_ABI_X86_64, disp, err)) < 0)
		return pf_error(pf, rc, pf->w[0].col, "%s", sandbox_strerror(rc));
	return 0;
}

/* read-dir / write-dir / exec-file PATH [optional] */
static int st_file_rule(struct pf *pf, unsigned access)
{
	char path[PATH_MAX], msg[256] = "";
	int rc;

	if ((rc = need(pf, 1, "a path")) < 0)
		return rc;
	if (pf->nw > 2 && word_is(&pf->w[2], "optional"))
		access |= S_FILE_OPTIONAL;
	if (pf->nw > 3 || (pf->nw == 3 && !(access & S_FILE_OPTIONAL)))
		return pf_error(pf, -EINVAL, pf->w[pf->nw - 1].col, "unexpected "
		                "\"%.*s\" after the path (no blanks in paths; only "
		                "\"optional\" may follow)",
		                (int)pf->w[pf->nw - 1].len > 40 ? 40 :
		                (int)pf->w[pf->nw - 1].len, pf->w[pf->nw - 1].s);
	if (word_str(&pf->w[1], path, sizeof(path)) < 0)
		return pf_error(pf, -ENAMETOOLONG, pf->w[1].col, "path too long");
	if ((rc = sandbox_policy_add_file_rule(pf->p, path, access, msg,
	                                       sizeof(msg))) < 0)
		return pf_error(pf, rc, pf->w[1].col, "%s",
		                msg[0] ? msg : sandbox_strerror(rc));
	return 0;
}

static int st_memory_mode(struct pf *pf)
{
	int rc;

	if ((rc = need(pf, 1, "vsize or rss")) < 0)
		return rc;
	if (pf->nw > 2)
		return pf_error(pf, -EINVAL, pf->w[2].col,
		                "unexpected word after the memory mode");
	int mode = word_is(&pf->w[1], "vsize") ? S_MEMORY_VSIZE
	         : word_is(&pf->w[1], "rss") ? S_MEMORY_RSS : -1;
	if (mode < 0)
		return pf_error(pf, -EINVAL, pf->w[1].col,
		                "memory mode \"%.*s\" is neither vsize nor rss",
		                (int)pf->w[1].len > 40 ? 40 : (int)pf->w[1].len,
		                pf->w[1].s);
	return sandbox_policy_set_memory_mode(pf->p, mode);
}

static int st_read_args(struct pf *pf)
{
	int rc;

	if (pf->nw > 1)
		return pf_error(pf, -EINVAL, pf->w[1].col,
		                "\"read-args\" takes nothing after it");
	if ((rc = sandbox_policy_add_file_rule(pf->p, SANDBOX_FILE_ARGS,
	                                       S_FILE_READ, NULL, 0)) < 0)
		return pf_error(pf, rc, pf->w[0].col, "%s", sandbox_strerror(rc));
	return 0;
}

/* files confined | files unconfined */
static int st_files(struct pf *pf)
{
	bool on;
	int rc;

	if ((rc = need(pf, 1, "\"confined\" or \"unconfined\"")) < 0)
		return rc;
	if (word_is(&pf->w[1], "confined"))
		on = true;
	else if (word_is(&pf->w[1], "unconfined"))
		on = false;
	else
		return pf_error(pf, -EINVAL, pf->w[1].col, "expected \"confined\" "
		                "or \"unconfined\", not \"%.*s\"",
		                (int)pf->w[1].len > 40 ? 40 : (int)pf->w[1].len,
		                pf->w[1].s);
	if (pf->nw > 2)
		return pf_error(pf, -EINVAL, pf->w[2].col, "unexpected \"%.*s\"",
		                (int)pf->w[2].len > 40 ? 40 : (int)pf->w[2].len,
		                pf->w[2].s);
	if ((rc = sandbox_policy_confine_files(pf->p, on)) < 0)
		return pf_error(pf, rc, pf->w[0].col, "%s", sandbox_strerror(rc));
	return 0;
}

static int statement(struct pf *pf)
{
	const struct pf_word *w = &pf->w[0];
	int rc;

	if (word_is(w, "include"))
		return st_include(pf);
	if (word_is(w, "default"))
		rc = st_default(pf);
	else if (word_is(w, "read-dir"))
		rc = st_file_rule(pf, S_FILE_READ);
	else if (word_is(w, "write-dir"))
		rc = st_file_rule(pf, S_FILE_WRITE);
	else if (word_is(w, "memory-mode"))
		rc = st_memory_mode(pf);
	else if (word_is(w, "exec-file"))
		rc = st_file_rule(pf, S_FILE_EXEC);
	else if (word_is(w, "read-args"))
		rc = st_read_args(pf);
	else if (word_is(w, "files"))
		rc = st_files(pf);
	else
		rc = st_rule(pf);
	pf->had_rule = true;
	return rc;
}

/* ------------------------------------------------------------ entry points */

static int parse_text(struct pf *pf, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	int rc;

	for (pf->line = 1; s < end; pf->line++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if ((rc = split(pf, s, n)) < 0)
			return rc;
		if (pf->nw && (rc = statement(pf)) < 0)
			return rc;
		s += n + 1;
	}
	return 0;
}

int sb_file_add_text(sandbox_policy_t *p, const char *text, size_t len,
                     const char *name, char *err, size_t errlen)
{
	struct pf pf = { .p = p, .name = name ? name : "<text>", .err = err,
	                 .errlen = errlen };

	if (!p || (!text && len)) {
		sb_errf(err, errlen, "%s: no policy or no text", pf.name);
		return -EINVAL;
	}
	return parse_text(&pf, text, len);
}

sandbox_policy_t *sb_file_parse(const char *text, size_t len,
                                const char *name, char *err, size_t errlen)
{
	sandbox_policy_t *p = sandbox_policy_new();
	int rc;

	if (!p) {
		sb_errf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	if ((rc = sb_file_add_text(p, text, len, name, err, errlen)) < 0) {
		sandbox_policy_unref(p);
		errno = -rc;
		return NULL;
	}
	return p;
}

/* Read a whole (small) regular file. Opened without blocking, so a FIFO
 * nobody writes is refused, not waited on (review-stop24 D4); read to
 * its end rather than to the size fstat() gives, so a file whose size
 * says nothing (/proc) gives its text or its read error, never an empty
 * policy. */
static int slurp(const char *path, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	int rc = 0;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if (st.st_size > PF_MAX_SIZE || !(buf = malloc(PF_MAX_SIZE + 1))) {
		rc = st.st_size > PF_MAX_SIZE ? -EFBIG : -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, buf + n, PF_MAX_SIZE + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > PF_MAX_SIZE) {
			rc = -EFBIG;
			break;
		}
	}
out:
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*len = n;
	return 0;
}

sandbox_policy_t *sb_file_load(const char *path, char *err, size_t errlen)
{
	sandbox_policy_t *p = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (!path) {
		sb_errf(err, errlen, "no policy file");
		errno = EINVAL;
		return NULL;
	}
	if ((rc = slurp(path, &text, &len)) < 0) {
		sb_errf(err, errlen, "%s: %s", path, rc == -EINVAL ?
		        "not a regular file" : strerror(-rc));
		errno = -rc;
		return NULL;
	}
	p = sb_file_parse(text, len, path, err, errlen);
	free(text);
	return p;
}

/* "PATH.so" or "PATH.so:ARG"? Returns the length of PATH.so, or 0. */
static size_t module_spec(const char *spec)
{
	size_t n = strlen(spec);
	const char *colon;

	if (n > 3 && strcmp(spec + n - 3, ".so") == 0)
		return n;
	for (colon = strstr(spec, ".so:"); colon; colon = strstr(colon + 1, ".so:"))
		if (colon > spec && colon[-1] != '/')
			return (size_t)(colon - spec) + 3;
	return 0;
}

static sandbox_policy_t *load_builtin(const char *spec, char *err,
                                      size_t errlen)
{
	sandbox_policy_t *p = sb_builtin_new(spec);

	if (!p) {
		int e = errno;
		if (e == ENOENT)
			sb_errf(err, errlen, "%s: no such built-in policy (see "
			        "sandbox_policy_list(); a policy file needs a '/' or "
			        "a '.' in its name, e.g. ./%s)", spec, spec);
		else
			sb_errf(err, errlen, "%s: %s", spec, strerror(e));
		errno = e;
	}
	return p;
}

sandbox_policy_t *sb_source_load(const char *spec, char *err, size_t errlen)
{
	size_t n;

	if (!spec || !spec[0]) {
		sb_errf(err, errlen, "empty policy name");
		errno = EINVAL;
		return NULL;
	}
	if (!strchr(spec, '/') && !strchr(spec, '.'))
		return load_builtin(spec, err, errlen);
	if ((n = module_spec(spec)) > 0) {
		char *path = strndup(spec, n);
		sandbox_policy_t *p;
		if (!path) {
			sb_errf(err, errlen, "%s", strerror(ENOMEM));
			errno = ENOMEM;
			return NULL;
		}
		p = sb_module_load(path, spec[n] ? spec + n + 1 : NULL, err,
		                   errlen);
		int e = errno;
		free(path);
		errno = e;
		return p;
	}
	return sb_file_load(spec, err, errlen);
}
