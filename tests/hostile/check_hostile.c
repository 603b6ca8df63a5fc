/*
 * The hostile-program corpus runner. Reads tests/hostile/expected.tsv (see
 * its header for the format) and runs every line under the built-in
 * "default" policy (or the line's policy=) in S_MODE_FAST and in
 * S_MODE_CLASSIC. A line passes
 * when, in both modes:
 *   - the verdict is the expected one (so both modes agree),
 *   - the program's stdout and stderr contain no "ESCAPED",
 *   - the supervisor received no signal from the program (SIGUSR2, which
 *     the attack programs use when they try to reach it, is counted),
 *   - for TL, the limit is the expected one; for RF, the offending syscall
 *     is the expected one.
 *
 * Lines flagged `ns` (kill(-1), fork bombs, reboot) only run inside a
 * fresh PID and mount namespace: tu_suite() below enters one (the
 * equivalent of `unshare --pid --fork --mount-proc`) before any test runs,
 * and skips those lines when it cannot (not root, no namespaces).
 */
#include "config.h"

#include "testutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef HOSTILE_TABLE
#error "HOSTILE_TABLE must be defined (tests/hostile/local.mk)"
#endif

#define MAX_ARGS 8
#define NMODES 2

static const int modes[NMODES] = { S_MODE_FAST, S_MODE_CLASSIC };

struct hcase {
	int line;
	char prog[64];
	unsigned verdicts;          /* bit per acceptable sandbox_result_t */
	char verdict_text[16];
	const char *args[MAX_ARGS + 1];
	uint64_t quota[S_QUOTA_COUNT];
	bool capture;
	const char *workdir;
	long uid;                   /* -1: keep */
	int tl;                     /* S_TL_NONE: any */
	char syscall[64];           /* "" or names separated by '|' */
	int abi;
	bool ns;
	const char *policy;         /* a built-in; NULL: default */
};

static struct hcase *cases;
static int ncases;
static bool in_namespace;

/* ------------------------------------------------------------ the table */

static int verdict_bit(const char *name)
{
	for (int r = 0; r < S_RESULT_COUNT; r++)
		if (strcmp(sandbox_result_name(r), name) == 0)
			return r;
	return -1;
}

static uint64_t parse_size(const char *s, int line)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	switch (*end) {
	case 'K': v <<= 10; break;
	case 'M': v <<= 20; break;
	case 'G': v <<= 30; break;
	case '\0': break;
	default:
		fprintf(stderr, "expected.tsv:%d: bad size %s\n", line, s);
		exit(99);
	}
	return v;
}

static void bad_line(int line, const char *what)
{
	fprintf(stderr, "expected.tsv:%d: %s\n", line, what);
	exit(99);
}

/* The quota a case runs with. A wall quota that must not end the run
 * (no TL expected, or only a CPU one) is a safety net: it scales with
 * the host's load. A wall quota that is what the case tests does not. */
static uint64_t quota_of(const struct hcase *c, int q)
{
	bool wall_may_end_it = (c->verdicts & (1u << S_RESULT_TL)) &&
	                       c->tl != S_TL_CPU;

	if (q != S_QUOTA_WALLCLOCK || wall_may_end_it ||
	    c->quota[q] == SANDBOX_UNLIMITED)
		return c->quota[q];
	return tu_scale_ms(c->quota[q]);
}

static void parse_options(struct hcase *c, char *opts)
{
	int nargs = 0;

	for (char *tok = strtok(opts, " "); tok; tok = strtok(NULL, " ")) {
		char *eq = strchr(tok, '=');
		const char *val = eq ? eq + 1 : "";

		if (eq)
			*eq = '\0';
		if (strcmp(tok, "arg") == 0) {
			if (nargs == MAX_ARGS)
				bad_line(c->line, "too many arguments");
			c->args[nargs++] = strdup(val);
		} else if (strcmp(tok, "cpu") == 0) {
			c->quota[S_QUOTA_CPU] = strtoull(val, NULL, 10);
		} else if (strcmp(tok, "wall") == 0) {
			c->quota[S_QUOTA_WALLCLOCK] = strtoull(val, NULL, 10);
		} else if (strcmp(tok, "mem") == 0) {
			c->quota[S_QUOTA_MEMORY] = parse_size(val, c->line);
		} else if (strcmp(tok, "disk") == 0) {
			c->quota[S_QUOTA_DISK] = parse_size(val, c->line);
		} else if (strcmp(tok, "stdout") == 0) {
			if (strcmp(val, "capture") == 0)
				c->capture = true;
			else if (strcmp(val, "file") != 0)
				bad_line(c->line, "stdout=file|capture");
		} else if (strcmp(tok, "workdir") == 0) {
			c->workdir = strdup(val);
		} else if (strcmp(tok, "uid") == 0) {
			c->uid = strtol(val, NULL, 10);
		} else if (strcmp(tok, "tl") == 0) {
			if (strcmp(val, "cpu") == 0)
				c->tl = S_TL_CPU;
			else if (strcmp(val, "wall") == 0)
				c->tl = S_TL_WALL;
			else
				bad_line(c->line, "tl=cpu|wall");
		} else if (strcmp(tok, "syscall") == 0) {
			snprintf(c->syscall, sizeof(c->syscall), "%s", val);
		} else if (strcmp(tok, "abi") == 0) {
			c->abi = -1;
			for (int a = 0; a < S_ABI_COUNT; a++)
				if (strcmp(sandbox_abi_name(a), val) == 0)
					c->abi = a;
			if (c->abi < 0)
				bad_line(c->line, "unknown abi");
		} else if (strcmp(tok, "ns") == 0) {
			c->ns = true;
		} else if (strcmp(tok, "policy") == 0) {
			c->policy = strdup(val);
		} else {
			bad_line(c->line, "unknown option");
		}
	}
	c->args[nargs] = NULL;
}

