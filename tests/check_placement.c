/*
 * CPU placement (affinity.c, cpuclaim.c): concurrent runs -- sandboxes in
 * threads of one process, or in processes of their own -- are pinned to
 * distinct CPUs while some are free, and not pinned at all once every CPU
 * is claimed; a SIGKILLed supervisor's CPU is free again; claims that
 * cannot be made mean no pinning; sandbox_set_cpus() narrows a run's CPUs.
 *
 * Every test has a /dev/shm of its own (a tmpfs in a private mount
 * namespace), so the claims of whatever else runs on the host at the same
 * time cannot change what it sees. The runs are tests/progs/affinity: it
 * prints the CPUs it may use, then waits for its stdin to close, so all the
 * runs of a test are alive at once for as long as the test wants.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RUNS 8

/* ------------------------------------------------------------ helpers */

static bool write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));
	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text);
}

/* A private mount namespace (in a user namespace of our own when not
 * root) with an empty tmpfs on /dev/shm, read-only when asked. */
static const char *private_shm(bool read_only)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (unshare(CLONE_NEWNS) < 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return "cannot make a mount namespace";
		snprintf(map, sizeof(map), "%d %d 1", (int)uid, (int)uid);
		if (!write_text("/proc/self/setgroups", "deny") ||
		    !write_text("/proc/self/uid_map", map))
			return "cannot map our uid";
		snprintf(map, sizeof(map), "%d %d 1", (int)gid, (int)gid);
		if (!write_text("/proc/self/gid_map", map))
			return "cannot map our gid";
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/dev/shm", "tmpfs",
	          MS_NOSUID | MS_NODEV | (read_only ? MS_RDONLY : 0),
	          "mode=1777") < 0)
		return "cannot mount a tmpfs on /dev/shm";
	return NULL;
}

#define NEED_PRIVATE_SHM(ro)                                               \
	do {                                                               \
		const char *why_ = private_shm(ro);                        \
		if (why_)                                                  \
			tu_skip("%s: %s", why_, strerror(errno));          \
	} while (0)

static void allowed_cpus(cpu_set_t *set)
{
	ck_assert_int_eq(sched_getaffinity(0, sizeof(*set), set), 0);
}

/* "0,2-3" -> set. */
static void parse_list(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*s) {
		char *end;
		long lo = strtol(s, &end, 10), hi = lo;
		ck_assert_msg(end != s, "bad cpu list %s", s);
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long c = lo; c <= hi; c++)
			CPU_SET(c, set);
		s = *end == ',' ? end + 1 : end;
	}
}

static int first_cpu(const cpu_set_t *set, int after)
{
	for (int c = after + 1; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			return c;
	return -1;
}

/* ------------------------------------------------------------ runs */

struct run {
	bool own_process;
	pid_t pid;           /* own_process: the supervisor */
	pthread_t th;
	sandbox_t *sb;       /* in a thread of ours */
	int in_w, out_r;     /* the program's stdin (ours to close), stdout */
	int in_r, out_w;     /* the program's ends */
	int res_r;           /* own_process: "<rc> <result> <cpu>" */
	int rc, result, cpu;
	char cpus[160];      /* what the program printed after "cpus " */
};

/* Runs with ids of their own: a root supervisor's run otherwise needs a
 * claim on a run slot in /dev/shm too (core/identity.c), which a test of
 * claims that cannot be made takes away. */
static bool own_ids;

static sandbox_t *new_sandbox(struct run *r, const char *cpus, int affinity)
{
	const char *argv[] = { tu_prog("affinity"), NULL };
	sandbox_t *sb = sandbox_new(argv);

	if (sb && own_ids && geteuid() == 0 &&
	    sandbox_set_credentials(sb, 65534, 65534, NULL, 0) < 0) {
		sandbox_destroy(sb);
		return NULL;
	}
	if (!sb || sandbox_set_stdio_fd(sb, 0, r->in_r) < 0 ||
	    sandbox_set_stdio_fd(sb, 1, r->out_w) < 0 ||
	    sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS) < 0 ||
	    sandbox_set_affinity(sb, affinity) < 0 ||
	    (cpus && sandbox_set_cpus(sb, cpus) < 0)) {
		sandbox_destroy(sb);
		return NULL;
	}
	return sb;
}

