/*
 * The isolation layer, live: for each feature a program that tries to
 * cross the boundary (tests/isoprogs/cross.c), and after each run the
 * teardown checks (no cgroup, mount or temp dir left).
 */
#include "config.h"

#include "testutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define X64 (1u << S_ABI_X86_64)
#define CG_PARENT_FMT "/libsandbox-test-%08lx%08lx"

static char cg_parent[64];

/* ------------------------------------------------------------ helpers */

static int count_lines(const char *path)
{
	char *t = tu_slurp(path);
	int n = 0;
	for (char *p = t; p && *p; p++)
		n += *p == '\n';
	free(t);
	return n;
}

static int count_stage_dirs(void)
{
	char pfx[64];
	DIR *d;
	struct dirent *e;
	int n = 0;
	d = opendir(tu_stage_dir());
	snprintf(pfx, sizeof(pfx), "libsandbox-%ld-", (long)getpid());
	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, pfx, strlen(pfx)) == 0;
	if (d)
		closedir(d);
	return n;
}

static int count_groups(void)
{
	char path[256];
	DIR *d;
	struct dirent *e;
	int n = 0;
	snprintf(path, sizeof(path), "/sys/fs/cgroup/memory%s", cg_parent);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, "libsandbox-", 11) == 0;
	closedir(d);
	return n;
}

struct snapshot { int mounts, stages, groups; };

static void snap(struct snapshot *s)
{
	s->mounts = count_lines("/proc/self/mountinfo");
	s->stages = count_stage_dirs();
	s->groups = count_groups();
}

static void assert_clean(const struct snapshot *before)
{
	struct snapshot now;
	snap(&now);
	ck_assert_int_eq(now.mounts, before->mounts);
	ck_assert_int_eq(now.stages, 0);
	ck_assert_int_eq(now.groups, 0);
}

/* Default policy plus what the boundary tests need to reach the kernel,
 * without its file rules: what a box hides must be the box's doing
 * (file rules with a box: tests/check_landlock.c). */
static sandbox_policy_t *open_policy(void)
{
	static const char *const extra[] = { "socket", "connect", "openat",
		"open", "clone", "fork", "vfork", "wait4", "getdents64",
		"sethostname", NULL };
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; extra[i]; i++)
		ck_assert_int_eq(sandbox_policy_add_rule_name(p, X64, extra[i],
		                 S_DISP_ALLOW, 0, NULL, 0), 0);
	ck_assert_int_eq(sandbox_policy_confine_files(p, false), 0);
	return p;
}

