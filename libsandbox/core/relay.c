/*
 * The plumbing of an interaction: the program's standard output goes to
 * the interactor's standard input and back, through this relay, a thread
 * of its own that never blocks (every descriptor it holds is non-blocking
 * and it sleeps in ppoll), so that neither side can stop the supervisor.
 *
 * Per direction: a pipe from the writer (1 MiB), a 64 KiB buffer, a pipe
 * to the reader (1 MiB). The relay counts every byte it reads and every
 * byte it delivers. It reads a side's output until that side ends, even
 * once the other side can no longer read (what it reads then is counted,
 * not delivered): no side ever gets SIGPIPE or EPIPE from the relay.
 *
 * Who ended first. A side learns that the other one ended only from the
 * relay: end of file on its standard input. So the relay orders the ends
 * itself:
 *   - a side has ended when its pidfd is readable (a zombie: its
 *     descriptors are closed) or its run is over (done);
 *   - end of file from a side that is still alive and not exiting (it
 *     closed its standard output) is passed on at once; from a side that
 *     is exiting (PF_EXITING: set before the kernel closes its files), it
 *     waits for that side's end, then passes it on;
 *   - when the relay gives a side end of file (closes its standard input
 *     after delivering what was written before), it notes whether that
 *     side had already ended or was exiting: ended_before_told. A program
 *     that failed before it was told cannot have failed because of the
 *     interactor's end (combine.c).
 *
 * The idle sample (sb_relay_sample) runs in the program's manager thread
 * just before it kills the program for the wall-clock quota; it takes the
 * relay's lock, which the relay holds except while it sleeps, so what it
 * reads of the buffers is never half-updated.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536
#define PIPE_BYTES (1 << 20)

/* A command interactor to start from the relay's thread. */
struct spawn_req {
	char *const *argv, *const *envp;
	const int *fds;
	uint64_t wall_ms;
	int rc, step;
	bool done;
};

/* One direction: from side `from` to the other side. */
struct dir {
	int src;           /* read end of from's stdout, -1 when closed */
	int dst;           /* write end of the other's stdin, -1 when closed */
	char *buf;
	size_t off, len;   /* bytes read, not yet written */
	int64_t read, delivered;
	int64_t drain_left; /* >= 0: after from's end, what is still to read */
	int64_t quota;     /* from's S_QUOTA_DISK (a sandbox's), -1: none */
	bool over;         /* read past it: the rest is discarded */
	bool eof_seen;     /* from closed its stdout */
	bool eof_wanted;   /* close dst once buf is written: tell the other */
};

struct side {
	pid_t pid;         /* 0 until forked */
	int pidfd;         /* ours, -1 until forked */
	bool ended, done;
	bool told, ended_before_told;
	int wait;          /* the sample */
};

struct sb_relay {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	int ctl;           /* eventfd: wakes the thread */
	struct dir dir[2]; /* dir[s]: from side s */
	struct side side[2];
	int err_fd;        /* the interactor's stderr, read end */
	char message[SANDBOX_MESSAGE_MAX];
	size_t message_len;
	int64_t message_bytes;
	/* transcript */
	int log_fd;        /* -1: none */
	char *log_buf;     /* 3 * CHUNK + 1 */
	bool log_own;      /* log_fd is a private reopening: close it */
	int log_dir;       /* direction of the last bytes logged, -1 none */
	bool log_mid_line;
	int64_t log_bytes;
	bool log_truncated;
	/* a command interactor to start (sb_relay_spawn) */
	struct spawn_req *spawn;
	pthread_cond_t spawned;
	/* an adopted (plain) interactor */
	bool adopted;
	bool lost;         /* its wait status could not be read */
	int64_t deadline, t_start, t_end;
	bool reaped, deadline_killed, stop, stopped;
	/* sb_relay_stop(): a sandboxed interactor is killed too */
	bool abandon, abandon_sent;
	int wstatus;
	struct rusage ru;
	/* the sample */
	bool sampled, idle;
	bool quit;         /* sb_relay_free() before both sides were done */
	/* interruptions: either sandbox's (link_wake), or stop */
	sandbox_t *sb[2];
	int interrupted;
};

