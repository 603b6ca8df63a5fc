/*
 * Output capture: the library owns the program's stdout/stderr through
 * pipes, copies them to a descriptor and/or a streaming callback, and
 * counts the bytes against S_QUOTA_DISK (OL even on a pipe). Both modes.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* What a callback received. */
struct sink {
	char *buf[3];
	size_t len[3], cap[3];
	unsigned calls;
};

static void sink_fn(int which, const void *data, size_t len, void *arg)
{
	struct sink *s = arg;

	ck_assert(which == 1 || which == 2);
	s->calls++;
	if (s->len[which] + len + 1 > s->cap[which]) {
		s->cap[which] = (s->len[which] + len + 1) * 2;
		s->buf[which] = realloc(s->buf[which], s->cap[which]);
		ck_assert_ptr_nonnull(s->buf[which]);
	}
	memcpy(s->buf[which] + s->len[which], data, len);
	s->len[which] += len;
	s->buf[which][s->len[which]] = '\0';
}

/* The text `both N` writes on one stream ("out" or "err"). */
static char *expected_lines(const char *tag, long n)
{
	char *text = malloc((size_t)n * 11 + 1), *p = text;

	ck_assert_ptr_nonnull(text);
	for (long i = 0; i < n; i++)
		p += sprintf(p, "%s %06ld\n", tag, i);
	return text;
}

START_TEST(stdout_to_a_file)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	char *path = tu_tmpfile("cap-hello.out");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	char *text;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, fd, NULL, NULL), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	close(fd);
	text = tu_slurp(path);
	ck_assert_str_eq(text, "hello\n");
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), 6);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 2), -1);
	free(text);
	sandbox_destroy(sb);
}
END_TEST

/* 20000 lines on each stream (220 KB each, more than a pipe holds):
 * every byte arrives, in order, on the right stream, through the
 * callback and the descriptor alike. */
START_TEST(both_streams_stream_through_the_callback)
{
	const long n = 20000;
	sandbox_t *sb = tu_sandbox("both", "20000", NULL);
	struct sink s = { 0 };
	char *path = tu_tmpfile("cap-both.err");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	char *want_out = expected_lines("out", n), *want_err = expected_lines("err", n);
	char *copied;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, -1, sink_fn, &s), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 2, fd, sink_fn, &s), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	close(fd);
	ck_assert_uint_eq(s.len[1], (size_t)n * 11);
	ck_assert_uint_eq(s.len[2], (size_t)n * 11);
	ck_assert_msg(strcmp(s.buf[1], want_out) == 0, "stdout differs");
	ck_assert_msg(strcmp(s.buf[2], want_err) == 0, "stderr differs");
	copied = tu_slurp(path);
	ck_assert_msg(copied && strcmp(copied, want_err) == 0, "stderr copy differs");
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), n * 11);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 2), n * 11);
	ck_assert_uint_gt(s.calls, 2);
	free(copied);
	free(want_out);
	free(want_err);
	free(s.buf[1]);
	free(s.buf[2]);
	sandbox_destroy(sb);
}
END_TEST

/* Output quota on a captured stdout: OL, and nothing past the quota is
 * handed on. */
START_TEST(output_quota_on_a_pipe_is_ol)
{
	const uint64_t quota = 100000;
	sandbox_t *sb = tu_sandbox("output_hog", "-", NULL);
	struct sink s = { 0 };
	sandbox_stat_t st;

	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, quota), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, -1, sink_fn, &s), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OL);
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_DISK);
	ck_assert_uint_le(s.len[1], quota);
	ck_assert_int_le(sandbox_captured_bytes(sb, 1), (int64_t)quota);
	free(s.buf[1]);
	sandbox_destroy(sb);
}
END_TEST

/* Under the quota: OK, and the figure is exact. Capture off again
 * restores the plain stream. */
START_TEST(under_quota_and_capture_off)
{
	sandbox_t *sb = tu_sandbox("both", "100", NULL);
	struct sink s = { 0 };

	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, 2200), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, -1, sink_fn, &s), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 2, -1, sink_fn, &s), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1) + sandbox_captured_bytes(sb, 2), 2200);

	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, -1, NULL, NULL), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 2, -1, NULL, NULL), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, "/dev/null", false), 0);
	s.len[1] = s.len[2] = 0;
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_uint_eq(s.len[1] + s.len[2], 0);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), -1);
	free(s.buf[1]);
	free(s.buf[2]);
	sandbox_destroy(sb);
}
END_TEST

