/*
 * sandbox-run: the files opened around a run (see files.h).
 */
#include "config.h"
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

void sr_files_error(char *err, size_t errlen, const char *opt,
                    const char *path, int rc)
{
	switch (rc) {
	case -ELOOP:
		fail(err, errlen, rc, "%s: %s is a symbolic link, or its path goes "
		     "through one (a program could have planted it); give the "
		     "real path", opt, path);
		break;
	case -EMLINK:
		fail(err, errlen, rc, "%s: %s has more than one name and lies "
		     "where a program could make names (a hard link it could "
		     "have planted); give a file of its own", opt, path);
		break;
	case -EPERM:
		fail(err, errlen, rc, "%s: %s belongs to a user the program "
		     "runs as, or to another user where a program or another "
		     "user could make names (a file, FIFO or device could have "
		     "been planted there): give one of your own in a directory "
		     "only you can write (as root, only root's own files and "
		     "devices are taken there)", opt, path);
		break;
	case -ENXIO:
		fail(err, errlen, rc, "%s: %s is a FIFO that nobody reads", opt,
		     path);
		break;
	case -EISDIR:
		fail(err, errlen, rc, "%s: %s is a directory", opt, path);
		break;
	default:
		fail(err, errlen, rc, "%s: %s: %s", opt, path, strerror(-rc));
		break;
	}
}

void sr_files_init(struct sr_files *f)
{
	static const char *const opts[SR_OUT_COUNT] = {
		"--report", "--meta", "--profile-svg" };

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 3; i++)
		f->stdio[i] = -1;
	f->profile_fd = f->log_fd = -1;
	for (int i = 0; i < SR_OUT_COUNT; i++) {
		f->out[i].opt = opts[i];
		f->out[i].dirfd = f->out[i].inplace_fd = -1;
	}
}

/* ------------------------------------------------------------ names */

/* The directory part of path (".", "/", or everything before the last
 * slash) and its last component. -EISDIR when there is no last
 * component ("dir/", "..", "."). */
static int split(const char *path, char *dir, size_t dlen, char *base)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EISDIR;
	if (strlen(name) > NAME_MAX)
		return -ENAMETOOLONG;
	if (!slash)
		snprintf(dir, dlen, ".");
	else if (slash == path)
		snprintf(dir, dlen, "/");
	else if ((size_t)(slash - path) >= dlen)
		return -ENAMETOOLONG;
	else
		snprintf(dir, dlen, "%.*s", (int)(slash - path), path);
	strcpy(base, name);
	return 0;
}

/* A name for a temporary file next to `base`: ".BASE.XXXXXXXX". */
static void temp_name(char *out, const char *base)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[8];

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
		/* No entropy yet (early boot): unique enough with O_EXCL. */
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		uint64_t v = (uint64_t)t.tv_nsec * 2654435761u ^ (uint64_t)getpid();
		memcpy(rnd, &v, sizeof(rnd));
	}
	int n = snprintf(out, NAME_MAX + 1, ".%.*s.", NAME_MAX - 10, base);
	for (size_t i = 0; i < sizeof(rnd); i++)
		out[n + (int)i] = digits[rnd[i] % (sizeof(digits) - 1)];
	out[n + (int)sizeof(rnd)] = '\0';
}

/* Create a fresh temporary file in dirfd (never through a link: O_EXCL),
 * its name in out. Returns the descriptor or -errno. */
