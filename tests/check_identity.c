/*
 * A private identity per run (core/identity.c, util/claims.c): a root
 * supervisor runs the program as a run slot's uid/gid, unique on the host
 * while its sandbox lives, never as root; concurrent runs cannot see each
 * other's /proc entries nor the judge's; a slot that is taken is refused,
 * all slots taken is an error, a killed supervisor's slot is free again
 * and what its program left running is killed; links planted by one run
 * in a shared directory give the next run (another slot) nothing. Each
 * case runs in both modes where the mode matters.
 *
 * The claims go through the host's /run/libsandbox, like real runs: the
 * suite uses its own range of slots (FIRST_ID), out of the way of the
 * default one other suites use.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIRST_ID 67000u
#define NSLOTS 64u

static const int modes[] = { S_MODE_FAST, S_MODE_CLASSIC };

static bool is_root(void)
{
	return geteuid() == 0;
}

#define NEED_ROOT()                                                        \
	do {                                                               \
		if (!is_root())                                            \
			tu_skip("a run slot needs a root supervisor");     \
	} while (0)

/* A sandbox running `peer ARGS...` in the suite's range of slots. */
static sandbox_t *peer(int mode, const char *a1, const char *a2,
                       const char *a3)
{
	sandbox_t *sb = tu_sandbox("peer", a1, a2, a3, NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_box_ids(sb, FIRST_ID, FIRST_ID, NSLOTS), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	return sb;
}

/* Run to the end (OK); what the program printed (fresh string). */
static char *run_out(sandbox_t *sb, sandbox_stat_t *st)
{
	int verdict;
	char *text = tu_run_stdout(sb, &verdict, st);
	ck_assert_result(verdict, S_RESULT_OK);
	return text;
}

/* Hold the claim of uid `uid` as another supervisor would. */
static int hold_uid(unsigned uid)
{
	char path[64];
	snprintf(path, sizeof(path), "/run/libsandbox/uid-%u", uid);
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	return fd;
}

/* ------------------------------------------------------------ slots */

/* The program runs as the slot's ids, not root's, with no supplementary
 * group; the figures say so. */
START_TEST(runs_as_its_slot)
{
	sandbox_stat_t st;
	char want[128];

	NEED_ROOT();
	sandbox_t *sb = peer(modes[_i], "ids", NULL, NULL);
	char *out = run_out(sb, &st);
	ck_assert_int_ge(st.box_id, 0);
	ck_assert_int_lt(st.box_id, (int)NSLOTS);
	ck_assert_int_eq(st.uid, FIRST_ID + (unsigned)st.box_id);
	ck_assert_int_eq(st.gid, FIRST_ID + (unsigned)st.box_id);
	snprintf(want, sizeof(want), "uid %lld gid %lld groups 0\n",
	         (long long)st.uid, (long long)st.gid);
	ck_assert_msg(strcmp(out, want) == 0, "program said %s, expected %s",
	              out, want);
	free(out);
	sandbox_destroy(sb);
}
END_TEST

/* A slot whose uid or gid has a name is somebody's: refused (-EUSERS,
 * step "box") before anything runs -- 0.5 ran the program as nobody and
 * its kill(-1) killed nobody's processes. The default range has no name
 * on a test host (else every default run would be refused). */
START_TEST(named_slots_are_refused)
{
	NEED_ROOT();
	for (unsigned id = SANDBOX_BOX_FIRST_UID;
	     id < SANDBOX_BOX_FIRST_UID + SANDBOX_BOX_COUNT; id++) {
		ck_assert_msg(!getpwuid(id) && !getgrgid(id), "id %u has a name "
		              "on this host: the default run slots are not free", id);
	}
	struct passwd *pw = getpwuid(65534);
	if (!pw)
		tu_skip("no user 65534 on this host");
	for (int i = 0; i < 2; i++) { /* the second: the cached answer */
		sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
		ck_assert_int_eq(sandbox_set_box_ids(sb, 65534, FIRST_ID, 1), 0);
		ck_assert_int_eq(sandbox_execute(sb), -EUSERS);
		ck_assert_str_eq(sandbox_failed_step(sb), "box");
		ck_assert_ptr_nonnull(strstr(sandbox_failed_message(sb),
		                             "has a name"));
		sandbox_destroy(sb);
	}
	/* A named gid alone is refused too. */
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, FIRST_ID, pw->pw_gid, 1), 0);
	ck_assert_int_eq(sandbox_execute(sb), -EUSERS);
	sandbox_destroy(sb);
}
END_TEST

/* Root of a rootless container: a user namespace mapping only 0..65535.
 * The default slots are not mapped: -ERANGE, step "box" (0.5 failed with
 * EINVAL at setresuid, naming nothing); slots it maps run. */
static int in_small_userns(void)
{
	sandbox_stat_t st;
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, SANDBOX_BOX_FIRST_UID,
	                                     SANDBOX_BOX_FIRST_GID,
	                                     SANDBOX_BOX_COUNT), 0);
	int rc = sandbox_execute(sb);
	ck_assert_msg(rc == -ERANGE, "unmapped slots: %d (%s), step %s", rc,
	              strerror(-rc), sandbox_failed_step(sb));
	ck_assert_str_eq(sandbox_failed_step(sb), "box");
	sandbox_destroy(sb);
	sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, 60100, 60100, 8), 0);
	char *out = run_out(sb, &st);
	ck_assert_int_ge(st.uid, 60100);
	ck_assert_int_lt(st.uid, 60108);
	free(out);
	sandbox_destroy(sb);
	return 0;
}

