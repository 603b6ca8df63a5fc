/*
 * A policy's file rules as a Landlock ruleset, built in the supervisor
 * before the fork; the child only calls landlock_restrict_self() with it,
 * just before exec (core/child.c). The domain it creates holds for the
 * program, its threads and its children, whatever path strings they pass
 * and however they walk (symbolic links, "..", /proc/self/fd, dirfds):
 * the kernel checks the file each call reaches.
 *
 * Every access right the ABI version knows is handled, so whatever a rule
 * does not grant is refused:
 *   read   READ_FILE, READ_DIR
 *   write  read + WRITE_FILE, TRUNCATE, MAKE_REG, MAKE_DIR, REMOVE_FILE,
 *          REMOVE_DIR, REFER (rename and link within write trees):
 *          regular files and directories only -- never symbolic links,
 *          FIFOs, sockets or device nodes, nor a hard link or a rename
 *          that brings a file from outside in
 *   exec   read + EXECUTE
 * On a file (not a directory) only the rights that apply to files are
 * kept. IOCTL_DEV (ABI 5) is handled and never granted: the program may
 * not ioctl device files it opens itself (descriptors it was given keep
 * their rights). Where the policy allows no socket, TCP bind and connect
 * are refused too (ABI 4). Signals and abstract unix sockets are scoped to
 * the program's own domain (ABI 6): it cannot signal the supervisor, nor
 * reach an abstract socket bound outside.
 */
#include "config.h"
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LL_READ (SB_LL_FS_READ_FILE | SB_LL_FS_READ_DIR)
#define LL_WRITE (SB_LL_FS_WRITE_FILE | SB_LL_FS_TRUNCATE | SB_LL_FS_MAKE_REG | \
                  SB_LL_FS_MAKE_DIR | SB_LL_FS_REMOVE_FILE |                 \
                  SB_LL_FS_REMOVE_DIR | SB_LL_FS_REFER)
#define LL_EXEC (SB_LL_FS_EXECUTE | SB_LL_FS_READ_FILE)

struct build {
	int fd;
	uint64_t handled;
	bool said;        /* a message is in err */
	char *err;
	size_t errlen;
};

static uint64_t rights_of(unsigned access, uint64_t handled, bool dir)
{
	uint64_t r = 0;

	if (access & S_FILE_READ)
		r |= LL_READ;
	if (access & S_FILE_WRITE)
		r |= LL_READ | LL_WRITE;
	if (access & S_FILE_EXEC)
		r |= LL_EXEC;
	if (!dir)
		r &= SB_LL_FS_FILE_RIGHTS;
	return r & handled;
}

/* One rule on the file or directory open at pfd (O_PATH). */
static int add_fd(struct build *b, const char *shown, int pfd,
                  const struct stat *st, unsigned access)
{
	uint64_t r = rights_of(access, b->handled, S_ISDIR(st->st_mode));
	int rc = r ? sb_landlock_add_path(b->fd, pfd, r) : 0;

	if (rc < 0) {
		sb_errf(b->err, b->errlen, "file rule %s: landlock_add_rule: %s",
		        shown, sb_strerror(rc));
		b->said = true;
	}
	return rc;
}

/* One of the engine's rules, by host path. */
static int add_one(struct build *b, const char *shown, const char *host,
                   unsigned access)
{
	struct stat st;
	int pfd = open(host, O_PATH | O_CLOEXEC), rc;

	if (pfd < 0 || fstat(pfd, &st) < 0) {
		rc = -errno;
		sb_errf(b->err, b->errlen, "file rule %s: %s", shown,
		        sb_strerror(rc));
		b->said = true;
	} else {
		rc = add_fd(b, shown, pfd, &st, access);
	}
	if (pfd >= 0)
		close(pfd);
	return rc;
}

static int add_rule(const char *inside, const char *host, int fd,
                    const struct stat *st, unsigned access, void *data)
{
	(void)host;
	return add_fd(data, inside, fd, st, access);
}

int sb_landlock_new(int abi, bool forbid_net, int *fd, unsigned *features,
                    char *err, size_t errlen)
{
	struct sb_ll_ruleset_attr attr = { 0 };
	size_t size = sizeof(attr.handled_access_fs);
	unsigned have = sb_landlock_features(abi);
	int rc;

	*fd = -1;
	*features = 0;
	if (abi < 1)
		return -ENOTSUP;
	attr.handled_access_fs = sb_landlock_fs_rights(abi);
	*features = have & (S_LL_FS | S_LL_REFER | S_LL_TRUNCATE |
	                    S_LL_IOCTL_DEV);
	if (forbid_net && (have & S_LL_NET_TCP)) {
		attr.handled_access_net = SB_LL_NET_BIND_TCP | SB_LL_NET_CONNECT_TCP;
		size = offsetof(struct sb_ll_ruleset_attr, scoped);
		*features |= S_LL_NET_TCP;
	}
	if (have & S_LL_SCOPE_SIGNAL) {
		attr.scoped = SB_LL_SCOPE_SIGNAL | SB_LL_SCOPE_ABSTRACT_UNIX;
		size = sizeof(attr);
		*features |= S_LL_SCOPE_SIGNAL | S_LL_SCOPE_ABSTRACT_UNIX;
	}
	if ((rc = sb_landlock_create(&attr, size)) < 0) {
		sb_errf(err, errlen, "landlock_create_ruleset: %s", sb_strerror(rc));
		*features = 0;
		return rc;
	}
	*fd = rc;
	return 0;
}

int sb_landlock_fill(const sandbox_policy_t *p, int fd, int abi,
                     const struct sb_files_where *w, const struct sb_ll_more *m,
                     char *err, size_t errlen)
{
	struct build b = { .fd = fd, .handled = sb_landlock_fs_rights(abi),
	                   .err = err, .errlen = errlen };
	const char *bad = NULL;
	int rc;

	for (size_t i = 0; i < m->n; i++)
		if ((rc = add_one(&b, m->inside[i], m->host[i], m->access[i])) < 0)
			return rc;
	if ((rc = sb_files_resolve(p, w, add_rule, &b, &bad)) < 0 && !b.said &&
	    bad)
		sb_errf(err, errlen, "file rule %s: %s", bad, sb_strerror(rc));
	return rc;
}
