/*
 * sandbox-run: run one program under libsandbox and report the verdict.
 *
 * main() is the only place that exits. The steps: parse (args.c); check
 * everything that can be checked with no side effect -- options,
 * credentials, directories, the program in its PATH (args.c), the files
 * (files.c: stdin opened, result directories proven writable) and the
 * policy; configure and check the sandbox; only then create the output
 * files and remove the old results (files.c); run; write the report, meta
 * file and picture all or none (files.c over report.c) and the summary.
 * Exit status: 0 OK, 1 another verdict, 2 no verdict (usage error, IE, BP,
 * interrupted, results not written). A usage error changes no file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"
#include "args.h"
#include "batch.h"
#include "files.h"
#include "interact.h"
#include "policyinfo.h"
#include "timing.h"
#include "report.h"
#include "render.h"
#include "trace.h"

#define EXIT_VERDICT 1
#define EXIT_USAGE 2

/* Everything main() owns; released by cleanup(). */
struct run {
	struct sr_options opt;
	struct sr_files files;
	char *dirs[SR_MAX_LIST];    /* --dir specs with absolute OUTSIDE */
	char box_prog[PATH_MAX];    /* --box: PROGRAM's host file, copied in */
	sandbox_t *sb;
	sandbox_policy_t *policy;
	const char **argv;
	struct sr_trace *trace;
	struct sr_outcome out;
	struct sr_interact_run *ia;  /* --interactor */
	struct sr_interact_outcome iaout;
	char err[1024];
	const char *refused;         /* the stage that refused the run */
	char replaced[1024];         /* a file replaced during the run */
};