static void load_table(void)
{
	FILE *f = fopen(HOSTILE_TABLE, "r");
	char buf[1024];
	int line = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", HOSTILE_TABLE, strerror(errno));
		exit(99);
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *prog, *verdict, *opts, *save = NULL;
		struct hcase *c;

		line++;
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		prog = strtok_r(buf, "\t", &save);
		verdict = strtok_r(NULL, "\t", &save);
		opts = strtok_r(NULL, "\t", &save);
		if (!prog || !verdict)
			bad_line(line, "needs program<TAB>verdict");
		if (ncases == cap) {
			cap = cap ? cap * 2 : 128;
			cases = realloc(cases, (size_t)cap * sizeof(*cases));
			if (!cases)
				abort();
		}
		c = &cases[ncases++];
		memset(c, 0, sizeof(*c));
		c->line = line;
		c->uid = -1;
		c->abi = S_ABI_X86_64;
		for (int q = 0; q < S_QUOTA_COUNT; q++)
			c->quota[q] = SANDBOX_UNLIMITED;
		c->quota[S_QUOTA_WALLCLOCK] = 10000; /* a safety net */
		snprintf(c->prog, sizeof(c->prog), "%s", prog);
		snprintf(c->verdict_text, sizeof(c->verdict_text), "%s", verdict);
		for (char *v = strtok(verdict, "|"); v; v = strtok(NULL, "|")) {
			int r = verdict_bit(v);
			if (r < 0)
				bad_line(line, "unknown verdict");
			c->verdicts |= 1u << r;
		}
		if (opts)
			parse_options(c, opts);
	}
	fclose(f);
}

/* ------------------------------------------------------------ one run */

static volatile sig_atomic_t supervisor_signals;

static void count_signal(int sig)
{
	(void)sig;
	supervisor_signals++;
}

static bool syscall_matches(const struct hcase *c, const sandbox_stat_t *st)
{
	char names[64];

	if (c->syscall[0] == '\0')
		return true;
	if (!st->has_syscall || st->syscall.abi != c->abi)
		return false;
	snprintf(names, sizeof(names), "%s", c->syscall);
	for (char *n = strtok(names, "|"); n; n = strtok(NULL, "|")) {
		long nr = sandbox_syscall_number(c->abi, n);
		if (nr >= 0 && (nr & ~0x40000000L) == st->syscall.nr)
			return true;
	}
	return false;
}

static void describe(const struct hcase *c, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s%s%s", c->prog,
	                            c->policy ? " policy=" : "",
	                            c->policy ? c->policy : "");

	for (int i = 0; c->args[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s", c->args[i]);
	if (n < len)
		snprintf(buf + n, len - n, " (expected.tsv:%d)", c->line);
}

static int run_once(const struct hcase *c, int mode, const char *what,
                    sandbox_stat_t *st)
{
	const char *argv[MAX_ARGS + 2];
	char dir[] = "/tmp/sbhostile.XXXXXX";
	char out[64], err[64], *text;
	sandbox_t *sb;
	int r, capfd = -1;

	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	chmod(dir, 0777); /* writable after a uid change */
	snprintf(out, sizeof(out), "%s/stdout", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);

	{
		char name[80];
		snprintf(name, sizeof(name), "%s.hostile", c->prog);
		argv[0] = tu_prog(name);
	}
	for (int i = 0; i <= MAX_ARGS; i++) {
		argv[i + 1] = c->args[i];
		if (!c->args[i])
			break;
	}
	sb = sandbox_new(argv);
	ck_assert_ptr_nonnull(sb);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	if (c->policy) {
		sandbox_policy_t *p = sandbox_policy_builtin(c->policy);
		ck_assert_msg(p != NULL, "policy %s: %s", c->policy, strerror(errno));
		ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
		sandbox_policy_unref(p);
	}
	for (int q = 0; q < S_QUOTA_COUNT; q++)
		ck_assert_int_eq(sandbox_set_quota(sb, q, quota_of(c, q)), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, c->workdir ? c->workdir : dir), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 0, "/dev/null", false), 0);
	if (c->capture) {
		capfd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		ck_assert_int_ge(capfd, 0);
		ck_assert_int_eq(sandbox_set_capture(sb, 1, capfd, NULL, NULL), 0);
	} else {
		ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, out, false), 0);
	}
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 2, err, false), 0);
	if (c->uid >= 0)
		ck_assert_int_eq(sandbox_set_credentials(sb, (uid_t)c->uid,
		                                         (gid_t)c->uid, NULL, 0), 0);

	supervisor_signals = 0;
	r = tu_run(sb, st);
	free((char *)argv[0]);
	if (capfd >= 0)
		close(capfd);
	sandbox_destroy(sb);

	ck_assert_msg(supervisor_signals == 0,
	              "ESCAPED: %s, %s mode: the supervisor received %d signal(s) "
	              "from the program (verdict %s)", what, tu_mode_name(mode),
	              (int)supervisor_signals, RN(r));
	for (int i = 0; i < 2; i++) {
		text = tu_slurp(i ? err : out);
		if (text && getenv("HOSTILE_VERBOSE"))
			printf("  %s %s: %.300s\n", tu_mode_name(mode),
			       i ? "stderr" : "stdout", text);
		if (text) {
			const char *e = strstr(text, "ESCAPED");
			if (e) {
				char excerpt[200];
				snprintf(excerpt, sizeof(excerpt), "%s", e);
				excerpt[strcspn(excerpt, "\n")] = '\0';
				ck_abort_msg("%s, %s mode: program says \"%s\" (verdict %s)",
				             what, tu_mode_name(mode), excerpt, RN(r));
			}
			free(text);
		}
	}
	/* Leave nothing behind: the run directory may hold big files. */
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			tu_note("could not remove %s", dir);
	}
	return r;
}

