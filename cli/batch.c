/*
 * sandbox-run --batch: the loop over job lines (see batch.h).
 */
#include "config.h"
#include "batch.h"
#include "files.h"
#include "jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The signals that stop a batch. */
static const int stop_signals[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };
#define SB_NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* Set by the handler: the first stop signal, and the sandbox it ends. */
static volatile sig_atomic_t stop_sig;
static sandbox_t *volatile running_sb;

static void on_stop_signal(int sig)
{
	if (!stop_sig)
		stop_sig = sig;
	if (running_sb)
		sandbox_interrupt(running_sb, sig); /* async-signal-safe */
}

/* What the sandbox was last configured with by a job: a setter is called
 * only for what changes, since a setter of what the library keeps between
 * runs (argv: the Landlock ruleset of the file rules) makes it rebuild
 * that, and every setter makes the next execute check again. */
struct applied {
	bool valid;                 /* false: nothing known, set everything */
	char *argv;                 /* the argv set: its strings, NUL-ended */
	size_t argv_len, argv_cap;
	uint64_t quota[5];
	bool err_to_out;            /* stderr is the program's stdout */
};

struct batch {
	const struct sr_options *opt;
	const struct sr_batch_ops *ops;
	sandbox_t *sb;
	sigset_t blocked;           /* the mask outside of waits and runs */
	sigset_t open;              /* the same without the stop signals */
	int null_in, null_out;      /* /dev/null, the default streams */
	/* The program's streams as the sandbox knows them: three descriptors
	 * of ours, set once, made a dup of the job's file (or /dev/null) for
	 * each job; busy while they hold a job's file. */
	int slot[3];
	bool slot_busy[3];
	struct applied ap;
	struct sr_options jo;       /* the options of the job being run */
	struct stat lines, reports; /* our standard input and output */
	bool have_lines, have_reports;
	/* The job line being read (at most SR_JOB_LINE_MAX bytes of it). */
	char *buf;
	size_t len;
	bool too_long;
	/* What was read from standard input and not yet taken. */
	char in[65536];
	size_t in_pos, in_len;
};

/* ------------------------------------------------------------ lines */

/* Wait until standard input can be read, or a stop signal arrives (the
 * signals are let in only while waiting). false: stop. */
static bool wait_input(struct batch *b)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	sigset_t pending;

	while (!stop_sig) {
		int n = ppoll(&p, 1, NULL, &b->open);
		/* A ready descriptor wins over a pending signal, which ppoll
		 * then leaves pending (blocked again): look for it. */
		if (n >= 0 && sigpending(&pending) == 0)
			for (size_t i = 0; i < SB_NSTOP; i++)
				if (sigismember(&pending, stop_signals[i]) == 1 &&
				    !stop_sig)
					stop_sig = stop_signals[i];
		if (n >= 0)
			return !stop_sig;
		if (errno != EINTR)
			return false;
	}
	return false;
}

/* The next line into b->buf (b->len bytes, no newline); of a line
 * longer than SR_JOB_LINE_MAX the rest is read and dropped, and
 * b->too_long says so. 1: a line; 0: end of input; -1: stopped, or
 * standard input failed. */
static int read_line(struct batch *b)
{
	b->len = 0;
	b->too_long = false;
	for (;;) {
		if (b->in_pos == b->in_len) {
			if (!wait_input(b))
				return -1;
			ssize_t n = read(STDIN_FILENO, b->in, sizeof(b->in));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -1;
			if (n == 0)
				return b->len > 0 || b->too_long ? 1 : 0;
			b->in_pos = 0;
			b->in_len = (size_t)n;
		}
		const char *from = b->in + b->in_pos;
		size_t avail = b->in_len - b->in_pos;
		const char *nl = memchr(from, '\n', avail);
		size_t take = nl ? (size_t)(nl - from) : avail;
		size_t room = SR_JOB_LINE_MAX - b->len;
		if (take > room)
			b->too_long = true;
		memcpy(b->buf + b->len, from, take < room ? take : room);
		b->len += take < room ? take : room;
		b->in_pos += take + (nl ? 1 : 0);
		if (nl)
			return 1;
	}
}

/* ------------------------------------------------------------ reports */

/* The report line, written and flushed; the summary line on stderr
 * (line-buffered in a batch: one write). Each stream is locked once for
 * its line rather than once for every piece of it. */