static void write_map(pid_t pid, const char *file, const char *map)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	tu_write_file(path, map);
}

START_TEST(rootless_container_slots)
{
	int go[2], done[2];

	NEED_ROOT();
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(done), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;
		close(go[1]);
		close(done[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			_exit(77);
		(void)!write(done[1], "u", 1);
		if (read(go[0], &c, 1) != 1 || setresgid(0, 0, 0) ||
		    setresuid(0, 0, 0))
			_exit(3);
		/* The container's own /run, where its claims live (the host's
		 * /run/libsandbox is not its root's). */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") < 0)
			_exit(4);
		_exit(in_small_userns());
	}
	char c;
	close(go[0]);
	close(done[1]);
	if (read(done[0], &c, 1) != 1) {
		int status;
		waitpid(pid, &status, 0);
		tu_skip("no user namespace here");
	}
	write_map(pid, "uid_map", "0 200000 65536");
	write_map(pid, "gid_map", "0 200000 65536");
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "in the user namespace: status %#x", status);
}
END_TEST

/* sandbox_set_credentials() replaces the slot: the caller's choice. */
START_TEST(credentials_replace_the_slot)
{
	sandbox_stat_t st;

	NEED_ROOT();
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_credentials(sb, 65534, 65534, NULL, 0), 0);
	char *out = run_out(sb, &st);
	ck_assert_str_eq(out, "uid 65534 gid 65534 groups 0\n");
	ck_assert_int_eq(st.box_id, -1);
	ck_assert_int_eq(st.uid, 65534);
	free(out);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ bounding set */

/* A copy of peer that gets CAP_DAC_OVERRIDE and CAP_NET_RAW, permitted
 * and effective, from its file capabilities (security.capability), or
 * NULL when this file system keeps none. */