/* ------------------------------------------------------------ helpers */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void wake(struct sb_relay *r)
{
	uint64_t one = 1;
	if (write(r->ctl, &one, sizeof(one)) < 0)
		return; /* the counter is non-zero: it wakes anyway */
}

/* Non-blocking readiness of one descriptor. */
static bool ready(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	return fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (events | POLLHUP |
	                                                       POLLERR));
}

/* A write that failed for good raised SIGPIPE in this thread, where every
 * signal is blocked: consume it. */
static void consume_sigpipe(void)
{
	sigset_t set;
	const struct timespec zero = { 0, 0 };
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	while (sigtimedwait(&set, NULL, &zero) == SIGPIPE)
		;
}

/* ------------------------------------------------------------ transcript */

/* Write to the log without ever blocking; the first refusal ends it. */
static void log_put(struct sb_relay *r, const char *p, size_t n)
{
	while (n && r->log_fd >= 0) {
		ssize_t w = write(r->log_fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (errno == EPIPE)
				consume_sigpipe();
			r->log_truncated = true;
			close_fd(&r->log_fd);
			return;
		}
		r->log_bytes += w;
		p += w;
		n -= (size_t)w;
	}
}

/* Bytes read from side `from`, each line prefixed with its direction,
 * in one write (at worst every byte is a line of its own: 3 bytes). */
static void log_chunk(struct sb_relay *r, int from, const char *p, size_t n)
{
	const char *prefix = from == S_SIDE_PROGRAM ? "> " : "< ";
	char *o = r->log_buf;

	if (r->log_fd < 0)
		return;
	if (r->log_mid_line && r->log_dir != from)
		*o++ = '\n';
	if (r->log_dir != from)
		r->log_mid_line = false;
	r->log_dir = from;
	for (size_t i = 0; i < n; i++) {
		if (!r->log_mid_line) {
			*o++ = prefix[0];
			*o++ = prefix[1];
		}
		*o++ = p[i];
		r->log_mid_line = p[i] != '\n';
	}
	log_put(r, r->log_buf, (size_t)(o - r->log_buf));
}

/* ------------------------------------------------------------ ends */

static bool side_exiting(const struct side *s)
{
	return s->ended || (s->pidfd >= 0 && ready(s->pidfd, POLLIN)) ||
	       (s->pid > 0 && sb_proc_exiting(s->pid));
}

/* Close side t's standard input: end of file for it, once what it was
 * sent is delivered (tell), or because it can no longer read (ended). */
static void close_input(struct sb_relay *r, int t, bool tell)
{
	struct dir *d = &r->dir[1 - t];
	struct side *s = &r->side[t];

	if (d->dst < 0)
		return;
	if (tell && !s->told) {
		s->told = true;
		s->ended_before_told = side_exiting(s);
	}
	close_fd(&d->dst);
}

/* Side `from` is gone: what it wrote before is in its pipe; read that
 * much more (a descendant could write forever), deliver it, then tell the
 * other side. What is sent to it from now on is discarded. */
static void end_side(struct sb_relay *r, int from)
{
	struct side *s = &r->side[from];
	struct dir *d = &r->dir[from];
	int avail = 0;

	if (s->ended)
		return;
	s->ended = true;
	if (d->src >= 0 && !d->eof_seen) {
		if (ioctl(d->src, FIONREAD, &avail) < 0)
			avail = 0;
		d->drain_left = avail;
	}
	d->eof_wanted = true;
	close_input(r, from, false);
	r->dir[1 - from].len = 0; /* buffered for it: discarded */
}

/* Side `from` closed its stdout. Pass it on now if it is alive and not
 * exiting (it meant it); if it is ending, its end will be seen first. */
static void eof_from(struct sb_relay *r, int from)
{
	struct dir *d = &r->dir[from];
	struct side *s = &r->side[from];

	d->eof_seen = true;
	close_fd(&d->src);
	if (s->ended || s->pid <= 0 || side_exiting(s))
		return; /* decided at its end (forked and end re-check) */
	d->eof_wanted = true;
}

