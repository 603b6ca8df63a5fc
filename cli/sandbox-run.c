/*
 * sandbox-run: run one program under libsandbox and report the verdict.
 *
 * main() is the only place that exits. The steps: parse (args.c), check
 * everything that can be checked before running (args.c), configure and
 * check the sandbox, run it, then write the report, the meta file and the
 * summary (report.c). Exit status: 0 OK, 1 another verdict, 2 no verdict.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "args.h"
#include "report.h"
#include "trace.h"

#define EXIT_VERDICT 1
#define EXIT_USAGE 2

static void errmsg(const char *msg)
{
	fprintf(stderr, "sandbox-run: %s\n", msg);
}

static int list_policies(void)
{
	for (const char *const *l = sandbox_policy_list(); l && *l; l++) {
		const char *d = sandbox_policy_describe(*l);
		printf("%-12s %s\n", *l, d ? d : "");
	}
	return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
}

static int explain_policy(const char *name)
{
	sandbox_policy_t *p = sandbox_policy_builtin(name);
	if (!p) {
		fprintf(stderr, "sandbox-run: --explain-policy: %s: %s\n", name,
		        strerror(errno));
		return EXIT_USAGE;
	}
	const char *d = sandbox_policy_describe(name);
	printf("policy %s: %s\n", name, d ? d : "");
	fflush(stdout);
	int rc = sandbox_policy_explain(p, STDOUT_FILENO);
	sandbox_policy_unref(p);
	if (rc < 0) {
		fprintf(stderr, "sandbox-run: --explain-policy: %s\n",
		        sandbox_strerror(rc));
		return EXIT_USAGE;
	}
	return 0;
}

/* --check: the library's probe, then what a run of sandbox-run with the
 * default options will have. Exit 0 when a run is possible. */
static int check_host(void)
{
	sandbox_probe_t p;
	int rc = sandbox_probe(&p, sizeof(p));
	if (rc < 0) {
		fprintf(stderr, "sandbox-run: --check: %s\n", sandbox_strerror(rc));
		return EXIT_USAGE;
	}
	printf("libsandbox %s\n", sandbox_version());
	fflush(stdout);
	sandbox_probe_print(&p, STDOUT_FILENO);
	if (!p.ptrace)
		printf("ptrace: missing: PTRACE_TRACEME failed (a seccomp or LSM "
		       "rule, or kernel.yama.ptrace_scope=3)\n  fix: run outside "
		       "that container/profile, or lower ptrace_scope\n");
	if (!p.seccomp)
		printf("seccomp: missing: filters cannot be installed (kernel "
		       "without CONFIG_SECCOMP_FILTER)\n  fix: use --mode=classic "
		       "(ptrace only, slower) or a kernel with seccomp\n");
	printf("in effect for sandbox-run: %s; %s; no namespaces or cgroups "
	       "(not asked for)\n",
	       p.ptrace ? "supervision by ptrace" : "NO supervision possible",
	       p.seccomp ? "--mode=fast available (seccomp filter)"
	                 : "only --mode=classic");
	fflush(stdout);
	return p.ptrace ? 0 : EXIT_VERDICT;
}

/* Build the program's environment: SR_DEFAULT_PATH unless inheriting or
 * given, then the --env entries in order. */
static int set_environment(sandbox_t *sb, const struct sr_options *o)
{
	const char *envp[SR_MAX_ENV + 2];
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
	if ((rc = sandbox_set_env_inherit(sb, o->env_inherit)) < 0)
		return rc;
	return sandbox_set_env(sb, envp);
}

/* Configure sb from the options. On failure returns a negative errno
 * and names the step in *what. */
static int configure(sandbox_t *sb, const struct sr_options *o,
                     FILE *trace_out, const char **what)
{
	static const int quota[4] = { S_QUOTA_CPU, S_QUOTA_WALLCLOCK,
	                              S_QUOTA_MEMORY, S_QUOTA_DISK };
	const uint64_t value[4] = { o->cpu_ms, o->wall_ms, o->memory_bytes,
	                            o->output_bytes };
	int rc;

	*what = "quota";
	for (int i = 0; i < 4; i++)
		if ((rc = sandbox_set_quota(sb, quota[i], value[i])) < 0)
			return rc;
	*what = "memory mode";
	if ((rc = sandbox_set_memory_mode(sb, o->memory_mode)) < 0)
		return rc;
	*what = "mode";
	if ((rc = sandbox_set_mode(sb, o->mode)) < 0)
		return rc;

	*what = "policy";
	sandbox_policy_t *p = sandbox_policy_builtin(o->policy);
	if (!p)
		return -errno;
	rc = trace_out ? sr_trace_attach(p, trace_out, o->mode) : 0;
	if (rc == 0)
		rc = sandbox_set_policy(sb, p);
	sandbox_policy_unref(p);
	if (rc < 0)
		return rc;

	static const char *const names[3] = { "stdin", "stdout", "stderr" };
	for (int i = 0; i < 3; i++) {
		*what = names[i];
		if (o->stdio[i] &&
		    (rc = sandbox_set_stdio_path(sb, i, o->stdio[i], false)) < 0)
			return rc;
	}
	/* An output quota on an inherited stdout (a pipe, a terminal) is
	 * enforced by capturing it: RLIMIT_FSIZE only sees regular files. */
	if (!o->stdio[1] && o->output_bytes != SANDBOX_UNLIMITED) {
		*what = "stdout capture";
		if ((rc = sandbox_set_capture(sb, 1, STDOUT_FILENO, NULL, NULL)) < 0)
			return rc;
	}
	*what = "chdir";
	if (o->workdir && (rc = sandbox_set_workdir(sb, o->workdir)) < 0)
		return rc;
	*what = "chroot";
	if (o->chroot && (rc = sandbox_set_chroot(sb, o->chroot)) < 0)
		return rc;
	*what = "credentials";
	if ((o->set_uid || o->set_gid) &&
	    (rc = sandbox_set_credentials(sb, o->set_uid ? o->uid : (uid_t)-1,
	                                  o->set_gid ? o->gid : (gid_t)-1,
	                                  NULL, 0)) < 0)
		return rc;
	*what = "environment";
	return set_environment(sb, o);
}

