/*
 * sandbox-run: an interactive run. See interact.h; the verdict rule is
 * the library's (sandbox.h, "Interactive judging"; docs/VERDICTS.md).
 */
#include "config.h"
#include "interact.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sr_interact_run {
	sandbox_interaction_t *ia;
	sandbox_t *isb;          /* --interactor-policy */
	const char **argv;
	uint64_t wall_ms;
};

/* ------------------------------------------------------------ set-up */

/* --interactor-user: its uid and that user's primary group (a bare UID
 * without a passwd entry: the group of the same number). */
static int set_user(sandbox_t *isb, const char *user, char *err,
                    size_t errlen)
{
	char *end;
	unsigned long v;
	struct passwd *pw;
	uid_t uid;
	gid_t gid;
	int rc;

	errno = 0;
	v = strtoul(user, &end, 10);
	if (!*end && errno == 0 && v < UINT32_MAX) {
		uid = (uid_t)v;
		pw = getpwuid(uid);
		gid = pw ? pw->pw_gid : (gid_t)v;
	} else if ((pw = getpwnam(user))) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	} else {
		snprintf(err, errlen, "--interactor-user: no such user '%s'", user);
		return -ENOENT;
	}
	if (uid == 0) {
		snprintf(err, errlen, "--interactor-user: not root (the interactor "
		         "reads what the program sends it: give it a user of "
		         "its own)");
		return -EINVAL;
	}
	if ((rc = sandbox_set_credentials(isb, uid, gid, NULL, 0)) < 0)
		snprintf(err, errlen, "--interactor-user: %s", sandbox_strerror(rc));
	return rc;
}

/* The interactor in a sandbox of its own: its policy, the program's mode,
 * its quotas, sandbox-run's working directory (testlib writes its OUTPUT
 * there), the default PATH. */
static int make_sandbox(struct sr_interact_run *ir, const struct sr_options *o,
                        char *err, size_t errlen)
{
	const char *env[] = { SR_DEFAULT_PATH, NULL };
	char cwd[PATH_MAX], perr[512] = "";
	sandbox_policy_t *p;
	int rc;

	if (!getcwd(cwd, sizeof(cwd))) {
		snprintf(err, errlen, "--interactor: %s", strerror(errno));
		return -errno;
	}
	if (!(p = sandbox_policy_load(o->ia.policy, perr, sizeof(perr)))) {
		rc = -errno;
		snprintf(err, errlen, "--interactor-policy: %s",
		         perr[0] ? perr : strerror(errno));
		return rc;
	}
	if (!(ir->isb = sandbox_new(ir->argv))) {
		sandbox_policy_unref(p);
		snprintf(err, errlen, "--interactor: %s", strerror(errno));
		return -ENOMEM;
	}
	rc = sandbox_set_policy(ir->isb, p);
	sandbox_policy_unref(p);
	if (rc == 0)
		rc = sandbox_set_mode(ir->isb, o->mode);
	if (rc == 0)
		rc = sandbox_set_quota(ir->isb, S_QUOTA_CPU, o->ia.cpu_ms);
	if (rc == 0)
		rc = sandbox_set_quota(ir->isb, S_QUOTA_MEMORY, o->ia.memory_bytes);
	if (rc == 0)
		rc = sandbox_set_quota(ir->isb, S_QUOTA_WALLCLOCK, ir->wall_ms);
	if (rc == 0)
		rc = sandbox_set_workdir(ir->isb, cwd);
	if (rc == 0)
		rc = sandbox_set_env(ir->isb, env);
	if (rc == 0 && o->ia.user &&
	    (rc = set_user(ir->isb, o->ia.user, err, errlen)) < 0)
		return rc; /* its own message */
	if (rc == 0)
		rc = sandbox_check(ir->isb);
	if (rc < 0) {
		const char *m = sandbox_check_message(ir->isb);
		snprintf(err, errlen, "--interactor: %s: %s%s%s", ir->argv[0],
		         sandbox_strerror(rc), m ? ": " : "", m ? m : "");
		return rc;
	}
	return sandbox_interaction_set_interactor(ir->ia, ir->isb);
}

/* The interactor's wall-clock bound: --interactor-wall, else as long
 * again as the program may take, to finish after it. */
static uint64_t wall_bound(const struct sr_options *o)
{
	return o->ia.wall_ms != SANDBOX_UNLIMITED ? o->ia.wall_ms
	     : o->wall_ms <= UINT64_MAX / 4 ? 2 * o->wall_ms
	     : SANDBOX_UNLIMITED;
}

