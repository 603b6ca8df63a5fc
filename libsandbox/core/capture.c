/*
 * Output capture: the program's stdout/stderr go into pipes the library
 * owns. The manager thread copies what arrives (splice(2) to the destination
 * when possible, read/write otherwise), passes chunks to the callback and
 * counts the bytes against S_QUOTA_DISK; after the program is reaped the
 * tracer drains the rest, waiting for a slow destination.
 *
 * Two rules keep every byte and every deadline:
 *   - the manager never blocks on the destination: a pipe, FIFO or
 *     terminal is written through a private non-blocking reopening of it
 *     (a socket with MSG_DONTWAIT), so a reader that does not read stops
 *     the copy (and, through the full capture pipe, the program), never the
 *     manager's clock. "The destination is full" and "nothing more to read"
 *     are told apart: the first waits for POLLOUT, the second for POLLIN;
 *   - a destination that is gone (EPIPE: the reader exited, `| head -c`)
 *     is dropped and the bytes are still read and counted, so OL stays
 *     exact; the SIGPIPE such a write raises is held and consumed, never
 *     delivered to the caller's process.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define CHUNK 65536
#define PIPE_BYTES (1 << 20)
#define DRAIN_POLL_MS 100

int64_t sb_capture_total(const sandbox_t *sb)
{
	int64_t t = 0;
	for (int i = 1; i <= 2; i++)
		if (sb->cap[i].active)
			t += sb->cap[i].bytes;
	return t;
}

/* Where the copies go. A pipe, FIFO or terminal the caller gave in
 * blocking mode is written through a private non-blocking reopening of it
 * (sb_open_nonblocking: the caller's description, and its flags, are left
 * alone); when that is impossible (no /proc) the copy writes to the
 * caller's descriptor and may block. */
static void open_destination(struct sb_capture *c)
{
	struct stat st;

	c->out_fd = c->dest;
	c->own_out = c->is_sock = false;
	if (c->dest < 0 || fstat(c->dest, &st) < 0)
		return;
	c->can_splice = !c->fn && (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) ||
	                           S_ISSOCK(st.st_mode));
	c->is_sock = S_ISSOCK(st.st_mode);
	int fd = sb_open_nonblocking(c->dest, &c->own_out);
	if (fd >= 0)
		c->out_fd = fd;
}

static void close_stream(struct sb_capture *c)
{
	if (c->rfd >= 0)
		close(c->rfd);
	if (c->own_out && c->out_fd >= 0)
		close(c->out_fd);
	if (c->own_dest >= 0)
		close(c->own_dest);
	c->rfd = c->out_fd = c->own_dest = c->dest = -1;
	c->own_out = false;
	free(c->buf);
	c->buf = NULL;
	c->pend_off = c->pend_len = 0;
}

/* A stream the output quota could not bound as a file the program
 * writes: not a regular file (a pipe, FIFO, socket or terminal: nothing
 * limits or counts what goes through; /dev/null keeps nothing), one the
 * caller left inherited (the program would hold the caller's own open
 * file: its offset, flags and locks), or a file that already holds bytes
 * (RLIMIT_FSIZE is an absolute size: a log of 2 MB under a 1 MB quota
 * would refuse the first byte). */
static bool quota_needs_capture(const struct stat *st, bool inherited)
{
	if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3))
		return false; /* /dev/null */
	return inherited || !S_ISREG(st->st_mode) || st->st_size > 0;
}

/* Where stream i would write without a capture of its own: its
 * capture's destination, the descriptor given, or the inherited one. */
static int stream_target(const sandbox_t *sb, const int stdio[3], int i)
{
	const struct sb_capture *c = &sb->cap[i];

	if (c->active)
		return c->fn ? -1 : c->dest;
	if (i == 2 && sb->stdio[2].fd == SANDBOX_STDIO_STDOUT)
		return -1;
	return stdio[i] >= 0 ? stdio[i] : i;
}

/* Does stderr go where stdout's capture goes, in one order with it (a
 * judge's `> log 2>&1`, or one descriptor given for both)? Then it is
 * written into stdout's capture pipe: two captures would copy each
 * stream on its own and regroup the lines (verify23 V6). A capture
 * with a callback keeps its own pipe (the callback is told which
 * stream). */