/* ------------------------------------------------------------ pumping */

/* Of the n bytes just read from side `from`, how many its output quota
 * lets through; past it, its sandbox is told (OL) and the rest is read
 * and counted, never delivered. */
static size_t within_quota(struct sb_relay *r, int from, size_t n)
{
	struct dir *d = &r->dir[from];

	if (d->quota < 0 || d->read <= d->quota)
		return n;
	int64_t before = d->read - (int64_t)n;
	if (!d->over) {
		d->over = true;
		sb_manager_output_over(r->sb[from]);
	}
	return before < d->quota ? (size_t)(d->quota - before) : 0;
}

/* Move what can move from side `from` to the other without blocking,
 * at most PUMP_READS reads: a side that writes as fast as the relay reads
 * must not keep it from the other direction, the ends and the deadline. */
#define PUMP_READS 16

static void pump(struct sb_relay *r, int from)
{
	struct dir *d = &r->dir[from];
	int reads = 0;

	for (;;) {
		if (d->len && d->dst < 0) {
			d->len = 0; /* the reader is gone: discard */
		} else if (d->len) {
			ssize_t n = write(d->dst, d->buf + d->off, d->len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				return; /* POLLOUT next */
			if (n <= 0) {
				/* The reader closed its stdin: it stopped reading. */
				if (errno == EPIPE)
					consume_sigpipe();
				close_fd(&d->dst);
				d->len = 0;
				continue;
			}
			d->delivered += n;
			d->off += (size_t)n;
			d->len -= (size_t)n;
			continue;
		}
		/* Nothing buffered. End of file is held once the interaction
		 * is interrupted: the other side is being killed (IE), and
		 * must not end by itself on it first. */
		if (d->eof_wanted && d->dst >= 0 && !r->interrupted &&
		    (d->src < 0 || d->drain_left == 0))
			close_input(r, 1 - from, true);
		if (d->src < 0 || reads++ == PUMP_READS)
			return;
		size_t want = CHUNK;
		if (d->drain_left >= 0) {
			if (d->drain_left == 0) {
				close_fd(&d->src);
				continue;
			}
			if ((int64_t)want > d->drain_left)
				want = (size_t)d->drain_left;
		}
		ssize_t n = read(d->src, d->buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && d->drain_left < 0)
			return; /* POLLIN next */
		if (n <= 0) {
			if (d->drain_left >= 0)
				close_fd(&d->src); /* nothing more than counted */
			else
				eof_from(r, from);
			continue;
		}
		d->read += n;
		if (d->drain_left >= 0)
			d->drain_left -= n;
		size_t keep = within_quota(r, from, (size_t)n);
		log_chunk(r, from, d->buf, keep);
		d->off = 0;
		d->len = keep;
	}
}

/* The interactor's stderr: keep the start, count everything. */
static void read_stderr(struct sb_relay *r)
{
	char buf[4096];

	while (r->err_fd >= 0) {
		ssize_t n = read(r->err_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close_fd(&r->err_fd);
			return;
		}
		r->message_bytes += n;
		size_t room = sizeof(r->message) - 1 - r->message_len;
		size_t take = (size_t)n < room ? (size_t)n : room;
		memcpy(r->message + r->message_len, buf, take);
		r->message_len += take;
	}
}

/* ------------------------------------------------------------ the adopted interactor */

static void kill_group(struct sb_relay *r)
{
	struct side *s = &r->side[S_SIDE_INTERACTOR];
	/* The leader is not reaped yet, so its pid (and group id) cannot
	 * have been reused. */
	if (s->pid > 0 && !r->reaped)
		kill(-s->pid, SIGKILL);
}

/* A plain interactor that ended: kill what it left in its group, reap. */
static void reap(struct sb_relay *r)
{
	struct side *s = &r->side[S_SIDE_INTERACTOR];
	pid_t p;

	kill_group(r);
	do
		p = wait4(s->pid, &r->wstatus, 0, &r->ru);
	while (p < 0 && errno == EINTR);
	/* Taken by someone else's wait: its status is unknown, never a
	 * made-up "exited 0". */
	r->lost = p != s->pid;
	r->t_end = sb_now_ns();
	r->reaped = true;
	s->done = true;
}

/* ------------------------------------------------------------ the thread */

/* An interruption of either sandbox ends the whole interaction: the
 * other is interrupted too, a plain interactor is stopped. */
static void check_interrupts(struct sb_relay *r)
{
	for (int i = 0; i < 2 && !r->interrupted; i++)
		if (r->sb[i])
			r->interrupted = atomic_load(&r->sb[i]->interrupt_sig);
	if (!r->interrupted)
		return;
	for (int i = 0; i < 2; i++)
		if (r->sb[i] && !atomic_load(&r->sb[i]->interrupt_sig))
			sb_interrupt(r->sb[i], r->interrupted);
	r->stop = true;
}

/* Ends, plain interactor, deadline. Returns the next deadline (abs ns). */
static int64_t check_sides(struct sb_relay *r)
{
	bool gone[2];
	int64_t next = INT64_MAX;

	/* Every end seen in this round is recorded before anyone is told. */
	for (int i = 0; i < 2; i++) {
		struct side *s = &r->side[i];
		gone[i] = !s->ended &&
		          (s->done || (s->pidfd >= 0 && ready(s->pidfd, POLLIN)));
	}
	for (int i = 0; i < 2; i++)
		if (gone[i])
			end_side(r, i);
	/* EOF held while its side was exiting or not known yet. */
	for (int i = 0; i < 2; i++) {
		struct dir *d = &r->dir[i];
		if (d->eof_seen && !d->eof_wanted && r->side[i].pid > 0 &&
		    !side_exiting(&r->side[i]))
			d->eof_wanted = true;
	}
	if (r->abandon && !r->abandon_sent && !r->adopted) {
		struct side *s = &r->side[S_SIDE_INTERACTOR];
		/* Not forked yet: at its fork (sb_relay_forked wakes us). */
		if (s->ended || s->pidfd >= 0)
			r->abandon_sent = true;
		if (!s->ended && s->pidfd >= 0)
			(void)syscall(SYS_pidfd_send_signal, s->pidfd, SIGKILL,
			              NULL, 0);
	}
	if (r->adopted && !r->reaped) {
		if (r->side[S_SIDE_INTERACTOR].ended) {
			reap(r);
		} else if (r->stop && !r->stopped) {
			kill_group(r);
			r->stopped = true;
		} else if (!r->stopped && !r->deadline_killed &&
		           r->deadline != INT64_MAX) {
			if (sb_now_ns() >= r->deadline) {
				kill_group(r);
				r->deadline_killed = true;
			} else {
				next = r->deadline;
			}
		}
	}
	return next;
}

/* Start the command interactor asked for, as a child of this thread: no
 * other thread waits for it. The program's tracer (the caller's thread)
 * waits for any child of its own once the program has several tasks: a
 * child of the caller would be taken by it, its status lost. */
static void spawn_command(struct sb_relay *r)
{
	struct spawn_req *q = r->spawn;
	struct side *s = &r->side[S_SIDE_INTERACTOR];
	struct sb_spawned child;

	q->rc = sb_spawn_plain(q->argv, q->envp, q->fds, &child, &q->step);
	if (q->rc == 0) {
		r->adopted = true;
		r->t_start = sb_now_ns();
		int64_t room = (INT64_MAX - r->t_start) / 1000000;
		r->deadline = q->wall_ms == SANDBOX_UNLIMITED ||
		              q->wall_ms >= (uint64_t)room
		              ? INT64_MAX
		              : r->t_start + (int64_t)q->wall_ms * 1000000;
		s->pid = child.pid;
		s->pidfd = child.pidfd;
	}
	q->done = true;
	pthread_cond_broadcast(&r->spawned);
}

static bool finished(const struct sb_relay *r)
{
	return r->quit || (r->side[0].done && r->side[1].done);
}

static void *relay_main(void *arg)
{
	struct sb_relay *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct pollfd p[10];
		nfds_t n = 0;

		if (r->spawn && !r->spawn->done)
			spawn_command(r);
		check_interrupts(r);
		int64_t next = check_sides(r);
		pump(r, S_SIDE_PROGRAM);
		pump(r, S_SIDE_INTERACTOR);
		read_stderr(r);
		if (finished(r))
			break;
		p[n++] = (struct pollfd){ .fd = r->ctl, .events = POLLIN };
		for (int i = 0; i < 2; i++)
			if (r->sb[i])
				p[n++] = (struct pollfd){
					.fd = atomic_load(&r->sb[i]->link_wake),
					.events = POLLIN };
		nfds_t nwake = n; /* the wake-up descriptors come first */
		for (int i = 0; i < 2; i++) {
			struct dir *d = &r->dir[i];
			if (d->len && d->dst >= 0)
				p[n++] = (struct pollfd){ .fd = d->dst, .events = POLLOUT };
			else if (!d->len && d->src >= 0)
				p[n++] = (struct pollfd){ .fd = d->src, .events = POLLIN };
			if (!r->side[i].ended && r->side[i].pidfd >= 0)
				p[n++] = (struct pollfd){ .fd = r->side[i].pidfd,
				                          .events = POLLIN };
		}
		if (r->err_fd >= 0)
			p[n++] = (struct pollfd){ .fd = r->err_fd, .events = POLLIN };
		struct timespec ts, *tsp = sb_ts_until(next, &ts);
		pthread_mutex_unlock(&r->lock);
		if (ppoll(p, n, tsp, NULL) > 0) {
			for (nfds_t i = 0; i < nwake; i++) {
				uint64_t v;
				if ((p[i].revents & POLLIN) &&
				    read(p[i].fd, &v, sizeof(v)) < 0)
					v = 0; /* EAGAIN: taken meanwhile */
			}
		}
		pthread_mutex_lock(&r->lock);
	}
	/* Both runs are over: what the interactor said last. A start asked
	 * for too late is refused (it cannot be: the program runs after). */
	if (r->spawn && !r->spawn->done) {
		r->spawn->rc = -ECANCELED;
		r->spawn->done = true;
		pthread_cond_broadcast(&r->spawned);
	}
	read_stderr(r);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* ------------------------------------------------------------ the sample */

static int64_t cpu_ns(pid_t pid)
{
	clockid_t cid;
	struct timespec t;
	if (pid <= 0 || clock_getcpuclockid(pid, &cid) != 0 ||
	    clock_gettime(cid, &t) != 0)
		return -1;
	return sb_ts_ns(&t);
}

/* Could the relay move a byte from side `from` now? */
static bool movable(const struct sb_relay *r, int from)
{
	const struct dir *d = &r->dir[from];
	bool have = d->len > 0 || ready(d->src, POLLIN);
	/* With the reader gone, what comes is read and discarded. */
	return have && (d->dst < 0 || ready(d->dst, POLLOUT));
}

void sb_relay_sample(struct sb_relay *r)
{
	int64_t before[2], after[2];

	pthread_mutex_lock(&r->lock);
	if (r->sampled) {
		pthread_mutex_unlock(&r->lock);
		return;
	}
	for (int i = 0; i < 2; i++)
		before[i] = r->side[i].ended ? -1 : cpu_ns(r->side[i].pid);
	for (int i = 0; i < 2; i++) {
		struct side *s = &r->side[i];
		s->wait = s->ended ? SB_WAIT_ENDED
		        : s->pid > 0 ? sb_proc_stdio_wait(s->pid) : SB_WAIT_RUNNING;
	}
	bool still = !movable(r, 0) && !movable(r, 1);
	for (int i = 0; i < 2; i++) {
		after[i] = r->side[i].ended ? -1 : cpu_ns(r->side[i].pid);
		still = still && before[i] == after[i];
	}
	int pw = r->side[S_SIDE_PROGRAM].wait;
	int iw = r->side[S_SIDE_INTERACTOR].wait;
	r->idle = still &&
	          (pw == SB_WAIT_READING || pw == SB_WAIT_WRITING) &&
	          (iw == SB_WAIT_READING || iw == SB_WAIT_WRITING ||
	           iw == SB_WAIT_ENDED);
	r->sampled = true;
	pthread_mutex_unlock(&r->lock);
}

/* ------------------------------------------------------------ set-up */

/* A pipe; our end non-blocking (1 MiB when the host allows). */
static int make_pipe(int *ours, int *theirs, bool we_read)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	*ours = we_read ? p[0] : p[1];
	*theirs = we_read ? p[1] : p[0];
	fcntl(*ours, F_SETFL, O_NONBLOCK);
	fcntl(*ours, F_SETPIPE_SZ, PIPE_BYTES);
	return 0;
}