static int create_temp(int dirfd, const char *base, char *out)
{
	for (int tries = 0; tries < 100; tries++) {
		temp_name(out, base);
		int fd = openat(dirfd, out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		                O_CLOEXEC, 0600);
		/* Readable by all, writable by us alone, whatever the umask
		 * (under 000 another run could rewrite it before the rename). */
		if (fd >= 0 && fchmod(fd, 0644) < 0) {
			int e = -errno;
			close(fd);
			unlinkat(dirfd, out, 0);
			return e;
		}
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

/* ------------------------------------------------------------ prepare */

/* Where a result file goes, and whether a new file can be made there. */
static int prepare_result(struct sr_result_file *r, const struct sr_options *o,
                          char *err, size_t errlen)
{
	char *dir = r->dir, tmp[NAME_MAX + 1];
	struct stat st;
	int rc;

	if (strcmp(r->path, "-") == 0) {
		r->to_stdout = true;
		return 0;
	}
	if (r->dirfd >= 0) { /* a second try (sr_files_prepare_results) */
		close(r->dirfd);
		r->dirfd = -1;
	}
	if ((rc = split(r->path, dir, sizeof(r->dir), r->base)) < 0) {
		sr_files_error(err, errlen, r->opt, r->path, rc);
		return rc;
	}
	if ((r->dirfd = sandbox_open_file(dir, SANDBOX_OPEN_DIR, 0)) < 0) {
		rc = r->dirfd;
		r->dirfd = -1;
		sr_files_error(err, errlen, r->opt, dir, rc);
		return rc;
	}
	if (fstatat(r->dirfd, r->base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return fail(err, errlen, -errno, "%s: %s: %s", r->opt,
			            r->path, strerror(errno));
		st.st_mode = S_IFREG; /* nothing there: made fresh */
	}
	if (S_ISLNK(st.st_mode)) {
		sr_files_error(err, errlen, r->opt, r->path, -ELOOP);
		return -ELOOP;
	}
	if (S_ISDIR(st.st_mode)) {
		sr_files_error(err, errlen, r->opt, r->path, -EISDIR);
		return -EISDIR;
	}
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		/* /dev/null, a FIFO a judge reads: written where it is, once
		 * the checks of every file option say nobody planted it (the
		 * open never blocks on a FIFO). */
		r->inplace_fd = sr_open_file(o, r->path, SANDBOX_OPEN_APPEND, 0600);
		if (r->inplace_fd >= 0 && fstat(r->inplace_fd, &st) == 0 &&
		    !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
			close(r->inplace_fd);
			r->inplace_fd = -ESTALE; /* replaced meanwhile */
		}
		if (r->inplace_fd < 0) {
			rc = r->inplace_fd;
			r->inplace_fd = -1;
			sr_files_error(err, errlen, r->opt, r->path, rc);
			return rc;
		}
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return fail(err, errlen, -EINVAL, "%s: %s is neither a regular "
		            "file nor a FIFO or device", r->opt, r->path);
	/* Prove that a new file can be made there now, not after the run. */
	int fd = create_temp(r->dirfd, r->base, tmp);
	if (fd < 0)
		return fail(err, errlen, fd, "%s: cannot create a file in %s: %s",
		            r->opt, dir, strerror(-fd));
	close(fd);
	unlinkat(r->dirfd, tmp, 0);
	r->replace = true;
	return 0;
}

/* Which file a path names, as far as it exists: its directory and last
 * component, and the file itself when it is there. */
struct identity {
	const char *opt, *path;
	bool known, exists;
	dev_t ddev, fdev;
	ino_t dino, fino;
	char base[NAME_MAX + 1];
};

static void identify(struct identity *id, const char *opt, const char *path)
{
	char dir[PATH_MAX];
	struct stat st;

	memset(id, 0, sizeof(*id));
	id->opt = opt;
	id->path = path;
	if (!path || !strcmp(path, "-") || split(path, dir, sizeof(dir), id->base) < 0)
		return;
	int dfd = sandbox_open_file(dir, SANDBOX_OPEN_DIR, 0);
	if (dfd < 0)
		return; /* the open itself will say why */
	if (fstat(dfd, &st) == 0) {
		id->known = true;
		id->ddev = st.st_dev;
		id->dino = st.st_ino;
	}
	if (fstatat(dfd, id->base, &st, 0) == 0 && !S_ISCHR(st.st_mode)) {
		id->exists = true;
		id->fdev = st.st_dev;
		id->fino = st.st_ino;
	}
	close(dfd);
}

static bool same(const struct identity *a, const struct identity *b)
{
	if (!a->known || !b->known)
		return false;
	if (a->exists && b->exists)
		return a->fdev == b->fdev && a->fino == b->fino;
	return a->ddev == b->ddev && a->dino == b->dino &&
	       strcmp(a->base, b->base) == 0;
}

/* No two options may name one file, except --stdout and --stderr (which
 * then share a descriptor): the output would destroy the input, the
 * report would replace the output. Devices (/dev/null) may repeat. */
static int check_distinct(const struct sr_options *o, char *err, size_t errlen)
{
	const char *opts[] = { "--stdin", "--stdout", "--stderr", "--trace-file",
	                       "--profile", "--report", "--meta", "--profile-svg",
	                       "--interaction-log" };
	const char *paths[] = { o->stdio[0], o->stdio[1], o->stdio[2], o->trace_file,
	                        o->profile, o->report, o->meta, o->profile_svg,
	                        o->ia.log };
	enum { N = sizeof(opts) / sizeof(opts[0]) };
	struct identity id[N];

	for (int i = 0; i < N; i++)
		identify(&id[i], opts[i], paths[i]);
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			if (!(i == 1 && j == 2) && same(&id[i], &id[j]))
				return fail(err, errlen, -EINVAL,
				            "%s and %s name the same file (%s)",
				            id[i].opt, id[j].opt, id[i].path);
	return 0;
}

/* The result files not prepared yet. */
static int prepare_results(struct sr_files *f, const struct sr_options *o,
                           char *err, size_t errlen)
{
	const char *paths[SR_OUT_COUNT] = { o->report, o->meta, o->profile_svg };
	int rc;

	for (int i = 0; i < SR_OUT_COUNT; i++) {
		struct sr_result_file *r = &f->out[i];
		if (r->to_stdout || r->replace || r->inplace_fd >= 0)
			continue;
		r->path = paths[i];
		if (paths[i] && (rc = prepare_result(r, o, err, errlen)) < 0)
			return rc;
	}
	return 0;
}

int sr_files_prepare(struct sr_files *f, const struct sr_options *o,
                     char *err, size_t errlen)
{
	int rc;

	f->stderr_to_stdout = o->stderr_to_stdout;
	if ((rc = check_distinct(o, err, errlen)) < 0)
		return rc;
	if (o->stdio[0]) {
		f->stdio[0] = sr_open_file(o, o->stdio[0], SANDBOX_OPEN_READ, 0);
		if ((rc = f->stdio[0]) < 0) {
			f->stdio[0] = -1;
			sr_files_error(err, errlen, "--stdin", o->stdio[0], rc);
			return rc;
		}
	}
	return prepare_results(f, o, err, errlen);
}


/* ------------------------------------------------------------ open */

static int open_output(const struct sr_options *o, const char *opt,
                       const char *path, mode_t mode, char *err,
                       size_t errlen)
{
	int fd = sr_open_file(o, path, SANDBOX_OPEN_WRITE, mode);
	if (fd < 0)
		sr_files_error(err, errlen, opt, path, fd);
	return fd;
}

static bool same_open_file(int a, int b)
{
	struct stat sa, sb;
	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* --report=- and friends write to our standard output: refused when the
 * program's own output would land there too. */
static int check_stdout_is_ours(const struct sr_files *f,
                                const struct sr_options *o, char *err,
                                size_t errlen)
{
	const char *who = NULL;
	int n = 0;

	for (int i = 0; i < SR_OUT_COUNT; i++)
		if (f->out[i].to_stdout)
			who = f->out[i].opt, n++;
	if (o->profile && !strcmp(o->profile, "-"))
		who = "--profile", n++;
	if (n > 1) /* args.c refuses it first */
		return fail(err, errlen, -EINVAL, "only one option may write to "
		            "standard output");
	if (!who || o->ia.command)
		return 0; /* interactive: its stdout is the interactor's */
	/* Where the program's stdout and stderr go (a --stdout or --stderr
	 * not opened yet, in sr_files_prepare_results(): a file of its own,
	 * -2). */
	int out = f->stdio[1] >= 0 ? f->stdio[1] : o->stdio[1] ? -2
	        : STDOUT_FILENO;
	int errfd = f->stderr_to_stdout ? out
	          : f->stdio[2] >= 0 ? f->stdio[2] : o->stdio[2] ? -2
	          : STDERR_FILENO;
	if (out == STDOUT_FILENO || same_open_file(out, STDOUT_FILENO))
		return fail(err, errlen, -EINVAL, "%s=-: the program's standard "
		            "output goes to standard output too; give --stdout=FILE "
		            "(or %s=FILE)", who, who);
	if (errfd == STDOUT_FILENO || same_open_file(errfd, STDOUT_FILENO))
		return fail(err, errlen, -EINVAL, "%s=-: the program's standard "
		            "error goes to standard output too; give --stderr=FILE "
		            "(or %s=FILE)", who, who);
	return 0;
}

int sr_files_prepare_results(struct sr_files *f, const struct sr_options *o,
                             char *err, size_t errlen)
{
	int rc;
	if ((rc = check_distinct(o, err, errlen)) < 0 ||
	    (rc = prepare_results(f, o, err, errlen)) < 0)
		return rc;
	return check_stdout_is_ours(f, o, err, errlen);
}

int sr_files_open(struct sr_files *f, const struct sr_options *o,
                  char *err, size_t errlen)
{
	int rc;

	if (o->stdio[1] &&
	    (f->stdio[1] = open_output(o, "--stdout", o->stdio[1], 0644, err,
	                               errlen)) < 0)
		return f->stdio[1] = -1, -EINVAL;
	if (o->stdio[2] &&
	    (f->stdio[2] = open_output(o, "--stderr", o->stdio[2], 0644, err,
	                               errlen)) < 0)
		return f->stdio[2] = -1, -EINVAL;
	if (f->stdio[1] >= 0 && f->stdio[2] >= 0 &&
	    same_open_file(f->stdio[1], f->stdio[2])) {
		/* One file, one open file description: nothing overwritten. */
		close(f->stdio[2]);
		f->stdio[2] = -1;
		f->stderr_to_stdout = true;
	}
	if ((rc = check_stdout_is_ours(f, o, err, errlen)) < 0)
		return rc;
	if (o->trace) {
		f->trace = stderr;
		if (o->trace_file && strcmp(o->trace_file, "-") != 0) {
			int fd = open_output(o, "--trace-file", o->trace_file, 0666, err,
			                     errlen);
			if (fd < 0)
				return -EINVAL;
			if (!(f->trace = fdopen(fd, "w"))) {
				close(fd);
				return fail(err, errlen, -errno, "--trace-file: %s",
				            strerror(errno));
			}
		}
	}
	if (o->profile) {
		f->profile_fd = !strcmp(o->profile, "-")
		    ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
		    : open_output(o, "--profile", o->profile, 0666, err, errlen);
		if (f->profile_fd < 0)
			return f->profile_fd = -1, -EINVAL;
	}
	if (o->ia.log &&
	    (f->log_fd = open_output(o, "--interaction-log", o->ia.log, 0666,
	                             err, errlen)) < 0)
		return f->log_fd = -1, -EINVAL;
	/* An old report must not outlive a run that leaves none. */
	for (int i = 0; i < SR_OUT_COUNT; i++) {
		struct sr_result_file *r = &f->out[i];
		if (r->replace && unlinkat(r->dirfd, r->base, 0) < 0 &&
		    errno != ENOENT)
			return fail(err, errlen, -errno, "%s: cannot remove the old "
			            "%s: %s", r->opt, r->path, strerror(errno));
	}
	return 0;
}

/* ------------------------------------------------------------ commit */

/* Write one file through fn; closes fd. Returns 0 or -errno. */
static int write_through(int fd, sr_result_fn fn, const void *ctx, bool sync)
{
	FILE *fp = fdopen(fd, "w");
	int rc;

	if (!fp) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = fn(fp, ctx);
	if (fflush(fp) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && sync && fsync(fd) < 0)
		rc = -errno;
	if (fclose(fp) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* Nothing may be left at any result path: our temporary files, what we
 * renamed into place, a file the program put there. */
static void remove_results(struct sr_files *f)
{
	for (int i = 0; i < SR_OUT_COUNT; i++) {
		struct sr_result_file *r = &f->out[i];
		if (!r->replace)
			continue;
		if (r->tmp[0])
			unlinkat(r->dirfd, r->tmp, 0);
		r->tmp[0] = '\0';
		unlinkat(r->dirfd, r->base, 0);
	}
}

/* Is r's directory still the one its path named before the run? A
 * program that can write its parent could have renamed it away and put a
 * directory of its own, with a forged report, in its place. */
static int same_directory(const struct sr_result_file *r)
{
	struct stat a, b;
	int fd = sandbox_open_file(r->dir, SANDBOX_OPEN_DIR, 0);
	if (fd < 0)
		return fd;
	int rc = fstat(fd, &a) == 0 && fstat(r->dirfd, &b) == 0 &&
	         a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 0 : -ESTALE;
	if (rc < 0)
		unlinkat(fd, r->base, 0); /* nothing at the path a judge reads */
	close(fd);
	return rc;
}

/* Steps 1 and 2 of a commit: every renamed file complete on disk under a
 * temporary name, then all of them into place. Returns the index of the
 * file that failed (rc in *rc), or -1. */
static int commit_renamed(struct sr_files *f, const sr_result_fn fn[],
                          const void *ctx, int *rc)
{
	for (int i = 0; i < SR_OUT_COUNT; i++) {
		if (f->out[i].replace && (*rc = same_directory(&f->out[i])) < 0)
			return i;
	}
	for (int i = 0; i < SR_OUT_COUNT; i++) {
		struct sr_result_file *r = &f->out[i];
		if (!r->replace)
			continue;
		int fd = create_temp(r->dirfd, r->base, r->tmp);
		if (fd < 0) {
			r->tmp[0] = '\0';
			*rc = fd;
			return i;
		}
		if ((*rc = write_through(fd, fn[i], ctx, true)) < 0)
			return i;
	}
	for (int i = 0; i < SR_OUT_COUNT; i++) {
		struct sr_result_file *r = &f->out[i];
		if (!r->replace)
			continue;
		if (renameat(r->dirfd, r->tmp, r->dirfd, r->base) < 0) {
			*rc = -errno;
			return i;
		}
		r->tmp[0] = '\0';
	}
	return -1;
}

int sr_files_commit(struct sr_files *f, const sr_result_fn fn[SR_OUT_COUNT],
                    const void *ctx, char *err, size_t errlen)
{
	int rc = 0, bad = commit_renamed(f, fn, ctx, &rc);

	if (bad >= 0) {
		remove_results(f);
		if (rc == -ESTALE)
			return fail(err, errlen, rc, "%s: the directory of %s was "
			            "replaced during the run", f->out[bad].opt,
			            f->out[bad].path);
		if (rc == -EISDIR || rc == -ENOTEMPTY || rc == -EEXIST)
			return fail(err, errlen, rc, "%s: cannot write %s: a "
			            "directory was made there during the run (the "
			            "program may write where the report goes: use "
			            "--box, or put the report in a directory the "
			            "program cannot write)", f->out[bad].opt,
			            f->out[bad].path);
		return fail(err, errlen, rc, "%s: cannot write %s: %s",
		            f->out[bad].opt, f->out[bad].path, strerror(-rc));
	}
	/* 3. Streams: a FIFO, a device, standard output. */
	for (int i = 0; i < SR_OUT_COUNT; i++) {
		struct sr_result_file *r = &f->out[i];
		int fd = r->inplace_fd >= 0 ? r->inplace_fd
		       : r->to_stdout ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3) : -1;
		if (fd < 0)
			continue;
		r->inplace_fd = -1;
		if ((rc = write_through(fd, fn[i], ctx, false)) < 0)
			return fail(err, errlen, rc, "%s: cannot write %s: %s",
			            r->opt, r->to_stdout ? "to standard output"
			                                 : r->path, strerror(-rc));
	}
	return 0;
}

void sr_files_close(struct sr_files *f)
{
	for (int i = 0; i < 3; i++)
		if (f->stdio[i] >= 0)
			close(f->stdio[i]);
	if (f->trace && f->trace != stderr)
		fclose(f->trace);
	if (f->profile_fd >= 0)
		close(f->profile_fd);
	if (f->log_fd >= 0)
		close(f->log_fd);
	for (int i = 0; i < SR_OUT_COUNT; i++) {
		if (f->out[i].dirfd >= 0)
			close(f->out[i].dirfd);
		if (f->out[i].inplace_fd >= 0)
			close(f->out[i].inplace_fd);
	}
	sr_files_init(f);
}

/* ------------------------------------------------------------ verify */

bool sr_files_replaced(const char *path, int fd)
{
	struct stat at, open;

	if (!path || fd < 0 || !strcmp(path, "-") || fstat(fd, &open) < 0)
		return false;
	if (fstatat(AT_FDCWD, path, &at, AT_SYMLINK_NOFOLLOW) < 0)
		return true; /* gone: unlinked or renamed away */
	return at.st_dev != open.st_dev || at.st_ino != open.st_ino;
}

int sr_files_verify(const struct sr_files *f, const struct sr_options *o,
                    const char **step, char *err, size_t errlen)
{
	const struct sr_result_file *out = f->out;
	int err_fd = f->stdio[2] >= 0 ? f->stdio[2]
	           : f->stderr_to_stdout ? f->stdio[1] : -1;
	const struct { const char *opt, *step, *path; int fd; } files[] = {
		{ "--stdin", "stdin", o->stdio[0], f->stdio[0] },
		{ "--stdout", "stdout", o->stdio[1], f->stdio[1] },
		{ "--stderr", "stderr", o->stdio[2], err_fd },
		{ "--trace-file", "trace", o->trace_file,
		  f->trace && f->trace != stderr ? fileno(f->trace) : -1 },
		{ "--profile", "profile", o->profile, f->profile_fd },
		{ "--interaction-log", "interaction", o->ia.log, f->log_fd },
		{ out[0].opt, "report", out[0].path, out[0].inplace_fd },
		{ out[1].opt, "report", out[1].path, out[1].inplace_fd },
		{ out[2].opt, "report", out[2].path, out[2].inplace_fd },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!sr_files_replaced(files[i].path, files[i].fd))
			continue;
		*step = files[i].step;
		return fail(err, errlen, -ESTALE, "%s: %s was replaced during the "
		            "run (the program could make names in its directory): "
		            "what is there now is not the run's", files[i].opt,
		            files[i].path);
	}
	return 0;
}