static char *file_cap_peer(void)
{
	char *path = tu_tmpfile("peer-filecap");
	char *text = NULL;
	struct vfs_cap_data cap = {
		.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE,
		.data = { { .permitted = 1u << CAP_DAC_OVERRIDE |
		                         1u << CAP_NET_RAW } },
	};
	int in = open(tu_prog("peer"), O_RDONLY | O_CLOEXEC);
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	char buf[65536];
	ssize_t n;

	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
	ck_assert_int_eq(chmod(path, 0755), 0);
	if (setxattr(path, "security.capability", &cap, sizeof(cap), 0) < 0) {
		tu_note("no file capabilities on %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	/* Natively, nobody running it gets them: the copy works. */
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(p[1], 1);
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(3);
		execl(path, path, "caps", (char *)NULL);
		_exit(4);
	}
	close(p[1]);
	memset(buf, 0, sizeof(buf));
	size_t got = 0;
	while (got < sizeof(buf) - 1 &&
	       (n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(p[0]);
	waitpid(pid, NULL, 0);
	text = strstr(buf, "prm 0000000000002002 eff 0000000000002002");
	ck_assert_msg(text != NULL, "natively, nobody running %s got: %s", path,
	              buf);
	return path;
}

/* The value after `key ` in a caps line, as a number. */
static unsigned long long caps_field(const char *line, const char *key)
{
	char k[16];
	snprintf(k, sizeof(k), "%s ", key);
	const char *p = strstr(line, k);
	ck_assert_msg(p != NULL, "no %s in %s", key, line);
	return strtoull(p + strlen(k), NULL, 16);
}

/* peer caps FILECAP as the run `sb` is set (execve allowed, and the read
 * of /proc/self/status): peer's line, then the file-capability copy's --
 * or "exec 1" when `refused`: the kernel refuses (EPERM) to run a binary
 * whose file capabilities are marked effective when the bounding set
 * takes them all away. Each line checked for no capability at all,
 * no_new_privs and uid `uid` (-1: any but 0); the bounding sets into
 * bnd[2] (bnd[1] 0 when refused). */
static void run_caps(sandbox_t *sb, const char *filecap, int uid,
                     bool refused, unsigned long long bnd[2])
{
	char err[256];
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	sandbox_stat_t st;

	static const char text[] = "files unconfined\nexecve allow\n";

	ck_assert_int_eq(sandbox_policy_add_text(p, text, strlen(text), "t",
	                                         err, sizeof(err)), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	char *out = run_out(sb, &st);
	char *second = strchr(out, '\n');
	ck_assert_msg(second && second[1], "%s: one line only: %s", filecap, out);
	*second++ = '\0';
	const char *line[2] = { out, second };
	bnd[1] = 0;
	if (refused)
		ck_assert_msg(strcmp(second, "exec 1\n") == 0, "%s ran: %s",
		              filecap, second);
	for (int i = 0; i < (refused ? 1 : 2); i++) {
		ck_assert_msg(caps_field(line[i], "prm") == 0 &&
		              caps_field(line[i], "eff") == 0 &&
		              caps_field(line[i], "inh") == 0 &&
		              caps_field(line[i], "amb") == 0 &&
		              caps_field(line[i], "nnp") == 1,
		              "line %d: %s", i, line[i]);
		int u = (int)strtol(strstr(line[i], "uid ") + 4, NULL, 10);
		ck_assert_msg(uid < 0 ? u > 0 : u == uid, "line %d: %s, expected "
		              "uid %s", i, line[i], uid < 0 ? "> 0" : "0");
		bnd[i] = caps_field(line[i], "bnd");
	}
	free(out);
}

/* Lead decision 2: the bounding set is emptied unless that is provably
 * redundant -- a run slot's program runs with a non-zero uid, no
 * capability and no_new_privs, so no exec can gain one (a binary with file
 * capabilities runs with none: checked), and the drop, one credential
 * commit per capability, is skipped. A program left at uid 0 keeps the
 * drop (and the same binary is refused, EPERM, as before). */
START_TEST(bounding_set_dropped_where_it_counts)
{
	unsigned long long bnd[2];

	NEED_ROOT();
	char *filecap = file_cap_peer();
	if (!filecap)
		return;
	sandbox_t *sb = peer(modes[_i], "caps", filecap, NULL);
	run_caps(sb, filecap, -1, false, bnd);
	sandbox_destroy(sb);
	ck_assert_msg(bnd[0] != 0 && bnd[1] == bnd[0],
	              "a slot's run: bounding set %llx, %llx after exec "
	              "(expected left as it was)", bnd[0], bnd[1]);

	sb = peer(modes[_i], "caps", filecap, NULL);
	ck_assert_int_eq(sandbox_set_credentials(sb, 0, 0, NULL, 0), 0);
	run_caps(sb, filecap, 0, true, bnd);
	sandbox_destroy(sb);
	ck_assert_msg(bnd[0] == 0, "a uid 0 run: bounding set %llx (expected "
	              "empty)", bnd[0]);
	free(filecap);
}
END_TEST

/* A root supervisor holding an ambient capability (and so an inheritable
 * one), running a program at uid 0: the program holds no capability at
 * all -- the child clears every set, and its shortcut for a child that
 * holds none (core/child.c, drop_capabilities) does not fire here. The
 * bounding set alone would not do: an ambient capability passes the exec
 * whatever it says. */
static int ambient_run(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	char err[256];
	static const char text[] = "files unconfined\n";
	int verdict;
	sandbox_stat_t st;

	if (syscall(SYS_capget, &h, d) < 0)
		return 2;
	d[0].inheritable |= 1u << CAP_NET_RAW;
	if (syscall(SYS_capset, &h, d) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) < 0)
		return 3;
	sandbox_t *sb = tu_sandbox("peer", "caps", NULL);
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	if (sandbox_policy_add_text(p, text, strlen(text), "t", err,
	                            sizeof(err)) < 0 ||
	    sandbox_set_policy(sb, p) < 0 ||
	    sandbox_set_credentials(sb, 0, 0, NULL, 0) < 0 ||
	    sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS) < 0)
		return 4;
	sandbox_policy_unref(p);
	char *out = tu_run_stdout(sb, &verdict, &st);
	if (verdict != S_RESULT_OK || !out ||
	    !strstr(out, "prm 0000000000000000 eff 0000000000000000 "
	                 "inh 0000000000000000 amb 0000000000000000 nnp 1 uid 0")) {
		fprintf(stderr, "verdict %s, peer: %s\n",
		        sandbox_result_name(verdict), out ? out : "(none)");
		return 1;
	}
	free(out);
	sandbox_destroy(sb);
	return 0;
}

START_TEST(ambient_capability_cleared)
{
	int status;

	NEED_ROOT();
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(ambient_run());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "the run with an ambient capability: status 0x%x", status);
}
END_TEST

/* A slot belongs to its sandbox: kept from run to run; another sandbox
 * alive meanwhile gets another one; an explicit slot another holds is
 * refused (-EBUSY, step "box"), and so is a run when every slot is
 * taken; once released, it is free again. */
START_TEST(slots_are_exclusive)
{
	sandbox_stat_t st, st2;

	NEED_ROOT();
	sandbox_t *a = peer(S_MODE_FAST, "ids", NULL, NULL);
	sandbox_t *b = peer(S_MODE_FAST, "ids", NULL, NULL);
	free(run_out(a, &st));
	ck_assert_int_eq(sandbox_reset(a), 0);
	free(run_out(a, &st2));
	ck_assert_int_eq(st2.box_id, st.box_id);
	free(run_out(b, &st2));
	ck_assert_int_ne(st2.box_id, st.box_id);

	/* b asks for a's slot. */
	ck_assert_int_eq(sandbox_reset(b), 0);
	ck_assert_int_eq(sandbox_set_box_id(b, st.box_id), 0);
	ck_assert_int_eq(sandbox_execute(b), -EBUSY);
	ck_assert_str_eq(sandbox_failed_step(b), "box");
	ck_assert_int_eq(sandbox_result(b), S_RESULT_PD);
	/* Another process holding it counts the same. */
	sandbox_destroy(a);
	int fd = hold_uid(FIRST_ID + (unsigned)st.box_id);
	ck_assert_int_eq(sandbox_execute(b), -EBUSY);
	close(fd);
	free(run_out(b, &st2));
	ck_assert_int_eq(st2.box_id, st.box_id);
	sandbox_destroy(b);

	/* A range of two slots, both held elsewhere. */
	a = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(a, FIRST_ID + NSLOTS, FIRST_ID + NSLOTS, 2), 0);
	int f0 = hold_uid(FIRST_ID + NSLOTS), f1 = hold_uid(FIRST_ID + NSLOTS + 1);
	ck_assert_int_eq(sandbox_execute(a), -EBUSY);
	ck_assert_str_eq(sandbox_failed_step(a), "box");
	close(f1);
	free(run_out(a, &st));
	ck_assert_int_eq(st.box_id, 1);
	close(f0);
	sandbox_destroy(a);
}
END_TEST