static void execute(struct run *r)
{
	sandbox_stat_t st;

	r->rc = sandbox_execute(r->sb);
	r->result = sandbox_result(r->sb);
	r->cpu = sandbox_get_stat(r->sb, &st, sizeof(st)) == 0 ? st.cpu : -2;
}

static void *run_thread(void *arg)
{
	execute(arg);
	return NULL;
}

/* Start a run; returns once its program has said where it runs. */
static void start(struct run *r, bool own_process, const char *cpus,
                  int affinity)
{
	int in[2], out[2], res[2];

	memset(r, 0, sizeof(*r));
	r->own_process = own_process;
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	r->in_r = in[0];
	r->in_w = in[1];
	r->out_r = out[0];
	r->out_w = out[1];
	r->res_r = -1;
	if (own_process) {
		ck_assert_int_eq(pipe2(res, O_CLOEXEC), 0);
		r->pid = fork();
		ck_assert_int_ge(r->pid, 0);
		if (r->pid == 0) {
			/* Only this run's descriptors: another run's stdin
			 * held open here would never reach its end. */
			for (int fd = 3; fd < 1024; fd++)
				if (fd != r->in_r && fd != r->out_w && fd != res[1])
					close(fd);
			if (!(r->sb = new_sandbox(r, cpus, affinity)))
				_exit(1);
			execute(r);
			dprintf(res[1], "%d %d %d\n", r->rc, r->result, r->cpu);
			_exit(0);
		}
		close(res[1]);
		r->res_r = res[0];
	} else {
		r->sb = new_sandbox(r, cpus, affinity);
		ck_assert_ptr_nonnull(r->sb);
		ck_assert_int_eq(pthread_create(&r->th, NULL, run_thread, r), 0);
	}
	/* The line, or end of file when the run failed to start. */
	char line[160];
	size_t n = 0;
	while (n + 1 < sizeof(line) && read(r->out_r, line + n, 1) == 1 &&
	       line[n] != '\n')
		n++;
	line[n] = '\0';
	ck_assert_msg(strncmp(line, "cpus ", 5) == 0, "program said \"%s\"", line);
	snprintf(r->cpus, sizeof(r->cpus), "%s", line + 5);
}

/* Let the program end; the run must be OK. */
static void finish(struct run *r)
{
	close(r->in_w);
	if (r->own_process) {
		char buf[64] = "";
		ssize_t n = read(r->res_r, buf, sizeof(buf) - 1);
		int st;
		buf[n > 0 ? n : 0] = '\0';
		ck_assert_int_eq(sscanf(buf, "%d %d %d", &r->rc, &r->result, &r->cpu), 3);
		ck_assert_int_eq(waitpid(r->pid, &st, 0), r->pid);
		close(r->res_r);
	} else {
		ck_assert_int_eq(pthread_join(r->th, NULL), 0);
		sandbox_destroy(r->sb);
	}
	close(r->in_r);
	close(r->out_w);
	close(r->out_r);
	ck_assert_msg(r->rc == 0, "sandbox_execute: %s", sandbox_strerror(r->rc));
	ck_assert_result(r->result, S_RESULT_OK);
}

/* The program's CPUs: one, or all of `allowed` (not pinned). */
static int placed_on(const struct run *r, const cpu_set_t *allowed)
{
	cpu_set_t set;
	parse_list(r->cpus, &set);
	if (CPU_COUNT(&set) == 1)
		return first_cpu(&set, -1);
	ck_assert_msg(CPU_EQUAL(&set, allowed),
	              "a run on CPUs %s: neither one CPU nor all it may use", r->cpus);
	return -1;
}

/* ------------------------------------------------------------ tests */

/* n runs at once (_i: 2 or 4 runs; threads or processes): as many pinned
 * runs as there are CPUs (or runs), each on a CPU of its own; the others
 * are not pinned. */