/* A reader at the other end of a pipe the sandbox copies into: it waits
 * `first_ms`, then reads everything to EOF, pausing `each_us` after each
 * read of at most 4 KiB (a slow consumer, like `| head` or a judge
 * reading line by line). */
struct reader {
	int fd;
	unsigned first_ms, each_us;
	char *buf;
	size_t len, cap;
	pthread_t thread;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct timespec ts = { r->first_ms / 1000, (long)(r->first_ms % 1000) * 1000000 };
	char chunk[4096];
	ssize_t n;

	nanosleep(&ts, NULL);
	while ((n = read(r->fd, chunk, sizeof(chunk))) > 0) {
		if (r->len + (size_t)n + 1 > r->cap) {
			r->cap = (r->len + (size_t)n + 1) * 2;
			r->buf = realloc(r->buf, r->cap);
			if (!r->buf)
				abort();
		}
		memcpy(r->buf + r->len, chunk, (size_t)n);
		r->len += (size_t)n;
		r->buf[r->len] = '\0';
		if (r->each_us) {
			struct timespec e = { 0, (long)r->each_us * 1000 };
			nanosleep(&e, NULL);
		}
	}
	return NULL;
}

/* Start a reader on a fresh pipe; returns the write end. */
static int reader_start(struct reader *r, unsigned first_ms, unsigned each_us)
{
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	memset(r, 0, sizeof(*r));
	r->fd = p[0];
	r->first_ms = first_ms;
	r->each_us = each_us;
	ck_assert_int_eq(pthread_create(&r->thread, NULL, reader_main, r), 0);
	return p[1];
}

/* Close the write end, wait for EOF. */
static void reader_finish(struct reader *r, int wfd)
{
	close(wfd);
	pthread_join(r->thread, NULL);
	close(r->fd);
}

/* 220 KB through a pipe whose reader is slower than the program (the
 * destination pipe holds 64 KiB): everything arrives, in order, whether
 * the library splices (no callback) or reads and writes (callback). The
 * old copier took "destination full" for "nothing more to read" and
 * dropped the rest at exit (65,536 bytes arrived). */
START_TEST(a_slow_reader_gets_every_byte)
{
	const long n = 20000;
	sandbox_t *sb = tu_sandbox("both", "20000", NULL);
	struct sink s = { 0 };
	struct reader r;
	char *want = expected_lines("out", n);
	int wfd = reader_start(&r, 300, 0);

	ck_assert_int_eq(sandbox_set_mode(sb, _i % 2), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, 1u << 30), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, wfd, _i >= 2 ? sink_fn : NULL,
	                                     &s), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	reader_finish(&r, wfd);
	ck_assert_uint_eq(r.len, (size_t)n * 11);
	ck_assert_msg(strcmp(r.buf, want) == 0, "stdout differs");
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), n * 11);
	if (_i >= 2)
		ck_assert_uint_eq(s.len[1], (size_t)n * 11);
	free(r.buf);
	free(s.buf[1]);
	free(want);
	sandbox_destroy(sb);
}
END_TEST

/* 220 KB against a 100,000-byte quota, slow reader: OL, and the reader
 * gets exactly the first 100,000 bytes (the old copier gave OK or fewer
 * bytes when the destination was full at exit). */
START_TEST(ol_is_exact_with_a_slow_reader)
{
	const uint64_t quota = 100000;
	sandbox_t *sb = tu_sandbox("both", "20000", NULL);
	struct reader r;
	sandbox_stat_t st;
	char *want = expected_lines("out", 20000);
	int wfd = reader_start(&r, 300, 0);

	ck_assert_int_eq(sandbox_set_mode(sb, _i % 2), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, quota), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, wfd, NULL, NULL), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OL);
	reader_finish(&r, wfd);
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_DISK);
	ck_assert_uint_eq(r.len, quota);
	ck_assert_msg(memcmp(r.buf, want, quota) == 0, "stdout differs");
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), (int64_t)quota);
	free(r.buf);
	free(want);
	sandbox_destroy(sb);
}
END_TEST

