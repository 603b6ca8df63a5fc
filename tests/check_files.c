/*
 * The files a supervisor opens around a run: sandbox_open_file() never
 * follows what a program could have planted (a symbolic link on the way or
 * at the end, a hard link or someone else's file when the caller is root),
 * and the program's standard streams: stdout and stderr naming one file
 * share one open file description (nothing overwritten), and
 * SANDBOX_STDIO_STDOUT sends stderr into whatever stdout is; stream files
 * opened one after the other are each judged, whatever the one before met.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#define NOBODY 65534

/* A fresh directory for one test, and paths in it. */
static char dir[256];

static void fresh_dir(void)
{
	snprintf(dir, sizeof(dir), "%s/files.XXXXXX", tu_tmpdir());
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
}

/* A fresh string (tests are short-lived processes: never freed). */
static const char *in_dir(const char *name)
{
	char *p;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

/* Drop to nobody in this (forked) test, with `dir` made ours. */
static void become_nobody(void)
{
	if (geteuid() != 0)
		return;
	ck_assert_int_eq(chown(dir, NOBODY, NOBODY), 0);
	ck_assert_int_eq(setgroups(0, NULL), 0);
	ck_assert_int_eq(setgid(NOBODY), 0);
	ck_assert_int_eq(setuid(NOBODY), 0);
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* ------------------------------------------------------ sandbox_open_file */

/* What is planted at "target" before the open. */
enum plant {
	NOTHING,      /* no file */
	PLAIN,        /* a regular file of ours holding "old" */
	SYMLINK_END,  /* target -> victim (a file of ours) */
	SYMLINK_DIR,  /* sub -> victimdir; the path goes through sub/ */
	SYMLINK_OPEN, /* the same in a directory others may write (1777) */
	HARDLINK,     /* target is a second name of victim */
	FOREIGN,      /* a regular file owned by nobody */
	FIFO_ALONE,   /* a FIFO nobody reads */
	DIRECTORY,    /* a directory */
};

static const struct open_case {
	const char *what;
	enum plant plant;
	int how;
	int want;        /* 0: a descriptor; else this -errno */
	bool root_only;  /* the rule holds for a root caller */
} open_cases[] = {
	{ "read a file", PLAIN, SANDBOX_OPEN_READ, 0, false },
	{ "write creates", NOTHING, SANDBOX_OPEN_WRITE, 0, false },
	{ "write truncates", PLAIN, SANDBOX_OPEN_WRITE, 0, false },
	{ "append keeps", PLAIN, SANDBOX_OPEN_APPEND, 0, false },
	{ "read missing", NOTHING, SANDBOX_OPEN_READ, -ENOENT, false },
	{ "read through a final link", SYMLINK_END, SANDBOX_OPEN_READ, -ELOOP, false },
	{ "write through a final link", SYMLINK_END, SANDBOX_OPEN_WRITE, -ELOOP, false },
	{ "append through a final link", SYMLINK_END, SANDBOX_OPEN_APPEND, -ELOOP, false },
	{ "read through a linked dir", SYMLINK_DIR, SANDBOX_OPEN_READ, -ELOOP, false },
	{ "write through a linked dir", SYMLINK_DIR, SANDBOX_OPEN_WRITE, -ELOOP, false },
	{ "dir through a linked dir", SYMLINK_DIR, SANDBOX_OPEN_DIR, -ELOOP, false },
	{ "write through a link in a 1777 dir", SYMLINK_OPEN, SANDBOX_OPEN_WRITE,
	  -ELOOP, false },
	{ "read a hard link", HARDLINK, SANDBOX_OPEN_READ, -EMLINK, true },
	{ "write a hard link", HARDLINK, SANDBOX_OPEN_WRITE, -EMLINK, true },
	{ "read someone else's", FOREIGN, SANDBOX_OPEN_READ, -EPERM, true },
	{ "write someone else's", FOREIGN, SANDBOX_OPEN_WRITE, -EPERM, true },
	{ "write a FIFO nobody reads", FIFO_ALONE, SANDBOX_OPEN_WRITE, -ENXIO, false },
	{ "read a directory", DIRECTORY, SANDBOX_OPEN_READ, -EISDIR, false },
	{ "write a directory", DIRECTORY, SANDBOX_OPEN_WRITE, -EISDIR, false },
	{ "dir of a file", PLAIN, SANDBOX_OPEN_DIR, -ENOTDIR, false },
	{ "dir of a dir", DIRECTORY, SANDBOX_OPEN_DIR, 0, false },
};

static const char *plant(enum plant p)
{
	const char *target = in_dir("target");

	tu_write_file(in_dir("victim"), "secret");
	ck_assert_int_eq(mkdir(in_dir("victimdir"), 0755), 0);
	tu_write_file(in_dir("victimdir/target"), "secret");
	switch (p) {
	case NOTHING:
		break;
	case PLAIN:
		tu_write_file(target, "old");
		break;
	case SYMLINK_END:
		ck_assert_int_eq(symlink("victim", target), 0);
		break;
	case SYMLINK_DIR:
	case SYMLINK_OPEN:
		/* Root's own link when the suite runs as root: refused all
		 * the same. */
		ck_assert_int_eq(symlink("victimdir", in_dir("sub")), 0);
		if (p == SYMLINK_OPEN)
			ck_assert_int_eq(chmod(dir, 01777), 0);
		return in_dir("sub/target");
	case HARDLINK:
		ck_assert_int_eq(link(in_dir("victim"), target), 0);
		break;
	case FOREIGN:
		tu_write_file(target, "old");
		if (geteuid() == 0)
			ck_assert_int_eq(chown(target, NOBODY, NOBODY), 0);
		break;
	case FIFO_ALONE:
		ck_assert_int_eq(mkfifo(target, 0600), 0);
		break;
	case DIRECTORY:
		ck_assert_int_eq(mkdir(target, 0755), 0);
		break;
	}
	return target;
}

START_TEST(open_file_rules)
{
	const struct open_case *c = &open_cases[_i];
	bool root = geteuid() == 0;

	fresh_dir();
	const char *path = plant(c->plant);
	int want = c->root_only && !root ? 0 : c->want;
	mode_t mask = umask(0);
	umask(mask);
	int fd = sandbox_open_file(path, c->how, 0600);

	if (want) {
		ck_assert_msg(fd == want, "%s: got %d (%s), expected %s", c->what,
		              fd, fd < 0 ? strerror(-fd) : "a descriptor",
		              strerror(-want));
	} else {
		ck_assert_msg(fd >= 0, "%s: %s", c->what, strerror(-fd));
		ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		ck_assert(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
		if (c->how != SANDBOX_OPEN_READ && c->how != SANDBOX_OPEN_DIR)
			ck_assert_int_eq(write(fd, "new", 3), 3);
		close(fd);
	}
	/* Whatever happened, nothing the link pointed at changed. */
	char *v = tu_slurp(in_dir("victim"));
	ck_assert_str_eq(v, "secret");
	free(v);
	v = tu_slurp(in_dir("victimdir/target"));
	ck_assert_str_eq(v, "secret");
	free(v);
	if (want == 0 && c->plant == PLAIN) {
		v = tu_slurp(path);
		ck_assert_str_eq(v, c->how == SANDBOX_OPEN_READ ? "old"
		                    : c->how == SANDBOX_OPEN_APPEND ? "oldnew" : "new");
		free(v);
	}
	if (want == 0 && c->plant == NOTHING) {
		struct stat st;
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0600 & ~mask);
	}
}
END_TEST

/* No link on the way is followed, not even one root owns: a program left
 * running as root plants links as root (/var/run -> /run is refused
 * too: give the real path). */
START_TEST(root_links_are_refused_too)
{
	struct stat st;
	if (lstat("/var/run", &st) != 0 || !S_ISLNK(st.st_mode))
		tu_skip("no /var/run link on this host");
	ck_assert_int_eq(sandbox_open_file("/var/run", SANDBOX_OPEN_DIR, 0),
	                 -ELOOP);
	ck_assert_int_eq(sandbox_open_file("/var/run/x", SANDBOX_OPEN_WRITE,
	                                   0600), -ELOOP);
	int fd = sandbox_open_file("/run", SANDBOX_OPEN_DIR, 0);
	ck_assert_msg(fd >= 0, "%s", strerror(-fd));
	close(fd);
}
END_TEST

START_TEST(open_file_bad_arguments)
{
	ck_assert_int_eq(sandbox_open_file(NULL, SANDBOX_OPEN_READ, 0), -EINVAL);
	ck_assert_int_eq(sandbox_open_file("", SANDBOX_OPEN_READ, 0), -EINVAL);
	ck_assert_int_eq(sandbox_open_file("/tmp/x", 99, 0), -EINVAL);
	ck_assert_int_eq(sandbox_open_file("/tmp/", SANDBOX_OPEN_WRITE, 0), -EISDIR);
}
END_TEST

/* ------------------------------------------------------------- umask */

/* A supervisor with umask 000 (a daemon's): the program's files are not
 * writable by group or others (0.5 passed the supervisor's umask on, so
 * every other run slot could rewrite them); sandbox_set_umask() sets
 * another, -1 keeps the caller's. */
START_TEST(program_umask)
{
	static const int masks[] = { -2, -1, 027 };
	const int mask = _i == 0 ? -2 : masks[_i];
	struct stat st;

	fresh_dir();
	ck_assert_int_eq(chmod(dir, 0777), 0); /* a run slot writes here */
	umask(0);
	const char *path = in_dir("made");
	sandbox_t *sb = tu_sandbox("writefile", "made", "0666", NULL);
	ck_assert_int_eq(sandbox_set_workdir(sb, dir), 0);
	if (mask != -2)
		ck_assert_int_eq(sandbox_set_umask(sb, mask), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	sandbox_destroy(sb);
	ck_assert_int_eq(stat(path, &st), 0);
	mode_t want = 0666 & ~(mode_t)(mask == -2 ? 022 : mask == -1 ? 0 : mask);
	ck_assert_msg((st.st_mode & 0777) == want, "mask %d: mode %o, want %o",
	              mask, st.st_mode & 0777, want);
	ck_assert_int_eq(sandbox_set_umask(sb = tu_sandbox("hello", NULL), 01000),
	                 -EINVAL);
	ck_assert_int_eq(sandbox_set_umask(sb, -2), -EINVAL);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------ standard streams */

/* stdout and stderr given as one file, by several spellings: one open
 * file description, so the file holds both streams whole, in the order
 * written (0.4.0 opened it twice: each stream overwrote the other). */
static const char *const spellings[][2] = {
	{ "f", "f" }, { "f", "./f" }, { "f", "sub/../f" }, { "./f", "g" },
};

START_TEST(same_file_for_stdout_and_stderr)
{
	const long n = 500;
	char *want = tu_both_text(n);
	char out[600], err[600];

	fresh_dir();
	ck_assert_int_eq(mkdir(in_dir("sub"), 0755), 0);
	if (_i == 3) {
		/* A second name made by the caller: shared as well (root
		 * refuses files with two names, so run it unprivileged). */
		become_nobody();
		tu_write_file(in_dir("f"), "");
		ck_assert_int_eq(link(in_dir("f"), in_dir("g")), 0);
	}
	snprintf(out, sizeof(out), "%s/%s", dir, spellings[_i][0]);
	snprintf(err, sizeof(err), "%s/%s", dir, spellings[_i][1]);
	sandbox_t *sb = tu_sandbox("both", "500", NULL);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, err, false), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	char *got = tu_slurp(in_dir("f"));
	ck_assert_msg(got && strcmp(got, want) == 0, "file holds %zu bytes, not %ld",
	              got ? strlen(got) : 0, n * 22);
	free(got);
	free(want);
	sandbox_destroy(sb);
}
END_TEST

/* SANDBOX_STDIO_STDOUT: stderr goes where stdout goes -- a file, the
 * capture pipe (one stream for the quota and the callback), or the
 * inherited descriptor. */
struct sink {
	char buf[32768];
	size_t len;
	int streams;
};

static void sink_fn(int which, const void *data, size_t len, void *arg)
{
	struct sink *s = arg;
	s->streams |= 1 << which;
	ck_assert_uint_le(s->len + len, sizeof(s->buf) - 1);
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = '\0';
}

START_TEST(stderr_to_stdout)
{
	const long n = 500;
	char *want = tu_both_text(n);
	struct sink s = { .len = 0 };
	sandbox_t *sb = tu_sandbox("both", "500", NULL);
	char *got = NULL;

	fresh_dir();
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 2, SANDBOX_STDIO_STDOUT), 0);
	switch (_i) {
	case 0: /* a file */
		ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, in_dir("f"), false), 0);
		ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
		got = tu_slurp(in_dir("f"));
		break;
	case 1: /* captured */
		ck_assert_int_eq(sandbox_set_capture(sb, 1, -1, sink_fn, &s), 0);
		ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
		ck_assert_int_eq(s.streams, 1 << 1);
		ck_assert_int_eq(sandbox_captured_bytes(sb, 1), n * 22);
		got = strdup(s.buf);
		break;
	case 2: { /* inherited: this process's own stdout */
		int fd = open(in_dir("f"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(dup2(fd, 1), 1);
		close(fd);
		ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, -1), 0);
		ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
		got = tu_slurp(in_dir("f"));
		break;
	}
	}
	ck_assert_msg(got && strcmp(got, want) == 0, "got %zu bytes, not %ld",
	              got ? strlen(got) : 0, n * 22);
	free(got);
	free(want);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(stderr_to_stdout_bad_arguments)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, SANDBOX_STDIO_STDOUT), -EINVAL);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 0, SANDBOX_STDIO_STDOUT), -EINVAL);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 2, -3), -EINVAL);
	sandbox_destroy(sb);
}
END_TEST