static void distinct(int n, bool own_process)
{
	struct run runs[MAX_RUNS];
	cpu_set_t allowed, used;
	int pinned = 0;

	allowed_cpus(&allowed);
	int ncpu = CPU_COUNT(&allowed);
	if (ncpu < 2)
		tu_skip("one CPU: nothing to place");
	NEED_PRIVATE_SHM(false);
	CPU_ZERO(&used);
	for (int i = 0; i < n; i++)
		start(&runs[i], own_process, NULL, S_AFFINITY_AUTO);
	for (int i = 0; i < n; i++) {
		int c = placed_on(&runs[i], &allowed);
		if (c < 0)
			continue;
		ck_assert_msg(!CPU_ISSET(c, &used), "two runs pinned to CPU %d", c);
		CPU_SET(c, &used);
		pinned++;
	}
	ck_assert_int_eq(pinned, n < ncpu ? n : ncpu);
	for (int i = 0; i < n; i++) {
		int c = placed_on(&runs[i], &allowed);
		finish(&runs[i]);
		ck_assert_int_eq(runs[i].cpu, c);
	}
}

START_TEST(threads_on_distinct_cpus)
{
	distinct(_i == 0 ? 2 : 4, false);
}
END_TEST

START_TEST(processes_on_distinct_cpus)
{
	distinct(_i == 0 ? 2 : 4, true);
}
END_TEST

/* Every CPU taken by a supervisor; one is SIGKILLed: the next run gets
 * its CPU, and the one after that finds none free. */
