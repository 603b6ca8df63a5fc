/*
 * sandbox-run: the JSON report, the isolate-style meta file, the summary
 * line, the exit status, and writing files atomically. See report.h.
 */
#include "config.h"
#include "report.h"
#include "render.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

bool sr_judged(const struct sr_outcome *r)
{
	return r->exec_rc == 0 && r->st.result != S_RESULT_PD;
}

int sr_exit_status(const struct sr_outcome *r)
{
	if (!sr_judged(r) || r->st.interrupted)
		return 2;
	switch (r->st.result) {
	case S_RESULT_OK:
		return 0;
	case S_RESULT_RF: case S_RESULT_ML: case S_RESULT_OL:
	case S_RESULT_TL: case S_RESULT_RT: case S_RESULT_AT:
		return 1;
	default: /* PD, IE, BP */
		return 2;
	}
}

const char *sr_signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 && sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;
	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else if (sig == SIGRTMIN)
		snprintf(buf, len, "SIGRTMIN");
	else if (sig > SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

/* The name of the si_code a signal came with (the kernel's own names,
 * <asm-generic/siginfo.h>), or NULL for a code this table does not know:
 * the report then gives the number alone. */
/* "signal_code" and its name: known only for a signal the tracer saw
 * delivered (not SIGKILL, not one the supervisor sent). */
static void json_signal_code(FILE *f, bool *first, const sandbox_stat_t *st,
                             bool judged)
{
	bool known = judged && st->signal > 0 && st->has_signal_code;

	sr_json_key(f, first, "signal_code");
	if (known)
		fprintf(f, "%d", st->signal_code);
	else
		fputs("null", f);
	sr_json_str_or_null(f, first, "signal_code_name", known
	                 ? sandbox_signal_code_name(st->signal, st->signal_code)
	                 : NULL);
}

static const char *mode_name(int mode)
{
	return mode == S_MODE_CLASSIC ? "classic" : "fast";
}

/* What made the request the memory quota refused (JSON). */
static const char *memreq_name(int by)
{
	switch (by) {
	case S_MEMREQ_SYSCALL: return "syscall";
	case S_MEMREQ_STACK: return "stack";
	case S_MEMREQ_EXEC: return "exec";
	default: return NULL;
	}
}

static const char *memory_mode_name(int mode)
{
	return mode == S_MEMORY_RSS ? "rss" : "vsize";
}

/* The offending syscall's name, or "" when there is none. */
static const char *rf_name(const sandbox_stat_t *st, char *buf, size_t len)
{
	if (!st->has_syscall)
		return "";
	return sandbox_syscall_name(st->syscall.abi, st->syscall.nr, buf, len);
}

const char *sr_step_option(const char *step)
{
	static const struct { const char *step, *opt; } map[] = {
		{ "stdin", "--stdin" }, { "stdout", "--stdout" },
		{ "stderr", "--stderr" }, { "chdir", "--chdir" },
		{ "chroot", "--chroot" }, { "setuid", "--user" },
		{ "setgid", "--group" }, { "setgroups", "--user" },
		{ "id_map", "--ns=user" }, { "ns_ids", "--ns=user" },
		{ "sethostname", "--hostname" }, { "loopback", "--ns=net" },
		{ "mount", "--box, --rootfs, --dir" },
		{ "mounts", "--box, --rootfs, --dir" },
		{ "mkdir", "--box, --rootfs, --dir" },
		{ "pivot_root", "--box, --rootfs, --dir" },
		{ "remount_ro", "--box, --rootfs, --dir" }, { "cgroup", "--cg-*" },
		{ "setrlimit", "--rlimit" }, { "cpus", "--cpus" },
		{ "capture", "--output" }, { "box",
		  "--box, --box-id, --copy-in/out, or a root run's run slot" },
		{ "identity", "--box-id" }, { "chown", "--box" },
	};
	for (size_t i = 0; step && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(step, map[i].step) == 0)
			return map[i].opt;
	return NULL;
}

/* ------------------------------------------------------------ JSON */

/* A JSON string: quotes, backslashes and control characters escaped;
 * bytes that are not valid UTF-8 become U+FFFD so the document stays
 * valid whatever the arguments held. */
void sr_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', f);
	while (*p) {
		unsigned c = *p;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc((int)c, f);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", f); break;
			case '\t': fputs("\\t", f); break;
			case '\r': fputs("\\r", f); break;
			case '\b': fputs("\\b", f); break;
			case '\f': fputs("\\f", f); break;
			default: fprintf(f, "\\u%04x", c); break;
			}
			p++;
		} else if (c < 0x80) {
			fputc((int)c, f);
			p++;
		} else {
			/* Length and validity of a UTF-8 sequence (no overlongs,
			 * no surrogates, nothing above U+10FFFF). */
			size_t n = c >= 0xc2 && c <= 0xdf ? 2
			         : c >= 0xe0 && c <= 0xef ? 3
			         : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
			bool ok = n > 0;
			for (size_t i = 1; ok && i < n; i++)
				ok = (p[i] & 0xc0) == 0x80;
			if (ok && n == 3 && ((c == 0xe0 && p[1] < 0xa0) ||
			                     (c == 0xed && p[1] >= 0xa0)))
				ok = false;
			if (ok && n == 4 && ((c == 0xf0 && p[1] < 0x90) ||
			                     (c == 0xf4 && p[1] >= 0x90)))
				ok = false;
			if (ok) {
				fwrite(p, 1, n, f);
				p += n;
			} else {
				fputs("\\ufffd", f);
				p++;
			}
		}
	}
	fputc('"', f);
}