int sb_relay_new(const struct sb_relay_config *cfg, struct sb_relay **out,
                 int ends[2][3])
{
	struct sb_relay *r = calloc(1, sizeof(*r));
	int log_fd = cfg->log_fd;
	int rc;

	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 3; j++)
			ends[i][j] = -1;
	if (!r)
		return -ENOMEM;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->spawned, NULL);
	r->ctl = r->err_fd = r->log_fd = -1;
	r->log_dir = -1;
	r->log_bytes = log_fd >= 0 ? 0 : -1;
	r->deadline = INT64_MAX;
	for (int i = 0; i < 2; i++) {
		r->dir[i].src = r->dir[i].dst = -1;
		r->dir[i].drain_left = -1;
		uint64_t q = cfg->sb[i] ? cfg->sb[i]->quota[S_QUOTA_DISK]
		                        : SANDBOX_UNLIMITED;
		r->dir[i].quota = q == SANDBOX_UNLIMITED || q > INT64_MAX
		                  ? -1 : (int64_t)q;
		r->side[i].pidfd = -1;
	}
	if ((r->ctl = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		rc = -errno;
		goto fail;
	}
	for (int i = 0; i < 2; i++) {
		if (!(r->sb[i] = cfg->sb[i]))
			continue;
		int none = -1;
		int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd < 0) {
			rc = -errno;
			goto fail;
		}
		/* Made once per sandbox, kept until it is destroyed. */
		if (!atomic_compare_exchange_strong(&r->sb[i]->link_wake, &none, fd))
			close(fd);
	}
	for (int i = 0; i < 2; i++) {
		if (!(r->dir[i].buf = malloc(CHUNK))) {
			rc = -ENOMEM;
			goto fail;
		}
		/* side i's stdout -> us; us -> side i's stdin */
		if ((rc = make_pipe(&r->dir[i].src, &ends[i][1], true)) < 0 ||
		    (rc = make_pipe(&r->dir[1 - i].dst, &ends[i][0], false)) < 0)
			goto fail;
	}
	if ((rc = make_pipe(&r->err_fd, &ends[S_SIDE_INTERACTOR][2], true)) < 0)
		goto fail;
	if (log_fd >= 0 && !(r->log_buf = malloc(3 * CHUNK + 1))) {
		rc = -ENOMEM;
		goto fail;
	}
	if (log_fd >= 0 &&
	    (r->log_fd = sb_open_nonblocking(log_fd, &r->log_own)) < 0) {
		rc = r->log_fd;
		r->log_fd = -1;
		goto fail;
	}
	*out = r;
	return 0;