/* A supervisor short of descriptors is told that, not that a lock file
 * is wrong (review-stop24 D3): an EMFILE at the claim's open was named
 * "not a lock file of root's ... (remove it)", advice that, followed
 * while another run holds the lock, puts two runs under one uid. Every
 * limit from the descriptors already open up: the run either starts or
 * fails for want of descriptors, never with EEXIST. */
START_TEST(short_of_descriptors_is_named)
{
	struct rlimit old;
	int shortages = 0;

	NEED_ROOT();
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	for (unsigned extra = 0; extra < 24; extra++) {
		sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
		int lowest = dup(0);
		ck_assert_int_ge(lowest, 0);
		close(lowest);
		struct rlimit lim = { (rlim_t)lowest + extra, old.rlim_max };
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
		int rc = sandbox_execute(sb);
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
		const char *msg = sandbox_failed_message(sb);
		ck_assert_msg(rc != -EEXIST && !(msg && strstr(msg, "remove it")),
		              "limit %u: %d %s", (unsigned)lim.rlim_cur, rc,
		              msg ? msg : "");
		if (rc == -EMFILE || rc == -ENFILE)
			shortages++;
		sandbox_destroy(sb);
	}
	ck_assert_int_gt(shortages, 0);
}
END_TEST

/* What another local user can do to the claims changes nothing: nobody
 * makes a directory at a slot's name in /dev/shm and holds a flock on
 * another's lock file there (where the claims used to be: the automatic
 * choice failed with EINVAL, the flocked slot was EBUSY for every root
 * run). In the root-only directory a path that is no lock file is
 * skipped like a busy slot, and named when no slot is left. */
START_TEST(unusable_lock_files_are_skipped)
{
	const unsigned base = FIRST_ID + 200;
	char dir0[64], file1[64], run0[64];
	int go[2], done[2];
	sandbox_stat_t st;
	char c;

	NEED_ROOT();
	snprintf(dir0, sizeof(dir0), "/dev/shm/libsandbox-uid-%u", base);
	snprintf(file1, sizeof(file1), "/dev/shm/libsandbox-uid-%u", base + 1);
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(done, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(go[0]);
		close(done[1]);
		if (syscall(SYS_setresgid, 65534, 65534, 65534) < 0 ||
		    syscall(SYS_setresuid, 65534, 65534, 65534) < 0)
			_exit(1);
		if (mkdir(dir0, 0755) < 0 && errno != EEXIST)
			_exit(2);
		int fd = open(file1, O_RDONLY | O_CREAT, 0444);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			_exit(3);
		if (write(go[1], "x", 1) != 1)
			_exit(4);
		(void)!read(done[0], &c, 1); /* until the test is done */
		_exit(0);
	}
	close(go[1]);
	close(done[0]);
	ck_assert_msg(read(go[0], &c, 1) == 1, "nobody could not plant");
	close(go[0]);

	/* Both slots of the range are spoiled there: neither counts. */
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, base, base, 2), 0);
	free(run_out(sb, &st));
	ck_assert_int_eq(st.box_id, 0);
	sandbox_destroy(sb);
	sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, base, base, 2), 0);
	ck_assert_int_eq(sandbox_set_box_id(sb, 1), 0);
	free(run_out(sb, &st));
	ck_assert_int_eq(st.box_id, 1);
	sandbox_destroy(sb);
	close(done[1]);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	rmdir(dir0);
	unlink(file1);

	/* Root's own directory: a directory at slot 0's name. */
	snprintf(run0, sizeof(run0), "/run/libsandbox/uid-%u", base);
	unlink(run0);
	rmdir(run0); /* a failed earlier run's */
	ck_assert_int_eq(mkdir(run0, 0700), 0);
	sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, base, base, 3), 0);
	free(run_out(sb, &st));
	ck_assert_int_eq(st.box_id, 1);
	sandbox_destroy(sb);
	/* A slot skipped on the way leaves no message to a later step's
	 * failure (it named the skipped slot's path). */
	sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, base, base, 3), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, "/nonexistent-dir-24"), 0);
	ck_assert_int_lt(sandbox_execute(sb), 0);
	ck_assert_str_ne(sandbox_failed_step(sb), "box");
	const char *later = sandbox_failed_message(sb);
	ck_assert_msg(!later || !strstr(later, run0), "message: %s", later);
	sandbox_destroy(sb);
	/* Asked for, or the only slot: refused, the path named. */
	for (int i = 0; i < 2; i++) {
		sb = peer(S_MODE_FAST, "ids", NULL, NULL);
		ck_assert_int_eq(sandbox_set_box_ids(sb, base, base, i ? 1 : 3), 0);
		if (!i)
			ck_assert_int_eq(sandbox_set_box_id(sb, 0), 0);
		ck_assert_int_eq(sandbox_execute(sb), -EEXIST);
		ck_assert_str_eq(sandbox_failed_step(sb), "box");
		const char *m = sandbox_failed_message(sb);
		ck_assert_msg(m && strstr(m, run0), "message: %s", m ? m : "(none)");
		sandbox_destroy(sb);
	}
	ck_assert_int_eq(rmdir(run0), 0);
}
END_TEST