void sr_json_key(FILE *f, bool *first, const char *key)
{
	fputs(*first ? "{" : ", ", f);
	*first = false;
	sr_json_string(f, key);
	fputs(": ", f);
}

/* An int64 figure; -1 (unknown) is null. */
void sr_json_figure(FILE *f, bool *first, const char *key, int64_t v)
{
	sr_json_key(f, first, key);
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%" PRId64, v);
}

void sr_json_quota(FILE *f, bool *first, const char *key, uint64_t v)
{
	sr_json_key(f, first, key);
	if (v == SANDBOX_UNLIMITED)
		fputs("null", f);
	else
		fprintf(f, "%" PRIu64, v);
}

void sr_json_str_or_null(FILE *f, bool *first, const char *key,
                             const char *v)
{
	sr_json_key(f, first, key);
	if (v)
		sr_json_string(f, v);
	else
		fputs("null", f);
}

const char *sr_iso_name(unsigned bit)
{
	switch (bit) {
	case S_NS_PID: return "pid";
	case S_NS_IPC: return "ipc";
	case S_NS_UTS: return "uts";
	case S_NS_NET: return "net";
	case S_NS_MOUNT: return "mount";
	case S_NS_USER: return "user";
	case S_ISO_FS: return "fs";
	case S_ISO_PIVOT: return "pivot_root";
	case S_ISO_CG_MEMORY: return "cgroup_memory";
	case S_ISO_CG_PIDS: return "cgroup_pids";
	case S_ISO_CG_CPU: return "cgroup_cpu";
	case S_ISO_CAPS: return "caps_dropped";
	case S_ISO_ENV_STRIP: return "env_strip";
	case S_ISO_BOX: return "box";
	default: return NULL;
	}
}

/* A JSON array of the names of the bits of mask. */
static void json_iso_mask(FILE *f, unsigned mask)
{
	bool first = true;
	fputc('[', f);
	for (unsigned bit = 1; bit; bit <<= 1) {
		const char *n = (mask & bit) ? sr_iso_name(bit) : NULL;
		if (!n)
			continue;
		fputs(first ? "" : ", ", f);
		first = false;
		sr_json_string(f, n);
	}
	fputc(']', f);
}

static void json_binary(FILE *f, bool *first, const struct sr_outcome *r)
{
	const sandbox_binary_info_t *b = &r->binary;
	sr_json_key(f, first, "binary");
	if (!r->have_binary) {
		fputs("null", f);
		return;
	}
	bool bf = true;
	sr_json_key(f, &bf, "class");
	if (b->elf_class)
		fprintf(f, "%d", b->elf_class);
	else
		fputs("null", f);
	sr_json_key(f, &bf, "machine");
	switch (b->machine) {
	case 62: sr_json_string(f, "x86_64"); break;
	case 3: sr_json_string(f, "i386"); break;
	case 0: fputs("null", f); break;
	default: fprintf(f, "%d", b->machine); break;
	}
	sr_json_key(f, &bf, "abi");
	if (b->abi >= 0)
		sr_json_string(f, sandbox_abi_name(b->abi));
	else
		fputs("null", f);
	sr_json_key(f, &bf, "static");
	fputs(b->is_static ? "true" : "false", f);
	sr_json_key(f, &bf, "pie");
	fputs(b->is_pie ? "true" : "false", f);
	sr_json_key(f, &bf, "script");
	fputs(b->is_script ? "true" : "false", f);
	sr_json_str_or_null(f, &bf, "interpreter",
	                 b->interpreter[0] ? b->interpreter : NULL);
	fputc('}', f);
}