static void iso_setup(sandbox_t *sb, unsigned ns)
{
	sandbox_policy_t *p = open_policy();
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_int_eq(sandbox_set_namespaces(sb, ns), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
}

static sandbox_t *iso_sandbox(unsigned ns, const char *mode, const char *arg)
{
	sandbox_t *sb = tu_sandbox("cross", mode, arg, NULL);
	iso_setup(sb, ns);
	return sb;
}

/* A box root: the program at its path inside (tu_box_sandbox). */
static sandbox_t *box_sandbox(unsigned ns, const char *mode, const char *arg)
{
	sandbox_t *sb = tu_box_sandbox("cross", mode, arg, NULL);
	iso_setup(sb, ns);
	return sb;
}

/* ------------------------------------------------------------ PID ns */

START_TEST(pid_ns_sees_only_itself)
{
	struct snapshot s0;
	int v;
	snap(&s0);
	sandbox_t *sb = iso_sandbox(S_NS_PID, "pids", NULL);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_result(v, S_RESULT_OK);
	ck_assert_msg(strcmp(out, "self=1 count=1\n") == 0, "got %s", out);
	ck_assert(sandbox_isolation_in_effect(sb) & S_NS_PID);
	free(out);
	sandbox_destroy(sb);
	/* Control: without the namespace the host's processes show. */
	sb = iso_sandbox(0, "pids", NULL);
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_msg(strstr(out, "self=1 ") == NULL && strstr(out, "count=1\n") == NULL,
	              "got %s", out);
	free(out);
	sandbox_destroy(sb);
	assert_clean(&s0);
}
END_TEST

static const struct { const char *mode; int sig; } init_sigs[] = {
	{ "abort", SIGABRT }, { "term", SIGTERM },
};

START_TEST(pid_ns_init_signals)
{
	for (int ns = 0; ns < 2; ns++) {
		sandbox_stat_t st;
		sandbox_iso_stat_t is;
		sandbox_t *sb = iso_sandbox(ns ? S_NS_PID : 0, init_sigs[_i].mode, NULL);
		int v = tu_run(sb, &st);
		ck_assert_msg(v == S_RESULT_RT, "%s ns=%d: %s", init_sigs[_i].mode,
		              ns, RN(v));
		ck_assert_int_eq(st.signal, init_sigs[_i].sig);
		ck_assert_int_eq(sandbox_get_isolation_stat(sb, &is, sizeof(is)), 0);
		if (ns)
			ck_assert_int_eq(is.init_signal, init_sigs[_i].sig);
		sandbox_destroy(sb);
	}
}
END_TEST

/* ------------------------------------------------------------ net ns */

static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

START_TEST(net_ns_cannot_reach_host_loopback)
{
	char port[16];
	int p, v, fd = listener(&p);
	snprintf(port, sizeof(port), "%d", p);
	sandbox_t *sb = iso_sandbox(0, "connect", port);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_msg(strcmp(out, "connected\n") == 0, "control: %s", out);
	free(out);
	sandbox_destroy(sb);
	sb = iso_sandbox(S_NS_NET, "connect", port);
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_result(v, S_RESULT_OK);
	ck_assert_msg(strncmp(out, "refused", 7) == 0, "with netns: %s", out);
	free(out);
	sandbox_destroy(sb);
	close(fd);
}
END_TEST

START_TEST(uts_ns_own_hostname)
{
	int v;
	sandbox_t *sb = iso_sandbox(S_NS_UTS, "id", NULL);
	ck_assert_int_eq(sandbox_set_hostname(sb, "box42"), 0);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_msg(strstr(out, "host=box42\n") != NULL, "got %s", out);
	free(out);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ box root */

START_TEST(box_hides_host_files)
{
	struct snapshot s0;
	int v;
	char *secret = tu_tmpfile("host-secret");
	tu_write_file(secret, "secret\n");
	snap(&s0);
	/* Control: readable without a box. */
	sandbox_t *sb = iso_sandbox(0, "read", secret);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_str_eq(out, "read ok\n");
	free(out);
	sandbox_destroy(sb);

	sb = box_sandbox(S_NS_PID | S_NS_MOUNT, "read", secret);
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_result(v, S_RESULT_OK);
	ck_assert_msg(strncmp(out, "read fail", 9) == 0, "got %s", out);
	free(out);
	sandbox_reset(sb);
	/* Nor /etc/passwd of the host. */
	const char *argv[] = { TU_BOX_PROGS "/cross", "read", "/etc/passwd", NULL };
	ck_assert_int_eq(sandbox_set_argv(sb, argv), 0);
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_msg(strncmp(out, "read fail", 9) == 0, "got %s", out);
	free(out);
	sandbox_destroy(sb);
	free(secret);
	assert_clean(&s0);
}
END_TEST

/* The stage directory of the box root goes away as soon as the program
 * has pivoted, while it still runs (and the box keeps working); a
 * supervisor killed with SIGKILL during a run leaves no directory. */
static int count_stages_of(pid_t pid)
{
	char pfx[64];
	DIR *d = opendir(tu_stage_dir());
	struct dirent *e;
	int n = 0;
	snprintf(pfx, sizeof(pfx), "libsandbox-%ld-", (long)pid);
	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, pfx, strlen(pfx)) == 0;
	if (d)
		closedir(d);
	return n;
}

/* The program waits on its stdin: once it has said "ready" it runs in
 * the box, past pivot_root; then the stage directories are counted and
 * its stdin closed. */
struct stage_probe {
	int in_w, out_r;
	int during;
	char line[64], after[64];
};

static void read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	while (n + 1 < len && read(fd, buf + n, 1) == 1 && buf[n] != '\n')
		n++;
	buf[n] = '\0';
}

static void *count_stages_when_ready(void *arg)
{
	struct stage_probe *p = arg;
	read_line(p->out_r, p->line, sizeof(p->line));
	p->during = count_stage_dirs();
	close(p->in_w);
	read_line(p->out_r, p->after, sizeof(p->after));
	return NULL;
}

START_TEST(box_stage_removed_during_the_run)
{
	struct stage_probe probe = { .during = -1 };
	struct snapshot s0;
	pthread_t th;
	int in[2], out[2], v;
	snap(&s0);
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	probe.in_w = in[1];
	probe.out_r = out[0];
	sandbox_t *sb = box_sandbox(S_NS_PID | S_NS_MOUNT, "wait",
	                            TU_BOX_PROGS "/cross");
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 0, in[0]), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(sb, 1, out[1]), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, count_stages_when_ready, &probe), 0);
	v = tu_run(sb, NULL);
	close(out[1]); /* a run that failed early ends the probe's reads */
	pthread_join(th, NULL);
	ck_assert_result(v, S_RESULT_OK);
	ck_assert_str_eq(probe.line, "ready");
	ck_assert_int_eq(probe.during, 0);
	/* The box keeps working without its stage. */
	ck_assert_str_eq(probe.after, "read ok");
	close(in[0]);
	close(out[0]);
	sandbox_destroy(sb);
	assert_clean(&s0);
}
END_TEST