/* A slot an older supervisor holds (its lock in /dev/shm) is taken only
 * when no other is free; ours is visible to it. */
START_TEST(older_supervisors_slots_are_avoided)
{
	const unsigned base = FIRST_ID + 210;
	char path[64];
	sandbox_stat_t st;

	NEED_ROOT();
	snprintf(path, sizeof(path), "/dev/shm/libsandbox-uid-%u", base);
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0444);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, base, base, 2), 0);
	free(run_out(sb, &st));
	ck_assert_int_eq(st.box_id, 1);
	snprintf(path, sizeof(path), "/dev/shm/libsandbox-uid-%u", base + 1);
	int other = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(other, 0);
	ck_assert_int_ne(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	sandbox_destroy(sb);
	close(fd);
}
END_TEST

/* A claims directory others may write is refused (nobody must plant or
 * hold a slot's lock file), the directory named. In a mount namespace of
 * its own with a tmpfs on /run: the host's claims are not touched. */
static int open_claims_dir_run(void)
{
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("t", "/run", "tmpfs", 0, "mode=0755") < 0)
		return 10;
	if (mkdir("/run/libsandbox", 0777) < 0 || chmod("/run/libsandbox", 0777) < 0)
		return 11;
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	int rc = sandbox_execute(sb);
	const char *m = sandbox_failed_message(sb);
	int ret = rc != -EPERM ? 12
	        : !m || !strstr(m, "/run/libsandbox") ? 13 : 0;
	sandbox_destroy(sb);
	return ret;
}

START_TEST(open_claims_directory_refused)
{
	int status;

	NEED_ROOT();
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(open_claims_dir_run());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "step %d failed (10: namespace, 11: directory, 12: run "
	              "not refused with EPERM, 13: message)", WEXITSTATUS(status));
}
END_TEST

START_TEST(box_id_range_checked)
{
	sandbox_t *sb = tu_sandbox("hello", NULL);
	ck_assert_int_eq(sandbox_set_box_id(sb, -2), -EINVAL);
	ck_assert_int_eq(sandbox_set_box_id(sb, SANDBOX_BOX_COUNT), -EINVAL);
	ck_assert_int_eq(sandbox_set_box_id(sb, 5), 0);
	ck_assert_int_eq(sandbox_set_box_ids(sb, 0, 1000, 10), -EINVAL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, 1000, 0, 10), -EINVAL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, 1000, 1000, 0), -EINVAL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, 1000, 1000, 5), -EINVAL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, 0xfffffff0u, 1000, 100), -EINVAL);
	ck_assert_int_eq(sandbox_set_box_ids(sb, 1000, 1000, 6), 0);
	ck_assert_int_eq(sandbox_set_box_id(sb, 6), -EINVAL);
	ck_assert_int_eq(sandbox_set_box_id(sb, -1), 0);
	sandbox_destroy(sb);
}
END_TEST

/* A C or C++ program that looks its user up: a slot's uid has no name,
 * and glibc's way to "no such user" (nscd's unix socket, nss-systemd's
 * probe of the bounding set) is not a forbidden call under the judge
 * policies (it was RF at socket, then at prctl(PR_CAPBSET_READ)). */
START_TEST(user_lookup_of_a_slot)
{
	static const char *const policies[] = { "default", "threads" };
	sandbox_stat_t st;

	NEED_ROOT();
	for (size_t i = 0; i < 2; i++) {
		sandbox_t *sb = tu_sandbox("whoami", NULL);
		sandbox_policy_t *p = sandbox_policy_builtin(policies[i]);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
		sandbox_policy_unref(p);
		ck_assert_int_eq(sandbox_set_mode(sb, modes[_i]), 0);
		ck_assert_int_eq(sandbox_set_box_ids(sb, FIRST_ID, FIRST_ID, NSLOTS), 0);
		ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
		int verdict;
		char name[64] = "-";
		char *out = tu_run_stdout(sb, &verdict, &st);
		if (st.has_syscall)
			sandbox_syscall_name(st.syscall.abi, st.syscall.nr, name,
			                     sizeof(name));
		ck_assert_msg(verdict == S_RESULT_OK, "%s: %s at %s", policies[i],
		              sandbox_result_name(verdict), name);
		ck_assert_int_ge(st.box_id, 0);
		ck_assert_str_eq(out, "no name\n");
		free(out);
		sandbox_destroy(sb);
	}
}
END_TEST