int sr_interact_prepare(struct sr_options *o, struct sr_interact_run **out,
                        char *err, size_t errlen)
{
	struct sr_interact_run *ir = calloc(1, sizeof(*ir));
	int rc;

	*out = NULL;
	if (!ir || !(ir->ia = sandbox_interaction_new()) ||
	    !(ir->argv = calloc((size_t)o->ia.argc + 2, sizeof(*ir->argv)))) {
		sr_interact_free(ir);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* Trusted, on the host: looked up as a shell would, in our PATH. */
	if ((rc = sr_find_program(o->ia.command, getenv("PATH"), NULL,
	                          o->ia.path, sizeof(o->ia.path), err,
	                          errlen)) < 0) {
		char m[512];
		snprintf(m, sizeof(m), "--interactor: %s", err);
		snprintf(err, errlen, "%s", m);
		sr_interact_free(ir);
		return rc;
	}
	ir->argv[0] = o->ia.path;
	for (int i = 0; i < o->ia.argc; i++)
		ir->argv[i + 1] = o->ia.argv[i];
	ir->wall_ms = wall_bound(o);
	rc = o->ia.policy ? make_sandbox(ir, o, err, errlen)
	                  : sandbox_interaction_set_command(ir->ia, ir->argv, NULL,
	                                                    ir->wall_ms);
	if (rc < 0) {
		if (!o->ia.policy)
			snprintf(err, errlen, "--interactor: %s", sandbox_strerror(rc));
		sr_interact_free(ir);
		return rc;
	}
	*out = ir;
	return 0;
}

int sr_interact_execute(struct sr_interact_run *ir, sandbox_t *sb, int log_fd,
                        struct sr_interact_outcome *out)
{
	out->sandboxed = ir->isb != NULL;
	out->iwall_ms = ir->wall_ms;
	out->rc = sandbox_interaction_set_log(ir->ia, log_fd);
	if (out->rc == 0)
		out->rc = sandbox_interaction_run(ir->ia, sb);
	out->failed_step = sandbox_interaction_failed_step(ir->ia);
	sandbox_interaction_get_stat(ir->ia, &out->st, sizeof(out->st));
	if (ir->isb) {
		sandbox_get_stat(ir->isb, &out->ist, sizeof(out->ist));
		out->ifailed = out->st.interactor_error
		               ? sandbox_failed_step(ir->isb) : NULL;
	}
	return out->rc;
}

int sr_interact_refused(const struct sr_options *o,
                        const struct sr_outcome *program,
                        struct sr_interact_outcome *out)
{
	/* Unknown figures: those of an interaction that never ran. */
	sandbox_interaction_t *blank = sandbox_interaction_new();

	if (!blank)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	sandbox_interaction_get_stat(blank, &out->st, sizeof(out->st));
	sandbox_interaction_destroy(blank);
	out->program = program;
	out->opt = o;
	out->rc = program->exec_rc;
	out->refused = true;
	out->sandboxed = o->ia.policy != NULL;
	out->iwall_ms = wall_bound(o);
	return 0;
}

void sr_interact_free(struct sr_interact_run *ir)
{
	if (!ir)
		return;
	sandbox_interaction_destroy(ir->ia);
	sandbox_destroy(ir->isb);
	free(ir->argv);
	free(ir);
}

/* ------------------------------------------------------------ verdict */

/* Could not start: the interactor's command, or the program. */
static bool judged(const struct sr_interact_outcome *r)
{
	return r->rc == 0 && r->st.verdict != S_VERDICT_PD;
}

int sr_interact_exit_status(const struct sr_interact_outcome *r)
{
	if (!judged(r))
		return 2;
	switch (r->st.verdict) {
	case S_VERDICT_OK:
		return 0;
	case S_VERDICT_JF: case S_VERDICT_IE: case S_VERDICT_BP:
		return 2;
	default:
		return 1;
	}
}

static const char *side_name(int side)
{
	return side == S_SIDE_PROGRAM ? "program"
	     : side == S_SIDE_INTERACTOR ? "interactor" : NULL;
}

static const char *wait_name(int w)
{
	switch (w) {
	case S_WAIT_RUNNING: return "running";
	case S_WAIT_READING: return "reading";
	case S_WAIT_WRITING: return "writing";
	case S_WAIT_SLEEPING: return "sleeping";
	case S_WAIT_ENDED: return "ended";
	default: return NULL;
	}
}

/* ------------------------------------------------------------ JSON */

static void json_bool(FILE *f, bool *first, const char *key, bool v)
{
	sr_json_key(f, first, key);
	fputs(v ? "true" : "false", f);
}

/* message: what the error object says, NULL for rc's text. */
static void json_error_of(FILE *f, bool *first, const char *step, int rc,
                          const char *message)
{
	sr_json_key(f, first, "error");
	if (rc >= 0) {
		fputs("null", f);
		return;
	}
	bool ef = true;
	sr_json_str_or_null(f, &ef, "step", step);
	sr_json_key(f, &ef, "errno");
	fprintf(f, "%d", -rc);
	sr_json_str_or_null(f, &ef, "message",
	                    message ? message : sandbox_strerror(rc));
	fputc('}', f);
}

static void json_interaction(FILE *f, bool *first,
                             const struct sr_interact_outcome *r)
{
	const sandbox_interaction_stat_t *st = &r->st;
	bool bf = true;

	sr_json_key(f, first, "interaction");
	json_bool(f, &bf, "program_first", st->program_first);
	json_bool(f, &bf, "idle", st->idle);
	sr_json_str_or_null(f, &bf, "program_wait", wait_name(st->program_wait));
	sr_json_str_or_null(f, &bf, "interactor_wait",
	                    wait_name(st->interactor_wait));
	sr_json_key(f, &bf, "points");
	if (st->points >= 0)
		fprintf(f, "%.10g", st->points);
	else
		fputs("null", f);
	sr_json_figure(f, &bf, "to_interactor_bytes", st->to_interactor_bytes);
	sr_json_figure(f, &bf, "to_interactor_discarded",
	               st->to_interactor_discarded);
	sr_json_figure(f, &bf, "to_program_bytes", st->to_program_bytes);
	sr_json_figure(f, &bf, "to_program_discarded", st->to_program_discarded);
	sr_json_str_or_null(f, &bf, "log", r->opt->ia.log);
	sr_json_figure(f, &bf, "log_bytes", st->log_bytes);
	json_bool(f, &bf, "log_truncated", st->log_truncated);
	fputc('}', f);
}

static void json_interactor(FILE *f, bool *first,
                            const struct sr_interact_outcome *r)
{
	const sandbox_interaction_stat_t *st = &r->st;
	const struct sr_interact *ia = &r->opt->ia;
	bool ran = r->rc == 0 && st->interactor_result != S_RESULT_PD;
	bool bf = true, qf = true;

	sr_json_key(f, first, "interactor");
	sr_json_key(f, &bf, "command");
	fputc('[', f);
	sr_json_string(f, ia->path[0] ? ia->path : ia->command);
	for (int i = 0; i < ia->argc; i++) {
		fputs(", ", f);
		sr_json_string(f, ia->argv[i]);
	}
	fputc(']', f);
	json_bool(f, &bf, "sandboxed", r->sandboxed);
	sr_json_str_or_null(f, &bf, "policy", ia->policy);
	/* A sandboxed interactor's identity (never root: a run slot of its
	 * own, or --interactor-user); null for a command, which runs as
	 * sandbox-run does, or when it did not run. */
	sr_json_figure(f, &bf, "uid", r->sandboxed && ran ? r->ist.uid : -1);
	sr_json_figure(f, &bf, "box_id", r->sandboxed && ran ? r->ist.box_id : -1);
	sr_json_str_or_null(f, &bf, "result",
	                    ran ? sandbox_result_name(st->interactor_result)
	                        : NULL);
	sr_json_figure(f, &bf, "exit_code", ran ? st->interactor_exit_code : -1);
	sr_json_signal(f, &bf, "signal", ran ? st->interactor_signal : 0);
	sr_json_figure(f, &bf, "cpu_time_us", st->interactor_cpu_time_us);
	/* What --interactor-cpu charged (its CPU and its tracer's work for
	 * it, as the program's cpu_charged_us); a command has no quota. */
	sr_json_figure(f, &bf, "cpu_charged_us",
	               r->sandboxed && ran ? r->ist.cpu_charged_us : -1);
	sr_json_figure(f, &bf, "wall_time_us", st->interactor_wall_time_us);
	sr_json_figure(f, &bf, "memory_peak_bytes", st->interactor_memory_peak);
	sr_json_key(f, &bf, "quota");
	sr_json_quota(f, &qf, "cpu_ms", ia->cpu_ms);
	sr_json_quota(f, &qf, "wall_ms", r->iwall_ms);
	sr_json_quota(f, &qf, "memory_bytes", ia->memory_bytes);
	fputc('}', f);
	sr_json_str_or_null(f, &bf, "message", st->message_bytes >= 0
	                                       ? st->message : NULL);
	sr_json_figure(f, &bf, "message_bytes", st->message_bytes);
	if (r->refused) /* its own part of the refusal, or none */
		json_error_of(f, &bf, "interactor",
		              strcmp(r->program->failed_step, "interactor") == 0
		              ? r->rc : 0, r->program->error_message);
	else
		json_error_of(f, &bf, r->failed_step ? r->failed_step : r->ifailed,
		              r->failed_step ? r->rc : st->interactor_error, NULL);
	fputc('}', f);
}

int sr_interact_write_json(FILE *f, const struct sr_interact_outcome *r)
{
	const sandbox_interaction_stat_t *st = &r->st;
	bool first = true, ok = judged(r);

	sr_json_key(f, &first, "report_version");
	fprintf(f, "%d", SR_REPORT_VERSION);
	sr_json_str_or_null(f, &first, "verdict",
	                    ok ? sandbox_verdict_name(st->verdict) : NULL);
	sr_json_str_or_null(f, &first, "verdict_text",
	                    ok ? sandbox_verdict_text(st->verdict)
	                       : "not run: the program or the interactor could "
	                         "not be started");
	sr_json_str_or_null(f, &first, "decided_by",
	                    ok ? side_name(st->decided_by) : NULL);
	json_interaction(f, &first, r);
	sr_json_key(f, &first, "program");
	sr_json_report(f, r->program);
	json_interactor(f, &first, r);
	/* Which side could not start: the interactor's command, or the
	 * program (its section says why too). */
	json_error_of(f, &first,
	              r->failed_step ? "interactor" : r->program->failed_step,
	              ok ? 0 : r->rc < 0 ? r->rc : -EINVAL,
	              r->refused ? r->program->error_message : NULL);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* ------------------------------------------------------------ summary */

/* The first line of the interactor's message, printable, at most n. */
static void first_line(char *out, size_t n, const char *msg)
{
	size_t i = 0;
	for (; msg[i] && msg[i] != '\n' && i + 1 < n; i++)
		out[i] = (unsigned char)msg[i] < 0x20 ? '?' : msg[i];
	out[i] = '\0';
}

/* Why the interactor decided, in words. */
static void interactor_why(char *why, size_t len,
                           const struct sr_interact_outcome *r)
{
	const sandbox_interaction_stat_t *st = &r->st;
	char line[120], sig[32];

	first_line(line, sizeof(line), st->message);
	if (st->interactor_error)
		snprintf(why, len, "the interactor could not start: %s%s%s",
		         r->ifailed ? r->ifailed : "", r->ifailed ? ": " : "",
		         sandbox_strerror(st->interactor_error));
	else if (st->interactor_result == S_RESULT_TL && !r->sandboxed)
		snprintf(why, len, "the interactor was still running at its wall "
		         "bound");
	else if (r->sandboxed && st->interactor_result != S_RESULT_OK &&
	         st->interactor_result != S_RESULT_AT)
		snprintf(why, len, "the interactor's own verdict %s: %s",
		         sandbox_result_name(st->interactor_result),
		         sandbox_result_text(st->interactor_result));
	else if (st->interactor_signal)
		snprintf(why, len, "the interactor was killed by %s",
		         sr_signal_name(st->interactor_signal, sig, sizeof(sig)));
	else if (st->interactor_exit_code >= 0)
		snprintf(why, len, "the interactor exited %d%s%s",
		         st->interactor_exit_code, line[0] ? ": " : "", line);
	else
		snprintf(why, len, "the interactor: %s",
		         sandbox_result_text(st->interactor_result));
}

void sr_interact_summary(FILE *f, const struct sr_interact_outcome *r)
{
	const sandbox_interaction_stat_t *st = &r->st;
	char why[256];

	if (r->failed_step) {
		fprintf(f, "sandbox-run: not run: the interactor: %s: %s\n",
		        r->failed_step, sandbox_strerror(r->rc));
		return;
	}
	if (judged(r)) {
		if (st->verdict == S_VERDICT_IE)
			snprintf(why, sizeof(why), "interrupted");
		else if (st->idle)
			snprintf(why, sizeof(why), "idle: the program and the "
			         "interactor were waiting for each other");
		else if (st->decided_by == S_SIDE_PROGRAM)
			snprintf(why, sizeof(why), "the program's own verdict%s",
			         st->program_first ? ": it failed first" : "");
		else
			interactor_why(why, sizeof(why), r);
		fprintf(f, "sandbox-run: %s (%s)", sandbox_verdict_name(st->verdict),
		        why);
		if (st->verdict == S_VERDICT_PT && st->points >= 0)
			fprintf(f, " points %.10g", st->points);
		fprintf(f, " %" PRId64 " bytes to the interactor, %" PRId64
		        " back\n", st->to_interactor_bytes, st->to_program_bytes);
	}
	sr_write_summary(f, r->program);
}