START_TEST(killed_supervisor_frees_its_cpu)
{
	struct run runs[MAX_RUNS], next, extra;
	cpu_set_t allowed;
	int st;

	allowed_cpus(&allowed);
	int ncpu = CPU_COUNT(&allowed);
	if (ncpu < 2)
		tu_skip("one CPU: nothing to place");
	if (ncpu > MAX_RUNS)
		tu_skip("more CPUs than the test has runs");
	NEED_PRIVATE_SHM(false);
	for (int i = 0; i < ncpu; i++) {
		start(&runs[i], true, NULL, S_AFFINITY_AUTO);
		ck_assert_int_ge(placed_on(&runs[i], &allowed), 0);
	}
	int victim = ncpu / 2, freed = placed_on(&runs[victim], &allowed);
	ck_assert_int_eq(kill(runs[victim].pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(runs[victim].pid, &st, 0), runs[victim].pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	start(&next, true, NULL, S_AFFINITY_AUTO);
	ck_assert_int_eq(placed_on(&next, &allowed), freed);
	start(&extra, false, NULL, S_AFFINITY_AUTO);
	ck_assert_int_eq(placed_on(&extra, &allowed), -1);
	finish(&extra);
	ck_assert_int_eq(extra.cpu, -1);
	finish(&next);
	for (int i = 0; i < ncpu; i++) {
		if (i == victim) {
			int fds[] = { runs[i].in_w, runs[i].in_r, runs[i].out_w,
			              runs[i].out_r, runs[i].res_r };
			for (size_t k = 0; k < sizeof(fds) / sizeof(fds[0]); k++)
				close(fds[k]);
			continue;
		}
		finish(&runs[i]);
	}
}
END_TEST

/* Claims that cannot be made (a read-only /dev/shm) or that others hold:
 * the run is not pinned. */
START_TEST(no_pinning_without_a_free_claim)
{
	struct run r;
	cpu_set_t allowed;

	allowed_cpus(&allowed);
	if (CPU_COUNT(&allowed) < 2)
		tu_skip("one CPU: nothing to place");
	NEED_PRIVATE_SHM(_i == 0);
	own_ids = _i == 0;
	if (_i == 1) {
		/* Somebody else -- here the test -- holds every CPU. */
		for (int c = first_cpu(&allowed, -1); c >= 0; c = first_cpu(&allowed, c)) {
			char path[64];
			snprintf(path, sizeof(path), "/dev/shm/libsandbox-cpu-%d", c);
			int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0444);
			ck_assert_int_ge(fd, 0);
			ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
		}
	}
	start(&r, false, NULL, S_AFFINITY_AUTO);
	ck_assert_int_eq(placed_on(&r, &allowed), -1);
	finish(&r);
	ck_assert_int_eq(r.cpu, -1);
}
END_TEST

/* sandbox_set_cpus(): a run stays within the list, pinned to one of its
 * CPUs (AUTO) or not (NONE); a list without any of our CPUs is an error
 * of the run. */
START_TEST(cpus_narrow_the_run)
{
	struct run r;
	cpu_set_t allowed, got;
	char list[32];

	allowed_cpus(&allowed);
	NEED_PRIVATE_SHM(false);
	int last = -1;
	for (int c = first_cpu(&allowed, -1); c >= 0; c = first_cpu(&allowed, c))
		last = c;
	snprintf(list, sizeof(list), "%d", last);
	start(&r, false, list, S_AFFINITY_AUTO);
	ck_assert_str_eq(r.cpus, list);
	finish(&r);
	ck_assert_int_eq(r.cpu, last);
	/* Not pinned, but kept inside the list. */
	start(&r, false, list, S_AFFINITY_NONE);
	ck_assert_str_eq(r.cpus, list);
	finish(&r);
	ck_assert_int_eq(r.cpu, last);
	if (CPU_COUNT(&allowed) >= 2) {
		int first = first_cpu(&allowed, -1);
		snprintf(list, sizeof(list), "%d,%d", first, last);
		start(&r, false, list, S_AFFINITY_NONE);
		parse_list(r.cpus, &got);
		ck_assert_int_eq(CPU_COUNT(&got), 2);
		ck_assert(CPU_ISSET(first, &got) && CPU_ISSET(last, &got));
		finish(&r);
		ck_assert_int_eq(r.cpu, -1);
		start(&r, false, list, S_AFFINITY_AUTO);
		int c = placed_on(&r, &allowed);
		ck_assert(c == first || c == last);
		finish(&r);
	}
	/* None of ours: the run cannot start. */
	if (!CPU_ISSET(CPU_SETSIZE - 1, &allowed)) {
		sandbox_t *sb = tu_sandbox("hello", NULL);
		snprintf(list, sizeof(list), "%d", CPU_SETSIZE - 1);
		ck_assert_int_eq(sandbox_set_cpus(sb, list), 0);
		ck_assert_int_eq(sandbox_execute(sb), -EINVAL);
		ck_assert_str_eq(sandbox_failed_step(sb), "cpus");
		/* NULL lifts the restriction. */
		ck_assert_int_eq(sandbox_set_cpus(sb, NULL), 0);
		ck_assert_result(tu_run(sb, NULL), S_RESULT_OK);
		sandbox_destroy(sb);
	}
}
END_TEST

static const char *const good_lists[] = { "0", "0-1", "1,0", "0-0,3", "2-5,7,9-9", "1023" };
static const char *const bad_lists[] = { "", "a", "1-", "-1", "3-1", "1,,2", "1,",
	",1", " 1", "1 ", "1024", "0-1024", "99999999999999999999", "1:2", "+1" };

START_TEST(cpus_list_syntax)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	for (size_t i = 0; i < sizeof(good_lists) / sizeof(good_lists[0]); i++)
		ck_assert_msg(sandbox_set_cpus(sb, good_lists[i]) == 0, "\"%s\" refused",
		              good_lists[i]);
	for (size_t i = 0; i < sizeof(bad_lists) / sizeof(bad_lists[0]); i++)
		ck_assert_msg(sandbox_set_cpus(sb, bad_lists[i]) == -EINVAL,
		              "\"%s\" accepted", bad_lists[i]);
	ck_assert_int_eq(sandbox_set_cpus(NULL, "0"), -EINVAL);
	sandbox_destroy(sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("placement");
	TCase *tc;

	tc = tcase_create("concurrent");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, threads_on_distinct_cpus, 0, 2);
	tcase_add_loop_test(tc, processes_on_distinct_cpus, 0, 2);
	tcase_add_test(tc, killed_supervisor_frees_its_cpu);
	tcase_add_loop_test(tc, no_pinning_without_a_free_claim, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("cpus");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, cpus_narrow_the_run);
	tcase_add_test(tc, cpus_list_syntax);
	suite_add_tcase(s, tc);
	return s;
}