/* The reader went away before the run (`| head -c 10` that has exited):
 * writing to the pipe fails with EPIPE and raises SIGPIPE in whichever
 * thread writes. The library must neither die of it (this test process
 * would) nor lose the count: the verdict is the program's, OK. */
START_TEST(a_closed_reader_kills_nobody)
{
	sandbox_t *sb = tu_sandbox("both", "20000", NULL);
	struct sink s = { 0 };
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	ck_assert_int_eq(sandbox_set_mode(sb, _i % 2), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, p[1], _i >= 2 ? sink_fn : NULL,
	                                     &s), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), 20000 * 11);
	close(p[1]);
	free(s.buf[1]);
	sandbox_destroy(sb);
}
END_TEST

/* A reader that does not read for 3 s while the program writes forever
 * under a 300 ms wall quota: the copier must not block on the full
 * destination (the manager thread that copies also keeps the clock), so
 * the run ends TL near 300 ms, not when the reader wakes up. */
START_TEST(a_stalled_reader_does_not_stop_the_clock)
{
	sandbox_t *sb = tu_sandbox("output_hog", "-", NULL);
	struct sink s = { 0 };
	struct reader r;
	sandbox_stat_t st;
	int wfd = reader_start(&r, 3000, 0);

	ck_assert_int_eq(sandbox_set_mode(sb, _i % 2), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 300), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, wfd, _i >= 2 ? sink_fn : NULL,
	                                     &s), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
	reader_finish(&r, wfd);
	ck_assert_int_eq(st.tl_limit, S_TL_WALL);
	ck_assert_msg(st.wall_time_us < 2500000, "TL after %lld us",
	              (long long)st.wall_time_us);
	/* What was captured before the kill still arrived. */
	ck_assert_int_eq((int64_t)r.len, sandbox_captured_bytes(sb, 1));
	free(r.buf);
	free(s.buf[1]);
	sandbox_destroy(sb);
}
END_TEST

/* ---------------------------------------- streams the quota captures */

/* A pipe handed over (sandbox_set_stdio_fd) or inherited under an output
 * quota: the library captures it itself -- a pipe has no RLIMIT_FSIZE --
 * so the reader gets exactly the quota and the run is OL (review-box2
 * C14: 10 MB went through under 1 MiB, OK). _i: mode (bit 0), inherited
 * (bit 1), stderr rather than stdout (bit 2). */
START_TEST(a_pipe_stream_is_bounded)
{
	const uint64_t quota = 100000;
	int which = _i & 4 ? 2 : 1;
	sandbox_t *sb = tu_sandbox("trunc_streams", "2000", "keep", NULL);
	struct reader r;
	sandbox_stat_t st;
	int wfd = reader_start(&r, 0, 0), saved = -1;

	ck_assert_int_eq(sandbox_set_mode(sb, _i & 1), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, quota), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 3 - which, "/dev/null",
	                                        false), 0);
	if (_i & 2) { /* the test's own descriptor: Check forked us */
		ck_assert_int_eq(sandbox_set_stdio_fd(sb, which, -1), 0);
		ck_assert_int_ge(saved = fcntl(which, F_DUPFD_CLOEXEC, 3), 0);
		ck_assert_int_eq(dup2(wfd, which), which);
	} else {
		ck_assert_int_eq(sandbox_set_stdio_fd(sb, which, wfd), 0);
	}
	int rc = sandbox_execute(sb);
	if (saved >= 0) {
		dup2(saved, which);
		close(saved);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(sandbox_get_stat(sb, &st, sizeof(st)), 0);
	reader_finish(&r, wfd);
	ck_assert_result(st.result, S_RESULT_OL);
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_DISK);
	ck_assert_uint_eq(r.len, quota);
	/* Implied, not asked for: still what the capture passed on (it was
	 * -1, "not captured", though every byte went through a capture). */
	ck_assert_int_eq(sandbox_captured_bytes(sb, which), (int64_t)quota);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 3 - which), -1);
	free(r.buf);
	sandbox_destroy(sb);
}
END_TEST

/* The same pipes under the quota: every byte arrives and the run is OK,
 * well before the wall-clock quota -- the manager thread copies an
 * implied capture from the start (review-stop23 A5: a manager that slept
 * through a run it took for quiet left the program blocked on its full
 * pipe until the wall: TL). _i: as above. */