START_TEST(killed_supervisor_leaves_no_stage)
{
	int in[2], out[2], st;
	char line[64];
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sandbox_t *sb = box_sandbox(S_NS_PID | S_NS_MOUNT, "wait", NULL);
		sandbox_set_stdio_fd(sb, 0, in[0]);
		sandbox_set_stdio_fd(sb, 1, out[1]);
		sandbox_execute(sb);
		_exit(0);
	}
	close(out[1]);
	/* The run is well under way: the program runs in its box. */
	read_line(out[0], line, sizeof(line));
	ck_assert_str_eq(line, "ready");
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(count_stages_of(pid), 0);
	close(in[0]);
	close(in[1]);
	close(out[0]);
}
END_TEST

START_TEST(box_read_only_and_work_dirs)
{
	struct snapshot s0;
	char ro[128], rw[128], target[160];
	int v;
	snprintf(ro, sizeof(ro), "%s/ro", tu_tmpdir());
	snprintf(rw, sizeof(rw), "%s/rw", tu_tmpdir());
	tu_mkdir_shared(ro);
	tu_mkdir_shared(rw);
	snap(&s0);
	sandbox_t *sb = box_sandbox(S_NS_MOUNT, "write", "/data/x");
	ck_assert_int_eq(sandbox_add_dir(sb, "/data", ro, S_DIR_RO), 0);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_msg(strcmp(out, "write fail 30\n") == 0, "ro bind: %s", out); /* EROFS */
	free(out);
	sandbox_destroy(sb);

	sb = box_sandbox(S_NS_MOUNT, "write", "/box/x");
	ck_assert_int_eq(sandbox_add_dir(sb, "/box", "/nonexistent-will-be-replaced",
	                                 S_DIR_RW), 0);
	ck_assert_int_eq(sandbox_clear_dirs(sb), 0);
	tu_bind_progs(sb);
	ck_assert_int_eq(sandbox_add_dir(sb, "/box", rw, S_DIR_RW), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, "/box"), 0);
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_msg(strcmp(out, "write ok\n") == 0, "rw bind: %s", out);
	free(out);
	snprintf(target, sizeof(target), "%s/x", rw);
	ck_assert_int_eq(access(target, F_OK), 0);
	sandbox_destroy(sb);

	/* The box root itself is read-only; /tmp is a private tmpfs. */
	sb = box_sandbox(S_NS_MOUNT, "write", "/newfile");
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_msg(strncmp(out, "write fail", 10) == 0, "root: %s", out);
	free(out);
	sandbox_destroy(sb);
	sb = box_sandbox(S_NS_MOUNT, "write", "/tmp/libsandbox-box-tmp-write");
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_msg(strcmp(out, "write ok\n") == 0, "tmp: %s", out);
	free(out);
	ck_assert(sandbox_isolation_in_effect(sb) & S_ISO_PIVOT);
	sandbox_destroy(sb);
	assert_clean(&s0);
}
END_TEST

/* ------------------------------------------------------------ cgroups */

static bool have_v1_memory(void)
{
	return access("/sys/fs/cgroup/memory/cgroup.procs", W_OK) == 0;
}

START_TEST(cgroup_memory_limit_is_ml)
{
	struct snapshot s0;
	sandbox_stat_t st;
	sandbox_iso_stat_t is;
	int v;
	if (!have_v1_memory() && !tu_must_work())
		tu_skip("no writable cgroup memory controller");
	snap(&s0);
	sandbox_t *sb = iso_sandbox(0, "mem", "64");
	ck_assert_int_eq(sandbox_set_cgroup_parent(sb, cg_parent), 0);
	ck_assert_int_eq(sandbox_set_cgroup_limits(sb, 16 << 20, SANDBOX_UNLIMITED, 0), 0);
	char *out = tu_run_stdout(sb, &v, &st);
	ck_assert_result(v, S_RESULT_ML);
	ck_assert_int_eq(st.quota_exceeded, S_QUOTA_MEMORY);
	ck_assert_int_eq(sandbox_get_isolation_stat(sb, &is, sizeof(is)), 0);
	ck_assert_int_ge(is.cg_oom_kills, 1);
	ck_assert_msg(is.cg_memory_peak > (8 << 20) && is.cg_memory_peak <= (16 << 20),
	              "peak %lld", (long long)is.cg_memory_peak);
	free(out);
	/* A fresh group per run: the same sandbox under the limit is OK, the
	 * OOM flag of the previous run does not stay set. */
	ck_assert_int_eq(sandbox_reset(sb), 0);
	const char *argv[] = { PROGS_DIR "/cross", "mem", "4", NULL };
	ck_assert_int_eq(sandbox_set_argv(sb, argv), 0);
	out = tu_run_stdout(sb, &v, &st);
	ck_assert_result(v, S_RESULT_OK);
	ck_assert_int_eq(sandbox_get_isolation_stat(sb, &is, sizeof(is)), 0);
	ck_assert_int_eq(is.cg_oom_kills, 0);
	ck_assert_int_eq(is.cgroup_version, 1);
	free(out);
	sandbox_destroy(sb);
	assert_clean(&s0);
}
END_TEST