/* A stdout path the program planted as a link (a previous run wrote it
 * into its working directory): the run does not start, and the file the
 * link names is untouched (0.4.0 followed it). */
START_TEST(planted_stdio_links_are_refused)
{
	fresh_dir();
	tu_write_file(in_dir("answer"), "secret");
	ck_assert_int_eq(symlink("answer", in_dir("out")), 0);
	ck_assert_int_eq(symlink("answer", in_dir("in")), 0);
	sandbox_t *sb = tu_sandbox("hello", NULL);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, _i ? 0 : 1, in_dir(_i ? "in" : "out"),
	                                        false), 0);
	ck_assert_int_eq(sandbox_execute(sb), -ELOOP);
	ck_assert_str_eq(sandbox_failed_step(sb), _i ? "stdin" : "stdout");
	char *v = tu_slurp(in_dir("answer"));
	ck_assert_str_eq(v, "secret");
	free(v);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------- sandbox_open_file_as */

/* The program's ids in these cases: 8 run slots from 67100. */
#define PL_UID 67100u
#define PL_COUNT 8u
#define JUDGE 65534 /* a judge user's files: nobody's, not a slot's */

/* Where the file lies, and whose it is. */
enum where {
	CLOSED,        /* a 0755 root directory, under closed ones */
	OPEN_ALL,      /* a 0777 directory */
	OPEN_SLOT,     /* a 0755 directory of a slot's uid */
	OPEN_GROUP,    /* a 0775 directory of root and a slot's gid */
	UNDER_OPEN,    /* a 0755 directory in a 0777 one */
	UNDER_STICKY,  /* a 0755 directory of root in a 1777 one */
	STICKY,        /* a 1777 directory itself */
	STRANGER_DIR,  /* a 0755 directory of a local user's (STRANGER) */
	ACL_SLOT,      /* a 0755 directory of root's whose ACL lets a slot
	                * write (its mask shows as the group's w bit) */
	ACL_MASKED,    /* the same ACL entry, the mask without w (chmod 755):
	                * nobody but root may write there */
};