/* A signal: its number under `key`, its name under `key`_name. */
void sr_json_signal(FILE *f, bool *first, const char *key, int sig)
{
	char name[32], namekey[48];

	sr_json_key(f, first, key);
	if (sig > 0)
		fprintf(f, "%d", sig);
	else
		fputs("null", f);
	snprintf(namekey, sizeof(namekey), "%s_name", key);
	sr_json_str_or_null(f, first, namekey,
	                 sig > 0 ? sr_signal_name(sig, name, sizeof(name)) : NULL);
}

static void json_backtrace(FILE *f, bool *first, const struct sr_outcome *r)
{
	const sandbox_backtrace_info_t *bi = &r->bt_info;

	sr_json_key(f, first, "backtrace");
	if (!r->nframes) {
		fputs("null", f);
	} else {
		fputc('[', f);
		for (size_t i = 0; i < r->nframes; i++) {
			const sandbox_frame_t *fr = &r->frames[i];
			bool ff = true;
			fputs(i ? ", " : "", f);
			sr_json_key(f, &ff, "pc");
			fprintf(f, "\"%#" PRIx64 "\"", fr->pc);
			sr_json_str_or_null(f, &ff, "module", fr->module);
			sr_json_str_or_null(f, &ff, "symbol",
			                 fr->symbol[0] ? fr->symbol : NULL);
			sr_json_key(f, &ff, "offset");
			fprintf(f, "%" PRIu64 "}", fr->offset);
		}
		fputc(']', f);
	}
	sr_json_key(f, first, "backtrace_info");
	if (!r->nframes) {
		fputs("null", f);
		return;
	}
	bool bf = true;
	sr_json_str_or_null(f, &bf, "reason",
	                 bi->reason == S_BT_RF ? "rf"
	                 : bi->reason == S_BT_SIGNAL ? "signal"
	                 : bi->reason == S_BT_MARKED ? "marked" : NULL);
	sr_json_signal(f, &bf, "signal", bi->signal);
	sr_json_key(f, &bf, "partial");
	fputs(bi->partial ? "true" : "false", f);
	sr_json_str_or_null(f, &bf, "method",
	                 bi->stack_scan ? "stack-scan"
	                 : bi->frame_pointers ? "frame-pointers" : "unwind");
	fputc('}', f);
}

static void json_isolation(FILE *f, bool *first, const struct sr_outcome *r)
{
	const sandbox_iso_stat_t *is = &r->iso;
	sr_json_key(f, first, "isolation");
	/* Dropping capabilities is always on: isolation was asked for only
	 * when something else is requested. */
	if (!(is->requested & ~(unsigned)S_ISO_CAPS)) {
		fputs("null", f);
		return;
	}
	bool bf = true;
	sr_json_key(f, &bf, "requested");
	json_iso_mask(f, is->requested);
	sr_json_key(f, &bf, "in_effect");
	json_iso_mask(f, is->in_effect);
	sr_json_key(f, &bf, "cgroup_version");
	if (is->cgroup_version)
		fprintf(f, "%d", is->cgroup_version);
	else
		fputs("null", f);
	sr_json_figure(f, &bf, "cgroup_memory_peak_bytes", is->cg_memory_peak);
	sr_json_figure(f, &bf, "cgroup_oom_kills", is->cg_oom_kills);
	sr_json_figure(f, &bf, "cgroup_pids_refused", is->cg_pids_refused);
	/* The box root's writable space, and the box's copies out. */
	bool fs = is->in_effect & S_ISO_FS;
	sr_json_figure(f, &bf, "box_bytes", fs ? is->box_bytes : -1);
	sr_json_figure(f, &bf, "box_peak_bytes", fs ? is->box_peak_bytes : -1);
	sr_json_figure(f, &bf, "box_limit_bytes", fs ? is->box_limit : -1);
	sr_json_figure(f, &bf, "box_missing",
	            (is->in_effect & S_ISO_BOX) ? is->box_missing : -1);
	sr_json_figure(f, &bf, "box_error",
	            (is->in_effect & S_ISO_BOX) ? is->box_error : -1);
	sr_json_figure(f, &bf, "box_refused",
	            (is->in_effect & S_ISO_BOX) ? is->box_refused : -1);
	fputc('}', f);
}

/* How the policy's file rules were enforced (sandbox.h, "File rules"):
 * null for a run that could not start. */