fail:
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 3; j++)
			close_fd(&ends[i][j]);
	sb_relay_free(r);
	return rc;
}

int sb_relay_start(struct sb_relay *r)
{
	sigset_t all, old;
	int rc;

	/* Every signal blocked: the host's handlers never run here, and a
	 * SIGPIPE a write raises stays pending for consume_sigpipe(). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->thread, NULL, relay_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -rc;
	r->started = true;
	return 0;
}

void sb_relay_forked(struct sb_relay *r, int side, pid_t pid, int pidfd)
{
	pthread_mutex_lock(&r->lock);
	r->side[side].pid = pid;
	r->side[side].pidfd = pidfd >= 0 ? fcntl(pidfd, F_DUPFD_CLOEXEC, 3) : -1;
	pthread_mutex_unlock(&r->lock);
	wake(r);
}

int sb_relay_spawn(struct sb_relay *r, char *const argv[],
                   char *const envp[], const int fds[3], uint64_t wall_ms,
                   int *step)
{
	struct spawn_req q = { .argv = argv, .envp = envp, .fds = fds,
	                       .wall_ms = wall_ms, .step = SB_STEP_UNKNOWN };

	if (!r->started)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	r->spawn = &q;
	pthread_mutex_unlock(&r->lock);
	wake(r);
	pthread_mutex_lock(&r->lock);
	while (!q.done)
		pthread_cond_wait(&r->spawned, &r->lock);
	r->spawn = NULL;
	pthread_mutex_unlock(&r->lock);
	*step = q.step;
	return q.rc;
}

void sb_relay_done(struct sb_relay *r, int side)
{
	pthread_mutex_lock(&r->lock);
	/* An adopted interactor is done once reaped (check_sides). */
	if (!(side == S_SIDE_INTERACTOR && r->adopted))
		r->side[side].done = true;
	pthread_mutex_unlock(&r->lock);
	wake(r);
}