static const struct as_case {
	const char *what;
	enum where where;
	uid_t owner;
	bool second_name;
	unsigned count;  /* PL_COUNT, or 0: sandbox_open_file()'s rules */
	int want;
} as_cases[] = {
	{ "a judge's file", CLOSED, JUDGE, false, PL_COUNT, 0 },
	{ "a judge's file with two names", CLOSED, JUDGE, true, PL_COUNT, 0 },
	{ "root's file with two names", CLOSED, 0, true, PL_COUNT, 0 },
	{ "a slot's file", CLOSED, PL_UID + 3, false, PL_COUNT, -EPERM },
	{ "the last slot's file", CLOSED, PL_UID + PL_COUNT - 1, false, PL_COUNT,
	  -EPERM },
	{ "the file of the uid after the slots", CLOSED, PL_UID + PL_COUNT,
	  false, PL_COUNT, 0 },
	{ "a judge's file, count 0", CLOSED, JUDGE, false, 0, -EPERM },
	{ "a judge's file in a 0777 dir", OPEN_ALL, JUDGE, false, PL_COUNT, -EPERM },
	{ "root's file in a 0777 dir", OPEN_ALL, 0, false, PL_COUNT, 0 },
	{ "root's two names in a 0777 dir", OPEN_ALL, 0, true, PL_COUNT, -EMLINK },
	{ "a judge's file in a slot's dir", OPEN_SLOT, JUDGE, false, PL_COUNT,
	  -EPERM },
	{ "a judge's file in a dir of a slot's group", OPEN_GROUP, JUDGE, false,
	  PL_COUNT, -EPERM },
	{ "a judge's file under a 0777 dir", UNDER_OPEN, JUDGE, false, PL_COUNT,
	  -EPERM },
	{ "a judge's file under a sticky dir", UNDER_STICKY, JUDGE, false,
	  PL_COUNT, 0 },
	{ "a judge's file in a sticky dir", STICKY, JUDGE, false, PL_COUNT,
	  -EPERM },
	{ "root's two names in a sticky dir", STICKY, 0, true, PL_COUNT, -EMLINK },
	{ "a judge's file in a dir a slot may write by its ACL", ACL_SLOT, JUDGE,
	  false, PL_COUNT, -EPERM },
	{ "root's two names in a dir a slot may write by its ACL", ACL_SLOT, 0,
	  true, PL_COUNT, -EMLINK },
	{ "a judge's file in a dir whose ACL mask keeps a slot out", ACL_MASKED,
	  JUDGE, false, PL_COUNT, 0 },
	{ "root's two names in a dir whose ACL mask keeps a slot out",
	  ACL_MASKED, 0, true, PL_COUNT, 0 },
};