/* TCP socket buffers are memory the host holds for the program: 40
 * loopback connections nobody reads queue ~150 MiB. cgroup v1 counts them
 * only under memory.kmem.tcp.limit_in_bytes, which the memory limit sets
 * too: the program's writes stop near the limit (review-stop23 A7: 470
 * MiB queued in a 64 MiB group). */
START_TEST(cgroup_memory_limit_bounds_socket_buffers)
{
	static const char *const net[] = { "socket", "bind", "listen",
		"getsockname", "connect", "accept", "accept4", NULL };
	long conns, mib;
	int v;
	if (!have_v1_memory() && !tu_must_work())
		tu_skip("no writable cgroup memory controller");
	/* tests/progs/kmem_hog (dynamic: no box root here) */
	sandbox_t *sb = tu_sandbox("../progs/kmem_hog", "tcp", "40", NULL);
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; net[i]; i++)
		ck_assert_int_eq(sandbox_policy_add_rule_name(p, X64, net[i],
		                 S_DISP_ALLOW, 0, NULL, 0), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_int_eq(sandbox_set_cgroup_parent(sb, cg_parent), 0);
	ck_assert_int_eq(sandbox_set_cgroup_limits(sb, 16 << 20, SANDBOX_UNLIMITED, 0), 0);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_result(v, S_RESULT_OK);
	ck_assert_msg(sscanf(out, "conns %ld queued %ld", &conns, &mib) == 2 &&
	              conns == 40 && mib < 32, "%s", out);
	free(out);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(cgroup_tiny_memory_starts_static_program)
{
	sandbox_iso_stat_t is;
	int v;
	if (!have_v1_memory() && !tu_must_work())
		tu_skip("no writable cgroup memory controller");
	sandbox_t *sb = iso_sandbox(S_NS_PID, "id", NULL);
	ck_assert_int_eq(sandbox_set_cgroup_parent(sb, cg_parent), 0);
	ck_assert_int_eq(sandbox_set_cgroup_limits(sb, 2 << 20, SANDBOX_UNLIMITED, 0), 0);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_result(v, S_RESULT_OK);
	ck_assert_msg(strncmp(out, "uid=", 4) == 0, "got %s", out);
	ck_assert_int_eq(sandbox_get_isolation_stat(sb, &is, sizeof(is)), 0);
	ck_assert(is.cg_memory_peak > 0 && is.cg_memory_peak <= (2 << 20));
	free(out);
	sandbox_destroy(sb);
}
END_TEST

START_TEST(cgroup_pids_limit_counts_refusals)
{
	struct snapshot s0;
	sandbox_iso_stat_t is;
	int v;
	if (access("/sys/fs/cgroup/pids/cgroup.procs", W_OK) != 0 && !tu_must_work())
		tu_skip("no writable cgroup pids controller");
	snap(&s0);
	sandbox_t *sb = iso_sandbox(S_NS_PID, "fork", "10");
	ck_assert_int_eq(sandbox_set_cgroup_parent(sb, cg_parent), 0);
	ck_assert_int_eq(sandbox_set_cgroup_limits(sb, SANDBOX_UNLIMITED, 4, 0), 0);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_result(v, S_RESULT_OK);
	ck_assert_msg(strcmp(out, "forked 3 failed 7\n") == 0, "got %s", out);
	ck_assert_int_eq(sandbox_get_isolation_stat(sb, &is, sizeof(is)), 0);
	ck_assert_int_eq(is.cg_pids_refused, 7);
	free(out);
	sandbox_destroy(sb);
	assert_clean(&s0);
}
END_TEST

/* ------------------------------------------------------------ env */

START_TEST(env_secrets_stripped)
{
	int v;
	setenv("MY_API_TOKEN", "s3cr3t", 1);
	setenv("PLAIN_VALUE", "fine", 1);
	sandbox_t *sb = iso_sandbox(0, "env", "MY_API_TOKEN");
	ck_assert_int_eq(sandbox_set_env_inherit(sb, true), 0);
	char *out = tu_run_stdout(sb, &v, NULL);
	ck_assert_str_eq(out, "env (unset)\n");
	free(out);
	sandbox_reset(sb);
	const char *argv[] = { PROGS_DIR "/cross", "env", "PLAIN_VALUE", NULL };
	ck_assert_int_eq(sandbox_set_argv(sb, argv), 0);
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_str_eq(out, "env fine\n");
	free(out);
	sandbox_destroy(sb);
	/* Not inheriting: only the pass-through list. */
	sb = iso_sandbox(0, "env", "PLAIN_VALUE");
	const char *pass[] = { "PLAIN_VALUE", NULL };
	ck_assert_int_eq(sandbox_set_env_pass(sb, pass), 0);
	out = tu_run_stdout(sb, &v, NULL);
	ck_assert_str_eq(out, "env fine\n");
	free(out);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ unprivileged */

/* In a forked child as uid/gid 65534: the full isolated configuration
 * (user namespace + all others + box root) must work, for a supervisor
 * that is dumpable like any process (_i 1) and for one that made itself
 * non-dumpable to protect what it holds, as sandbox-run does (_i 0: the
 * child inherited that, and its uid_map was root's to write). */
START_TEST(unprivileged_isolated_run)
{
	int status;
	if (geteuid() != 0)
		tu_skip("needs root to switch to an unprivileged uid");
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int v;
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		/* A uid change made us non-dumpable: as asked. */
		prctl(PR_SET_DUMPABLE, _i);
		sandbox_t *sb = box_sandbox(S_NS_ALL, "pids", NULL);
		ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);
		int rc = sandbox_execute(sb);
		if (rc != 0) {
			fprintf(stderr, "execute: %s (%s) %s\n", sandbox_strerror(rc),
			        sandbox_failed_step(sb) ? sandbox_failed_step(sb) : "-",
			        sandbox_isolation_message(sb) ? sandbox_isolation_message(sb) : "");
			_exit(3);
		}
		v = sandbox_result(sb);
		_exit(v == S_RESULT_OK && (sandbox_isolation_in_effect(sb) & S_NS_USER) ? 0 : 4);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "child status %#x", status);
}
END_TEST

