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
 * script), never a symbolic link. A policy without the layer (p->files NULL) leaves files to the
 * program's credentials.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
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

/* What one resolution knows of the program's root directory. */
struct walk {
	const struct sb_files_where *w;
	sb_files_fn fn;
	void *data;
	bool have_root;
	struct stat root;
};

/* One rule path (as the program sees it): open it (O_PATH) in the
 * supervisor's view and hand it to the callback. A missing path is
 * skipped when `optional`; `files_only` takes regular files only;
 * `not_root` skips the root directory of the program's view. */
static int one(struct walk *k, const char *inside, unsigned access,
               bool files_only, bool not_root)
{
	bool optional = (access & S_FILE_OPTIONAL) || files_only;
	struct stat st;
	char *host;
	int fd, rc = 0;

	errno = 0;
	if (!(host = k->w->host(inside, k->w->data))) {
		if (errno == ENOMEM)
			return -ENOMEM;
		/* Not visible to the program at all: nothing to allow. */
		return optional ? 0 : -ENOENT;
	}
	/* An argument's file must be a regular file itself: a symbolic link
	 * named there grants nothing (the policy's own paths are followed:
	 * /etc/localtime is one). */
	if ((fd = open(host, O_PATH | O_CLOEXEC |
	                     (files_only ? O_NOFOLLOW : 0))) < 0) {
		rc = -errno;
		if (rc == -ENOENT && k->w->seen)
			k->w->seen(host, files_only, NULL, k->w->data);
		free(host);
		return optional && rc == -ENOENT ? 0 : rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (k->w->seen)
		k->w->seen(host, files_only, &st, k->w->data);
	if (files_only && !S_ISREG(st.st_mode))
		rc = 0;
	else if (not_root && k->have_root && st.st_dev == k->root.st_dev &&
	         st.st_ino == k->root.st_ino)
		rc = 0; /* "." of a working directory "/": the whole system */
	else
		rc = k->fn(inside, host, fd, &st, access & ~S_FILE_OPTIONAL,
		           k->data);
out:
	close(fd);
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

int sb_files_resolve(const sandbox_policy_t *p, const struct sb_files_where *w,
                     sb_files_fn fn, void *data, const char **bad)
{
	const struct sb_files *L = p->files;
	struct walk k = { .w = w, .fn = fn, .data = data };
	char *wd = w->host(w->workdir, w->data), *root = w->host("/", w->data);
	struct stat st;
	/* A working directory that is not there: the run fails at its chdir
	 * step, which says so; relative rules have nothing to name. */
	bool wd_ok = wd && stat(wd, &st) == 0 && S_ISDIR(st.st_mode);
	int rc = 0;

	k.have_root = root && stat(root, &k.root) == 0;
	free(wd);
	free(root);
	for (size_t i = 0; L && i < L->n && rc == 0; i++) {
		const struct sb_file_rule *r = &L->v[i];
		*bad = r->path;
		if (strcmp(r->path, SANDBOX_FILE_ARGS) == 0) {
			for (size_t a = 0; w->args && w->args[a] && rc == 0; a++) {
				char *in = w->args[a][0] == '/' ? strdup(w->args[a])
				                                 : join(w->workdir, w->args[a]);
				if (!in)
					return -ENOMEM;
				rc = one(&k, in, r->access, true, false);
				free(in);
			}
		} else if (r->path[0] == '/') {
			rc = one(&k, r->path, r->access, false, false);
		} else if (wd_ok) {
			char *in = join(w->workdir, r->path);
			if (!in)
				return -ENOMEM;
			rc = one(&k, in, r->access, false, true);
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
