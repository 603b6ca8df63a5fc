/* Shared helpers and main() of the Check suites; see testutil.h. */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[64];
static pid_t tmpdir_owner;

const char *tu_prog(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", PROGS_DIR, name) < 0)
		ck_abort_msg("out of memory");
	return p;
}

const char *tu_box_prog(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", TU_BOX_PROGS, name) < 0)
		ck_abort_msg("out of memory");
	return p;
}

void tu_bind_progs(sandbox_t *sb)
{
	ck_assert_int_eq(sandbox_add_dir(sb, TU_BOX_PROGS, PROGS_DIR, S_DIR_RO), 0);
}

static sandbox_t *sandbox_va(const char *path, const char *name, va_list ap)
{
	const char *argv[16];
	size_t n = 0;
	const char *a;
	sandbox_t *sb;

	argv[n++] = path;
	while ((a = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(n < 15, "too many arguments");
		argv[n++] = a;
	}
	argv[n] = NULL;
	sb = sandbox_new(argv);
	ck_assert_msg(sb != NULL, "sandbox_new(%s): %s", name, strerror(errno));
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, "/dev/null", false), 0);
	return sb;
}

sandbox_t *tu_sandbox(const char *name, ...)
{
	va_list ap;
	sandbox_t *sb;

	va_start(ap, name);
	sb = sandbox_va(tu_prog(name), name, ap);
	va_end(ap);
	return sb;
}

sandbox_t *tu_box_sandbox(const char *name, ...)
{
	va_list ap;
	sandbox_t *sb;

	va_start(ap, name);
	sb = sandbox_va(tu_box_prog(name), name, ap);
	va_end(ap);
	tu_bind_progs(sb);
	return sb;
}

int tu_run(sandbox_t *sb, sandbox_stat_t *st)
{
	sandbox_stat_t tmp;
	int rc = sandbox_execute(sb);

	ck_assert_msg(rc == 0, "sandbox_execute: %d (%s), failed step %s", rc,
	              sandbox_strerror(rc),
	              sandbox_failed_step(sb) ? sandbox_failed_step(sb) : "-");
	ck_assert_int_eq(sandbox_status(sb), S_STATUS_FIN);
	if (st == NULL)
		st = &tmp;
	memset(st, 0xa5, sizeof(*st));
	ck_assert_int_eq(sandbox_get_stat(sb, st, sizeof(*st)), 0);
	ck_assert_msg(st->result == sandbox_result(sb),
	              "stat.result %d != sandbox_result %d", st->result,
	              sandbox_result(sb));
	return sandbox_result(sb);
}

int tu_run_prog(int mode, sandbox_stat_t *st, const char *name, ...)
{
	va_list ap;
	sandbox_t *sb;
	int r;

	va_start(ap, name);
	sb = sandbox_va(tu_prog(name), name, ap);
	va_end(ap);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	/* A safety net so a broken engine gives a wrong verdict, not a hang. */
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	r = tu_run(sb, st);
	sandbox_destroy(sb);
	return r;
}

static int rm_one(const char *path, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void tmpdir_cleanup(void)
{
	if (tmpdir[0] && tmpdir_owner == getpid())
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tu_stage_dir(void)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (geteuid() == 0)
		return "/run/libsandbox";
	if (x && x[0] == '/' && lstat(x, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid() && !(st.st_mode & 022))
		return x;
	return "/tmp";
}

const char *tu_tmpdir(void)
{
	if (tmpdir[0] == '\0' || tmpdir_owner != getpid()) {
		strcpy(tmpdir, "/tmp/sbtest.XXXXXX");
		ck_assert_msg(mkdtemp(tmpdir) != NULL, "mkdtemp: %s",
		              strerror(errno));
		/* Readable by an unprivileged uid after a privilege drop. */
		chmod(tmpdir, 0777);
		if (tmpdir_owner == 0)
			atexit(tmpdir_cleanup);
		tmpdir_owner = getpid();
	}
	return tmpdir;
}

char *tu_run_stdout(sandbox_t *sb, int *verdict, sandbox_stat_t *st)
{
	char *out = tu_tmpfile("stdout");
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	*verdict = tu_run(sb, st);
	char *text = tu_slurp(out);
	ck_assert_ptr_nonnull(text);
	free(out);
	return text;
}

char *tu_tmpfile(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", tu_tmpdir(), name) < 0)
		ck_abort_msg("out of memory");
	return p;
}

char *tu_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = calloc(1, 1 << 20);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

char *tu_both_text(long n)
{
	char *text = malloc((size_t)n * 22 + 1), *p = text;

	ck_assert_ptr_nonnull(text);
	for (long i = 0; i < n; i++)
		p += sprintf(p, "out %06ld\nerr %06ld\n", i, i);
	return text;
}

void tu_mkdir_shared(const char *path)
{
	ck_assert_msg(mkdir(path, 0777) == 0 || errno == EEXIST, "mkdir(%s): %s",
	              path, strerror(errno));
	ck_assert_int_eq(chmod(path, 0777), 0);
}

void tu_write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "fopen(%s): %s", path, strerror(errno));
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
}