/* One run of slot `n` (explicit) in a process of its own, so that the
 * next one does not share its answers: the execute's return, as an exit
 * status (0 OK, 1 -EUSERS, 2 anything else). */
static int slot_run_elsewhere(unsigned n, const char *over, const char *with)
{
	pid_t pid = fork();
	int status;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* A private view of the database file: the host's stays. */
		if (over && (unshare(CLONE_NEWNS) < 0 ||
		             mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		             mount(with, over, NULL, MS_BIND, NULL) < 0))
			_exit(3);
		sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
		if (sandbox_set_box_id(sb, (int)n) < 0)
			_exit(4);
		int rc = sandbox_execute(sb);
		_exit(rc == 0 && sandbox_result(sb) == S_RESULT_OK ? 0
		      : rc == -EUSERS ? 1 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "status %#x", status);
	return WEXITSTATUS(status);
}

/* The answer "no name" outlives the process that looked it up (the
 * slot's lock file keeps it for the next supervisor: a judge starting
 * sandbox-run per test pays the database once), but a user or group
 * added to /etc/passwd or /etc/group after it is seen by the very next
 * run: refused, -EUSERS. */
START_TEST(a_name_added_later_is_seen_at_the_next_run)
{
	static const char *const dbs[] = { "/etc/passwd", "/etc/group" };

	NEED_ROOT();
	for (int i = 0; i < 2; i++) {
		unsigned n = NSLOTS - 1 - (unsigned)i, id = FIRST_ID + n;
		char line[128], name[32];
		snprintf(name, sizeof(name), "db%d", i);
		char *path = tu_tmpfile(name), *old = tu_slurp(dbs[i]);
		ck_assert_ptr_nonnull(old);
		/* No name yet: OK, and the answer is kept. */
		ck_assert_int_eq(slot_run_elsewhere(n, NULL, NULL), 0);
		if (i == 0)
			snprintf(line, sizeof(line), "sbslot:x:%u:%u::/nonexistent:"
			         "/usr/sbin/nologin\n", id, id);
		else
			snprintf(line, sizeof(line), "sbslot:x:%u:\n", id);
		char *now = malloc(strlen(old) + strlen(line) + 2);
		ck_assert_ptr_nonnull(now);
		sprintf(now, "%s%s%s", old, old[0] && old[strlen(old) - 1] != '\n'
		        ? "\n" : "", line);
		tu_write_file(path, now);
		ck_assert_msg(slot_run_elsewhere(n, dbs[i], path) == 1,
		              "slot %u: a %s entry added after the first run was "
		              "not seen", n, dbs[i]);
		/* And without it, no name again. */
		ck_assert_int_eq(slot_run_elsewhere(n, NULL, NULL), 0);
		unlink(path);
		free(path);
		free(old);
		free(now);
	}
}
END_TEST

/* A slot's lock file that may only be read (immutable here; a read-only
 * /run alike) is still a lock: the run takes it and goes on, keeping no
 * answer in it. */
START_TEST(read_only_lock_file_is_still_a_lock)
{
	const unsigned n = NSLOTS - 3;
	char path[64];
	sandbox_stat_t st;
	int flags = FS_IMMUTABLE_FL;

	NEED_ROOT();
	snprintf(path, sizeof(path), "/run/libsandbox/uid-%u", FIRST_ID + n);
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0) {
		close(fd);
		tu_skip("no immutable files on /run here");
	}
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_id(sb, (int)n), 0);
	int verdict;
	char *out = tu_run_stdout(sb, &verdict, &st);
	flags = 0;
	ck_assert_int_eq(ioctl(fd, FS_IOC_SETFLAGS, &flags), 0);
	close(fd);
	ck_assert_msg(verdict == S_RESULT_OK && st.box_id == (int)n,
	              "%s: verdict %s, slot %d: %s", path,
	              sandbox_result_name(verdict), st.box_id,
	              sandbox_failed_message(sb) ? sandbox_failed_message(sb) : "");
	free(out);
	sandbox_destroy(sb);
}
END_TEST

/* ------------------------------------------------------------ live runs */

/* One run alive in a thread: `peer wait`, its pid as it said it. */
struct live {
	sandbox_t *sb;
	pthread_t th;
	int in_w, out_r;
	int rc;
	pid_t pid;
};

static void *live_main(void *arg)
{
	struct live *l = arg;
	l->rc = sandbox_execute(l->sb);
	return NULL;
}

static void live_start(struct live *l, int mode)
{
	int in[2], out[2];
	char line[64];
	size_t n = 0;

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	l->sb = peer(mode, "wait", NULL, NULL);
	ck_assert_int_eq(sandbox_set_stdio_fd(l->sb, 0, in[0]), 0);
	ck_assert_int_eq(sandbox_set_stdio_fd(l->sb, 1, out[1]), 0);
	l->in_w = in[1];
	l->out_r = out[0];
	ck_assert_int_eq(pthread_create(&l->th, NULL, live_main, l), 0);
	while (n + 1 < sizeof(line) && read(l->out_r, line + n, 1) == 1 &&
	       line[n] != '\n')
		n++;
	line[n] = '\0';
	/* The run has its own copies now (it printed). */
	close(in[0]);
	close(out[1]);
	ck_assert_msg(sscanf(line, "pid %d", &l->pid) == 1, "program said \"%s\"",
	              line);
}