START_TEST(hostile_case)
{
	const struct hcase *c = &cases[_i];
	int got[NMODES];
	char what[160], scname[64];

	describe(c, what, sizeof(what));
	if (c->ns && !in_namespace)
		tu_skip("%s: needs a fresh PID namespace (run as root)", what);
	signal(SIGUSR2, count_signal);
	signal(SIGIO, count_signal);
	signal(SIGURG, count_signal);

	for (int m = 0; m < NMODES; m++) {
		sandbox_stat_t st;
		int r = got[m] = run_once(c, modes[m], what, &st);

		if (st.has_syscall)
			sandbox_syscall_name(st.syscall.abi, st.syscall.nr, scname,
			                     sizeof(scname));
		else
			snprintf(scname, sizeof(scname), "-");
		printf("hostile %-48s %-7s %s (exit %d, signal %d, syscall %s/%s, "
		       "tl %d, cpu %lld ms, wall %lld ms)\n", what,
		       tu_mode_name(modes[m]), RN(r), st.exit_code, st.signal,
		       st.has_syscall ? sandbox_abi_name(st.syscall.abi) : "-",
		       scname, st.tl_limit, (long long)st.cpu_time_us / 1000,
		       (long long)st.wall_time_us / 1000);
		ck_assert_msg(c->verdicts & (1u << r),
		              "%s, %s mode: verdict %s (exit %d, signal %d, syscall "
		              "%s/%s), expected %s", what, tu_mode_name(modes[m]),
		              RN(r), st.exit_code, st.signal,
		              st.has_syscall ? sandbox_abi_name(st.syscall.abi) : "-",
		              scname, c->verdict_text);
		if (r == S_RESULT_TL && c->tl != S_TL_NONE)
			ck_assert_msg(st.tl_limit == c->tl,
			              "%s, %s mode: TL from the %s limit, expected %s",
			              what, tu_mode_name(modes[m]),
			              st.tl_limit == S_TL_CPU ? "CPU" : "wall",
			              c->tl == S_TL_CPU ? "CPU" : "wall");
		if (r == S_RESULT_RF)
			ck_assert_msg(syscall_matches(c, &st),
			              "%s, %s mode: RF at %s/%s, expected %s/%s", what,
			              tu_mode_name(modes[m]),
			              st.has_syscall ? sandbox_abi_name(st.syscall.abi) : "-",
			              scname, sandbox_abi_name(c->abi), c->syscall);
	}
	ck_assert_msg(got[0] == got[1], "%s: fast mode %s, classic mode %s", what,
	              RN(got[0]), RN(got[1]));
}
END_TEST

/* ------------------------------------------------------------ namespace */

/* Become PID 1 of a new PID namespace with a private mount namespace and a
 * /proc of its own (what `unshare --pid --fork --mount-proc` does). The
 * calling process waits and exits with the suite's status. Returns false
 * (and stays where it is) when namespaces are not available. */
static bool enter_namespace(void)
{
	int status;
	pid_t pid;

	if (getpid() == 1)
		return true; /* already PID 1 of a namespace (run-isolated.sh) */
	if (unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) {
		tu_note("no PID namespace (%s): lines flagged `ns` are skipped",
		        strerror(errno));
		return false;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(99);
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		exit(WIFEXITED(status) ? WEXITSTATUS(status) : 99);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	          NULL) != 0) {
		perror("mount /proc in the new namespace");
		exit(99);
	}
	return true;
}

Suite *tu_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("corpus");

	load_table();
	in_namespace = enter_namespace();
	tcase_set_timeout(tc, 4 * TU_TIMEOUT);
	tcase_add_loop_test(tc, hostile_case, 0, ncases);
	suite_add_tcase(s, tc);
	return s;
}