static void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void errmsg(const char *fmt, ...)
{
	va_list ap;
	fputs("sandbox-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The run is refused at `stage` (its report's error.step): the message
 * in r->err, printed by the caller. Returns rc. */
static int refuse(struct run *r, int rc, const char *stage, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

static int refuse(struct run *r, int rc, const char *stage, const char *fmt,
                  ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->refused = stage;
	return rc;
}

/* --policy / --explain-policy SPEC: a built-in name, a policy file or a
 * module (sandbox_policy_load). NULL with the reason in err. */
static sandbox_policy_t *open_policy(const char *spec, char *err,
                                     size_t errlen)
{
	err[0] = '\0';
	sandbox_policy_t *p = sandbox_policy_load(spec, err, errlen);
	if (!p && !err[0])
		snprintf(err, errlen, "%s: %s", spec, strerror(errno));
	return p;
}

/* " (static programs only)" when a policy cannot start a dynamic one. */
static const char *static_note(const sandbox_policy_t *p)
{
	return p && !sr_policy_starts_dynamic(p) ? " (static programs only)" : "";
}

static int list_policies(void)
{
	for (const char *const *l = sandbox_policy_list(); l && *l; l++) {
		const char *d = sandbox_policy_describe(*l);
		sandbox_policy_t *p = sandbox_policy_builtin(*l);
		printf("%-12s %s%s\n", *l, d ? d : "", static_note(p));
		sandbox_policy_unref(p);
	}
	return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
}

static int explain_policy(const char *spec)
{
	char err[512];
	sandbox_policy_t *p = open_policy(spec, err, sizeof(err));
	if (!p) {
		errmsg("--explain-policy: %s", err);
		return EXIT_USAGE;
	}
	const char *d = strpbrk(spec, "/.") ? NULL : sandbox_policy_describe(spec);
	printf("policy %s%s%s%s\n", spec, d ? ": " : "", d ? d : "",
	       static_note(p));
	fflush(stdout);
	int rc = sandbox_policy_explain(p, STDOUT_FILENO);
	sandbox_policy_unref(p);
	if (rc < 0) {
		errmsg("--explain-policy: %s", sandbox_strerror(rc));
		return EXIT_USAGE;
	}
	return 0;
}

/* --check: the library's probe (as text: render.c), then what a plain
 * run of sandbox-run will have. Exit 0 when a run is possible. */
static int check_host(void)
{
	sandbox_probe_t p;
	int rc = sandbox_probe(&p, sizeof(p));
	if (rc < 0) {
		errmsg("--check: %s", sandbox_strerror(rc));
		return EXIT_USAGE;
	}
	printf("libsandbox %s\n", sandbox_version());
	if ((rc = sr_probe_print(stdout, &p, geteuid() == 0)) < 0) {
		errmsg("--check: %s", sandbox_strerror(rc));
		return EXIT_USAGE;
	}
	printf("in effect for sandbox-run without isolation options: %s; %s; "
	       "file rules of the policy: %s\n",
	       p.ptrace ? "supervision by ptrace" : "NO supervision possible",
	       p.seccomp ? "--mode=fast available (seccomp filter)"
	                 : "only --mode=classic",
	       p.landlock_abi >= 1 ? "enforced by Landlock" :
	       (p.available & S_NS_MOUNT) &&
	       (geteuid() == 0 || (p.available & S_NS_USER)) ?
	       "enforced by a private mount view (no Landlock)" :
	       "NOT enforceable here (sandbox-run refuses them without "
	       "--best-effort)");
	return fflush(stdout) == 0 && p.ptrace ? 0 : EXIT_VERDICT;
}

/* Build the program's environment: SR_DEFAULT_PATH unless inheriting or
 * given, then the --env entries in order; --env-pass / --env-strip. */
static int set_environment(sandbox_t *sb, const struct sr_options *o,
                           const char **what)
{
	const char *envp[SR_MAX_ENV + 2];
	const char *list[SR_MAX_LIST + 1];
	size_t n = 0;
	bool has_path = false;
	int rc;

	for (size_t i = 0; i < o->nenv; i++)
		if (strncmp(o->env[i], "PATH=", 5) == 0)
			has_path = true;
	if (!o->env_inherit && !has_path)
		envp[n++] = SR_DEFAULT_PATH;
	for (size_t i = 0; i < o->nenv; i++)
		envp[n++] = o->env[i];
	envp[n] = NULL;
	*what = "--env";
	if ((rc = sandbox_set_env_inherit(sb, o->env_inherit)) < 0 ||
	    (rc = sandbox_set_env(sb, envp)) < 0)
		return rc;
	*what = "--env-pass";
	if (o->nenv_pass) {
		memcpy(list, o->env_pass, o->nenv_pass * sizeof(*list));
		list[o->nenv_pass] = NULL;
		if ((rc = sandbox_set_env_pass(sb, list)) < 0)
			return rc;
	}
	*what = "--env-strip";
	if (o->nenv_strip) {
		memcpy(list, o->env_strip, o->nenv_strip * sizeof(*list));
		list[o->nenv_strip] = NULL;
		if ((rc = sandbox_set_env_strip(sb, list)) < 0)
			return rc;
	}
	return 0;
}

static int set_quotas(sandbox_t *sb, const struct sr_options *o,
                      const char **what)
{
	static const int quota[6] = { S_QUOTA_CPU, S_QUOTA_WALLCLOCK,
	                              S_QUOTA_MEMORY, S_QUOTA_DISK,
	                              S_QUOTA_STACK, S_QUOTA_TASKS };
	static const char *const name[6] = { "--cpu", "--wall", "--memory",
	                                      "--output", "--stack",
	                                      "--processes" };
	const uint64_t value[6] = { o->cpu_ms, o->wall_ms, o->memory_bytes,
	                            o->output_bytes, o->stack_bytes, o->tasks };
	int rc;

	for (int i = 0; i < 6; i++) {
		*what = name[i];
		if ((rc = sandbox_set_quota(sb, quota[i], value[i])) < 0)
			return rc;
	}
	*what = "--memory-mode";
	if (o->memory_mode >= 0 &&
	    (rc = sandbox_set_memory_mode(sb, o->memory_mode)) < 0)
		return rc;
	*what = "--mode";
	return sandbox_set_mode(sb, o->mode);
}

/* Is our descriptor fd a regular file? */
static bool is_regular(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* The streams sr_files_open() opened (the library dups them). */
static int set_streams(sandbox_t *sb, const struct sr_options *o,
                       const struct sr_files *f)
{
	bool limit = o->output_bytes != SANDBOX_UNLIMITED;
	int rc;
	for (int i = 0; i < 3; i++)
		if (f->stdio[i] >= 0 &&
		    (rc = sandbox_set_stdio_fd(sb, i, f->stdio[i])) < 0)
			return rc;
	if (f->stderr_to_stdout &&
	    (rc = sandbox_set_stdio_fd(sb, 2, SANDBOX_STDIO_STDOUT)) < 0)
		return rc;
	/* An output quota on an inherited stdout or stderr (a pipe, a
	 * terminal) is enforced by capturing them, counted together:
	 * RLIMIT_FSIZE only sees regular files. An inherited stream that is
	 * a regular file (the judge's `>> results` or `2>> judge.log`) is
	 * captured too, quota or not: the program never holds the judge's
	 * own open file, which it could truncate, overwrite at offset 0 after
	 * clearing O_APPEND, lock for good or make non-blocking (review-box2
	 * C12). An interaction's stdout is the interactor's. */
	if (!o->stdio[1] && !o->ia.command &&
	    (limit || is_regular(STDOUT_FILENO)) &&
	    (rc = sandbox_set_capture(sb, 1, STDOUT_FILENO, NULL, NULL)) < 0)
		return rc;
	if (!o->stdio[2] && !f->stderr_to_stdout &&
	    (limit || is_regular(STDERR_FILENO)) &&
	    (rc = sandbox_set_capture(sb, 2, STDERR_FILENO, NULL, NULL)) < 0)
		return rc;
	return 0;
}

static int set_process(sandbox_t *sb, const struct sr_options *o,
                       const char **what)
{
	int rc;
	*what = "--chdir";
	if (o->workdir && (rc = sandbox_set_workdir(sb, o->workdir)) < 0)
		return rc;
	*what = "--chroot";
	if (o->chroot && (rc = sandbox_set_chroot(sb, o->chroot)) < 0)
		return rc;
	*what = o->user ? "--user" : "--group";
	if ((o->set_uid || o->set_gid) &&
	    (rc = sandbox_set_credentials(sb, o->set_uid ? o->uid : (uid_t)-1,
	                                  o->set_gid ? o->gid : (gid_t)-1,
	                                  NULL, 0)) < 0)
		return rc;
	*what = "--rlimit";
	for (size_t i = 0; i < o->nrlimits; i++)
		if ((rc = sandbox_set_rlimit(sb, o->rlimits[i].resource,
		                             o->rlimits[i].value)) < 0)
			return rc;
	return 0;
}

/* --rootfs=DIR[:rw|:ro] */
static int set_rootfs(sandbox_t *sb, const char *spec)
{
	char dir[PATH_MAX];
	bool rw;
	int rc = sr_rootfs_dir(spec, dir, sizeof(dir), &rw);
	return rc < 0 ? rc : sandbox_set_rootfs(sb, dir, rw);
}

/* --box, its program and its --copy-in/--copy-out files. */
static int set_box(sandbox_t *sb, const char *prog, const struct sr_options *o)
{
	char host[PATH_MAX], name[256];
	int rc;

	if ((rc = sandbox_set_box(sb, true)) < 0)
		return rc;
	if (prog[0] && (rc = sandbox_box_copy_in(sb, prog, strrchr(prog, '/') + 1)) < 0)
		return rc;
	for (int out = 0; out < 2; out++) {
		size_t n = out ? o->ncopy_out : o->ncopy_in;
		for (size_t i = 0; i < n; i++) {
			const char *spec = out ? o->copy_out[i] : o->copy_in[i];
			if ((rc = sr_copy_spec(spec, out, host, sizeof(host), name,
			                       sizeof(name), NULL, 0)) < 0 ||
			    (rc = out ? sandbox_box_copy_out(sb, name, host)
			              : sandbox_box_copy_in(sb, host, name)) < 0)
				return rc;
		}
	}
	return 0;
}

static int set_isolation(sandbox_t *sb, const struct sr_options *o,
                         const char *r_box_prog, const char **what)
{
	unsigned ns = o->ns;
	int rc;

	*what = "--hostname";
	if (o->hostname) {
		ns |= S_NS_UTS;
		if ((rc = sandbox_set_hostname(sb, o->hostname)) < 0)
			return rc;
	}
	*what = "--box";
	if (o->box && (rc = set_box(sb, r_box_prog, o)) < 0)
		return rc;
	*what = "--ns";
	if ((ns || o->ns_set) && (rc = sandbox_set_namespaces(sb, ns)) < 0)
		return rc;
	*what = "--rootfs";
	if (o->rootfs && (rc = set_rootfs(sb, o->rootfs)) < 0)
		return rc;
	for (size_t i = 0; i < o->ndirs; i++) {
		struct sr_dir d;
		*what = o->dirs[i];
		if ((rc = sr_parse_dir(o->dirs[i], &d)) < 0 ||
		    (rc = sandbox_add_dir(sb, d.inside, d.outside, d.mode)) < 0)
			return rc;
	}
	*what = "--tmpfs-size";
	if (o->tmpfs_size != SANDBOX_UNLIMITED &&
	    (rc = sandbox_set_tmpfs_size(sb, o->tmpfs_size)) < 0)
		return rc;
	*what = "--cg-parent";
	if (o->cg_parent && (rc = sandbox_set_cgroup_parent(sb, o->cg_parent)) < 0)
		return rc;
	*what = "--cg-memory/--cg-pids/--cg-cpu";
	if ((o->cg_memory != SANDBOX_UNLIMITED || o->cg_pids != SANDBOX_UNLIMITED ||
	     o->cg_cpu) &&
	    (rc = sandbox_set_cgroup_limits(sb, o->cg_memory, o->cg_pids,
	                                    o->cg_cpu)) < 0)
		return rc;
	*what = "--best-effort";
	return sandbox_set_best_effort(sb, o->best_effort);
}

/* Configure r->sb from the options. On failure returns a negative errno
 * and names the step in *what. */
static int configure(struct run *r, const char **what)
{
	const struct sr_options *o = &r->opt;
	int rc;

	if ((rc = set_quotas(r->sb, o, what)) < 0)
		return rc;
	*what = "--policy";
	if (r->policy && (rc = sandbox_set_policy(r->sb, r->policy)) < 0)
		return rc;
	if ((rc = set_process(r->sb, o, what)) < 0 ||
	    (rc = set_environment(r->sb, o, what)) < 0)
		return rc;
	*what = "--cpus";
	if (o->cpus && (rc = sandbox_set_cpus(r->sb, o->cpus)) < 0)
		return rc;
	*what = "--box-ids";
	if ((rc = sandbox_set_box_ids(r->sb, (uid_t)o->box_first,
	                              (gid_t)o->box_first, o->box_count)) < 0)
		return rc;
	*what = "--box-id";
	if ((rc = sandbox_set_box_id(r->sb, o->box_id)) < 0)
		return rc;
	*what = "--backtrace";
	if ((rc = sandbox_set_backtrace(r->sb, o->backtrace ? S_BT_DEFAULT : 0)) < 0)
		return rc;
	return set_isolation(r->sb, o, r->box_prog, what);
}

/* The run is certain to start: create the output files, remove the old
 * results, hand the streams to the sandbox, attach --trace, start
 * --profile. The message of a failure in r->err. */
static int start(struct run *r)
{
	const struct sr_options *o = &r->opt;
	unsigned flags = SANDBOX_PROFILE_SYSCALLS;
	int rc;

	r->refused = "start";
	if ((rc = sr_files_open(&r->files, o, r->err, sizeof(r->err))) < 0)
		return rc;
	if ((rc = set_streams(r->sb, o, &r->files)) < 0)
		return refuse(r, rc, "start", "streams: %s", sandbox_strerror(rc));
	if (r->files.trace &&
	    (rc = sr_trace_attach(r->sb, r->files.trace, o->mode,
	                          o->trace_format == SR_FMT_JSON,
	                          &r->trace)) < 0)
		return refuse(r, rc, "start", "--trace: %s", sandbox_strerror(rc));
	if (!o->profile && !o->profile_svg) {
		r->refused = NULL;
		return 0;
	}
	if (o->profile)
		flags |= o->profile_format == SR_FMT_JSON ? SANDBOX_PROFILE_JSONL
		                                          : SANDBOX_PROFILE_CSV;
	rc = sandbox_set_profile(r->sb, (unsigned)o->profile_interval_ms * 1000,
	                         r->files.profile_fd, flags);
	if (rc < 0)
		return refuse(r, rc, "start", "--profile: %s", sandbox_strerror(rc));
	r->refused = NULL;
	return 0;
}

/* --dir specs with a relative OUTSIDE, made absolute from our working
 * directory (the library wants absolute paths). */
static int absolute_dirs(struct run *r)
{
	struct sr_options *o = &r->opt;
	char cwd[PATH_MAX], spec[2 * PATH_MAX];

	if (!o->ndirs)
		return 0;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	for (size_t i = 0; i < o->ndirs; i++) {
		if (sr_dir_spec_absolute(o->dirs[i], cwd, spec, sizeof(spec)) < 0)
			return -ENAMETOOLONG;
		if (!(r->dirs[i] = strdup(spec)))
			return -ENOMEM;
		o->dirs[i] = r->dirs[i];
	}
	return 0;
}

/* --box: PROGRAM given by a relative path is a host file, copied into
 * /box (as its last component) and run from there. */
static int find_box_program(struct run *r)
{
	struct sr_options *o = &r->opt;
	const char *name = o->argv[0];
	struct stat st;
	int rc;

	if ((rc = sr_locate_program(o, name, o->program, sizeof(o->program),
	                            r->err, sizeof(r->err))) < 0)
		return rc;
	if (strncmp(o->program, "/box/", 5) != 0 || name[0] == '/')
		return 0; /* the box's own file */
	const char *why = stat(name, &st) < 0 ? strerror(errno)
	                : !S_ISREG(st.st_mode) ? "not a regular file"
	                : access(name, X_OK) < 0 ? strerror(errno) : NULL;
	if (why) {
		snprintf(r->err, sizeof(r->err), "%s: %s", name, why);
		return -ENOENT;
	}
	if (strlen(name) >= sizeof(r->box_prog)) {
		snprintf(r->err, sizeof(r->err), "PROGRAM: path too long");
		return -ENAMETOOLONG;
	}
	snprintf(r->box_prog, sizeof(r->box_prog), "%s", name);
	return 0;
}

static int find_program(struct run *r)
{
	struct sr_options *o = &r->opt;

	if (o->box)
		return find_box_program(r);
	return sr_locate_program(o, o->argv[0], o->program, sizeof(o->program),
	                         r->err, sizeof(r->err));
}

/* The options against each other and the host: credentials,
 * directories. */
static int precheck_options(struct run *r)
{
	struct sr_options *o = &r->opt;
	int rc;

	if ((rc = sr_check_options(o, geteuid(), r->err, sizeof(r->err))) < 0 ||
	    (rc = sr_resolve_credentials(o, r->err, sizeof(r->err))) < 0)
		return rc;
	if ((rc = absolute_dirs(r)) < 0) {
		snprintf(r->err, sizeof(r->err), "--dir: %s", strerror(-rc));
		return rc;
	}
	return sr_check_dirs(o, r->err, sizeof(r->err));
}

/* The policy every new sandbox has (sandbox.h, sandbox_new(): the
 * built-in "default"), which the tool then leaves in place: building a
 * second copy only to replace the first cost 60-130 us of CPU per run
 * (docs/PERFORMANCE.md). */
static bool is_new_sandbox_policy(const char *spec)
{
	return strcmp(spec, "default") == 0;
}

/* r->policy: the policy of --policy, or NULL for the one sandbox_new()
 * gives (is_new_sandbox_policy()). */
static int precheck_policy(struct run *r)
{
	r->policy = NULL;
	if (is_new_sandbox_policy(r->opt.policy))
		return 0;
	/* The message goes after "--policy: " in r->err. */
	r->policy = open_policy(r->opt.policy, r->err + 10, sizeof(r->err) - 10);
	if (!r->policy) {
		memcpy(r->err, "--policy: ", 10);
		return -EINVAL;
	}
	return 0;
}

/* Check everything that can be checked before anything is created or
 * changed: options, credentials, directories, the program, the files. */
static int precheck(struct run *r)
{
	struct sr_options *o = &r->opt;
	int rc;

	if ((r->refused = "options", rc = precheck_options(r)) < 0 ||
	    (sr_mark("options"), r->refused = "program",
	     rc = find_program(r)) < 0 ||
	    (sr_mark("program"), r->refused = "files",
	     rc = sr_files_prepare(&r->files, o, r->err, sizeof(r->err))) < 0 ||
	    (sr_mark("files"), r->refused = "policy",
	     rc = precheck_policy(r)) < 0)
		return rc;
	sr_mark("policy");
	r->refused = "interactor";
	if (o->ia.command &&
	    (rc = sr_interact_prepare(o, &r->ia, r->err, sizeof(r->err))) < 0)
		return rc;
	r->refused = NULL;
	return 0;
}

/* Create and configure the sandbox for PROGRAM (with --batch and no
 * PROGRAM, for a placeholder each job replaces). The message of a failure
 * in r->err. */
static int create(struct run *r)
{
	const struct sr_options *o = &r->opt;
	const char *what = NULL;
	int rc;

	r->argv = calloc((size_t)o->argc + 2, sizeof(*r->argv));
	if (!r->argv)
		return refuse(r, -ENOMEM, "options", "out of memory");
	r->argv[0] = o->argc ? o->program : "-";
	for (int i = 1; i < o->argc; i++)
		r->argv[i] = o->argv[i];
	if (!(r->sb = sandbox_new(r->argv))) {
		rc = -errno;
		return refuse(r, rc, "options", "cannot create a sandbox: %s",
		              strerror(-rc));
	}
	sr_mark("new");
	if ((rc = configure(r, &what)) < 0)
		return refuse(r, rc, "options", "%s: %s", what,
		              sandbox_strerror(rc));
	sr_mark("configure");
	return 0;
}

/* Create, configure and check the sandbox, then start(). The message of
 * a failure in r->err. */
static int prepare(struct run *r)
{
	const struct sr_options *o = &r->opt;
	int rc;

	if ((rc = create(r)) < 0)
		return rc;
	/* Checked before any file is created: a refusal changes nothing
	 * (but the report and meta file saying so: refused()). */
	if ((rc = sandbox_check(r->sb)) < 0) {
		const char *m = sandbox_check_message(r->sb);
		const char *im = sandbox_isolation_message(r->sb);
		if (im)
			return refuse(r, rc, "check", "isolation: %s: %s",
			              sandbox_strerror(rc), im);
		return refuse(r, rc, "check", "%s: %s%s%s", o->program,
		              sandbox_strerror(rc), m ? ": " : "", m ? m : "");
	}
	sr_mark("check");
	char note[512];
	if (!o->quiet && sandbox_filter_note(r->sb, note, sizeof(note)))
		errmsg("note: %s", note);
	rc = start(r);
	sr_mark("start");
	return rc;
}

/* The memory mode of a run without --memory-mode: the one the library
 * used (sandbox_stat_t) when the run started, else the policy's
 * preference (the new sandbox's own policy built only then, on this rare
 * path), else VSIZE -- the library's rule (sandbox_set_memory_mode()). */
static int memory_preference(const sandbox_policy_t *policy,
                             const struct sr_outcome *out)
{
	if (out->exec_rc == 0 && out->st.memory_mode >= 0)
		return out->st.memory_mode;
	sandbox_policy_t *own = policy ? NULL : sandbox_policy_builtin("default");
	int pref = sandbox_policy_memory_mode(policy ? policy : own);
	sandbox_policy_unref(own);
	return pref >= 0 ? pref : S_MEMORY_VSIZE;
}

/* Read everything the report needs from the finished sandbox. */
static void collect(sandbox_t *sb, const struct sr_options *o,
                    const sandbox_policy_t *policy, struct sr_outcome *out)
{
	out->failed_step = out->exec_rc < 0 ? sandbox_failed_step(sb) : NULL;
	if (out->failed_step && !out->error_message)
		out->error_message = sandbox_failed_message(sb);
	if (sandbox_get_stat(sb, &out->st, sizeof(out->st)) < 0)
		out->st.result = S_RESULT_PD;
	if (out->exec_rc < 0)
		out->st.result = S_RESULT_PD;
	out->memory_mode = o->memory_mode >= 0 ? o->memory_mode
	                 : memory_preference(policy, out);
	out->captured_stdout = sandbox_captured_bytes(sb, 1);
	out->have_binary = sandbox_get_binary_info(sb, &out->binary,
	                                           sizeof(out->binary)) == 0;
	if (sandbox_get_isolation_stat(sb, &out->iso, sizeof(out->iso)) < 0)
		memset(&out->iso, 0, sizeof(out->iso));
	if (o->backtrace) {
		sandbox_get_backtrace_info(sb, &out->bt_info, sizeof(out->bt_info));
		ssize_t n = sandbox_get_backtrace(sb, NULL, 0, 0);
		if (n > 0 && (out->frames = calloc((size_t)n, sizeof(*out->frames))))
			n = sandbox_get_backtrace(sb, out->frames, (size_t)n,
			                          sizeof(*out->frames));
		out->nframes = n > 0 && out->frames ? (size_t)n : 0;
	}
	if (o->profile || o->profile_svg) {
		ssize_t n = sandbox_get_syscall_counts(sb, NULL, 0, 0, NULL);
		if (n > 0 && (out->counts = calloc((size_t)n, sizeof(*out->counts))))
			n = sandbox_get_syscall_counts(sb, out->counts, (size_t)n,
			                               sizeof(*out->counts),
			                               &out->all_syscalls);
		out->ncounts = n > 0 && out->counts ? (size_t)n : 0;
	}
}

static int json_fn(FILE *f, const void *r) { return sr_write_json(f, r); }
static int meta_fn(FILE *f, const void *r) { return sr_write_meta(f, r); }
static int svg_fn(FILE *f, const void *r) { return sr_write_svg(f, r); }
/* A run refused before it started has no samples: an empty picture. */
static int no_svg_fn(FILE *f, const void *r)
{
	const struct sr_outcome *o = r;
	return sr_profile_svg(f, o->opt->argv[0], NULL, 0);
}

/* An interaction: its own report; the meta file and the picture are the
 * program's, as for a plain run. */
static const struct sr_outcome *program_of(const void *r)
{
	return ((const struct sr_interact_outcome *)r)->program;
}
static int ia_json_fn(FILE *f, const void *r)
{
	return sr_interact_write_json(f, r);
}
static int ia_meta_fn(FILE *f, const void *r)
{
	return sr_write_meta(f, program_of(r));
}
static int ia_svg_fn(FILE *f, const void *r)
{
	return sr_write_svg(f, program_of(r));
}
static int ia_no_svg_fn(FILE *f, const void *r)
{
	return no_svg_fn(f, program_of(r));
}

/* The run was refused (r->refused, r->err printed) after the options
 * parsed: --report and --meta say so -- result null, an "error" object
 * with the stage, errno and message; meta status XX -- in place of any
 * older file at their paths, so that a judge reading only them never
 * takes an earlier run's verdict for this one's (verify24 W3). With
 * --interactor the report is an interaction's, its verdict null, the same
 * error at its top and in its program section (fix25's leftover). Nothing
 * is written when a result file's own path is what cannot be used. */
static void refused(struct run *r, int rc)
{
	static const sr_result_fn fns[SR_OUT_COUNT] = { json_fn, meta_fn,
	                                                no_svg_fn };
	static const sr_result_fn ia_fns[SR_OUT_COUNT] = { ia_json_fn,
	                                                   ia_meta_fn,
	                                                   ia_no_svg_fn };
	const struct sr_options *o = &r->opt;
	struct sr_outcome *out = &r->out;
	bool ia = o->ia.command;
	char err[1024];

	if ((!o->report && !o->meta && !o->profile_svg) ||
	    sr_files_prepare_results(&r->files, o, err, sizeof(err)) < 0)
		return;
	out->opt = o;
	out->exec_rc = rc < 0 ? rc : -EINVAL;
	out->failed_step = r->refused ? r->refused : "options";
	out->error_message = r->err;
	out->captured_stdout = -1;
	out->memory_mode = o->memory_mode >= 0 ? o->memory_mode : S_MEMORY_VSIZE;
	if (ia)
		out->label = "program";
	/* Every figure unknown (-1), as the library says of a sandbox that
	 * never ran: ours when it was made, else a scratch one. */
	sandbox_t *blank = r->sb;
	if (!blank) {
		const char *argv[] = { "-", NULL };
		blank = sandbox_new(argv);
	}
	rc = blank ? sandbox_get_stat(blank, &out->st, sizeof(out->st)) : -ENOMEM;
	if (blank != r->sb)
		sandbox_destroy(blank);
	if (rc < 0 || (ia && (rc = sr_interact_refused(o, out, &r->iaout)) < 0))
		return;
	out->st.result = S_RESULT_PD;
	if (sr_files_commit(&r->files, ia ? ia_fns : fns,
	                    ia ? (const void *)&r->iaout : (const void *)out,
	                    err, sizeof(err)) < 0)
		errmsg("%s", err);
}

/* Write the report, the meta file and the picture, all or none. Returns
 * the exit status, made 2 when they cannot be written. */
static int write_outputs(struct run *r, int status)
{
	static const sr_result_fn fns[SR_OUT_COUNT] = { json_fn, meta_fn, svg_fn };
	static const sr_result_fn ia_fns[SR_OUT_COUNT] = { ia_json_fn, ia_meta_fn,
	                                                   ia_svg_fn };
	bool ia = r->opt.ia.command;

	if (sr_files_commit(&r->files, ia ? ia_fns : fns,
	                    ia ? (const void *)&r->iaout : (const void *)&r->out,
	                    r->err, sizeof(r->err)) < 0) {
		errmsg("%s", r->err);
		status = EXIT_USAGE;
	}
	return status;
}

static void cleanup(struct run *r)
{
	sandbox_destroy(r->sb);
	sr_mark("destroy");
	sr_interact_free(r->ia);
	sr_trace_free(r->trace);
	sandbox_policy_unref(r->policy);
	sr_files_close(&r->files);
	for (size_t i = 0; i < SR_MAX_LIST; i++)
		free(r->dirs[i]);
	free(r->argv);
	free(r->out.frames);
	free(r->out.counts);
}

static int run_program(struct run *r)
{
	int status = EXIT_USAGE, rc;

	if ((rc = precheck(r)) < 0 || (rc = prepare(r)) < 0) {
		errmsg("%s", r->err);
		refused(r, rc);
		goto out;
	}
	r->out.opt = &r->opt;
	r->out.sb = r->sb;
	if (r->ia) {
		r->iaout.program = &r->out;
		r->iaout.opt = &r->opt;
		r->out.label = "program";
		sr_interact_execute(r->ia, r->sb, r->files.log_fd, &r->iaout);
		/* No verdict: the program's own error, or the interactor's. */
		r->out.exec_rc = r->iaout.rc < 0 && !r->iaout.failed_step
		                 ? r->iaout.rc : 0;
		if (r->iaout.failed_step)
			r->out.exec_rc = -ECANCELED;
	} else {
		r->out.exec_rc = sandbox_execute(r->sb);
	}
	sr_mark("execute");
	collect(r->sb, &r->opt, r->policy, &r->out);
	sr_mark("collect");
	if (r->ia && r->iaout.failed_step)
		r->out.failed_step = "interactor"; /* it was not started */
	if (r->out.exec_rc == 0)
		sr_trace_finish(r->trace, &r->out.st);
	/* A file of ours the program swapped for its own (its directory was
	 * open to it): no verdict, the judge would read the forgery. */
	bool replaced = sr_files_verify(&r->files, &r->opt, &r->out.failed_step,
	                                r->replaced, sizeof(r->replaced)) < 0;
	if (replaced) {
		r->out.exec_rc = -ESTALE;
		r->out.error_message = r->replaced;
	}
	sr_mark("verify");
	status = write_outputs(r, r->ia ? sr_interact_exit_status(&r->iaout)
	                                : sr_exit_status(&r->out));
	sr_mark("outputs");
	if (!r->opt.quiet && r->ia)
		sr_interact_summary(stderr, &r->iaout);
	else if (!r->opt.quiet)
		sr_write_summary(stderr, &r->out);
	/* An output of --copy-out that could not be written (a full disk):
	 * the judge has no output to judge, whatever the verdict. */
	if (r->out.exec_rc == 0 && r->out.iso.box_error) {
		errmsg("--copy-out: an output could not be written (left empty): %s",
		       strerror(r->out.iso.box_error));
		status = EXIT_USAGE;
	}
	if (replaced) {
		errmsg("%s", r->replaced);
		status = EXIT_USAGE;
	}
out:
	sr_mark("summary");
	cleanup(r);
	sr_mark("cleanup");
	return status;
}

/* --batch (batch.c): the options checked, the policy opened, the sandbox
 * made and configured once; each job reads its run through collect(). */
static int batch_prepare(void *ctx, sandbox_t **sb)
{
	struct run *r = ctx;
	int rc;

	if ((rc = precheck_options(r)) < 0 ||
	    (r->opt.argc && (rc = find_program(r)) < 0) ||
	    (rc = precheck_policy(r)) < 0 || (rc = create(r)) < 0) {
		errmsg("%s", r->err);
		return rc;
	}
	*sb = r->sb;
	return 0;
}

static void batch_collect(void *ctx, sandbox_t *sb, const struct sr_options *o,
                          struct sr_outcome *out)
{
	struct run *r = ctx;
	collect(sb, o, r->policy, out);
}

static void batch_release(void *ctx, struct sr_outcome *out)
{
	(void)ctx;
	free(out->frames);
	free(out->counts);
	out->frames = NULL;
	out->counts = NULL;
}

static int run_batch(struct run *r)
{
	const struct sr_batch_ops ops = { batch_prepare, batch_collect,
	                                  batch_release, r };
	int status = sr_batch_main(&r->opt, &ops);
	cleanup(r);
	return status;
}

/* Descriptors 0, 1 and 2 open, on /dev/null when they were closed: else
 * the files opened for the run would take their numbers and become the
 * program's inherited streams. Returns a mask of those that were closed. */
static unsigned ensure_std_fds(void)
{
	unsigned closed = 0;
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		closed |= 1u << fd;
		int n = open("/dev/null", O_RDWR);
		if (n >= 0 && n != fd) { /* cannot happen: fd is the lowest free */
			dup2(n, fd);
			close(n);
		}
	}
	return closed;
}

/* "-" names our standard output: refused when it was closed. */
static bool writes_to_stdout(const struct sr_options *o)
{
	const char *dash[] = { o->report, o->meta, o->profile, o->profile_svg };
	for (size_t i = 0; i < sizeof(dash) / sizeof(dash[0]); i++)
		if (dash[i] && strcmp(dash[i], "-") == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static struct run r; /* large: keep it off the stack */
	int rc;

	sr_mark("main");
	/* No core dumps and no ptrace attach by other users' processes: the
	 * supervisor holds the program's secrets (its input, its output). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* A consumer that closes our stdout or stderr early (| head) must not
	 * kill us before the report is written: writes fail with EPIPE
	 * instead. The program gets default signal dispositions back. */
	signal(SIGPIPE, SIG_IGN);
	/* SIGTERM/SIGINT/SIGQUIT/SIGHUP must reach the library's manager thread,
	 * which ends the run with a verdict (IE, interrupted). */
	rc = sandbox_block_term_signals();
	if (rc < 0) {
		errmsg("cannot block signals: %s", sandbox_strerror(rc));
		return EXIT_USAGE;
	}
	sr_files_init(&r.files);
	unsigned closed = ensure_std_fds();
	if (sr_parse_args(argc, argv, &r.opt, r.err, sizeof(r.err)) < 0) {
		errmsg("%s", r.err);
		return EXIT_USAGE;
	}
	sr_mark("args");
	switch (r.opt.action) {
	case SR_HELP:
		fputs(sr_usage_text, stdout);
		return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
	case SR_VERSION:
		printf("sandbox-run %s (libsandbox %s)\n", PACKAGE_VERSION,
		       sandbox_version());
		return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
	case SR_LIST_POLICIES:
		return list_policies();
	case SR_EXPLAIN_POLICY:
		return explain_policy(r.opt.explain);
	case SR_CHECK:
		return check_host();
	case SR_RUN:
		break;
	}
	if (r.opt.batch)
		return run_batch(&r);
	if ((closed & 2u) && writes_to_stdout(&r.opt)) {
		errmsg("'-' names standard output, which is closed");
		return EXIT_USAGE;
	}
	return run_program(&r);
}