START_TEST(unprivileged_without_userns_is_a_clear_error)
{
	int status;
	if (geteuid() != 0)
		tu_skip("needs root to switch to an unprivileged uid");
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		prctl(PR_SET_DUMPABLE, 1);
		sandbox_t *sb = iso_sandbox(S_NS_NET, "id", NULL);
		int rc = sandbox_check(sb);
		if (rc != -EPERM || !sandbox_isolation_message(sb))
			_exit(3);
		/* Best effort: runs, and says the netns was not in effect. */
		sandbox_set_best_effort(sb, true);
		ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);
		if (sandbox_execute(sb) != 0 || sandbox_result(sb) != S_RESULT_OK)
			_exit(4);
		_exit(sandbox_isolation_in_effect(sb) & S_NS_NET ? 5 : 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "child status %#x", status);
}
END_TEST

/* ------------------------------------------------------------ probe */

START_TEST(probe_reports_host)
{
	sandbox_probe_t p;
	ck_assert_int_eq(sandbox_probe(&p, sizeof(p)), 0);
	ck_assert(p.ptrace && p.seccomp);
	ck_assert(p.available & S_NS_PID);
	ck_assert_msg(p.strongest[0], "no strongest containment");
}
END_TEST

/* The host probe forks only for what a run asked for: nothing for a
 * sandbox whose isolation object holds no namespace, box or cgroup (the
 * capabilities and the environment need no probe), and the namespaces
 * once per process. The probe's children are counted by SIGCHLD. */
static volatile sig_atomic_t chld_count;

static void count_chld(int sig)
{
	(void)sig;
	chld_count++;
}

/* The probe waits for each child, and the signal is handled when that
 * wait returns (this process has no other thread yet). */
static int checked_forks(sandbox_t *sb)
{
	chld_count = 0;
	int rc = sandbox_check(sb);
	ck_assert_msg(rc == 0, "sandbox_check: %s (%s; %s)", sandbox_strerror(rc),
	              sandbox_check_message(sb), sandbox_isolation_message(sb));
	return chld_count;
}