static void live_finish(struct live *l)
{
	close(l->in_w);
	pthread_join(l->th, NULL);
	close(l->out_r);
	ck_assert_int_eq(l->rc, 0);
	ck_assert_result(sandbox_result(l->sb), S_RESULT_OK);
	sandbox_destroy(l->sb);
}

/* What `peer peek PID` said: every entry that gives a process away must
 * be refused. */
static void assert_nothing_seen(const char *out, const char *whose)
{
	static const char *const hidden[] = { "environ", "fd0", "cwd", "mem" };

	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		char ok[32];
		snprintf(ok, sizeof(ok), "%s ok\n", hidden[i]);
		ck_assert_msg(strstr(out, ok) == NULL, "%s's %s was readable:\n%s",
		              whose, hidden[i], out);
		ck_assert_msg(strstr(out, hidden[i]) != NULL, "no %s line:\n%s",
		              hidden[i], out);
	}
}

/* Two runs at once, one peeking at the other: nothing. */
START_TEST(concurrent_runs_see_nothing_of_each_other)
{
	struct live a;
	sandbox_stat_t st;
	char pid[16];

	NEED_ROOT();
	live_start(&a, modes[_i]);
	snprintf(pid, sizeof(pid), "%d", (int)a.pid);
	sandbox_t *b = peer(modes[_i], "peek", pid, NULL);
	char *out = run_out(b, &st);
	assert_nothing_seen(out, "the other run");
	free(out);
	sandbox_destroy(b);
	live_finish(&a);
}
END_TEST

/* A 0600 file of the judge in a directory closed to others: its size is
 * not learnt. */
START_TEST(stat_of_a_closed_file)
{
	sandbox_stat_t st;
	char dir[256], file[300];

	NEED_ROOT();
	snprintf(dir, sizeof(dir), "%s/answers", tu_tmpdir());
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(file, sizeof(file), "%s/1.ans", dir);
	tu_write_file(file, "42 is the answer\n");
	ck_assert_int_eq(chmod(file, 0600), 0);
	sandbox_t *sb = peer(modes[_i], "stat", file, NULL);
	char *out = run_out(sb, &st);
	ck_assert_msg(strcmp(out, "stat 13\n") == 0, "stat of %s: %s", file, out);
	free(out);
	sandbox_destroy(sb);
}
END_TEST

/* A shared work directory (sticky, writable by all, as /tmp): a run of
 * slot 1 left a link to a secret of the judge there (made here as that
 * slot's uid: under Landlock the default policy cannot even make links);
 * run 2, in another slot, gets nothing through it, and the secret stays
 * as it was. */
START_TEST(planted_links_give_the_next_run_nothing)
{
	sandbox_stat_t st;
	char shared[256], secret[256], link[300];

	NEED_ROOT();
	snprintf(shared, sizeof(shared), "%s/shared%d", tu_tmpdir(), _i);
	tu_mkdir_shared(shared);
	ck_assert_int_eq(chmod(shared, 01777), 0);
	snprintf(secret, sizeof(secret), "%s/secret%d", tu_tmpdir(), _i);
	tu_write_file(secret, "the answers\n");
	ck_assert_int_eq(chmod(secret, 0600), 0);
	snprintf(link, sizeof(link), "%s/data", shared);

	pid_t planter = fork();
	ck_assert_int_ge(planter, 0);
	if (planter == 0) {
		if (syscall(SYS_setresgid, FIRST_ID + 1, FIRST_ID + 1, FIRST_ID + 1) ||
		    syscall(SYS_setresuid, FIRST_ID + 1, FIRST_ID + 1, FIRST_ID + 1) ||
		    symlink(secret, link) < 0)
			_exit(1);
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(planter, &status, 0), planter);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "the link could not be planted");

	const char *const verbs[] = { "read", "write" };
	for (int v = 0; v < 2; v++) {
		sandbox_t *two = peer(modes[_i], verbs[v], "data", NULL);
		ck_assert_int_eq(sandbox_set_workdir(two, shared), 0);
		ck_assert_int_eq(sandbox_set_box_id(two, 2), 0);
		char *out = run_out(two, &st);
		ck_assert_msg(strncmp(out, verbs[v], strlen(verbs[v])) == 0 &&
		              strstr(out, " 13\n") != NULL,
		              "run 2 %s through %s: %s", verbs[v], link, out);
		free(out);
		sandbox_destroy(two);
	}
	char *text = tu_slurp(secret);
	ck_assert_str_eq(text, "the answers\n");
	free(text);
}
END_TEST

/* ------------------------------------------------------------ leftovers */

/* A process left running as a slot's uid (a supervisor that died before
 * its program's children): the slot's next run kills it before exec. */