START_TEST(a_pipe_stream_under_the_quota_is_ok)
{
	int which = _i & 4 ? 2 : 1;
	sandbox_t *sb = tu_sandbox("trunc_streams", "200", "keep", NULL);
	struct reader r;
	sandbox_stat_t st;
	int wfd = reader_start(&r, 0, 0), saved = -1;

	ck_assert_int_eq(sandbox_set_mode(sb, _i & 1), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, 1u << 20), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	if (_i & 2) {
		ck_assert_int_eq(sandbox_set_stdio_fd(sb, which, -1), 0);
		ck_assert_int_ge(saved = fcntl(which, F_DUPFD_CLOEXEC, 3), 0);
		ck_assert_int_eq(dup2(wfd, which), which);
	} else {
		ck_assert_int_eq(sandbox_set_stdio_fd(sb, which, wfd), 0);
	}
	int rc = sandbox_execute(sb);
	if (saved >= 0) {
		dup2(saved, which);
		close(saved);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(sandbox_get_stat(sb, &st, sizeof(st)), 0);
	reader_finish(&r, wfd);
	ck_assert_result(st.result, S_RESULT_OK);
	ck_assert_uint_eq(r.len, 200u << 10);
	free(r.buf);
	sandbox_destroy(sb);
}
END_TEST

/* A file that already holds more than the quota (a judge appending every
 * run's output to one log): the quota counts what this run writes. It
 * was OL at the first byte (RLIMIT_FSIZE is an absolute size: review-box2
 * C11); the log kept its earlier content either way. _i: mode (bit 0),
 * given by path with append (bit 1) or by an O_APPEND descriptor. */
START_TEST(a_filled_log_takes_this_runs_output)
{
	const uint64_t quota = 100000;
	sandbox_t *sb = tu_sandbox("both", "100", NULL);
	char *path = tu_tmpfile(_i & 1 ? "cap-log-c.out" : "cap-log-f.out");
	char *old = malloc(2 * quota + 1), *text;
	sandbox_stat_t st;
	int fd = -1;

	ck_assert_ptr_nonnull(old);
	memset(old, 'j', 2 * quota);
	old[2 * quota] = '\0';
	tu_write_file(path, old);
	ck_assert_int_eq(sandbox_set_mode(sb, _i & 1), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, quota), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, "/dev/null", false), 0);
	if (_i & 2) {
		ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, path, true), 0);
	} else {
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, fd), 0);
	}
	ck_assert_result(tu_run(sb, &st), S_RESULT_OK);
	text = tu_slurp(path);
	ck_assert_uint_eq(strlen(text), 2 * quota + 1100);
	ck_assert_msg(memcmp(text, old, 2 * quota) == 0, "the log changed");
	ck_assert_msg(strncmp(text + 2 * quota, "out 000000\n", 11) == 0,
	              "this run's output is not at the end");
	if (fd >= 0)
		close(fd);
	free(text);
	free(old);
	free(path);
	sandbox_destroy(sb);
}
END_TEST

/* An inherited stdout that is a regular file, under a quota: the program
 * gets a pipe the library copies into it, never the caller's own open
 * file -- it cannot truncate it (review-box2 C12: the judge's log was
 * emptied). The file keeps its content and gets the run's output. */
START_TEST(an_inherited_file_stays_the_callers)
{
	sandbox_t *sb = tu_sandbox("trunc_streams", "1", NULL);
	char *path = tu_tmpfile(_i ? "cap-inh-c.out" : "cap-inh-f.out"), *text;
	int fd, saved;

	tu_write_file(path, "the judge's line\n");
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, 1u << 20), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, -1), 0); /* inherited */
	ck_assert_int_ge(saved = fcntl(1, F_DUPFD_CLOEXEC, 3), 0);
	ck_assert_int_eq(dup2(fd, 1), 1);
	int rc = sandbox_execute(sb);
	dup2(saved, 1);
	close(saved);
	ck_assert_int_eq(rc, 0);
	ck_assert_result(sandbox_result(sb), S_RESULT_OK);
	text = tu_slurp(path);
	ck_assert_uint_eq(strlen(text), 17 + 1024);
	ck_assert_msg(strncmp(text, "the judge's line\n", 17) == 0,
	              "the judge's line is gone: %.40s", text);
	close(fd);
	free(text);
	free(path);
	sandbox_destroy(sb);
}
END_TEST

