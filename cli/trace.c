/*
 * sandbox-run --trace. See trace.h.
 *
 * Line format, strace-like:
 *   [1234] openat(0xffffffffffffff9c, 0x7ffd..., 0x80000, 0, 0, 0) = 3
 *   [1234] fork(0, ...) = ? <RF: killed by the policy>
 *   [1234] --- SIGSEGV ---
 *   [1234] +++ exited with 0 +++
 * In classic mode every syscall stops at entry and exit, so the line is
 * printed at the exit with the return value. In fast mode only the
 * syscalls the table sends to the callback (TRACE) stop, at entry only:
 * their lines end with "= ?".
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
	bool pending;       /* an entry line waits for its exit */
	pid_t pending_pid;
	char line[512];
};

static void flush_pending(struct sr_trace *t, const char *tail)
{
	if (!t->pending)
		return;
	fprintf(t->out, "%s = %s\n", t->line, tail);
	t->pending = false;
	fflush(t->out);
}

static void format_entry(struct sr_trace *t, const sandbox_event_t *ev)
{
	char name[64];
	const sandbox_syscall_t *sc = &ev->syscall;
	int n = snprintf(t->line, sizeof(t->line), "[%d] %s%s%s(", (int)ev->pid,
	                 sc->abi == S_ABI_X86_64 ? "" : sandbox_abi_name(sc->abi),
	                 sc->abi == S_ABI_X86_64 ? "" : ":",
	                 sandbox_syscall_name(sc->abi, sc->nr, name, sizeof(name)));
	for (int i = 0; i < 6 && n > 0 && (size_t)n < sizeof(t->line); i++) {
		uint64_t a = sc->args[i];
		n += snprintf(t->line + n, sizeof(t->line) - (size_t)n,
		              a < 4096 ? "%s%" PRIu64 : "%s%#" PRIx64,
		              i ? ", " : "", a);
	}
	if (n > 0 && (size_t)n < sizeof(t->line))
		snprintf(t->line + n, sizeof(t->line) - (size_t)n, ")");
	t->pending = true;
	t->pending_pid = ev->pid;
}

static void trace_cb(const sandbox_event_t *ev, sandbox_action_t *act,
                     void *data)
{
	struct sr_trace *t = data;
	char buf[64], sig[32];

	act->type = S_ACTION_CONT;
	act->data = 0;
	switch (ev->type) {
	case S_EVENT_SYSCALL: {
		int disp = ev->disposition & 0xff;
		flush_pending(t, "?");
		format_entry(t, ev);
		if (disp == S_DISP_TRACE) {
			/* The built-in callback would decide: we cannot reach it
			 * (trace.h), so refuse, which is never looser. */
			act->type = S_ACTION_DENY;
			act->data = EPERM;
			flush_pending(t, "-1 EPERM [denied: traced policy]");
		} else if (disp == S_DISP_KILL) {
			flush_pending(t, "? <RF: killed by the policy>");
		} else if (t->mode != S_MODE_CLASSIC &&
		           !(ev->disposition & S_DISP_FLAG_EXIT)) {
			flush_pending(t, "?");
		}
		break;
	}
	case S_EVENT_SYSRET:
		if (t->pending && t->pending_pid == ev->pid) {
			int64_t r = ev->syscall.ret;
			if (r < 0 && r >= -4095) {
				const char *e = strerrorname_np((int)-r);
				snprintf(buf, sizeof(buf), "-1 %s", e ? e : "E?");
			} else if (r >= 0 && r < 4096) {
				snprintf(buf, sizeof(buf), "%" PRId64, r);
			} else {
				snprintf(buf, sizeof(buf), "%#" PRIx64, (uint64_t)r);
			}
			flush_pending(t, buf);
		}
		break;
	case S_EVENT_SIGNAL:
		flush_pending(t, "?");
		fprintf(t->out, "[%d] --- %s ---\n", (int)ev->pid,
		        sr_signal_name(ev->data, sig, sizeof(sig)));
		break;
	case S_EVENT_EXIT:
		flush_pending(t, "?");
		if (WIFSIGNALED(ev->data))
			fprintf(t->out, "[%d] +++ killed by %s +++\n", (int)ev->pid,
			        sr_signal_name(WTERMSIG(ev->data), sig, sizeof(sig)));
		else
			fprintf(t->out, "[%d] +++ exited with %d +++\n", (int)ev->pid,
			        WIFEXITED(ev->data) ? WEXITSTATUS(ev->data) : ev->data);
		break;
	case S_EVENT_QUOTA:
		flush_pending(t, "?");
		fprintf(t->out, "[%d] !!! quota %s exceeded !!!\n", (int)ev->pid,
		        ev->data == S_QUOTA_CPU ? "cpu"
		        : ev->data == S_QUOTA_WALLCLOCK ? "wall"
		        : ev->data == S_QUOTA_MEMORY ? "memory"
		        : ev->data == S_QUOTA_DISK ? "output" : "?");
		break;
	case S_EVENT_ERROR:
	default:
		flush_pending(t, "?");
		fprintf(t->out, "[%d] !!! supervisor error: %s !!!\n", (int)ev->pid,
		        strerror(ev->data));
		break;
	}
	fflush(t->out);
}

int sr_trace_attach(sandbox_policy_t *p, FILE *out, int mode)
{
	struct sr_trace *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->out = out;
	t->mode = mode;
	int rc = sandbox_policy_set_callback(p, trace_cb, t, free);
	if (rc < 0)
		free(t);
	return rc;
}