/* Give `uid` rwx on directory d by an ACL (mask rwx), or skip: the file
 * system keeps no POSIX ACLs. The xattr's layout: a version, then
 * (tag, perm, id) entries sorted by tag. */
static void acl_let_write(const char *d, uid_t uid)
{
	struct { uint16_t tag, perm; uint32_t id; } e[5] = {
		{ 0x01, 7, (uint32_t)-1 }, /* owner rwx */
		{ 0x02, 7, uid },          /* the user: rwx */
		{ 0x04, 5, (uint32_t)-1 }, /* owning group r-x */
		{ 0x10, 7, (uint32_t)-1 }, /* mask rwx */
		{ 0x20, 5, (uint32_t)-1 }, /* others r-x */
	};
	unsigned char buf[4 + sizeof(e)];
	uint32_t version = 2;

	memcpy(buf, &version, 4);
	memcpy(buf + 4, e, sizeof(e));
	if (setxattr(d, "system.posix_acl_access", buf, sizeof(buf), 0) < 0) {
		if (errno == EOPNOTSUPP)
			tu_skip("%s keeps no POSIX ACLs", d);
		ck_abort_msg("setxattr(%s): %s", d, strerror(errno));
	}
}

/* This test's directory set up as `where` says: the one to hold the file. */
static const char *make_where(enum where where)
{
	const char *d = dir;
	struct stat st;

	switch (where) {
	case CLOSED:
		break;
	case OPEN_ALL:
	case STICKY:
		ck_assert_int_eq(chmod(dir, where == STICKY ? 01777 : 0777), 0);
		break;
	case OPEN_SLOT:
		ck_assert_int_eq(chown(dir, PL_UID + 1, PL_UID + 1), 0);
		break;
	case OPEN_GROUP:
		ck_assert_int_eq(chown(dir, 0, PL_UID + 2), 0);
		ck_assert_int_eq(chmod(dir, 0775), 0);
		break;
	case STRANGER_DIR:
		ck_assert_int_eq(chown(dir, 12345, 12345), 0);
		break;
	case ACL_SLOT:
	case ACL_MASKED:
		acl_let_write(dir, PL_UID + 1);
		ck_assert_int_eq(stat(dir, &st), 0);
		ck_assert(st.st_mode & S_IWGRP); /* the mask */
		if (where == ACL_MASKED) {
			ck_assert_int_eq(chmod(dir, 0755), 0);
			ck_assert_int_eq(getxattr(dir, "system.posix_acl_access",
			                          NULL, 0) > 0, 1); /* still there */
		}
		break;
	case UNDER_OPEN:
	case UNDER_STICKY:
		ck_assert_int_eq(chmod(dir, where == UNDER_OPEN ? 0777 : 01777), 0);
		d = in_dir("sub");
		ck_assert_int_eq(mkdir(d, 0755), 0);
		ck_assert_int_eq(chmod(d, 0755), 0);
		break;
	}
	return d;
}