/* A captured pipe whose reader has gone: the program gets EPIPE/SIGPIPE
 * as it would without the capture (native), not a bottomless sink. */
START_TEST(a_gone_reader_is_the_programs_sigpipe)
{
	sandbox_t *sb = tu_sandbox("output_hog", "-", NULL);
	sandbox_stat_t st;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, 1u << 30), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 60000), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, p[1]), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_RT);
	ck_assert_int_eq(st.signal, SIGPIPE);
	close(p[1]);
	sandbox_destroy(sb);
}
END_TEST

/* The caller's pipe that nobody reads, captured under the quota: the
 * program blocks on the full capture pipe and ends TL at the wall-clock
 * quota, and sandbox_execute() returns -- it does not wait for a reader
 * that never comes (it did: the drain waited for the destination). And
 * every byte the program's writes put into the capture is in the pipe
 * for its reader to read later, as without the capture: the 64 KiB the
 * capture pipe held at the end were dropped (the reader found 64 KiB
 * of the program's 128 KiB). */
START_TEST(an_unread_pipe_ends_at_the_wall)
{
	sandbox_t *sb = tu_sandbox("output_hog", "-", NULL);
	sandbox_stat_t st;
	static char buf[1 << 16];
	int64_t got = 0;
	ssize_t n;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, 1u << 30), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, 300), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, p[1]), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_TL);
	ck_assert_int_eq(st.tl_limit, S_TL_WALL);
	ck_assert_int_eq(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		got += n;
	/* output_hog writes nothing but stdout: its write calls took
	 * output_bytes, the capture took them all, the reader has them. */
	ck_assert_int_gt(got, 65536);
	ck_assert_int_eq(got, st.output_bytes);
	ck_assert_int_eq(got, sandbox_captured_bytes(sb, 1));
	close(p[0]);
	close(p[1]);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------ stdout and stderr on one open file */

/* Where the first difference between got and want is, for a message. */
static long first_difference(const char *got, const char *want)
{
	long i = 0;
	while (got[i] && got[i] == want[i])
		i++;
	return i;
}

/* Which way stdout and stderr reach one open file description. */
enum one_file_way {
	BOTH_CAPTURED_TO_ONE_FD,   /* sandbox_set_capture(1 and 2, fd) */
	CAPTURED_TO_TWO_DUPS,      /* capture(1, fd), capture(2, dup(fd)) */
	INHERITED_FILE_UNDER_QUOTA, /* the caller's `> log 2>&1` */
	INHERITED_PIPE_UNDER_QUOTA, /* the caller's `2>&1 | reader` */
	STDERR_GIVEN_STDOUTS_DEST, /* capture(1, fd), stdio_fd(2, fd) */
	ONE_FILE_WAYS
};

/* Run `both` with stdout and stderr reaching one open file description
 * (_i: mode in bit 0, the two writers in threads in bit 1, the way in
 * the rest): they are one capture (one pipe, both of the program's
 * descriptors on it), so the file has the lines in the order the
 * program wrote them, and the bytes count once (verify23 V6: two
 * captures copied each stream on its own and regrouped the lines). */
START_TEST(one_open_file_is_one_capture)
{
	const long n = 5000;
	bool threads = _i & 2;
	enum one_file_way way = (enum one_file_way)(_i >> 2);
	sandbox_t *sb = tu_sandbox("both", "5000", threads ? "threads" : "x", NULL);
	char *path = tu_tmpfile("cap-one-file.out"), *want = tu_both_text(n);
	char *got = NULL;
	struct reader r = { .buf = NULL };
	sandbox_stat_t st;
	int fd, saved[3] = { -1, -1, -1 }, extra = -1, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	if (way == INHERITED_PIPE_UNDER_QUOTA) {
		close(fd);
		fd = reader_start(&r, 0, 0);
	}
	if (threads) {
		sandbox_policy_t *p = sandbox_policy_builtin("threads");
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
		sandbox_policy_unref(p);
	}
	ck_assert_int_eq(sandbox_set_mode(sb, _i & 1), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	switch (way) {
	case BOTH_CAPTURED_TO_ONE_FD:
		ck_assert_int_eq(sandbox_set_capture(sb, 1, fd, NULL, NULL), 0);
		ck_assert_int_eq(sandbox_set_capture(sb, 2, fd, NULL, NULL), 0);
		break;
	case CAPTURED_TO_TWO_DUPS:
		ck_assert_int_ge(extra = fcntl(fd, F_DUPFD_CLOEXEC, 3), 0);
		ck_assert_int_eq(sandbox_set_capture(sb, 1, fd, NULL, NULL), 0);
		ck_assert_int_eq(sandbox_set_capture(sb, 2, extra, NULL, NULL), 0);
		break;
	case INHERITED_FILE_UNDER_QUOTA:
	case INHERITED_PIPE_UNDER_QUOTA:
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, 1u << 30), 0);
		for (int i = 1; i <= 2; i++) {
			ck_assert_int_eq(sandbox_set_stdio_fd(sb, i, -1), 0);
			ck_assert_int_ge(saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 3), 0);
			ck_assert_int_eq(dup2(fd, i), i);
		}
		break;
	case STDERR_GIVEN_STDOUTS_DEST:
		ck_assert_int_eq(sandbox_set_capture(sb, 1, fd, NULL, NULL), 0);
		ck_assert_int_eq(sandbox_set_stdio_fd(sb, 2, fd), 0);
		break;
	default:
		ck_abort();
	}
	rc = sandbox_execute(sb);
	for (int i = 1; i <= 2; i++)
		if (saved[i] >= 0) {
			dup2(saved[i], i);
			close(saved[i]);
		}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(sandbox_get_stat(sb, &st, sizeof(st)), 0);
	ck_assert_result(st.result, S_RESULT_OK);
	if (way == INHERITED_PIPE_UNDER_QUOTA) {
		reader_finish(&r, fd);
		got = r.buf;
	} else {
		close(fd);
		got = tu_slurp(path);
	}
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(strlen(got), (size_t)n * 22);
	ck_assert_msg(strcmp(got, want) == 0, "way %d: out of order at byte %ld: %.24s",
	              (int)way, first_difference(got, want),
	              got + first_difference(got, want));
	/* One capture: its bytes are stdout's figure, stderr's is 0. */
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), n * 22);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 2), 0);
	if (extra >= 0)
		close(extra);
	free(got);
	free(want);
	free(path);
	sandbox_destroy(sb);
}
END_TEST