void sb_relay_stop(struct sb_relay *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	r->abandon = true;
	pthread_mutex_unlock(&r->lock);
	wake(r);
}

void sb_relay_finish(struct sb_relay *r, struct sb_relay_stat *st)
{
	memset(st, 0, sizeof(*st));
	if (r->started) {
		pthread_join(r->thread, NULL);
		r->started = false;
	}
	for (int i = 0; i < 2; i++) {
		st->read[i] = r->dir[i].read;
		st->delivered[i] = r->dir[i].delivered;
		st->told[i] = r->side[i].told;
		st->ended_before_told[i] = r->side[i].ended_before_told;
		st->wait[i] = r->sampled ? r->side[i].wait : SB_WAIT_UNKNOWN;
	}
	st->idle = r->sampled && r->idle;
	st->reaped = r->reaped && !r->lost;
	st->wstatus = r->wstatus;
	st->cpu_us = st->wall_us = st->rss_peak = -1;
	if (r->reaped) {
		st->cpu_us = sb_tv_us(&r->ru.ru_utime) + sb_tv_us(&r->ru.ru_stime);
		st->wall_us = (r->t_end - r->t_start) / 1000;
		st->rss_peak = (int64_t)r->ru.ru_maxrss * 1024;
	}
	st->deadline_killed = r->deadline_killed;
	st->stopped = r->stopped;
	st->interrupted = r->interrupted;
	memcpy(st->message, r->message, r->message_len);
	st->message[r->message_len] = '\0';
	st->message_bytes = r->message_bytes;
	st->log_bytes = r->log_bytes;
	st->log_truncated = r->log_truncated;
}

void sb_relay_free(struct sb_relay *r)
{
	if (!r)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->lock);
		r->quit = true;
		pthread_mutex_unlock(&r->lock);
		wake(r);
		pthread_join(r->thread, NULL);
		r->started = false;
	}
	for (int i = 0; i < 2; i++) {
		close_fd(&r->dir[i].src);
		close_fd(&r->dir[i].dst);
		free(r->dir[i].buf);
		close_fd(&r->side[i].pidfd);
	}
	/* An adopted interactor not reaped (the run never started it
	 * properly): kill and reap it, never leave a zombie. */
	if (r->adopted && !r->reaped && r->side[S_SIDE_INTERACTOR].pid > 0)
		reap(r);
	close_fd(&r->err_fd);
	if (r->log_own)
		close_fd(&r->log_fd);
	free(r->log_buf);
	if (r->ctl >= 0)
		close(r->ctl);
	pthread_cond_destroy(&r->spawned);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