/* A root caller whose programs run as slots: what they could have planted
 * is refused, a judge's files elsewhere are not (sandbox_open_file()
 * refused every file not root's, and every second name). */
START_TEST(open_file_as_rules)
{
	const struct as_case *c = &as_cases[_i];
	const char *d;

	if (geteuid() != 0)
		tu_skip("the ownership rules are a root caller's");
	/* This test's own temporary tree, closed above the cases' dirs. */
	ck_assert_int_eq(chmod(tu_tmpdir(), 0755), 0);
	fresh_dir();
	d = make_where(c->where);
	char path[512], other[512];
	snprintf(path, sizeof(path), "%s/data", d);
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	tu_write_file(path, "judge's");
	ck_assert_int_eq(chown(path, c->owner, c->owner), 0);
	if (c->second_name)
		ck_assert_int_eq(link(path, other), 0);
	for (int how = SANDBOX_OPEN_READ; how <= SANDBOX_OPEN_APPEND; how++) {
		int fd = sandbox_open_file_as(path, how, 0644, PL_UID, PL_UID,
		                              c->count);
		ck_assert_msg(fd == c->want || (c->want == 0 && fd >= 0),
		              "%s (how %d): got %d (%s), expected %s", c->what, how,
		              fd, fd < 0 ? strerror(-fd) : "a descriptor",
		              c->want ? strerror(-c->want) : "a descriptor");
		if (fd >= 0)
			close(fd);
	}
	/* A file made by the open: no question of who planted it. */
	char fresh[512];
	snprintf(fresh, sizeof(fresh), "%s/new", d);
	int fd = sandbox_open_file_as(fresh, SANDBOX_OPEN_WRITE, 0644, PL_UID,
	                              PL_UID, c->count);
	ck_assert_msg(fd >= 0, "%s: creating: %s", c->what, strerror(-fd));
	close(fd);
}
END_TEST