START_TEST(probe_only_what_is_asked)
{
	struct sigaction sa = { .sa_handler = count_chld };
	const char *pass[] = { "HOME", NULL };
	sandbox_t *sb = tu_sandbox("cross", "env", "HOME", NULL);

	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGCHLD, &sa, NULL), 0);
	ck_assert_int_eq(sandbox_set_best_effort(sb, false), 0);
	ck_assert_int_eq(sandbox_set_env_pass(sb, pass), 0);
	ck_assert_int_eq(sandbox_set_rlimit(sb, RLIMIT_NOFILE, 64), 0);
	ck_assert_int_eq(checked_forks(sb), 0);
	ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
	sandbox_destroy(sb);

	/* Namespaces: probed (the counter sees the probe), then known. */
	unsigned ns = geteuid() == 0 ? S_NS_UTS : S_NS_USER | S_NS_UTS;
	sb = tu_sandbox("cross", "env", "HOME", NULL);
	ck_assert_int_eq(sandbox_set_namespaces(sb, ns), 0);
	ck_assert_int_eq(sandbox_set_best_effort(sb, true), 0);
	ck_assert_int_ge(checked_forks(sb), 1);
	sandbox_destroy(sb);
	sb = tu_sandbox("cross", "env", "HOME", NULL);
	ck_assert_int_eq(sandbox_set_namespaces(sb, ns | S_NS_NET | S_NS_IPC), 0);
	ck_assert_int_eq(sandbox_set_best_effort(sb, true), 0);
	ck_assert_int_eq(checked_forks(sb), 0);
	sandbox_destroy(sb);
	signal(SIGCHLD, SIG_DFL);
}
END_TEST

/* A group whose lock nobody holds is removed; one whose lock is held (by
 * another process: its supervisor is alive) stays, and so does a name the
 * library never makes (an older release's "libsandbox-<pid>-<n>", whose
 * owner cannot be proven dead). */