START_TEST(leftovers_of_a_slot_are_killed)
{
	sandbox_stat_t st;
	int go[2];
	char c;

	NEED_ROOT();
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	pid_t left = fork();
	ck_assert_int_ge(left, 0);
	if (left == 0) {
		if (syscall(SYS_setresgid, FIRST_ID + 3, FIRST_ID + 3, FIRST_ID + 3) ||
		    syscall(SYS_setresuid, FIRST_ID + 3, FIRST_ID + 3, FIRST_ID + 3))
			_exit(1);
		close(go[0]);
		if (write(go[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(go[1]);
	ck_assert_int_eq(read(go[0], &c, 1), 1);
	close(go[0]);
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_id(sb, 3), 0);
	free(run_out(sb, &st));
	int status;
	/* Killed by the run (SIGKILL sent before exec; the process dies
	 * when it is next scheduled, which a loaded host may delay): a
	 * process the run did not kill keeps waitpid waiting until the
	 * test's timeout. */
	ck_assert_int_eq(waitpid(left, &status, 0), left);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	sandbox_destroy(sb);
}
END_TEST

/* The kernel clears the death signal when the ids change: the program
 * of a slot (or of given credentials) must still die with its supervisor,
 * also one killed before it could set PTRACE_O_EXITKILL. */
START_TEST(death_signal_survives_the_id_change)
{
	sandbox_stat_t st;

	NEED_ROOT();
	sandbox_t *sb = peer(S_MODE_FAST, "pdeathsig", NULL, NULL);
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, "prctl",
	                                              S_DISP_ALLOW, 0, NULL, 0), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	if (_i == 1)
		ck_assert_int_eq(sandbox_set_credentials(sb, 65534, 65534, NULL, 0), 0);
	char *out = run_out(sb, &st);
	ck_assert_msg(strcmp(out, "pdeathsig 9\n") == 0, "%s: %s",
	              _i ? "credentials" : "run slot", out);
	free(out);
	sandbox_destroy(sb);
	sandbox_policy_unref(p);
}
END_TEST

/* A supervisor killed while its run lives: its slot is free again (its
 * program died with it). */
START_TEST(killed_supervisor_frees_its_slot)
{
	sandbox_stat_t st;
	int out[2];
	char line[64];

	NEED_ROOT();
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	pid_t sup = fork();
	ck_assert_int_ge(sup, 0);
	if (sup == 0) {
		/* stdin: a pipe nobody writes to, and never closed. */
		int in[2];
		if (pipe2(in, O_CLOEXEC) < 0)
			_exit(1);
		sandbox_t *sb = peer(S_MODE_FAST, "wait", NULL, NULL);
		sandbox_set_box_id(sb, 5);
		sandbox_set_stdio_fd(sb, 0, in[0]);
		sandbox_set_stdio_fd(sb, 1, out[1]);
		sandbox_execute(sb);
		_exit(1);
	}
	close(out[1]);
	ck_assert_int_gt(read(out[0], line, sizeof(line)), 0); /* "pid N" */
	close(out[0]);
	kill(sup, SIGKILL);
	ck_assert_int_eq(waitpid(sup, NULL, 0), sup);
	sandbox_t *sb = peer(S_MODE_FAST, "ids", NULL, NULL);
	ck_assert_int_eq(sandbox_set_box_id(sb, 5), 0);
	free(run_out(sb, &st));
	ck_assert_int_eq(st.box_id, 5);
	sandbox_destroy(sb);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *t = tcase_create("slots");
	tcase_set_timeout(t, TU_TIMEOUT);
	tcase_add_loop_test(t, runs_as_its_slot, 0, 2);
	tcase_add_test(t, credentials_replace_the_slot);
	tcase_add_loop_test(t, bounding_set_dropped_where_it_counts, 0, 2);
	tcase_add_test(t, ambient_capability_cleared);
	tcase_add_test(t, slots_are_exclusive);
	tcase_add_test(t, box_id_range_checked);
	tcase_add_test(t, unusable_lock_files_are_skipped);
	tcase_add_test(t, short_of_descriptors_is_named);
	tcase_add_test(t, open_claims_directory_refused);
	tcase_add_test(t, older_supervisors_slots_are_avoided);
	tcase_add_test(t, named_slots_are_refused);
	tcase_add_test(t, a_name_added_later_is_seen_at_the_next_run);
	tcase_add_test(t, read_only_lock_file_is_still_a_lock);
	tcase_add_test(t, rootless_container_slots);
	tcase_add_test(t, leftovers_of_a_slot_are_killed);
	tcase_add_test(t, killed_supervisor_frees_its_slot);
	tcase_add_loop_test(t, death_signal_survives_the_id_change, 0, 2);
	tcase_add_loop_test(t, user_lookup_of_a_slot, 0, 2);
	suite_add_tcase(s, t);
	t = tcase_create("privacy");
	tcase_set_timeout(t, TU_TIMEOUT);
	tcase_add_loop_test(t, concurrent_runs_see_nothing_of_each_other, 0, 2);
	tcase_add_loop_test(t, stat_of_a_closed_file, 0, 2);
	tcase_add_loop_test(t, planted_links_give_the_next_run_nothing, 0, 2);
	suite_add_tcase(s, t);
	return s;
}