/* Not only regular files: a FIFO, a device node planted under the
 * judge's name hands the program's input or output to whoever planted it
 * (0.5 checked regular files only: every case below that wants an error
 * got a descriptor). `caller`: root with the slots (PL_*), root with
 * sandbox_open_file() (count 0), or an unprivileged judge (nobody). */
enum caller { ROOT_SLOTS, ROOT_PLAIN, NOBODY_JUDGE };
enum object { FIFO, NULLDEV };
#define STRANGER 12345u /* a local user: neither a slot nor the judge */

static const struct planted_case {
	const char *what;
	enum caller caller;
	enum object object;
	enum where where;
	uid_t owner;
	int want;
} planted_cases[] = {
	{ "a slot's FIFO in a closed dir", ROOT_SLOTS, FIFO, CLOSED, PL_UID + 1,
	  -EPERM },
	{ "a stranger's FIFO in a sticky dir", ROOT_SLOTS, FIFO, STICKY, STRANGER,
	  -EPERM },
	{ "a stranger's FIFO in a 0777 dir", ROOT_SLOTS, FIFO, OPEN_ALL, STRANGER,
	  -EPERM },
	{ "a FIFO with two names in a 0777 dir", ROOT_SLOTS, FIFO, OPEN_ALL, 0,
	  -EMLINK },
	{ "a judge's FIFO in a closed dir", ROOT_SLOTS, FIFO, CLOSED, JUDGE, 0 },
	{ "root's FIFO in a sticky dir", ROOT_SLOTS, FIFO, STICKY, 0, 0 },
	{ "a stranger's FIFO, count 0", ROOT_PLAIN, FIFO, CLOSED, STRANGER,
	  -EPERM },
	{ "root's device in a closed dir", ROOT_SLOTS, NULLDEV, CLOSED, 0, 0 },
	{ "root's device in a 0777 dir", ROOT_SLOTS, NULLDEV, OPEN_ALL, 0,
	  -EPERM },
	{ "root's device in a sticky dir, count 0", ROOT_PLAIN, NULLDEV, STICKY,
	  0, -EPERM },
	{ "a judge's device in a closed dir", ROOT_SLOTS, NULLDEV, CLOSED, JUDGE,
	  -EPERM },
	{ "unprivileged: a stranger's FIFO in a sticky dir", NOBODY_JUDGE, FIFO,
	  STICKY, STRANGER, -EPERM },
	{ "unprivileged: a stranger's FIFO in a 0777 dir", NOBODY_JUDGE, FIFO,
	  OPEN_ALL, STRANGER, -EPERM },
	{ "unprivileged: a stranger's file in a sticky dir", NOBODY_JUDGE,
	  (enum object)-1, STICKY, STRANGER, -EPERM },
	{ "unprivileged: its own FIFO in a sticky dir", NOBODY_JUDGE, FIFO,
	  STICKY, NOBODY, 0 },
	{ "unprivileged: root's FIFO in a sticky dir", NOBODY_JUDGE, FIFO,
	  STICKY, 0, 0 },
	{ "unprivileged: root's device in a sticky dir", NOBODY_JUDGE, NULLDEV,
	  STICKY, 0, -EPERM },
	{ "unprivileged: a stranger's file in the stranger's dir", NOBODY_JUDGE,
	  (enum object)-1, STRANGER_DIR, STRANGER, 0 },
	{ "root's device in a dir a slot may write by its ACL", ROOT_SLOTS,
	  NULLDEV, ACL_SLOT, 0, -EPERM },
	{ "root's device in a dir a slot may write by its ACL, count 0",
	  ROOT_PLAIN, NULLDEV, ACL_SLOT, 0, -EPERM },
	{ "root's device in a dir whose ACL mask keeps a slot out", ROOT_SLOTS,
	  NULLDEV, ACL_MASKED, 0, 0 },
	{ "unprivileged: root's device in a dir a slot may write by its ACL",
	  NOBODY_JUDGE, NULLDEV, ACL_SLOT, 0, -EPERM },
};

/* What the ACL cases above rest on (util/files.c reads no ACL of a
 * directory whose group bits lack w): an ACL entry that lets a user
 * write is void while the mask -- the mode's group bits -- lacks w. */