START_TEST(cgroup_sweep_removes_only_unlocked_groups)
{
	char parent[256], dead[320], live[320], old[320], c;
	int lk[2], rel[2], st;
	if (!have_v1_memory() && !tu_must_work())
		tu_skip("no writable cgroup memory controller");
	snprintf(parent, sizeof(parent), "/sys/fs/cgroup/memory%s", cg_parent);
	snprintf(dead, sizeof(dead), "%s/libsandbox-run-00000000000000de", parent);
	snprintf(live, sizeof(live), "%s/libsandbox-run-00000000000000a1", parent);
	snprintf(old, sizeof(old), "%s/libsandbox-4194305-0", parent);
	mkdir(parent, 0755);
	ck_assert_int_eq(mkdir(dead, 0700), 0);
	ck_assert_int_eq(mkdir(live, 0700), 0);
	ck_assert_int_eq(mkdir(old, 0700), 0);
	ck_assert_int_eq(pipe(lk), 0);
	ck_assert_int_eq(pipe(rel), 0);
	pid_t holder = fork();
	ck_assert_int_ge(holder, 0);
	if (holder == 0) {
		int fd = open(live, O_RDONLY | O_DIRECTORY);
		close(rel[1]);
		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(lk[1], "l", 1) != 1)
			_exit(1);
		/* Hold the lock until the test closes the pipe. */
		while (read(rel[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(lk[1]);
	close(rel[0]);
	ck_assert_int_eq(read(lk[0], &c, 1), 1);
	ck_assert_int_eq(sandbox_cgroup_sweep(cg_parent), 1);
	ck_assert_int_ne(access(dead, F_OK), 0);
	ck_assert_int_eq(access(live, F_OK), 0);
	ck_assert_int_eq(access(old, F_OK), 0);
	close(rel[1]);
	close(lk[0]);
	ck_assert_int_eq(waitpid(holder, &st, 0), holder);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* Its holder gone, the live one is dead too. */
	ck_assert_int_eq(sandbox_cgroup_sweep(cg_parent), 1);
	ck_assert_int_ne(access(live, F_OK), 0);
	ck_assert_int_eq(rmdir(old), 0);
}
END_TEST

/* ------------------------------------------------- supervisors per pid ns */

/* A supervisor in a PID namespace of its own, where it has pid `nspid`
 * (0: no namespace of its own), running `cross MODE` with a memory cgroup
 * under cg_parent: what cgroup names and sweeps must survive (the same
 * pid in every container, pids that mean nothing in other namespaces).
 * The program's stdout comes to `out`, its stdin from `in` (closing `in`
 * ends a "wait" program); `res` gets the supervisor's outcome,
 * "<verdict or error> <sandbox_execute rc> <step>". */
struct peer {
	pid_t helper;  /* in our namespace */
	pid_t init;    /* init of the new namespace (the helper without one) */
	int out, in, res;
};

static void peer_supervise(const char *mode, int in, int out, int res)
{
	const char *argv[] = { PROGS_DIR "/cross", mode, NULL };
	sandbox_t *sb = sandbox_new(argv);
	int rc = sb ? 0 : -errno;

	if (rc == 0 &&
	    ((rc = sandbox_set_stdio_fd(sb, 0, in)) < 0 ||
	     (rc = sandbox_set_stdio_fd(sb, 1, out)) < 0 ||
	     (rc = sandbox_set_stdio_path(sb, 2, "/dev/null", false)) < 0 ||
	     (rc = sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS)) < 0 ||
	     (rc = sandbox_set_cgroup_parent(sb, cg_parent)) < 0 ||
	     (rc = sandbox_set_cgroup_limits(sb, 64 << 20, SANDBOX_UNLIMITED,
	                                     0)) < 0))
		sb = (sandbox_destroy(sb), NULL);
	if (sb)
		rc = sandbox_execute(sb);
	close(in);
	close(out);
	dprintf(res, "%s %d %s\n", rc == 0 ? RN(sandbox_result(sb)) : "error", rc,
	        sb && sandbox_failed_step(sb) ? sandbox_failed_step(sb) : "-");
	sandbox_destroy(sb);
}

/* One line from fd, without its newline (static storage). */
static char *peer_line(int fd)
{
	static char buf[128];
	size_t n = 0;
	while (n + 1 < sizeof(buf) && read(fd, buf + n, 1) == 1 && buf[n] != '\n')
		n++;
	buf[n] = '\0';
	return buf;
}

/* Become the init of a new PID namespace, then fork (waiting, and
 * passing the exit status on) until this process has pid nspid there.
 * Reports the init's pid (in the caller's namespace) on fd. */
static void enter_pid_ns(int nspid, int fd, int keep[3])
{
	pid_t c, w;
	int st;
	char v[16];

	if (unshare(CLONE_NEWPID) < 0) {
		dprintf(fd, "0\nunshare %d -\n", -errno);
		_exit(1);
	}
	for (int level = 1; level <= 2; level++) {
		if (level == 2) {
			if (nspid == 1)
				break;
			/* The next pid in this namespace is ns_last_pid + 1. */
			int sfd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
			int n = snprintf(v, sizeof(v), "%d", nspid - 1);
			if (sfd < 0 || write(sfd, v, (size_t)n) != n)
				_exit(1);
			close(sfd);
		}
		if ((c = fork()) < 0)
			_exit(1);
		if (c == 0)
			continue;
		if (level == 1)
			dprintf(fd, "%d\n", (int)c);
		for (int i = 0; i < 3; i++)
			close(keep[i]);
		while ((w = waitpid(c, &st, 0)) < 0 && errno == EINTR)
			;
		_exit(w == c && WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
	if (getpid() != nspid) {
		dprintf(fd, "pid %d -\n", (int)getpid());
		_exit(1);
	}
}

static struct peer peer_start(int nspid, const char *mode)
{
	int in[2], out[2], res[2];
	struct peer p;

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(res, O_CLOEXEC), 0);
	p.helper = fork();
	ck_assert_int_ge(p.helper, 0);
	if (p.helper == 0) {
		int keep[3] = { in[0], out[1], res[1] };
		close(in[1]);
		close(out[0]);
		close(res[0]);
		if (nspid > 0)
			enter_pid_ns(nspid, res[1], keep);
		else
			dprintf(res[1], "%d\n", (int)getpid());
		peer_supervise(mode, in[0], out[1], res[1]);
		_exit(0);
	}
	close(in[0]);
	close(out[1]);
	close(res[1]);
	p.in = in[1];
	p.out = out[0];
	p.res = res[0];
	p.init = (pid_t)atoi(peer_line(p.res));
	ck_assert_int_gt(p.init, 0);
	return p;
}

/* Let the program finish; the supervisor's outcome line. */
static char *peer_finish(struct peer *p)
{
	static char buf[160];
	ssize_t n;
	int st;
	close(p->in);
	n = read(p->res, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	ck_assert_int_eq(waitpid(p->helper, &st, 0), p->helper);
	close(p->out);
	close(p->res);
	return buf;
}

/* The largest pid of this host: a pid nothing in our namespace has. */
static int high_pid(void)
{
	char *t = tu_slurp("/proc/sys/kernel/pid_max");
	int n = t ? atoi(t) - 1 : 0;
	free(t);
	ck_assert_int_gt(n, 300);
	return n;
}

/* Two supervisors at once. Both in PID namespaces of their own with the
 * same pid (_i == 0): names derived from the pid clashed ("File exists").
 * The first in a namespace of its own, with a pid that does not exist in
 * ours, the second in ours (_i == 1): the second one's sweep took the
 * first one's live group for a dead supervisor's and reaped it, killing
 * its program. */
START_TEST(cgroup_concurrent_supervisors_in_pid_namespaces)
{
	if (!have_v1_memory() && !tu_must_work())
		tu_skip("no writable cgroup memory controller");
	if (geteuid() != 0)
		tu_skip("needs root for PID namespaces of its own");
	struct peer a = peer_start(_i == 0 ? 1 : high_pid(), "wait");
	char *line = peer_line(a.out);
	ck_assert_msg(strcmp(line, "ready") == 0, "first supervisor: %s (%s)", line,
	              peer_finish(&a));
	struct peer b = peer_start(_i == 0 ? 1 : 0, "wait");
	line = peer_line(b.out);
	ck_assert_msg(strcmp(line, "ready") == 0, "second supervisor: %s (%s)", line,
	              peer_finish(&b));
	/* Both groups live; an explicit sweep leaves them too. */
	ck_assert_int_eq(count_groups(), 2);
	ck_assert_int_eq(sandbox_cgroup_sweep(cg_parent), 0);
	ck_assert_int_eq(count_groups(), 2);
	ck_assert_str_eq(peer_finish(&b), "OK 0 -");
	ck_assert_str_eq(peer_finish(&a), "OK 0 -");
	ck_assert_int_eq(count_groups(), 0);
}
END_TEST

/* A supervisor SIGKILLed during its run leaves its group behind; the next
 * run -- in another PID namespace, with the same pid -- reaps it and runs
 * (a leftover group used to make every later run fail with EEXIST). */
START_TEST(cgroup_of_killed_supervisor_is_reaped)
{
	if (!have_v1_memory() && !tu_must_work())
		tu_skip("no writable cgroup memory controller");
	if (geteuid() != 0)
		tu_skip("needs root for PID namespaces of its own");
	struct peer a = peer_start(1, "wait");
	char *line = peer_line(a.out);
	ck_assert_msg(strcmp(line, "ready") == 0, "first supervisor: %s (%s)", line,
	              peer_finish(&a));
	ck_assert_int_eq(count_groups(), 1);
	/* The supervisor is the namespace's init: killing it kills
	 * everything there, and the helper reaps it. */
	ck_assert_int_eq(kill(a.init, SIGKILL), 0);
	ck_assert_str_eq(peer_finish(&a), "");
	ck_assert_int_eq(count_groups(), 1);
	struct peer b = peer_start(1, "id");
	ck_assert_str_eq(peer_finish(&b), "OK 0 -");
	ck_assert_int_eq(count_groups(), 0);
}
END_TEST

/* A parent unique on the host: suites of other trees run at the same
 * time, with the same pid in PID namespaces of their own. The cgroup
 * tests take a fresh one each (what one leaves behind when it fails
 * cannot change the next one's counts). */
static void new_cg_parent(void)
{
	unsigned long r[2] = { 0, 0 };
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r[0] = (unsigned long)time(NULL), r[1] = (unsigned long)getpid();
	snprintf(cg_parent, sizeof(cg_parent), CG_PARENT_FMT, r[0] & 0xffffffffUL,
	         r[1] & 0xffffffffUL);
}

static void cleanup_parent(void)
{
	static const char *const ctl[] = { "memory", "pids", "cpu" };
	char path[256];
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s%s", ctl[i], cg_parent);
		rmdir(path);
	}
}

Suite *tu_suite(void)
{
	Suite *s = suite_create("isolation");
	TCase *tc;

	new_cg_parent();
	atexit(cleanup_parent);

	tc = tcase_create("namespaces");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, pid_ns_sees_only_itself);
	tcase_add_loop_test(tc, pid_ns_init_signals, 0, 2);
	tcase_add_test(tc, net_ns_cannot_reach_host_loopback);
	tcase_add_test(tc, uts_ns_own_hostname);
	suite_add_tcase(s, tc);

	tc = tcase_create("filesystem");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, box_hides_host_files);
	tcase_add_test(tc, box_read_only_and_work_dirs);
	tcase_add_test(tc, box_stage_removed_during_the_run);
	tcase_add_test(tc, killed_supervisor_leaves_no_stage);
	suite_add_tcase(s, tc);

	tc = tcase_create("cgroups");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_checked_fixture(tc, new_cg_parent, cleanup_parent);
	tcase_add_test(tc, cgroup_memory_limit_is_ml);
	tcase_add_test(tc, cgroup_memory_limit_bounds_socket_buffers);
	tcase_add_test(tc, cgroup_tiny_memory_starts_static_program);
	tcase_add_test(tc, cgroup_pids_limit_counts_refusals);
	tcase_add_test(tc, cgroup_sweep_removes_only_unlocked_groups);
	tcase_add_loop_test(tc, cgroup_concurrent_supervisors_in_pid_namespaces, 0, 2);
	tcase_add_test(tc, cgroup_of_killed_supervisor_is_reaped);
	suite_add_tcase(s, tc);

	tc = tcase_create("environment");
	tcase_add_test(tc, env_secrets_stripped);
	suite_add_tcase(s, tc);

	tc = tcase_create("unprivileged");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, unprivileged_isolated_run, 0, 2);
	tcase_add_test(tc, unprivileged_without_userns_is_a_clear_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("probe");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, probe_reports_host);
	tcase_add_test(tc, probe_only_what_is_asked);
	suite_add_tcase(s, tc);
	return s;
}
