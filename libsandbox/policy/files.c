/*
 * File rules: the second layer of a policy (policy.h). Which files and
 * directories the program may read, write, or execute; everything else
 * it may not open, create, remove, rename, link, truncate or execute.
 *
 * This file only keeps the rules and turns them into concrete host paths
 * for one run (sb_files_resolve); the kernel enforces them: Landlock
 * (landlock.c builds the ruleset), or, on a kernel without it, a private
 * mount view holding only those paths (isolation/mounts.c). Nothing here
 * reads the program's memory: a path string the program controls is
 * never what decides.
 *
 * A rule's path is absolute (as the program sees the file system: inside
 * its chroot or box), relative to the program's working directory ("." is
 * the working directory itself), or SANDBOX_FILE_ARGS: every regular file
 * named by one of the program's arguments (argv[1..]; an interpreter's
 * script). A policy without the layer (p->files NULL) leaves files to the
 * program's credentials.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct sb_file_rule {
	char *path;
	unsigned access;   /* S_FILE_* */
};

struct sb_files {
	struct sb_file_rule *v;
	size_t n;
};

void sb_files_free(struct sb_files *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < L->n; i++)
		free(L->v[i].path);
	free(L->v);
	free(L);
}

/* A usable rule path: SANDBOX_FILE_ARGS, or a path without a ".."
 * component (absolute, or relative to the working directory). */
static bool good_path(const char *path)
{
	if (!path || !path[0])
		return false;
	if (strcmp(path, SANDBOX_FILE_ARGS) == 0)
		return true;
	if (path[0] == '@')
		return false; /* reserved for names like SANDBOX_FILE_ARGS */
	for (const char *s = path; *s;) {
		size_t len = strcspn(s, "/");
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += len;
		s += strspn(s, "/");
	}
	return true;
}

int sb_files_confine(sandbox_policy_t *p, bool confined)
{
	if (!confined) {
		sb_files_free(p->files);
		p->files = NULL;
	} else if (!p->files && !(p->files = calloc(1, sizeof(*p->files)))) {
		return -ENOMEM;
	}
	p->generation++;
	return 0;
}

