/* Helpers of the verdict suites; see vutil.h. */
#include "config.h"

#include "vutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

bool vu_can_isolate(void)
{
	sandbox_probe_t p;
	if (sandbox_probe(&p, sizeof(p)) < 0)
		return false;
	unsigned need = VU_NS | S_ISO_FS;
	return (p.available & need) == need;
}

bool vu_can_cgroup_memory(void)
{
	sandbox_probe_t p;
	return sandbox_probe(&p, sizeof(p)) == 0 &&
	       (p.available & S_ISO_CG_MEMORY);
}

void vu_isolate(sandbox_t *sb)
{
	static const char *const ro[] = { "/usr", "/lib", "/lib64", "/lib32",
	                                  "/libx32" };
	ck_assert_int_eq(sandbox_set_namespaces(sb, VU_NS), 0);
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		if (access(ro[i], F_OK) == 0)
			ck_assert_int_eq(sandbox_add_dir(sb, ro[i], ro[i], S_DIR_RO), 0);
	/* Without Landlock a box of its own cannot hold the policy's file
	 * rules (sandbox_check refuses): these tests are about memory. */
	if (!tu_landlock())
		ck_assert_int_eq(sandbox_set_best_effort(sb, true), 0);
}

int64_t vu_now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

void vu_cli_run(struct vu_cli *r, const char *stdin_path, ...)
{
	const char *argv[64];
	size_t n = 0;
	va_list ap;
	char *report = tu_tmpfile("report.json");
	char *out = tu_tmpfile("cli.out"), *err = tu_tmpfile("cli.err");
	char *opt;

	ck_assert(asprintf(&opt, "--report=%s", report) > 0);
	argv[n++] = SANDBOX_RUN;
	argv[n++] = opt;
	va_start(ap, stdin_path);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
		ck_assert(n < 62);
		argv[n++] = a;
	}
	va_end(ap);
	argv[n] = NULL;
	unlink(report);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 ||
		    dup2(e, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	ck_assert_msg(WIFEXITED(st), "sandbox-run died: status %#x", st);
	r->status = WEXITSTATUS(st);
	r->report = tu_slurp(report);
	r->out = tu_slurp(out);
	r->err = tu_slurp(err);
	ck_assert_msg(r->report != NULL, "no report; stderr: %s",
	              r->err ? r->err : "?");
	free(opt);
	free(report);
	free(out);
	free(err);
}

void vu_cli_free(struct vu_cli *r)
{
	free(r->report);
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

char *vu_json(const char *report, const char *key)
{
	char pat[128];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = strstr(report, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	size_t n = 0;
	if (*p == '"') {
		for (n = 1; p[n] && p[n] != '"'; n++)
			if (p[n] == '\\' && p[n + 1])
				n++;
		n++;
	} else {
		while (p[n] && p[n] != ',' && p[n] != '}' && p[n] != ']')
			n++;
	}
	return strndup(p, n);
}

int64_t vu_json_int(const char *report, const char *key)
{
	char *v = vu_json(report, key), *end;
	ck_assert_msg(v != NULL, "no \"%s\" in the report: %s", key, report);
	long long x = strtoll(v, &end, 10);
	ck_assert_msg(end != v && *end == '\0', "\"%s\" is %s, not a number", key, v);
	free(v);
	return x;
}