int main(int argc, char **argv)
{
	struct sr_options opt;
	struct sr_outcome out;
	char err[512];
	FILE *trace_out = NULL;
	sandbox_t *sb = NULL;
	const char **pargv = NULL;
	const char *what = NULL;
	int rc, status = EXIT_USAGE;

	/* First of all: SIGTERM/SIGINT/SIGQUIT must reach the library's
	 * manager thread, which ends the run with a verdict. */
	rc = sandbox_block_term_signals();
	if (rc < 0) {
		fprintf(stderr, "sandbox-run: cannot block signals: %s\n",
		        sandbox_strerror(rc));
		return EXIT_USAGE;
	}

	if (sr_parse_args(argc, argv, &opt, err, sizeof(err)) < 0) {
		errmsg(err);
		return EXIT_USAGE;
	}
	switch (opt.action) {
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
		return explain_policy(opt.explain);
	case SR_CHECK:
		return check_host();
	case SR_RUN:
		break;
	}

	if (sr_resolve_credentials(&opt, err, sizeof(err)) < 0 ||
	    sr_find_program(opt.argv[0], getenv("PATH"), opt.chroot,
	                    opt.program, sizeof(opt.program), err,
	                    sizeof(err)) < 0 ||
	    sr_check_paths(&opt, err, sizeof(err)) < 0) {
		errmsg(err);
		return EXIT_USAGE;
	}

	pargv = calloc((size_t)opt.argc + 1, sizeof(*pargv));
	if (!pargv) {
		errmsg("out of memory");
		return EXIT_USAGE;
	}
	pargv[0] = opt.program;
	for (int i = 1; i < opt.argc; i++)
		pargv[i] = opt.argv[i];

	if (opt.trace) {
		if (!opt.trace_file || strcmp(opt.trace_file, "-") == 0) {
			trace_out = stderr;
		} else if (!(trace_out = fopen(opt.trace_file, "we"))) {
			fprintf(stderr, "sandbox-run: --trace-file: %s: %s\n",
			        opt.trace_file, strerror(errno));
			goto out;
		}
	}

	sb = sandbox_new(pargv);
	if (!sb) {
		fprintf(stderr, "sandbox-run: cannot create a sandbox: %s\n",
		        strerror(errno));
		goto out;
	}
	if ((rc = configure(sb, &opt, trace_out, &what)) < 0) {
		fprintf(stderr, "sandbox-run: %s: %s\n", what, sandbox_strerror(rc));
		goto out;
	}
	if ((rc = sandbox_check(sb)) < 0) {
		const char *m = sandbox_check_message(sb);
		const char *im = sandbox_isolation_message(sb);
		fprintf(stderr, "sandbox-run: %s: %s%s%s\n", opt.program,
		        sandbox_strerror(rc), m || im ? ": " : "",
		        m ? m : im ? im : "");
		goto out;
	}

	memset(&out, 0, sizeof(out));
	out.opt = &opt;
	out.exec_rc = sandbox_execute(sb);
	out.failed_step = out.exec_rc < 0 ? sandbox_failed_step(sb) : NULL;
	if ((rc = sandbox_get_stat(sb, &out.st, sizeof(out.st))) < 0) {
		fprintf(stderr, "sandbox-run: cannot read the statistics: %s\n",
		        sandbox_strerror(rc));
		goto out;
	}
	if (out.exec_rc < 0)
		out.st.result = S_RESULT_PD;
	out.captured_stdout = sandbox_captured_bytes(sb, 1);
	if (trace_out)
		fflush(trace_out);

	status = sr_exit_status(&out);
	if (opt.report &&
	    sr_write_file(opt.report, sr_write_json, &out, err, sizeof(err)) < 0) {
		fprintf(stderr, "sandbox-run: --report: %s\n", err);
		status = EXIT_USAGE;
	}
	if (opt.meta &&
	    sr_write_file(opt.meta, sr_write_meta, &out, err, sizeof(err)) < 0) {
		fprintf(stderr, "sandbox-run: --meta: %s\n", err);
		status = EXIT_USAGE;
	}
	if (!opt.quiet)
		sr_write_summary(stderr, &out);

out:
	if (trace_out && trace_out != stderr)
		fclose(trace_out);
	sandbox_destroy(sb);
	free(pargv);
	return status;
}
