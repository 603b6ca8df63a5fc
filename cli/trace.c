/*
 * sandbox-run --trace. See trace.h.
 *
 * Text lines, strace-like, from sandbox_format_syscall():
 *   [1234] openat(AT_FDCWD, "in.txt", O_RDONLY|O_CLOEXEC) = 3
 *   [1234] fork() ... [RF: killed by the policy]
 *   [1234] --- SIGSEGV ---
 *   [1234] +++ exited with 0 +++
 * In classic mode every syscall stops at entry and exit: the line is
 * printed at the exit, with the return value. In fast mode only the
 * syscalls that stop (TRACE lines, path rules, RF) are seen, at entry
 * only: their lines end with "...". A note says what the policy decided
 * when it did not let the call run: [RF: killed by the policy], [failed
 * by the policy] (its table), [denied by the policy: EACCES] (path rules
 * or a callback), [BP: the run ends here]. JSON lines are the objects of
 * sandbox_format_syscall(SANDBOX_FORMAT_JSON) for syscalls, and
 * {"event":"signal"|"exit"|"quota"|"error", "pid":..., ...} otherwise;
 * a syscall line may carry "note" (denied, killed, unfinished).
 */
#include "config.h"
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "report.h"

struct sr_trace {
	FILE *out;
	int mode;
	bool json;
	bool pending;       /* an entry line waits for its exit */
	pid_t pending_pid;
	pid_t last_pid;     /* pid of the last event */
	bool exit_seen;     /* an S_EVENT_EXIT was printed */
	bool rf_seen;       /* the syscall killed for RF was printed */
	char line[1024];
};

/* Print a syscall line with an optional note. */
static void emit(struct sr_trace *t, pid_t pid, const char *line,
                 const char *note)
{
	if (t->json) {
		size_t n = strlen(line);
		if (note && n && line[n - 1] == '}')
			fprintf(t->out, "%.*s,\"note\":\"%s\"}\n", (int)(n - 1), line,
			        note);
		else
			fprintf(t->out, "%s\n", line);
	} else {
		fprintf(t->out, "[%d] %s%s%s%s\n", (int)pid, line, note ? " [" : "",
		        note ? note : "", note ? "]" : "");
	}
}

static void flush_pending(struct sr_trace *t, const char *note)
{
	if (!t->pending)
		return;
	emit(t, t->pending_pid, t->line, note);
	t->pending = false;
}

static void format(struct sr_trace *t, const sandbox_event_t *ev)
{
	size_t n = sandbox_format_syscall(ev, t->line, sizeof(t->line),
	                                  t->json ? SANDBOX_FORMAT_JSON : 0);
	if (n >= sizeof(t->line) && !t->json)
		memcpy(t->line + sizeof(t->line) - 5, "...)", 5);
	else if (n >= sizeof(t->line))
		/* A truncated object would not parse: keep the raw form. */
		snprintf(t->line, sizeof(t->line),
		         "{\"event\":\"%s\",\"pid\":%d,\"nr\":%ld,\"truncated\":true}",
		         ev->type == S_EVENT_SYSRET ? "sysret" : "syscall",
		         (int)ev->pid, ev->syscall.nr);
}

/* The note of a syscall the policy did not let run as asked. */
static const char *syscall_note(const sandbox_event_t *ev,
                                const sandbox_action_t *d, char *buf,
                                size_t len)
{
	switch (d->type) {
	case S_ACTION_KILL:
		return "RF: killed by the policy";
	case S_ACTION_DENY:
		if (ev->disposition == S_DISP_ERRNO)
			return "failed by the policy";
		snprintf(buf, len, "denied by the policy: %s",
		         strerrorname_np(d->data) ? strerrorname_np(d->data) : "?");
		return buf;
	case S_ACTION_FINI:
		snprintf(buf, len, "%s: the run ends here",
		         sandbox_result_name(d->data));
		return buf;
	default:
		return NULL;
	}
}

static void on_syscall(struct sr_trace *t, const sandbox_event_t *ev,
                       const sandbox_action_t *d)
{
	char buf[64];
	const char *note = syscall_note(ev, d, buf, sizeof(buf));

	flush_pending(t, "unfinished");
	format(t, ev);
	t->pending = true;
	t->pending_pid = ev->pid;
	if (note) {
		t->rf_seen |= d->type == S_ACTION_KILL;
		flush_pending(t, note);
	} else if (t->mode != S_MODE_CLASSIC) {
		/* Fast mode: the exit of the call is not seen. */
		flush_pending(t, NULL);
	}
}