static void json_files(FILE *f, bool *first, const struct sr_outcome *r)
{
	static const struct { unsigned bit; const char *name; } ll[] = {
		{ S_LL_FS, "fs" }, { S_LL_REFER, "refer" },
		{ S_LL_TRUNCATE, "truncate" }, { S_LL_NET_TCP, "net_tcp" },
		{ S_LL_IOCTL_DEV, "ioctl_dev" }, { S_LL_SCOPE_SIGNAL, "scope_signal" },
		{ S_LL_SCOPE_ABSTRACT_UNIX, "scope_abstract_unix" },
	};
	static const char *const how[] = { "none", "landlock", "mount_view",
	                                   "not_enforced" };
	const sandbox_stat_t *st = &r->st;
	bool ff = true, lf = true;

	sr_json_key(f, first, "file_rules");
	if (!sr_judged(r) || st->file_rules < 0 ||
	    st->file_rules >= (int)(sizeof(how) / sizeof(how[0]))) {
		fputs("null", f);
		return;
	}
	sr_json_str_or_null(f, &ff, "enforced_by", how[st->file_rules]);
	sr_json_key(f, &ff, "landlock_abi");
	if (st->landlock_abi > 0)
		fprintf(f, "%d", st->landlock_abi);
	else
		fputs("null", f);
	sr_json_key(f, &ff, "landlock_features");
	fputc('[', f);
	for (size_t i = 0; i < sizeof(ll) / sizeof(ll[0]); i++) {
		if (!(st->landlock_features & ll[i].bit))
			continue;
		fputs(lf ? "" : ", ", f);
		lf = false;
		sr_json_string(f, ll[i].name);
	}
	fputs("]}", f);
}

static void json_counts(FILE *f, bool *first, const struct sr_outcome *r)
{
	sr_json_key(f, first, "syscall_counts");
	if (!r->ncounts) {
		fputs("null", f);
		return;
	}
	bool cf = true;
	sr_json_key(f, &cf, "all_syscalls");
	fputs(r->all_syscalls ? "true" : "false", f);
	sr_json_key(f, &cf, "calls");
	fputc('[', f);
	for (size_t i = 0; i < r->ncounts; i++) {
		const sandbox_syscall_count_t *c = &r->counts[i];
		bool ef = true;
		fputs(i ? ", " : "", f);
		sr_json_str_or_null(f, &ef, "abi", sandbox_abi_name(c->abi));
		sr_json_str_or_null(f, &ef, "name", c->name);
		sr_json_key(f, &ef, "count");
		fprintf(f, "%" PRIu64, c->count);
		sr_json_key(f, &ef, "stopped_ns");
		fprintf(f, "%" PRIu64 "}", c->stopped_ns);
	}
	fputs("]}", f);
}

/* The limit that decided (stat.quota_exceeded), or NULL. */
static const char *quota_name(int q)
{
	switch (q) {
	case S_QUOTA_WALLCLOCK: return "wall";
	case S_QUOTA_CPU: return "cpu";
	case S_QUOTA_MEMORY: return "memory";
	case S_QUOTA_DISK: return "output";
	case S_QUOTA_STACK: return "stack";
	case S_QUOTA_TASKS: return "tasks";
	default: return NULL;
	}
}

static void json_rf_syscall(FILE *f, bool *first, const struct sr_outcome *r)
{
	const sandbox_stat_t *st = &r->st;
	char name[64];

	sr_json_key(f, first, "syscall");
	if (!sr_judged(r) || st->result != S_RESULT_RF || !st->has_syscall) {
		fputs("null", f);
		return;
	}
	fputs("{\"abi\": ", f);
	sr_json_string(f, sandbox_abi_name(st->syscall.abi));
	fprintf(f, ", \"nr\": %ld, \"name\": ", st->syscall.nr);
	sr_json_string(f, rf_name(st, name, sizeof(name)));
	fputs(", \"args\": [", f);
	for (int i = 0; i < 6; i++)
		fprintf(f, "%s%" PRIu64, i ? ", " : "", st->syscall.args[i]);
	fputs("], \"tid\": ", f);
	if (st->syscall_tid > 0)
		fprintf(f, "%d", (int)st->syscall_tid);
	else
		fputs("null", f);
	fputs("}", f);
}

/* tasks: the task quota the run was held to (--processes, else the
 * policy's default: stat.tasks_quota), -1 none or not known. */
static void json_quotas(FILE *f, bool *first, const struct sr_options *o,
                        int memory_mode, int64_t tasks)
{
	bool qf = true;
	sr_json_key(f, first, "quota");
	sr_json_quota(f, &qf, "cpu_ms", o->cpu_ms);
	sr_json_quota(f, &qf, "wall_ms", o->wall_ms);
	sr_json_quota(f, &qf, "memory_bytes", o->memory_bytes);
	sr_json_quota(f, &qf, "output_bytes", o->output_bytes);
	sr_json_quota(f, &qf, "stack_bytes", o->stack_bytes);
	sr_json_quota(f, &qf, "tasks", o->tasks != SANDBOX_UNLIMITED || tasks < 0
	                               ? o->tasks : (uint64_t)tasks);
	sr_json_str_or_null(f, &qf, "memory_mode", memory_mode_name(memory_mode));
	fputs("}", f);
}