int sb_files_add(sandbox_policy_t *p, const char *path, unsigned access,
                 char *err, size_t errlen)
{
	const unsigned known = S_FILE_READ | S_FILE_WRITE | S_FILE_EXEC |
	                       S_FILE_OPTIONAL;
	struct sb_file_rule *v;
	char *copy;
	int rc;

	if (!good_path(path)) {
		sb_errf(err, errlen, "bad path \"%s\" (absolute, or relative to "
		        "the working directory, without \"..\"; or %s)",
		        path ? path : "", SANDBOX_FILE_ARGS);
		return -EINVAL;
	}
	if ((access & ~known) || !(access & (S_FILE_READ | S_FILE_WRITE |
	                                     S_FILE_EXEC))) {
		sb_errf(err, errlen, "bad access %#x for \"%s\" (S_FILE_READ, "
		        "S_FILE_WRITE, S_FILE_EXEC, S_FILE_OPTIONAL)", access, path);
		return -EINVAL;
	}
	if ((rc = sb_files_confine(p, true)) < 0)
		return rc;
	if (!(copy = strdup(path)))
		return -ENOMEM;
	v = realloc(p->files->v, (p->files->n + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return -ENOMEM;
	}
	/* Writing and executing include reading. */
	v[p->files->n].path = copy;
	v[p->files->n].access = access | S_FILE_READ;
	p->files->v = v;
	p->files->n++;
	return 0;
}

/* ------------------------------------------------------------ one run */

static int one(const struct sb_files_where *w, const char *inside,
               unsigned access, bool files_only, sb_files_fn fn, void *data)
{
	bool optional = access & S_FILE_OPTIONAL;
	struct stat st;
	char *host;
	int rc;

	errno = 0;
	if (!(host = w->host(inside, w->data))) {
		if (errno == ENOMEM)
			return -ENOMEM;
		/* Not visible to the program at all: nothing to allow. */
		return optional || files_only ? 0 : -ENOENT;
	}
	if (stat(host, &st) < 0) {
		rc = -errno;
		free(host);
		return (optional || files_only) && rc == -ENOENT ? 0 : rc;
	}
	rc = 0;
	if (!files_only || S_ISREG(st.st_mode))
		rc = fn(inside, host, access & ~S_FILE_OPTIONAL, data);
	free(host);
	return rc;
}

static char *join(const char *dir, const char *rel)
{
	char *s;
	size_t n = strlen(dir);

	if (strcmp(rel, ".") == 0)
		return strdup(dir);
	if (asprintf(&s, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
	             rel) < 0)
		return NULL;
	return s;
}

/* Is `inside` the root directory of the program's view? */
static bool is_root(const struct sb_files_where *w, const char *inside)
{
	char *a = w->host(inside, w->data), *b = w->host("/", w->data);
	struct stat sa, sb;
	bool same = a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	            sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;

	free(a);
	free(b);
	return same;
}

int sb_files_resolve(const sandbox_policy_t *p, const struct sb_files_where *w,
                     sb_files_fn fn, void *data, const char **bad)
{
	const struct sb_files *L = p->files;
	int rc = 0;

	for (size_t i = 0; L && i < L->n && rc == 0; i++) {
		const struct sb_file_rule *r = &L->v[i];
		*bad = r->path;
		if (strcmp(r->path, SANDBOX_FILE_ARGS) == 0) {
			for (size_t a = 0; w->args && w->args[a] && rc == 0; a++) {
				char *in = w->args[a][0] == '/' ? strdup(w->args[a])
				                                 : join(w->workdir, w->args[a]);
				if (!in)
					return -ENOMEM;
				rc = one(w, in, r->access, true, fn, data);
				free(in);
			}
		} else if (r->path[0] == '/') {
			rc = one(w, r->path, r->access, false, fn, data);
		} else {
			/* A working directory of "/" would make "." the whole
			 * file system: relative rules then grant nothing. */
			char *in = join(w->workdir, r->path);
			if (!in)
				return -ENOMEM;
			if (!is_root(w, in))
				rc = one(w, in, r->access, false, fn, data);
			free(in);
		}
	}
	if (rc == 0)
		*bad = NULL;
	return rc;
}

/* ------------------------------------------------------------ explain */

void sb_files_explain(const sandbox_policy_t *p, FILE *f)
{
	const struct sb_files *L = p->files;

	if (!L) {
		fputs("# file rules: none (files are limited only by the "
		      "program's credentials)\n", f);
		return;
	}
	fputs("# file rules (enforced by the kernel: Landlock, or a private "
	      "mount view without it):\n", f);
	for (size_t i = 0; i < L->n; i++) {
		const struct sb_file_rule *r = &L->v[i];
		const char *kw = (r->access & S_FILE_WRITE) ? "write-dir" :
		                 (r->access & S_FILE_EXEC) ? "exec-file" :
		                 "read-dir ";
		if (strcmp(r->path, SANDBOX_FILE_ARGS) == 0)
			fprintf(f, "#   read-args  (every regular file named by an "
			        "argument)%s\n", (r->access & S_FILE_EXEC) ?
			        " (execute too)" : "");
		else
			fprintf(f, "#   %s %s%s%s%s\n", kw, r->path,
			        (r->access & (S_FILE_WRITE | S_FILE_EXEC)) ==
			        (S_FILE_WRITE | S_FILE_EXEC) ? " (execute too)" : "",
			        r->path[0] == '/' ? "" :
			        "  (relative to the program's working directory)",
			        (r->access & S_FILE_OPTIONAL) ? "  optional" : "");
	}
	fputs("#   and the program's own file and its interpreter: read, "
	      "execute\n#   anything else: no open, create, remove, rename, "
	      "link, truncate or execute\n", f);
}