/* Without kcmp (a kernel without CONFIG_KCMP: ENOSYS; a container's
 * seccomp profile: EPERM) the library tells one open file from its
 * status flags and offset: `> log 2>&1` is still one capture, and two
 * files are still two. The test process (Check forked it for this test)
 * makes kcmp fail for itself. _i: 0 ENOSYS, 1 EPERM. */
START_TEST(without_kcmp_one_file_is_still_one_capture)
{
	const long n = 2000;
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_kcmp, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
		         SECCOMP_RET_ERRNO | (_i ? EPERM : ENOSYS)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]),
	                           .filter = insns };
	const char *fork_mode = getenv("CK_FORK");
	char *path = tu_tmpfile("cap-nokcmp.out"), *pe = tu_tmpfile("cap-nokcmp.err");
	char *want = tu_both_text(n), *want_out = expected_lines("out", n), *got;
	sandbox_t *sb = tu_sandbox("both", "2000", NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (fork_mode && strcmp(fork_mode, "no") == 0) {
		tu_note("CK_FORK=no: the filter would stay for later tests; skipped");
		goto out;
	}
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(fe, 0);
	ck_assert_int_ge(dup_fd, 0);
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
	pid_t me = getpid();
	ck_assert_int_eq(syscall(SYS_kcmp, me, me, KCMP_FILE, fd, dup_fd), -1);
	ck_assert_int_eq(errno, _i ? EPERM : ENOSYS);

	ck_assert_int_eq(sandbox_set_capture(sb, 1, fd, NULL, NULL), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 2, dup_fd, NULL, NULL), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	got = tu_slurp(path);
	ck_assert_msg(strcmp(got, want) == 0, "out of order at byte %ld",
	              first_difference(got, want));
	free(got);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), n * 22);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 2), 0);

	/* Two files (their offsets and flags alike: both empty, both
	 * O_WRONLY) are two captures. */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 2, fe, NULL, NULL), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	got = tu_slurp(path);
	ck_assert_msg(strcmp(got, want_out) == 0, "stdout differs");
	free(got);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), n * 11);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 2), n * 11);