static void json_error(FILE *f, bool *first, const struct sr_outcome *r)
{
	sr_json_key(f, first, "error");
	if (sr_judged(r)) {
		fputs("null", f);
		return;
	}
	bool ef = true;
	sr_json_str_or_null(f, &ef, "step", r->failed_step);
	sr_json_key(f, &ef, "errno");
	fprintf(f, "%d", -r->exec_rc);
	sr_json_str_or_null(f, &ef, "message", r->error_message ? r->error_message
	                                    : sandbox_strerror(r->exec_rc));
	fputc('}', f);
}

int sr_write_json(FILE *f, const struct sr_outcome *r)
{
	sr_json_report(f, r);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

void sr_json_report(FILE *f, const struct sr_outcome *r)
{
	const sandbox_stat_t *st = &r->st;
	const struct sr_options *o = r->opt;
	bool first = true, judged = sr_judged(r);

	sr_json_key(f, &first, "report_version");
	fprintf(f, "%d", SR_REPORT_VERSION);
	if (r->batch_line > 0) { /* a job of --batch: which one */
		sr_json_key(f, &first, "id");
		if (r->batch_id && r->batch_id_number)
			fputs(r->batch_id, f);
		else if (r->batch_id)
			sr_json_string(f, r->batch_id);
		else
			fputs("null", f);
		sr_json_key(f, &first, "line");
		fprintf(f, "%ld", r->batch_line);
	}
	/* A run that could not start has no verdict: null, and `error`. */
	sr_json_str_or_null(f, &first, "result",
	                 judged ? sandbox_result_name(st->result) : NULL);
	sr_json_str_or_null(f, &first, "result_text",
	                 judged ? sandbox_result_text(st->result)
	                 : r->batch_line > 0 && r->failed_step &&
	                   !strcmp(r->failed_step, "job")
	                 ? "not run: the job line was refused"
	                 : "not run: the program could not be started");
	sr_json_key(f, &first, "exit_code");
	if (judged && st->exit_code >= 0 && st->signal == 0)
		fprintf(f, "%d", st->exit_code);
	else
		fputs("null", f);
	sr_json_signal(f, &first, "signal", judged ? st->signal : 0);
	json_signal_code(f, &first, st, judged);
	sr_json_str_or_null(f, &first, "limit",
	                 !judged || st->result != S_RESULT_TL ? NULL
	                 : st->tl_limit == S_TL_CPU ? "cpu"
	                 : st->tl_limit == S_TL_WALL ? "wall" : NULL);
	sr_json_str_or_null(f, &first, "quota_exceeded",
	                 judged ? quota_name(st->quota_exceeded) : NULL);
	json_rf_syscall(f, &first, r);
	sr_json_signal(f, &first, "interrupted", judged ? st->interrupted : 0);
	sr_json_str_or_null(f, &first, "mode", mode_name(o->mode));
	sr_json_str_or_null(f, &first, "policy", o->policy);
	sr_json_figure(f, &first, "cpu_time_us", st->cpu_time_us);
	sr_json_figure(f, &first, "cpu_charged_us", st->cpu_charged_us);
	sr_json_figure(f, &first, "user_time_us", st->user_time_us);
	sr_json_figure(f, &first, "sys_time_us", st->sys_time_us);
	sr_json_figure(f, &first, "wall_time_us", st->wall_time_us);
	sr_json_figure(f, &first, "memory_peak_bytes", st->memory_peak);
	sr_json_figure(f, &first, "memory_refused_bytes", st->memory_refused_bytes);
	sr_json_str_or_null(f, &first, "memory_refused_by",
	                 memreq_name(st->memory_refused_by));
	sr_json_figure(f, &first, "rss_peak_bytes", st->rss_peak);
	sr_json_figure(f, &first, "vm_peak_bytes", st->vm_peak);
	sr_json_figure(f, &first, "csw_voluntary", st->csw_voluntary);
	sr_json_figure(f, &first, "csw_forced", st->csw_forced);
	sr_json_figure(f, &first, "output_bytes", st->output_bytes);
	sr_json_figure(f, &first, "syscalls", judged ? st->syscalls : -1);
	sr_json_figure(f, &first, "tasks_peak", judged ? st->tasks_peak : -1);
	sr_json_figure(f, &first, "tasks_created", judged ? st->tasks_created : -1);
	sr_json_figure(f, &first, "processes", judged ? st->processes : -1);
	sr_json_figure(f, &first, "cpu", st->cpu);
	sr_json_figure(f, &first, "box_id", st->box_id);
	sr_json_figure(f, &first, "uid", st->uid);
	sr_json_figure(f, &first, "gid", st->gid);
	sr_json_figure(f, &first, "supervisor_cpu_us",
	               judged ? st->supervisor_cpu_us : -1);
	json_quotas(f, &first, o, r->memory_mode, judged ? st->tasks_quota : -1);
	sr_json_key(f, &first, "command");
	fputs("[", f);
	for (int i = 0; i < o->argc; i++) {
		if (i)
			fputs(", ", f);
		sr_json_string(f, i == 0 && o->program[0] ? o->program
		                                          : o->argv[i]);
	}
	fputs("]", f);
	json_binary(f, &first, r);
	json_isolation(f, &first, r);
	json_files(f, &first, r);
	json_backtrace(f, &first, r);
	json_counts(f, &first, r);
	json_error(f, &first, r);
	fputc('}', f);
}

int sr_write_svg(FILE *f, const struct sr_outcome *r)
{
	const char *title = r->opt && r->opt->argv ? r->opt->argv[0] : "program";
	return sr_write_profile_svg(f, r->sb, title);
}

/* ------------------------------------------------------------ meta */

/* isolate's figures, in isolate's order; unknown ones are left out. */
static void meta_figures(FILE *f, const struct sr_outcome *r)
{
	const sandbox_stat_t *st = &r->st;
	const sandbox_iso_stat_t *is = &r->iso;

	/* The time the CPU quota charged: a judge comparing time: with its
	 * limit sees a TO's time at or above it. */
	if (st->cpu_charged_us >= 0)
		fprintf(f, "time:%" PRId64 ".%03" PRId64 "\n",
		        st->cpu_charged_us / 1000000,
		        (st->cpu_charged_us / 1000) % 1000);
	if (st->wall_time_us >= 0)
		fprintf(f, "time-wall:%" PRId64 ".%03" PRId64 "\n",
		        st->wall_time_us / 1000000, (st->wall_time_us / 1000) % 1000);
	if (st->rss_peak >= 0)
		fprintf(f, "max-rss:%" PRId64 "\n", st->rss_peak / 1024);
	if (st->csw_voluntary >= 0)
		fprintf(f, "csw-voluntary:%" PRId64 "\n", st->csw_voluntary);
	if (st->csw_forced >= 0)
		fprintf(f, "csw-forced:%" PRId64 "\n", st->csw_forced);
	if ((is->in_effect & S_ISO_CG_MEMORY) && is->cg_memory_peak >= 0)
		fprintf(f, "cg-mem:%" PRId64 "\n", is->cg_memory_peak / 1024);
	if ((is->in_effect & S_ISO_CG_MEMORY) && is->cg_oom_kills > 0)
		fputs("cg-oom-killed:1\n", f);
}

/* How the program ended: exitcode or exitsig, as isolate says it. */
static void meta_end(FILE *f, const sandbox_stat_t *st)
{
	if (st->signal > 0)
		fprintf(f, "exitsig:%d\n", st->signal);
	else if (st->exit_code >= 0)
		fprintf(f, "exitcode:%d\n", st->exit_code);
}

int sr_write_meta(FILE *f, const struct sr_outcome *r)
{
	const sandbox_stat_t *st = &r->st;
	char name[64];

	meta_figures(f, r);
	if (!sr_judged(r)) {
		fprintf(f, "status:XX\nmessage:cannot run the program: %s%s",
		        r->failed_step ? r->failed_step : "",
		        r->failed_step ? ": " : "");
		/* the message on one line */
		for (const char *c = r->error_message ? r->error_message
		                     : sandbox_strerror(r->exec_rc); *c; c++)
			fputc(*c == '\n' ? ' ' : *c, f);
		fputc('\n', f);
		return ferror(f) ? -EIO : 0;
	}
	if (st->interrupted) {
		fprintf(f, "status:XX\nmessage:interrupted by %s\n",
		        sr_signal_name(st->interrupted, name, sizeof(name)));
		return ferror(f) ? -EIO : 0;
	}
	switch (st->result) {
	case S_RESULT_OK:
		meta_end(f, st);
		break;
	case S_RESULT_TL:
		/* Only a time limit is a kill by the sandbox in isolate's sense:
		 * killed, never with exitcode (nor exitsig). A program that
		 * ended by itself past the CPU quota was not killed. */
		if (st->signal > 0)
			fputs("killed:1\n", f);
		fprintf(f, "status:TO\nmessage:Time limit exceeded%s\n",
		        st->tl_limit == S_TL_WALL ? " (wall clock)" : "");
		break;
	case S_RESULT_AT:
	case S_RESULT_RT:
	case S_RESULT_RF:
	case S_RESULT_ML:
	case S_RESULT_OL:
		/* What physically happened, then why: SG when a signal ended
		 * it (ours or its own), RE when it exited by itself -- with
		 * exit code 0 too when the verdict came from a quota. */
		meta_end(f, st);
		fputs(st->signal > 0 ? "status:SG\n" : "status:RE\n", f);
		if (st->result == S_RESULT_AT)
			fprintf(f, "message:Exited with error status %d\n",
			        st->exit_code);
		else if (st->result == S_RESULT_RT)
			fprintf(f, "message:Caught fatal signal %d\n", st->signal);
		else if (st->result == S_RESULT_RF)
			fprintf(f, "message:Forbidden syscall%s%s\n",
			        st->has_syscall ? " " : "",
			        rf_name(st, name, sizeof(name)));
		else
			fprintf(f, "message:%s limit exceeded\n",
			        st->result == S_RESULT_ML ? "Memory" : "Output");
		break;
	default: /* IE, BP */
		fprintf(f, "status:XX\nmessage:%s (%s)\n",
		        sandbox_result_text(st->result),
		        sandbox_result_name(st->result));
		break;
	}
	return ferror(f) ? -EIO : 0;
}

/* ------------------------------------------------------------ summary */

static void human_bytes(char *buf, size_t len, int64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	if (v < 1024) {
		snprintf(buf, len, "%" PRId64 "B", v);
		return;
	}
	double d = (double)v / 1024;
	size_t i = 0;
	while (d >= 1024 && i + 1 < sizeof(units) / sizeof(units[0])) {
		d /= 1024;
		i++;
	}
	snprintf(buf, len, "%.1f%s", d, units[i]);
}

/* What crossed the memory quota, in words. */
static void memory_why(char *why, size_t len, const struct sr_outcome *r)
{
	const sandbox_stat_t *st = &r->st;
	char req[32], used[32], peak[32], quota[32], name[64];
	int64_t q = r->opt->memory_bytes == SANDBOX_UNLIMITED
	            ? -1 : (int64_t)r->opt->memory_bytes;

	human_bytes(req, sizeof(req), st->memory_refused_bytes);
	human_bytes(used, sizeof(used), st->memory_peak - st->memory_refused_bytes);
	human_bytes(peak, sizeof(peak), st->memory_peak);
	human_bytes(quota, sizeof(quota), q);
	switch (st->memory_refused_by) {
	case S_MEMREQ_SYSCALL:
		snprintf(why, len, "memory limit: %s of %s refused with %s in use, "
		         "quota %s", st->has_syscall ? rf_name(st, name, sizeof(name))
		                                     : "an allocation",
		         req, used, quota);
		break;
	case S_MEMREQ_STACK:
		snprintf(why, len, "memory limit: the stack growing by %s refused "
		         "with %s in use, quota %s", req, used, quota);
		break;
	case S_MEMREQ_EXEC:
		snprintf(why, len, "memory limit: the program's image and stack "
		         "need %s or more at exec (a %s mapping refused), quota %s",
		         peak, req, quota);
		break;
	default:
		if (r->iso.requested && r->iso.cg_oom_kills > 0)
			snprintf(why, len, "memory limit: killed by the kernel's "
			         "OOM killer in its cgroup");
		else if (q >= 0)
			snprintf(why, len, "memory limit: peak %s, quota %s", peak,
			         quota);
		else
			snprintf(why, len, "memory limit");
		break;
	}
}

/* Did the run fail at the run slot's step ("box") with err? */
static bool box_step_failed(const struct sr_outcome *r, int err)
{
	return r->exec_rc == err && r->failed_step &&
	       strcmp(r->failed_step, "box") == 0;
}

void sr_write_summary(FILE *f, const struct sr_outcome *r)
{
	const sandbox_stat_t *st = &r->st;
	char why[192], sig[32], name[64], num[32];

	if (box_step_failed(r, -ERANGE)) {
		fprintf(f, "sandbox-run: not run: box: the run slots' ids %lu-%lu "
		        "are not mapped in this user namespace (/proc/self/uid_map, "
		        "gid_map: a rootless container?); choose mapped ids with "
		        "--box-ids=FIRST[:COUNT], or give --user\n",
		        r->opt->box_first, r->opt->box_first + r->opt->box_count - 1);
		return;
	}
	if (box_step_failed(r, -EUSERS)) {
		fprintf(f, "sandbox-run: not run: box: a run slot's uid or gid "
		        "(%lu-%lu) has a name in the user or group database: it is "
		        "somebody's (the slot's kill(-1) would kill their "
		        "processes); choose free ids with --box-ids=FIRST[:COUNT]\n",
		        r->opt->box_first, r->opt->box_first + r->opt->box_count - 1);
		return;
	}
	if (box_step_failed(r, -EBUSY)) {
		fprintf(f, "sandbox-run: not run: box: %s\n",
		        r->opt->box_id >= 0
		        ? "the run slot of --box-id is another run's"
		        : "every run slot is taken by other runs");
		return;
	}
	if (r->exec_rc == -ESTALE && r->error_message) {
		fprintf(f, "sandbox-run: no verdict: %s\n", r->error_message);
		return;
	}
	if (r->exec_rc < 0) {
		const char *opt = sr_step_option(r->failed_step);
		fprintf(f, "sandbox-run: %s%snot run: %s%s%s%s%s%s%s%s\n",
		        r->label ? r->label : "", r->label ? " " : "",
		        r->failed_step ? r->failed_step : "",
		        opt ? " (" : "", opt ? opt : "", opt ? ")" : "",
		        r->failed_step ? ": " : "", sandbox_strerror(r->exec_rc),
		        r->error_message ? ": " : "",
		        r->error_message ? r->error_message : "");
		return;
	}
	if (st->interrupted)
		snprintf(why, sizeof(why), "interrupted by %s",
		         sr_signal_name(st->interrupted, sig, sizeof(sig)));
	else if (st->result == S_RESULT_TL)
		snprintf(why, sizeof(why), "%s time limit",
		         st->tl_limit == S_TL_WALL ? "wall" : "cpu");
	else if (st->result == S_RESULT_RF && st->quota_exceeded == S_QUOTA_TASKS)
		/* The task it made, one past the quota, never ran: tasks_peak
		 * is the quota. */
		snprintf(why, sizeof(why), "task limit: %s in task %d would "
		         "make %" PRIu64 " tasks alive at once, quota %" PRIu64,
		         st->has_syscall ? rf_name(st, name, sizeof(name)) : "?",
		         (int)st->syscall_tid, (uint64_t)st->tasks_quota + 1,
		         (uint64_t)st->tasks_quota);
	else if (st->result == S_RESULT_RF && st->syscall_tid > 0 &&
	         st->processes + st->tasks_created > 1)
		snprintf(why, sizeof(why), "forbidden syscall %s in task %d",
		         st->has_syscall ? rf_name(st, name, sizeof(name)) : "?",
		         (int)st->syscall_tid);
	else if (st->result == S_RESULT_RF)
		snprintf(why, sizeof(why), "forbidden syscall %s",
		         st->has_syscall ? rf_name(st, name, sizeof(name)) : "?");
	else if (st->result == S_RESULT_ML)
		memory_why(why, sizeof(why), r);
	else if (st->result == S_RESULT_OL)
		snprintf(why, sizeof(why), "output limit");
	else if (st->signal > 0 && st->quota_exceeded == S_QUOTA_STACK)
		snprintf(why, sizeof(why), "killed by %s: stack overflow, past "
		         "its limit", sr_signal_name(st->signal, sig, sizeof(sig)));
	else if (st->signal > 0)
		snprintf(why, sizeof(why), "killed by %s",
		         sr_signal_name(st->signal, sig, sizeof(sig)));
	else if (st->exit_code >= 0)
		snprintf(why, sizeof(why), "exited %d", st->exit_code);
	else
		snprintf(why, sizeof(why), "%s", sandbox_result_text(st->result));
	fprintf(f, "sandbox-run: %s%s%s (%s)", r->label ? r->label : "",
	        r->label ? " " : "", sandbox_result_name(st->result), why);
	if (st->cpu_charged_us >= 0) /* as the CPU quota charged it */
		fprintf(f, " cpu %" PRId64 ".%03" PRId64 "s",
		        st->cpu_charged_us / 1000000,
		        (st->cpu_charged_us / 1000) % 1000);
	if (st->wall_time_us >= 0)
		fprintf(f, " wall %" PRId64 ".%03" PRId64 "s",
		        st->wall_time_us / 1000000, (st->wall_time_us / 1000) % 1000);
	if (st->memory_peak >= 0) {
		human_bytes(num, sizeof(num), st->memory_peak);
		fprintf(f, " mem %s", num);
	}
	if (st->output_bytes >= 0) {
		human_bytes(num, sizeof(num), st->output_bytes);
		fprintf(f, " out %s", num);
	}
	fputc('\n', f);
	for (size_t i = 0; i < r->nframes; i++) {
		const sandbox_frame_t *fr = &r->frames[i];
		fprintf(f, "  #%zu %#018" PRIx64 " in %s+%#" PRIx64 " (%s)\n", i,
		        fr->pc, fr->symbol[0] ? fr->symbol : "??", fr->offset,
		        fr->module);
	}
}