bool tu_landlock(void)
{
	sandbox_probe_t p;

	return sandbox_probe(&p, sizeof(p)) == 0 && p.landlock_abi >= 1;
}

bool tu_file_refused(int err)
{
	return err == EACCES ||
	       ((err == ENOENT || err == EROFS) && !tu_landlock());
}

bool tu_must_work(void)
{
	const char *v = getenv("SANDBOX_MUST_WORK");

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

void tu_note(const char *fmt, ...)
{
	va_list ap;

	fputs("NOTE: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Can this host ptrace a child at all? Returns NULL or the reason. */
static const char *probe_host(void)
{
	static char why[160];
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return "fork failed";
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
			_exit(10);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return "waitpid failed";
	if (WIFEXITED(status) && WEXITSTATUS(status) == 10) {
		snprintf(why, sizeof(why), "ptrace(PTRACE_TRACEME) is refused here");
		return why;
	}
	if (!WIFSTOPPED(status)) {
		snprintf(why, sizeof(why), "traced child did not stop (status %#x)", status);
		return why;
	}
	kill(pid, SIGKILL);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
		snprintf(why, sizeof(why), "seccomp unavailable: %s", strerror(errno));
		return why;
	}
	return NULL;
}

/* ------------------------------------------------------------ load */

static double read_load(void)
{
	char buf[128];
	double avg1 = 0;
	int running = 0, fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "0.52 0.58 0.59 3/411 12345": running/total after three averages;
	 * the running count includes us. */
	if (sscanf(buf, "%lf %*f %*f %d/", &avg1, &running) < 1)
		return 0;
	return avg1 > running - 1 ? avg1 : running - 1;
}

double tu_load_factor(void)
{
	cpu_set_t set;
	int ncpu = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
	const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
	double f = 1 + read_load() / (ncpu > 0 ? ncpu : 1);

	if (m && atof(m) > 1)
		f *= atof(m);
	return f > 64 ? 64 : f;
}

int64_t tu_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int64_t tu_scale_us(int64_t us)
{
	return (int64_t)((double)us * tu_load_factor());
}

uint64_t tu_scale_ms(uint64_t ms)
{
	return (uint64_t)((double)ms * tu_load_factor());
}

int main(void)
{
	const char *why = probe_host();
	SRunner *sr;
	int failed;

	if (why != NULL) {
		fprintf(stderr, "SKIP: %s\n", why);
		return tu_must_work() ? 99 : 77;
	}
	/* Unbuffered so the log shows progress even if a test hangs. */
	setvbuf(stdout, NULL, _IONBF, 0);
	sr = srunner_create(tu_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

/* ------------------------------------------------------------ holding */

static int hold_go[2] = { -1, -1 }, hold_in[2] = { -1, -1 };

static void hold_handler(int sig)
{
	int e = errno;
	char c;

	(void)sig;
	(void)!write(hold_in[1], "h", 1);
	while (read(hold_go[0], &c, 1) < 0 && errno == EINTR)
		;
	errno = e;
}

void tu_hold_thread(pid_t tid)
{
	struct sigaction sa;
	char c;

	if (hold_go[0] < 0) {
		ck_assert_int_eq(pipe2(hold_go, O_CLOEXEC), 0);
		ck_assert_int_eq(pipe2(hold_in, O_CLOEXEC), 0);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = hold_handler;
		sa.sa_flags = SA_RESTART;
		ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	}
	ck_assert_int_eq(syscall(SYS_tgkill, getpid(), tid, SIGUSR1), 0);
	ck_assert_int_eq(read(hold_in[0], &c, 1), 1);
}

void tu_release_thread(void)
{
	ck_assert_int_eq(write(hold_go[1], "g", 1), 1);
}