out:
	close(fd);
	close(fe);
	close(dup_fd);
	free(want);
	free(want_out);
	free(path);
	free(pe);
	sandbox_destroy(sb);
}
END_TEST

/* Two files are two captures, as before: each gets its own lines, each
 * figure is its own. And one regular file given for both, empty, under
 * no quota, is not captured at all: the program writes it through one
 * shared offset, so it is in order too. _i: mode. */
START_TEST(two_files_stay_two_and_one_plain_file_keeps_order)
{
	const long n = 5000;
	sandbox_t *sb = tu_sandbox("both", "5000", NULL);
	char *po = tu_tmpfile("cap-two.out"), *pe = tu_tmpfile("cap-two.err");
	char *pb = tu_tmpfile("cap-plain.both");
	char *want_out = expected_lines("out", n), *want_err = expected_lines("err", n);
	char *want = tu_both_text(n), *text;
	int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int fb = open(pb, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fo, 0);
	ck_assert_int_ge(fe, 0);
	ck_assert_int_ge(fb, 0);
	ck_assert_int_eq(sandbox_set_mode(sb, _i), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, fo, NULL, NULL), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 2, fe, NULL, NULL), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	text = tu_slurp(po);
	ck_assert_msg(strcmp(text, want_out) == 0, "stdout differs");
	free(text);
	text = tu_slurp(pe);
	ck_assert_msg(strcmp(text, want_err) == 0, "stderr differs");
	free(text);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), n * 11);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 2), n * 11);

	ck_assert_int_eq(sandbox_reset(sb), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, -1, NULL, NULL), 0);
	ck_assert_int_eq(sandbox_set_capture(sb, 2, -1, NULL, NULL), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, fb), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 2, fb), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	text = tu_slurp(pb);
	ck_assert_msg(strcmp(text, want) == 0, "the plain file is out of order");
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), -1);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 2), -1);
	free(text);
	close(fo);
	close(fe);
	close(fb);
	free(want);
	free(want_out);
	free(want_err);
	free(po);
	free(pe);
	free(pb);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(bad_arguments)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	ck_assert_int_eq(sandbox_set_capture(NULL, 1, fd, NULL, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_set_capture(sb, 0, fd, NULL, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_set_capture(sb, 3, fd, NULL, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_set_capture(sb, 1, 1000, NULL, NULL), -EINVAL);
	close(fd);
	ck_assert_int_eq(sandbox_captured_bytes(sb, 1), -1);
	ck_assert_int_eq(sandbox_captured_bytes(NULL, 1), -1);
	sandbox_destroy(sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("capture");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, stdout_to_a_file, S_MODE_FAST, S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, both_streams_stream_through_the_callback, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, output_quota_on_a_pipe_is_ol, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, under_quota_and_capture_off, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	/* _i: mode (fast, classic) x (splice, callback). */
	tcase_add_loop_test(tc, a_slow_reader_gets_every_byte, 0, 4);
	tcase_add_loop_test(tc, ol_is_exact_with_a_slow_reader, 0, 2);
	tcase_add_loop_test(tc, a_closed_reader_kills_nobody, 0, 4);
	tcase_add_loop_test(tc, a_stalled_reader_does_not_stop_the_clock, 0, 4);
	tcase_add_loop_test(tc, a_pipe_stream_is_bounded, 0, 8);
	tcase_add_loop_test(tc, a_pipe_stream_under_the_quota_is_ok, 0, 8);
	tcase_add_loop_test(tc, a_filled_log_takes_this_runs_output, 0, 4);
	tcase_add_loop_test(tc, an_inherited_file_stays_the_callers, 0, 2);
	tcase_add_loop_test(tc, a_gone_reader_is_the_programs_sigpipe, 0, 2);
	tcase_add_loop_test(tc, an_unread_pipe_ends_at_the_wall, 0, 2);
	tcase_add_loop_test(tc, one_open_file_is_one_capture, 0, ONE_FILE_WAYS * 4);
	tcase_add_loop_test(tc, without_kcmp_one_file_is_still_one_capture, 0, 2);
	tcase_add_loop_test(tc, two_files_stay_two_and_one_plain_file_keeps_order,
	                    S_MODE_FAST, S_MODE_CLASSIC + 1);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}