START_TEST(acl_write_needs_the_group_w_bit)
{
	if (geteuid() != 0)
		tu_skip("acting as another user needs root");
	ck_assert_int_eq(chmod(tu_tmpdir(), 0755), 0);
	fresh_dir();
	acl_let_write(dir, PL_UID + 1);
	for (int masked = 0; masked <= 1; masked++) {
		if (masked)
			ck_assert_int_eq(chmod(dir, 0755), 0);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			if (setgroups(0, NULL) < 0 || setgid(PL_UID + 1) < 0 ||
			    setuid(PL_UID + 1) < 0)
				_exit(3);
			char p[512];
			snprintf(p, sizeof(p), "%s/made%d", dir, masked);
			int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
			_exit(fd >= 0 ? 0 : errno == EACCES ? 1 : 2);
		}
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == masked,
		              "masked %d: status 0x%x", masked, status);
	}
}
END_TEST

START_TEST(planted_objects_of_every_type)
{
	const struct planted_case *c = &planted_cases[_i];
	struct statvfs vfs;

	if (geteuid() != 0)
		tu_skip("planting as other users needs root");
	ck_assert_int_eq(chmod(tu_tmpdir(), 0755), 0);
	fresh_dir();
	const char *d = make_where(c->where);
	char path[512], other[512];
	snprintf(path, sizeof(path), "%s/1.out", d);
	snprintf(other, sizeof(other), "%s/second", d);
	if (c->object == NULLDEV) {
		ck_assert_int_eq(statvfs(d, &vfs), 0);
		if (vfs.f_flag & ST_NODEV)
			tu_skip("%s is on a nodev mount", d);
		ck_assert_int_eq(mknod(path, S_IFCHR | 0666, makedev(1, 3)), 0);
	} else if (c->object == FIFO) {
		ck_assert_int_eq(mkfifo(path, 0666), 0);
	} else {
		tu_write_file(path, "planted");
	}
	ck_assert_int_eq(chown(path, c->owner, c->owner), 0);
	ck_assert_int_eq(chmod(path, 0666), 0); /* open to all: only the checks */
	if (c->want == -EMLINK)
		ck_assert_int_eq(link(path, other), 0);
	/* The planter reads its FIFO: the judge's writes would reach it. */
	int reader = c->object == FIFO ? open(path, O_RDONLY | O_NONBLOCK) : -1;
	if (c->caller == NOBODY_JUDGE) {
		ck_assert_int_eq(setgroups(0, NULL), 0);
		ck_assert_int_eq(setgid(NOBODY), 0);
		ck_assert_int_eq(setuid(NOBODY), 0);
	}
	for (int how = SANDBOX_OPEN_READ; how <= SANDBOX_OPEN_APPEND; how++) {
		int fd = c->caller == ROOT_SLOTS
		       ? sandbox_open_file_as(path, how, 0644, PL_UID, PL_UID,
		                              PL_COUNT)
		       : sandbox_open_file(path, how, 0644);
		ck_assert_msg(fd == c->want || (c->want == 0 && fd >= 0),
		              "%s (how %d): got %d (%s), expected %s", c->what, how,
		              fd, fd < 0 ? strerror(-fd) : "a descriptor",
		              c->want ? strerror(-c->want) : "a descriptor");
		if (fd >= 0)
			close(fd);
	}
	if (reader >= 0)
		close(reader);
}
END_TEST

START_TEST(open_file_as_bad_arguments)
{
	ck_assert_int_eq(sandbox_open_file_as(NULL, SANDBOX_OPEN_READ, 0, PL_UID,
	                                      PL_UID, 1), -EINVAL);
	ck_assert_int_eq(sandbox_open_file_as("/etc/passwd", SANDBOX_OPEN_READ, 0,
	                                      UINT32_MAX - 2, PL_UID, 8), -EINVAL);
	ck_assert_int_eq(sandbox_open_file_as("/etc/passwd", SANDBOX_OPEN_READ, 0,
	                                      PL_UID, UINT32_MAX - 2, 8), -EINVAL);
}
END_TEST

/* A root judge's run with its input and output files belonging to the
 * judge's user: the run slot's program cannot have planted those, the
 * run goes (0.5's first rule refused them: -EPERM); a stdout file of the
 * slot's uid (left by an earlier run) stops it. */