static bool err_shares_out(const sandbox_t *sb, const int stdio[3])
{
	const struct sb_capture *out = &sb->cap[1], *err = &sb->cap[2];
	int t = stream_target(sb, stdio, 2);

	if (!out->active || out->fn || out->dest < 0 || t < 0 ||
	    (err->active && err->fn))
		return false;
	return sb_same_stream(out->dest, t);
}

/* Can nothing the program reads answer what it writes? Its stdin is a
 * regular file, /dev/null or closed: no interactor, no judge replying
 * to each line through a pipe, no terminal. */
static bool nobody_answers(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return errno == EBADF;
	return S_ISREG(st.st_mode) ||
	       (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
}

/* A program that writes a line per write(2) wakes the manager for every
 * line when the manager waits on the capture pipe: 1e6 lines of 8 bytes
 * cost about twice the CPU of the program alone, in context switches on
 * both sides. When a copy found only a trickle (less than GATHER_BYTES:
 * a fast writer of big blocks always brings more, and is never held
 * back) and nobody can answer what the program writes (so no exchange
 * waits on the copy), the manager lets the lines gather in the pipe for
 * SB_CAP_GATHER_NS before it looks again: the copy is late by at most
 * that, the program is not slowed (the pipe holds 64 KiB or more, far
 * beyond a millisecond of small writes; a full pipe is copied at once
 * next time), and what is left at the end is drained as before. */
#define GATHER_BYTES 16384

bool sb_capture_gather(const sandbox_t *sb, int64_t moved)
{
	if (!sb->cap_batch || moved <= 0 || moved >= GATHER_BYTES)
		return false;
	for (int i = 1; i <= 2; i++)
		if (sb->cap[i].wait_out || sb->cap[i].pend_len)
			return false; /* the destination is full: wait for it */
	return true;
}

bool sb_capture_plan(sandbox_t *sb, int stdio[3], unsigned skip)
{
	bool limited = sb->quota[S_QUOTA_DISK] != SANDBOX_UNLIMITED;
	struct stat st;

	for (int i = 1; i <= 2; i++) {
		struct sb_capture *c = &sb->cap[i];
		c->active = c->on && !(skip & (1u << i));
		c->implied = c->shared = false;
		c->own_dest = -1;
		c->dest = c->active ? c->dest_fd : -1;
		if (c->on || !limited || (skip & (1u << i)) ||
		    (i == 2 && sb->stdio[2].fd == SANDBOX_STDIO_STDOUT))
			continue;
		int fd = stdio[i] >= 0 ? stdio[i] : i;
		if (fstat(fd, &st) < 0 || !quota_needs_capture(&st, stdio[i] < 0))
			continue; /* closed, or bounded as a file */
		if (stdio[i] >= 0) {
			c->own_dest = stdio[i];
			stdio[i] = -1;
		} else if ((c->own_dest = fcntl(i, F_DUPFD_CLOEXEC, 3)) < 0) {
			continue; /* not captured: handed over as before */
		}
		c->active = c->implied = true;
		c->dest = c->own_dest;
	}
	/* Only a capture gathers (no stat of stdin for a run without). */
	sb->cap_batch = (sb->cap[1].active || sb->cap[2].active) &&
	                !(skip & 1) &&
	                nobody_answers(stdio[0] >= 0 ? stdio[0] : 0);
	if (skip & 6)
		return false; /* an interaction's streams are its own */
	if (sb->stdio[2].fd == SANDBOX_STDIO_STDOUT && !sb->cap[2].active) {
		sb->cap[2].shared = sb->cap[1].active;
		return false; /* the caller (run.c) makes stderr stdout's */
	}
	if (!err_shares_out(sb, stdio))
		return false;
	struct sb_capture *err = &sb->cap[2];
	if (err->own_dest >= 0)
		close(err->own_dest);
	err->own_dest = err->dest = -1;
	err->active = err->implied = false;
	err->shared = true;
	if (stdio[2] >= 0)
		close(stdio[2]);
	stdio[2] = -1;
	return true;
}

int sb_capture_open(sandbox_t *sb, int wfd[3])
{
	for (int i = 0; i < 3; i++)
		wfd[i] = -1;
	for (int i = 1; i <= 2; i++) {
		struct sb_capture *c = &sb->cap[i];
		int p[2];
		c->rfd = c->out_fd = -1;
		c->bytes = 0;
		c->dest_gone = c->wait_out = c->reader_gone = false;
		c->pend_off = c->pend_len = 0;
		if (!c->active)
			continue;
		c->buf = malloc(CHUNK);
		if (!c->buf || pipe2(p, O_CLOEXEC) < 0) {
			int e = c->buf ? -errno : -ENOMEM;
			sb_capture_finish(sb);
			for (int j = 0; j < 3; j++)
				if (wfd[j] >= 0)
					close(wfd[j]);
			return e;
		}
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		/* A bigger pipe means fewer wake-ups of the copier and of a
		 * program blocked on a full pipe (best effort: the default
		 * pipe-max-size allows 1 MiB). Not for the caller's own stream
		 * (implied): no more than a pipe's default stays between the
		 * program and its reader, as without the capture. */
		if (!c->implied)
			fcntl(p[0], F_SETPIPE_SZ, PIPE_BYTES);
		c->rfd = p[0];
		wfd[i] = p[1];
		open_destination(c);
	}
	return 0;
}

/* The destination failed for good (EPIPE, EBADF, EIO, ...): drop it and
 * consume the SIGPIPE the write may have raised in this thread (it is
 * blocked here: the manager blocks every signal, the drain holds it). */
static void destination_gone(struct sb_capture *c)
{
	sigset_t pipe_set;
	const struct timespec zero = { 0, 0 };

	c->dest_gone = true;
	c->wait_out = false;
	c->pend_off = c->pend_len = 0;
	if (errno != EPIPE)
		return;
	c->reader_gone = true;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
		;
}

/* Write the pending bytes without blocking (unless the destination could
 * not be made non-blocking). Returns true when nothing is pending any
 * more, false when the destination is full. */
static bool flush_pending(struct sb_capture *c)
{
	while (c->pend_len && !c->dest_gone) {
		const char *p = c->buf + c->pend_off;
		ssize_t n = c->is_sock
		    ? send(c->out_fd, p, c->pend_len, MSG_DONTWAIT | MSG_NOSIGNAL)
		    : write(c->out_fd, p, c->pend_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->wait_out = true;
			return false;
		}
		if (n <= 0) {
			destination_gone(c);
			break;
		}
		c->pend_off += (size_t)n;
		c->pend_len -= (size_t)n;
	}
	c->pend_off = c->pend_len = 0;
	c->wait_out = false;
	return true;
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

/* One step of copying: at most `want` bytes from the capture pipe to the
 * destination. Returns the bytes moved (> 0), 0 at end of file, or -1
 * with errno EAGAIN: c->wait_out tells whether the destination is full
 * (else the pipe is empty). */
static ssize_t copy_step(struct sb_capture *c, int which, size_t want)
{
	ssize_t n;

	if (c->can_splice && !c->dest_gone) {
		n = splice(c->rfd, NULL, c->out_fd, NULL, want,
		           SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
		if (n >= 0)
			return n;
		if (errno == EINVAL) {
			c->can_splice = false; /* e.g. an O_APPEND file */
			return copy_step(c, which, want);
		}
		if (errno == EAGAIN) {
			/* Either side may be the reason: ask the pipe. */
			int avail = 0;
			c->wait_out = ioctl(c->rfd, FIONREAD, &avail) == 0 &&
			              avail > 0;
			errno = EAGAIN;
			return -1;
		}
		if (errno != EINTR) {
			destination_gone(c);
			return copy_step(c, which, want);
		}
		return -1;
	}
	n = read(c->rfd, c->buf, want);
	if (n > 0) {
		if (c->fn)
			c->fn(which, c->buf, (size_t)n, c->data);
		if (c->out_fd >= 0 && !c->dest_gone) {
			c->pend_off = 0;
			c->pend_len = (size_t)n;
			flush_pending(c);
		}
	}
	return n;
}

/* Copy what can be copied now, never more than the quota allows and never
 * blocking on the destination. */
int sb_capture_copy(sandbox_t *sb, int which)
{
	struct sb_capture *c = &sb->cap[which];

	while (c->rfd >= 0) {
		int64_t want = allowance(sb);
		ssize_t n;

		if (c->implied && c->reader_gone) {
			/* The caller's reader left: the program's next write
			 * fails with EPIPE (SIGPIPE), as it would have without
			 * the capture. */
			close(c->rfd);
			c->rfd = -1;
			c->pend_off = c->pend_len = 0;
			break;
		}

		if (c->pend_len && !flush_pending(c))
			return SB_CAP_FULL;
		if (want <= 0) {
			/* At the quota: one more byte waiting means OL. It is
			 * neither passed on nor counted: the captured figure
			 * never exceeds the quota (the program's own figure
			 * is stat.output_bytes). */
			char one;
			n = read(c->rfd, &one, 1);
			if (n > 0)
				return SB_CAP_OVER;
		} else {
			c->wait_out = false;
			n = copy_step(c, which, (size_t)want);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && c->wait_out)
				return SB_CAP_FULL;
			return SB_CAP_IDLE; /* EAGAIN: nothing more for now */
		}
		if (n == 0) {
			close(c->rfd);
			c->rfd = -1;
			break;
		}
		c->bytes += n;
		if (c->pend_len)
			return SB_CAP_FULL;
	}
	return c->pend_len ? SB_CAP_FULL : SB_CAP_EOF;
}

void sb_capture_pollfd(const sandbox_t *sb, int which, struct pollfd *p)
{
	const struct sb_capture *c = &sb->cap[which];

	p->fd = c->wait_out ? c->out_fd : c->rfd;
	p->events = c->wait_out ? POLLOUT : POLLIN;
	p->revents = 0;
}

/* Is the run past its wall-clock quota (from exec)? */
static bool past_wall(const sandbox_t *sb)
{
	uint64_t q = sb->quota[S_QUOTA_WALLCLOCK];
	struct timespec now;

	if (q == SANDBOX_UNLIMITED)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return sb_ts_ns(&now) - sb_ts_ns(&sb->mgr.start) >= (int64_t)q * 1000000;
}

/* The program is gone: wait until the destination takes what is left.
 * Stops (the rest is dropped) when the run is interrupted: then the
 * verdict becomes IE, since the output is incomplete. The caller's own
 * stream (an implied capture) is waited for no longer than the wall-clock
 * quota: without the capture, a program blocked on a reader that never
 * reads ends TL there, what it wrote left unread in the pipe (make_room()
 * then puts the rest there too). */
static bool wait_for_destination(sandbox_t *sb, struct sb_capture *c)
{
	struct pollfd p = { .fd = c->out_fd, .events = POLLOUT };

	for (;;) {
		if (atomic_load(&sb->interrupt_sig)) {
			atomic_store(&sb->kill_reason, SB_KILL_INTERRUPT);
			sb->interrupt_ended = true;
			return false;
		}
		if (c->implied && past_wall(sb))
			return false;
		int n = poll(&p, 1, DRAIN_POLL_MS);
		if (n > 0)
			return true; /* POLLOUT, or POLLERR: the write will say */
		if (n < 0 && errno != EINTR)
			return false;
	}
}

/* The caller's own pipe (an implied capture) that was not read before
 * the wall-clock quota: what the program wrote into the capture is still
 * here -- its writes succeeded, and without the capture those bytes would
 * be in that pipe, for its reader to read later. Rather than drop them
 * (up to the capture pipe's 64 KiB), the destination pipe is made big
 * enough to take them too (F_SETPIPE_SZ on the caller's pipe: its capacity
 * only grows, within the host's pipe-max-size). False when it cannot
 * (not a pipe, the limits): the rest is dropped. */
static bool make_room(struct sb_capture *c)
{
	struct stat st;

	if (c->dest_gone || c->out_fd < 0 || fstat(c->out_fd, &st) < 0 ||
	    !S_ISFIFO(st.st_mode))
		return false;
	int have = fcntl(c->out_fd, F_GETPIPE_SZ);
	int held = c->rfd >= 0 ? fcntl(c->rfd, F_GETPIPE_SZ) : 0;
	if (have < 0 || held < 0)
		return false;
	/* Room in pipe slots (a page each, partly filled by small writes):
	 * as many more as the capture pipe has, and a chunk's worth for
	 * what was read and not yet written. */
	long want = (long)have + held + (c->pend_len ? CHUNK : 0);
	return want <= INT32_MAX && fcntl(c->out_fd, F_SETPIPE_SZ, (int)want) >= want;
}

void sb_capture_finish(sandbox_t *sb)
{
	sigset_t pipe_set, old;

	/* Nothing to drain (no capture, or drained already): no write, no
	 * SIGPIPE to hold. */
	if (sb->cap[1].rfd < 0 && !sb->cap[1].pend_len &&
	    sb->cap[2].rfd < 0 && !sb->cap[2].pend_len) {
		close_stream(&sb->cap[1]);
		close_stream(&sb->cap[2]);
		return;
	}
	/* Writes into a pipe whose reader left raise SIGPIPE in this thread:
	 * hold it while draining (destination_gone consumes it). */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	for (int i = 1; i <= 2; i++) {
		struct sb_capture *c = &sb->cap[i];
		bool grown = false;
		for (bool more = c->rfd >= 0 || c->pend_len; more; ) {
			int st = sb_capture_copy(sb, i);
			if (st == SB_CAP_OVER)
				sb_verdict_during(sb, S_RESULT_OL, S_QUOTA_DISK);
			/* IDLE: the pipe is empty, so everything the program
			 * wrote before it ended is out (a descendant holding
			 * the pipe is not waited for). */
			more = st == SB_CAP_FULL && wait_for_destination(sb, c);
			if (st == SB_CAP_FULL && !more && c->implied && !grown &&
			    !atomic_load(&sb->interrupt_sig))
				more = grown = make_room(c);
		}
		close_stream(c);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ------------------------------------------------------------ streams */

/* stdout and stderr that are regular files the program writes itself
 * (captured ones are counted as they pass): their sizes now, and a
 * descriptor on each, so that what the program adds to them counts
 * together. A file both streams share counts once. */
void sb_streams_begin(sandbox_t *sb, const int fds[3])
{
	struct stat st, first;
	bool have_first = false;

	for (int i = 1; i <= 2; i++) {
		int fd = fds[i] >= 0 ? fds[i] : i; /* else: inherited */
		sb->streams.fd[i] = -1;
		if (sb->cap[i].active || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (have_first && st.st_dev == first.st_dev &&
		    st.st_ino == first.st_ino)
			continue;
		if ((sb->streams.fd[i] = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0)
			continue; /* not counted: the file's own limit holds */
		sb->streams.size0[i] = st.st_size;
		first = st;
		have_first = true;
	}
	sb->streams.watched = have_first;
	sb->streams.peak = 0;
}

void sb_streams_end(sandbox_t *sb)
{
	sb->streams.watched = false;
	for (int i = 1; i <= 2; i++)
		if (sb->streams.fd[i] >= 0) {
			close(sb->streams.fd[i]);
			sb->streams.fd[i] = -1;
		}
}

/* Two files the program writes each stay under RLIMIT_FSIZE, but not
 * together: one that wrote 900 KiB to each under 1 MiB and truncated
 * both before it exited left nothing to see at the end (review-box2 C9).
 * So every call that can shrink a file through a descriptor stops first
 * (the filter's watch_streams; every call in classic mode) and the sum is
 * measured there: the most the files held together is what is judged. A
 * thread that writes while another one's truncation is stopped adds
 * bytes the sample before that truncation did not see. */
void sb_streams_sample(sandbox_t *sb)
{
	struct stat st;
	int64_t n = 0;

	for (int i = 1; i <= 2; i++)
		if (sb->streams.fd[i] >= 0 && fstat(sb->streams.fd[i], &st) == 0 &&
		    st.st_size > sb->streams.size0[i])
			n += st.st_size - sb->streams.size0[i];
	if (n > sb->streams.peak)
		sb->streams.peak = n;
}

int64_t sb_streams_written(sandbox_t *sb)
{
	sb_streams_sample(sb);
	return sb->streams.peak;
}