static int emit(struct batch *b, struct sr_outcome *out)
{
	int rc;

	flockfile(stdout);
	rc = sr_write_json(stdout, out);
	if (fflush(stdout) != 0)
		rc = -EIO;
	funlockfile(stdout);
	if (rc < 0)
		return -EIO;
	if (!b->opt->quiet) {
		flockfile(stderr);
		sr_write_summary(stderr, out);
		funlockfile(stderr);
	}
	return 0;
}

/* The report of a job that was not run: result null, the step and why. */
static int not_run(struct batch *b, const struct sr_options *o,
                   const struct sr_job *job, long line, const char *step,
                   int err, const char *msg)
{
	struct sr_outcome out = { .opt = o, .sb = b->sb, .exec_rc = err,
	                          .failed_step = step, .error_message = msg,
	                          .captured_stdout = -1 };

	sandbox_reset(b->sb);
	sandbox_get_stat(b->sb, &out.st, sizeof(out.st));
	out.batch_line = line;
	if (job && job->has_id) {
		out.batch_id = job->id;
		out.batch_id_number = job->id_is_number;
	}
	return emit(b, &out);
}

/* ------------------------------------------------------------ files */

/* Is `st` (of a path) the file `ref` is? Devices may repeat. */
static bool same_file(const struct stat *st, const struct stat *ref)
{
	return !S_ISCHR(st->st_mode) && st->st_dev == ref->st_dev &&
	       st->st_ino == ref->st_ino;
}

static bool same_fd_file(int fd, const struct stat *ref)
{
	struct stat st;
	return fstat(fd, &st) == 0 && same_file(&st, ref);
}

/* Another stream of the batch, or the job's input, that an output of the
 * job must not be. */
static const char *clash(const struct batch *b, const char *path, int in_fd)
{
	struct stat st, in;

	/* What `path` names now, not following a last symbolic link (such a
	 * path is refused when opened); nothing there clashes. */
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return NULL;
	if (b->have_reports && same_file(&st, &b->reports))
		return "the batch's report stream (standard output)";
	if (b->have_lines && same_file(&st, &b->lines))
		return "the batch's job lines (standard input)";
	if (in_fd >= 0 && fstat(in_fd, &in) == 0 && same_file(&st, &in))
		return "the job's stdin";
	return NULL;
}

/* Open the job's streams into fd[3] (-1: /dev/null). Returns 0, or
 * -errno with the option-like step and a message. */
static int open_streams(struct batch *b, const struct sr_job *job, int fd[3],
                        const char **step, char *msg, size_t len)
{
	static const char *const keys[3] = { "stdin", "stdout", "stderr" };
	const char *why;

	for (int i = 0; i < 3; i++) {
		const char *path = job->stdio[i];
		*step = keys[i];
		if (!path)
			continue;
		if (i > 0 && (why = clash(b, path, fd[0]))) {
			snprintf(msg, len, "\"%s\": %s is %s", keys[i], path, why);
			return -EINVAL;
		}
		fd[i] = sr_open_file(b->opt, path, i ? SANDBOX_OPEN_WRITE
		                                     : SANDBOX_OPEN_READ, 0644);
		if (fd[i] < 0) {
			int rc = fd[i];
			fd[i] = -1;
			sr_files_error(msg, len, keys[i], path, rc);
			return rc;
		}
		/* Planted between the look and the open: refused still. */
		if (i > 0 && ((b->have_reports && same_fd_file(fd[i], &b->reports)) ||
		              (b->have_lines && same_fd_file(fd[i], &b->lines)))) {
			snprintf(msg, len, "\"%s\": %s is a stream of the batch",
			         keys[i], path);
			return -EINVAL;
		}
	}
	*step = NULL;
	return 0;
}