START_TEST(judge_users_files_for_a_slot)
{
	sandbox_stat_t st;

	if (geteuid() != 0)
		tu_skip("run slots are a root supervisor's");
	ck_assert_int_eq(chmod(tu_tmpdir(), 0755), 0);
	fresh_dir();
	tu_write_file(in_dir("in"), "input");
	tu_write_file(in_dir("out"), "stale");
	ck_assert_int_eq(chown(in_dir("in"), JUDGE, JUDGE), 0);
	ck_assert_int_eq(chown(in_dir("out"), JUDGE, JUDGE), 0);
	ck_assert_int_eq(link(in_dir("out"), in_dir("out.keep")), 0);
	sandbox_t *sb = tu_sandbox("hello", NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, PL_UID, PL_UID, PL_COUNT), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, in_dir("in"), false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, in_dir("out"), false), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_ge(st.uid, PL_UID);
	char *v = tu_slurp(in_dir("out"));
	ck_assert_str_eq(v, "hello\n");
	free(v);
	sandbox_destroy(sb);

	ck_assert_int_eq(chown(in_dir("out"), PL_UID + 5, PL_UID + 5), 0);
	sb = tu_sandbox("hello", NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, PL_UID, PL_UID, PL_COUNT), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, in_dir("out"), false), 0);
	ck_assert_int_eq(sandbox_execute(sb), -EPERM);
	ck_assert_str_eq(sandbox_failed_step(sb), "stdout");
	sandbox_destroy(sb);
}
END_TEST

/* A run's stream files are opened one after the other, and a directory
 * they share is walked once (util/files.c, struct sb_open_batch): the
 * answer of one file's walk serves the next only for the same directory
 * and the same questions. _i 0: one directory, a local user's (STRANGER
 * below); stdin is that user's file (their directory is theirs to fill:
 * accepted), stdout another user's (the directory is open to its owner,
 * who is no longer the file's: refused). _i 1: two directories, stdin
 * in a closed one (accepted), stdout a judge's file in a 0777 one
 * (refused). Each stdin alone runs. */
START_TEST(stream_files_judged_each)
{
	sandbox_stat_t st;
	const char *in, *out;

	if (geteuid() != 0)
		tu_skip("files of other users need root to make");
	ck_assert_int_eq(chmod(tu_tmpdir(), 0755), 0);
	fresh_dir();
	if (_i == 0) {
		ck_assert_int_eq(chown(dir, 12345, 12345), 0);
		in = in_dir("in");
		out = in_dir("out");
		tu_write_file(in, "input");
		tu_write_file(out, "stale");
		ck_assert_int_eq(chown(in, 12345, 12345), 0);
		ck_assert_int_eq(chown(out, 12346, 12346), 0);
	} else {
		ck_assert_int_eq(mkdir(in_dir("a"), 0755), 0);
		ck_assert_int_eq(mkdir(in_dir("b"), 0755), 0);
		ck_assert_int_eq(chmod(in_dir("b"), 0777), 0);
		in = in_dir("a/in");
		out = in_dir("b/out");
		tu_write_file(in, "input");
		tu_write_file(out, "stale");
		ck_assert_int_eq(chown(in, JUDGE, JUDGE), 0);
		ck_assert_int_eq(chown(out, JUDGE, JUDGE), 0);
	}
	sandbox_t *sb = tu_sandbox("hello", NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, PL_UID, PL_UID, PL_COUNT), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, in, false), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	ck_assert_int_eq(sandbox_execute(sb), -EPERM);
	ck_assert_str_eq(sandbox_failed_step(sb), "stdout");
	char *v = tu_slurp(out);
	ck_assert_str_eq(v, "stale");
	free(v);
	sandbox_destroy(sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("open");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, open_file_rules, 0,
	                    (int)(sizeof(open_cases) / sizeof(open_cases[0])));
	tcase_add_test(tc, root_links_are_refused_too);
	tcase_add_test(tc, open_file_bad_arguments);
	tcase_add_loop_test(tc, open_file_as_rules, 0,
	                    (int)(sizeof(as_cases) / sizeof(as_cases[0])));
	tcase_add_test(tc, open_file_as_bad_arguments);
	tcase_add_loop_test(tc, planted_objects_of_every_type, 0,
	                    (int)(sizeof(planted_cases) / sizeof(planted_cases[0])));
	tcase_add_test(tc, acl_write_needs_the_group_w_bit);
	suite_add_tcase(s, tc);

	tc = tcase_create("umask");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, program_umask, 0, 3);
	suite_add_tcase(s, tc);

	tc = tcase_create("stdio");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, same_file_for_stdout_and_stderr, 0,
	                    (int)(sizeof(spellings) / sizeof(spellings[0])));
	tcase_add_loop_test(tc, stderr_to_stdout, 0, 3);
	tcase_add_test(tc, stderr_to_stdout_bad_arguments);
	tcase_add_loop_test(tc, planted_stdio_links_are_refused, 0, 2);
	tcase_add_test(tc, judge_users_files_for_a_slot);
	tcase_add_loop_test(tc, stream_files_judged_each, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