static void on_other(struct sr_trace *t, const sandbox_event_t *ev)
{
	char sig[32];
	const char *what = NULL;
	int v = 0;

	flush_pending(t, "unfinished");
	switch (ev->type) {
	case S_EVENT_SIGNAL:
		sr_signal_name(ev->data, sig, sizeof(sig));
		if (t->json)
			fprintf(t->out, "{\"event\":\"signal\",\"pid\":%d,"
			        "\"signal\":\"%s\"}\n", (int)ev->pid, sig);
		else
			fprintf(t->out, "[%d] --- %s ---\n", (int)ev->pid, sig);
		return;
	case S_EVENT_EXIT:
		t->exit_seen = true;
		if (WIFSIGNALED(ev->data)) {
			what = "killed by";
			sr_signal_name(WTERMSIG(ev->data), sig, sizeof(sig));
		} else {
			v = WIFEXITED(ev->data) ? WEXITSTATUS(ev->data) : ev->data;
		}
		if (t->json && what)
			fprintf(t->out, "{\"event\":\"exit\",\"pid\":%d,\"signal\":"
			        "\"%s\"}\n", (int)ev->pid, sig);
		else if (t->json)
			fprintf(t->out, "{\"event\":\"exit\",\"pid\":%d,\"status\":%d}\n",
			        (int)ev->pid, v);
		else if (what)
			fprintf(t->out, "[%d] +++ killed by %s +++\n", (int)ev->pid, sig);
		else
			fprintf(t->out, "[%d] +++ exited with %d +++\n", (int)ev->pid, v);
		return;
	case S_EVENT_QUOTA:
		what = ev->data == S_QUOTA_CPU ? "cpu"
		     : ev->data == S_QUOTA_WALLCLOCK ? "wall"
		     : ev->data == S_QUOTA_MEMORY ? "memory"
		     : ev->data == S_QUOTA_DISK ? "output" : "?";
		if (t->json)
			fprintf(t->out, "{\"event\":\"quota\",\"pid\":%d,\"quota\":"
			        "\"%s\"}\n", (int)ev->pid, what);
		else
			fprintf(t->out, "[%d] !!! %s quota exceeded !!!\n",
			        (int)ev->pid, what);
		return;
	default:
		if (t->json)
			fprintf(t->out, "{\"event\":\"error\",\"pid\":%d,\"errno\":%d}\n",
			        (int)ev->pid, ev->data);
		else
			fprintf(t->out, "[%d] !!! supervisor error: %s !!!\n",
			        (int)ev->pid, strerror(ev->data));
		return;
	}
}

static void trace_hook(const sandbox_event_t *ev, const sandbox_action_t *d,
                       void *data)
{
	struct sr_trace *t = data;

	t->last_pid = ev->pid;
	if (ev->type == S_EVENT_SYSCALL) {
		on_syscall(t, ev, d);
	} else if (ev->type == S_EVENT_SYSRET) {
		/* The exit event carries the entry's arguments: one full line. */
		t->pending = false;
		format(t, ev);
		emit(t, ev->pid, t->line, NULL);
	} else {
		on_other(t, ev);
	}
	fflush(t->out);
}

void sr_trace_finish(struct sr_trace *t, const sandbox_stat_t *st)
{
	char sig[32];

	if (!t)
		return;
	pid_t pid = t->last_pid;
	flush_pending(t, NULL);
	if (st->result == S_RESULT_RF && st->has_syscall && !t->rf_seen) {
		/* Killed before the hook saw it (should not happen). */
		sandbox_event_t ev = { .type = S_EVENT_SYSCALL, .pid = pid,
		                       .syscall = st->syscall };
		sandbox_format_syscall(&ev, t->line, sizeof(t->line),
		                       SANDBOX_FORMAT_NO_MEMORY |
		                       (t->json ? SANDBOX_FORMAT_JSON : 0));
		emit(t, pid, t->line, "RF: killed by the policy");
	}
	if (t->exit_seen) {
		fflush(t->out);
		return;
	}
	/* No S_EVENT_EXIT (the run ended without a verdict): say what is
	 * known. */
	if (st->signal > 0) {
		sr_signal_name(st->signal, sig, sizeof(sig));
		if (t->json)
			fprintf(t->out, "{\"event\":\"exit\",\"pid\":%d,\"signal\":"
			        "\"%s\"}\n", (int)pid, sig);
		else
			fprintf(t->out, "[%d] +++ killed by %s +++\n", (int)pid, sig);
	} else if (st->exit_code >= 0) {
		if (t->json)
			fprintf(t->out, "{\"event\":\"exit\",\"pid\":%d,\"status\":%d}\n",
			        (int)pid, st->exit_code);
		else
			fprintf(t->out, "[%d] +++ exited with %d +++\n", (int)pid,
			        st->exit_code);
	}
	fflush(t->out);
}

int sr_trace_attach(sandbox_t *sb, FILE *out, int mode, bool json,
                    struct sr_trace **handle)
{
	struct sr_trace *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->out = out;
	t->mode = mode;
	t->json = json;
	int rc = sandbox_set_event_hook(sb, trace_hook, t);
	if (rc < 0)
		free(t);
	else
		*handle = t;
	return rc;
}

void sr_trace_free(struct sr_trace *t)
{
	free(t);
}