static void close_streams(int fd[3])
{
	for (int i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

/* stdout and stderr naming one file share one descriptor (two would
 * each start at offset 0 and overwrite each other). */
static int share_output(int fd[3])
{
	struct stat a;
	if (fd[1] < 0 || fd[2] < 0 || fstat(fd[1], &a) < 0 || S_ISCHR(a.st_mode) ||
	    !same_fd_file(fd[2], &a))
		return 0;
	close(fd[2]);
	fd[2] = fcntl(fd[1], F_DUPFD_CLOEXEC, 3);
	return fd[2] < 0 ? -errno : 0;
}

/* ------------------------------------------------------------ one job */

/* The fields of the options a job replaces, set back to the command
 * line's: everything else of b->jo stays the command line's for the whole
 * batch (copied once, not per job). */
static void job_reset(struct sr_options *o, const struct sr_options *base)
{
	o->argv = base->argv;
	o->argc = base->argc;
	o->cpu_ms = base->cpu_ms;
	o->wall_ms = base->wall_ms;
	o->memory_bytes = base->memory_bytes;
	o->output_bytes = base->output_bytes;
	o->stack_bytes = base->stack_bytes;
	memcpy(o->program, base->program, strlen(base->program) + 1);
}

/* The job's options: the command line's, with its program and quotas.
 * Returns 0, or -errno with the step ("job": no program at all,
 * "program": not found or not executable) and a message. */
static int job_options(const struct sr_options *base, const struct sr_job *job,
                       struct sr_options *o, const char **step, char *msg,
                       size_t len)
{
	job_reset(o, base);
	if (job->argv) {
		o->argv = job->argv;
		o->argc = job->argc;
	}
	if (!o->argc) {
		*step = "job";
		snprintf(msg, len, "no \"argv\" and no PROGRAM on the command "
		         "line");
		return -EINVAL;
	}
	if (job->cpu_ms != SANDBOX_UNLIMITED)
		o->cpu_ms = job->cpu_ms;
	if (job->wall_ms != SANDBOX_UNLIMITED)
		o->wall_ms = job->wall_ms;
	if (job->memory_bytes != SANDBOX_UNLIMITED)
		o->memory_bytes = job->memory_bytes;
	if (job->output_bytes != SANDBOX_UNLIMITED)
		o->output_bytes = job->output_bytes;
	if (job->stack_bytes != SANDBOX_UNLIMITED)
		o->stack_bytes = job->stack_bytes;
	*step = "program";
	/* As given until it is found (the report's command). */
	snprintf(o->program, sizeof(o->program), "%s", o->argv[0]);
	return sr_locate_program(o, o->argv[0], o->program, sizeof(o->program),
	                         msg, len);
}

/* The job's argv (its program as located, then its arguments) into
 * ap->argv as strings one after the other; *changed: it differs from what
 * was there. */
static int pack_argv(struct applied *ap, const struct sr_options *o,
                     bool *changed)
{
	size_t need = strlen(o->program) + 1;

	for (int i = 1; i < o->argc; i++)
		need += strlen(o->argv[i]) + 1;
	*changed = !ap->valid || need != ap->argv_len;
	if (need > ap->argv_cap) {
		char *p = realloc(ap->argv, need);
		if (!p)
			return -ENOMEM;
		ap->argv = p;
		ap->argv_cap = need;
	}
	char *at = ap->argv;
	for (int i = 0; i < o->argc; i++) {
		const char *s = i ? o->argv[i] : o->program;
		size_t n = strlen(s) + 1;
		if (!*changed && memcmp(at, s, n) != 0)
			*changed = true;
		memcpy(at, s, n);
		at += n;
	}
	ap->argv_len = need;
	return 0;
}

/* Set the sandbox's argv from ap->argv (argc strings). */
static int set_argv(sandbox_t *sb, const struct applied *ap, int argc)
{
	const char **argv = calloc((size_t)argc + 1, sizeof(*argv));
	const char *at = ap->argv;
	int rc;

	if (!argv)
		return -ENOMEM;
	for (int i = 0; i < argc; i++, at += strlen(at) + 1)
		argv[i] = at;
	rc = sandbox_set_argv(sb, argv);
	free(argv);
	return rc;
}

/* Point the stream slots at the job's files (/dev/null where it has
 * none). */
static int fill_slots(struct batch *b, const int fd[3])
{
	for (int i = 0; i < 3; i++) {
		int from = fd[i] >= 0 ? fd[i] : i ? b->null_out : b->null_in;
		if (!b->slot_busy[i] && fd[i] < 0)
			continue; /* /dev/null already */
		if (dup3(from, b->slot[i], O_CLOEXEC) < 0)
			return -errno;
		b->slot_busy[i] = fd[i] >= 0;
	}
	return 0;
}

/* After the job: the slots let go of its files (a file a job wrote is not
 * held open by the batch once its report is out). */
static void empty_slots(struct batch *b)
{
	const int none[3] = { -1, -1, -1 };

	if (fill_slots(b, none) < 0)
		for (int i = 0; i < 3; i++)
			b->slot_busy[i] = true; /* tried again next job */
}

/* The sandbox set for this job: its program, streams and quotas; only
 * what differs from the job before is set. */
static int configure_job(struct batch *b, const struct sr_options *o,
                         const int fd[3], bool err_to_out)
{
	static const int quota[5] = { S_QUOTA_CPU, S_QUOTA_WALLCLOCK,
	                              S_QUOTA_MEMORY, S_QUOTA_DISK,
	                              S_QUOTA_STACK };
	const uint64_t value[5] = { o->cpu_ms, o->wall_ms, o->memory_bytes,
	                            o->output_bytes, o->stack_bytes };
	struct applied *ap = &b->ap;
	bool changed;
	int rc;

	if ((rc = sandbox_reset(b->sb)) < 0 || (rc = fill_slots(b, fd)) < 0)
		return rc;
	for (int i = 0; !ap->valid && rc == 0 && i < 3; i++)
		rc = sandbox_set_stdio_fd(b->sb, i, b->slot[i]);
	if (rc == 0 && (rc = pack_argv(ap, o, &changed)) == 0 && changed)
		rc = set_argv(b->sb, ap, o->argc);
	for (int i = 0; rc == 0 && i < 5; i++)
		if ((!ap->valid || ap->quota[i] != value[i]) &&
		    (rc = sandbox_set_quota(b->sb, quota[i], value[i])) == 0)
			ap->quota[i] = value[i];
	if (rc == 0 && (!ap->valid || ap->err_to_out != err_to_out) &&
	    (rc = sandbox_set_stdio_fd(b->sb, 2, err_to_out ? SANDBOX_STDIO_STDOUT
	                                                  : b->slot[2])) == 0)
		ap->err_to_out = err_to_out;
	/* A setter that failed may have left anything: all again next job. */
	ap->valid = rc == 0;
	return rc;
}

/* Everything before the run: the line parsed, the options, the streams
 * open, the sandbox set. 0, or -errno with the step and a message. */
static int prepare_job(struct batch *b, struct sr_job *job,
                       struct sr_options *o, int fd[3], const char **step,
                       char *msg, size_t len)
{
	int rc;

	*step = "job";
	if (b->too_long) {
		snprintf(msg, len, "the line is longer than %u bytes",
		         SR_JOB_LINE_MAX);
		return -E2BIG;
	}
	if ((rc = sr_job_parse(b->buf, b->len, job, msg, len)) < 0 ||
	    (rc = job_options(b->opt, job, o, step, msg, len)) < 0 ||
	    (rc = open_streams(b, job, fd, step, msg, len)) < 0)
		return rc;
	*step = "stdout";
	if ((rc = share_output(fd)) < 0) {
		snprintf(msg, len, "%s", strerror(-rc));
		return rc;
	}
	*step = "job";
	if ((rc = configure_job(b, o, fd, job->stderr_to_stdout)) < 0)
		snprintf(msg, len, "%s", sandbox_strerror(rc));
	return rc;
}

/* After the job: the key of a stream whose path no longer names the file
 * the job had open (the message in msg), or NULL. */
static const char *replaced_stream(const struct sr_job *job, const int fd[3],
                                   char *msg, size_t len)
{
	static const char *const keys[3] = { "stdin", "stdout", "stderr" };

	for (int i = 0; i < 3; i++) {
		if (!sr_files_replaced(job->stdio[i], fd[i]))
			continue;
		snprintf(msg, len, "\"%s\": %s was replaced during the run (the "
		         "program could make names in its directory): what is "
		         "there now is not the job's", keys[i], job->stdio[i]);
		return keys[i];
	}
	return NULL;
}

/* One job line: prepared, run, reported. Returns 0, or -EIO when the
 * report could not be written. */
static int run_job(struct batch *b, long line)
{
	struct sr_options *o = &b->jo;
	struct sr_outcome out = { 0 };
	struct sr_job job = { 0 };
	int fd[3] = { -1, -1, -1 };
	const char *step;
	char msg[512] = "";
	int rc;

	job_reset(o, b->opt);
	if ((rc = prepare_job(b, &job, o, fd, &step, msg, sizeof(msg))) < 0) {
		close_streams(fd);
		empty_slots(b);
		rc = not_run(b, o, &job, line, step, rc, msg[0] ? msg : NULL);
		goto out;
	}
	/* The stop signals reach the handler only while the job runs. */
	running_sb = b->sb;
	pthread_sigmask(SIG_SETMASK, &b->open, NULL);
	out.exec_rc = sandbox_execute(b->sb);
	pthread_sigmask(SIG_SETMASK, &b->blocked, NULL);
	running_sb = NULL;
	step = replaced_stream(&job, fd, msg, sizeof(msg));
	close_streams(fd);
	empty_slots(b);
	b->ops->collect(b->ops->ctx, b->sb, o, &out);
	if (step && out.exec_rc == 0) {
		/* The job's program swapped a file of the job for its own. */
		out.exec_rc = -ESTALE;
		out.failed_step = step;
		out.error_message = msg;
	}
	out.opt = o;
	out.batch_line = line;
	if (job.has_id) {
		out.batch_id = job.id;
		out.batch_id_number = job.id_is_number;
	}
	rc = emit(b, &out);
	b->ops->release(b->ops->ctx, &out);
out:
	sr_job_free(&job);
	return rc;
}

/* ------------------------------------------------------------ the loop */

static int open_defaults(struct batch *b)
{
	struct stat st;

	b->null_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	b->null_out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (b->null_in < 0 || b->null_out < 0)
		return -errno;
	for (int i = 0; i < 3; i++)
		if ((b->slot[i] = fcntl(i ? b->null_out : b->null_in,
		                        F_DUPFD_CLOEXEC, 3)) < 0)
			return -errno;
	b->have_lines = fstat(STDIN_FILENO, &b->lines) == 0 &&
	                !S_ISCHR(b->lines.st_mode);
	b->have_reports = fstat(STDOUT_FILENO, &st) == 0 && !S_ISCHR(st.st_mode);
	b->reports = st;
	b->buf = malloc(SR_JOB_LINE_MAX + 1);
	return b->buf ? 0 : -ENOMEM;
}

static void set_handlers(struct batch *b)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	/* No SA_RESTART: a wait for input returns at once. */
	sigfillset(&sa.sa_mask);
	pthread_sigmask(SIG_SETMASK, NULL, &b->blocked);
	b->open = b->blocked;
	for (size_t i = 0; i < SB_NSTOP; i++) {
		sigaction(stop_signals[i], &sa, NULL);
		sigaddset(&b->blocked, stop_signals[i]);
		sigdelset(&b->open, stop_signals[i]);
	}
	pthread_sigmask(SIG_SETMASK, &b->blocked, NULL);
}

int sr_batch_main(const struct sr_options *o, const struct sr_batch_ops *ops)
{
	struct batch *b = calloc(1, sizeof(*b));
	int status = 2, rc;

	if (!b) {
		fprintf(stderr, "sandbox-run: --batch: out of memory\n");
		return 2;
	}
	b->opt = o;
	b->ops = ops;
	b->null_in = b->null_out = -1;
	/* A summary line per job, one write each (unbuffered, its pieces
	 * were a write each); every message ends its line. */
	setvbuf(stderr, NULL, _IOLBF, BUFSIZ);
	b->slot[0] = b->slot[1] = b->slot[2] = -1;
	/* Handlers first: the manager thread of the sandbox then leaves the
	 * stop signals to this thread (it listens to blocked ones only). */
	set_handlers(b);
	if ((rc = open_defaults(b)) < 0) {
		fprintf(stderr, "sandbox-run: --batch: %s\n", strerror(-rc));
		goto out;
	}
	if (ops->prepare(ops->ctx, &b->sb) < 0)
		goto out;
	b->jo = *o; /* as prepare() left them (the program located) */
	for (long line = 1;; line++) {
		rc = read_line(b);
		if (rc == 0)
			status = 0;
		if (rc <= 0)
			break;
		if (!b->too_long && sr_job_blank(b->buf, b->len))
			continue;
		if (run_job(b, line) < 0) {
			fprintf(stderr, "sandbox-run: --batch: cannot write the "
			        "report of line %ld: %s\n", line, strerror(errno));
			break;
		}
		if (stop_sig)
			break;
	}
out:
	if (b->null_in >= 0)
		close(b->null_in);
	if (b->null_out >= 0)
		close(b->null_out);
	for (int i = 0; i < 3; i++)
		if (b->slot[i] >= 0)
			close(b->slot[i]);
	free(b->ap.argv);
	free(b->buf);
	free(b);
	return stop_sig ? 2 : status;
}
