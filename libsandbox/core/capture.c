/*
 * Output capture: the program's stdout/stderr go into pipes the library
 * owns. The manager thread copies what arrives (splice(2) to the destination
 * when possible, read/write otherwise), passes chunks to the callback and
 * counts the bytes against S_QUOTA_DISK; after the program is reaped the
 * tracer drains what is left without blocking.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536
#define PIPE_BYTES (1 << 20)

int64_t sb_capture_total(const sandbox_t *sb)
{
	int64_t t = 0;
	for (int i = 1; i <= 2; i++)
		if (sb->cap[i].on)
			t += sb->cap[i].bytes;
	return t;
}

int sb_capture_open(sandbox_t *sb, int wfd[3])
{
	for (int i = 0; i < 3; i++)
		wfd[i] = -1;
	for (int i = 1; i <= 2; i++) {
		struct sb_capture *c = &sb->cap[i];
		int p[2];
		c->rfd = -1;
		c->bytes = 0;
		if (!c->on)
			continue;
		if (pipe2(p, O_CLOEXEC) < 0) {
			int e = -errno;
			sb_capture_finish(sb);
			for (int j = 0; j < 3; j++)
				if (wfd[j] >= 0)
					close(wfd[j]);
			return e;
		}
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		/* A bigger pipe means fewer wake-ups of the copier and of a
		 * program blocked on a full pipe (best effort: the default
		 * pipe-max-size allows 1 MiB). */
		fcntl(p[0], F_SETPIPE_SZ, PIPE_BYTES);
		c->rfd = p[0];
		wfd[i] = p[1];
		struct stat st;
		c->can_splice = !c->fn && c->dest_fd >= 0 &&
		                fstat(c->dest_fd, &st) == 0 &&
		                (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) ||
		                 S_ISSOCK(st.st_mode));
	}
	return 0;
}

/* Write all of buf to fd (which may be non-blocking: then wait). */
static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return; /* the destination went away: keep counting */
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* How many more bytes the quota lets through. */
static int64_t allowance(const sandbox_t *sb)
{
	uint64_t q = sb->quota[S_QUOTA_DISK];
	if (q == SANDBOX_UNLIMITED)
		return CHUNK;
	int64_t left = (int64_t)q - sb_capture_total(sb);
	return left < CHUNK ? left : CHUNK;
}

static void deliver(struct sb_capture *c, int which, const char *buf, size_t n)
{
	if (c->fn)
		c->fn(which, buf, n, c->data);
	if (c->dest_fd >= 0)
		write_all(c->dest_fd, buf, n);
}

/* Copy what is available now, never more than the quota allows. Returns
 * false when the program wrote past the quota (the excess is not passed
 * on); closes the read end at EOF. */
bool sb_capture_copy(sandbox_t *sb, int which)
{
	struct sb_capture *c = &sb->cap[which];
	char buf[CHUNK];

	while (c->rfd >= 0) {
		int64_t want = allowance(sb);
		ssize_t n;
		if (want <= 0) {
			/* At the quota: one more byte waiting means OL. It is
			 * neither passed on nor counted: the captured figure
			 * never exceeds the quota (the program's own figure
			 * is stat.output_bytes). */
			n = read(c->rfd, buf, 1);
			if (n > 0)
				return false;
		} else if (c->can_splice) {
			n = splice(c->rfd, NULL, c->dest_fd, NULL, (size_t)want,
			           SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
			if (n < 0 && errno == EINVAL) {
				c->can_splice = false; /* e.g. an O_APPEND file */
				continue;
			}
		} else {
			n = read(c->rfd, buf, (size_t)want);
			if (n > 0)
				deliver(c, which, buf, (size_t)n);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break; /* EAGAIN: nothing more for now */
		}
		if (n == 0) {
			close(c->rfd);
			c->rfd = -1;
			break;
		}
		c->bytes += n;
	}
	return true;
}

void sb_capture_finish(sandbox_t *sb)
{
	for (int i = 1; i <= 2; i++) {
		struct sb_capture *c = &sb->cap[i];
		if (c->rfd < 0)
			continue;
		if (!sb_capture_copy(sb, i) && sb->stat.result == S_RESULT_PD) {
			sb->stat.result = S_RESULT_OL;
			sb->stat.quota_exceeded = S_QUOTA_DISK;
		}
		if (c->rfd >= 0) {
			close(c->rfd);
			c->rfd = -1;
		}
	}
}
