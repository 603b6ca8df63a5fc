/*
 * cgroup v2 file formats and paths against a fake cgroup tree (this host's
 * v2 hierarchy has no controllers: they are all bound to v1). Compiles the
 * library's cgroup sources directly.
 */
#include "config.h"
#include "../libsandbox/isolation/isolation.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[64];

static void put(const char *dir, const char *file, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *dir, const char *file)
{
	static char buf[256];
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	FILE *f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void setup(void)
{
	strcpy(root, "/tmp/cgv2.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

START_TEST(v2_limits_written_in_kernel_format)
{
	struct sb_cg_limits lim = { 4 << 20, 8, 50 };
	char g[128];
	snprintf(g, sizeof(g), "%s/g", root);
	mkdir(g, 0755);
	/* Kernel files need no truncation; the fake ones start empty. */
	put(g, "memory.max", "");
	put(g, "memory.swap.max", "");
	put(g, "pids.max", "");
	put(g, "cpu.max", "");
	ck_assert_int_eq(sb_cg2_setup(g, &lim), 0);
	ck_assert_str_eq(get(g, "memory.max"), "4194304");
	ck_assert_str_eq(get(g, "memory.swap.max"), "0");
	ck_assert_str_eq(get(g, "pids.max"), "8");
	ck_assert_str_eq(get(g, "cpu.max"), "50000 100000");
}
END_TEST

START_TEST(v2_figures_read_per_run)
{
	struct sb_cg_figures f;
	char g[128];
	snprintf(g, sizeof(g), "%s/g", root);
	mkdir(g, 0755);
	put(g, "memory.peak", "3145728\n");
	put(g, "memory.events", "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
	put(g, "pids.events", "max 7\n");
	put(g, "cpu.stat", "usage_usec 100\nnr_throttled 3\nthrottled_usec 4500\n");
	sb_cg2_read(g, &f);
	ck_assert_int_eq(f.memory_peak, 3145728);
	ck_assert_int_eq(f.oom_kills, 1);
	ck_assert_int_eq(f.pids_refused, 7);
	ck_assert_int_eq(f.cpu_throttled_us, 4500);
}
END_TEST

START_TEST(v2_controllers_enabled_down_the_chain)
{
	bool want[SB_CG_NCTL] = { true, false, false };
	char a[128], b[128];
	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(b, sizeof(b), "%s/a/b", root);
	mkdir(a, 0755);
	mkdir(b, 0755);
	put(root, "cgroup.subtree_control", "");
	put(a, "cgroup.subtree_control", "");
	put(b, "cgroup.subtree_control", "");
	ck_assert_int_eq(sb_cg2_enable(b, want), 0);
	/* One "+controller" write per controller, in every level. */
	ck_assert_str_eq(get(b, "cgroup.subtree_control"), "+memory");
	ck_assert_str_eq(get(a, "cgroup.subtree_control"), "+memory");
}
END_TEST

START_TEST(v2_parent_paths)
{
	struct sb_cg_roots r;
	char out[256];
	memset(&r, 0, sizeof(r));
	r.version = 2;
	strcpy(r.root[0], "/sys/fs/cgroup");
	strcpy(r.self[0], "/user.slice/user-1000.slice/app.scope");
	ck_assert_int_eq(sb_cg_parent_dir(&r, 0, "/judge", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/sys/fs/cgroup/judge");
	ck_assert_int_eq(sb_cg_parent_dir(&r, 0, "libsandbox", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/sys/fs/cgroup/user.slice/user-1000.slice/app.scope/libsandbox");
	strcpy(r.self[0], "/");
	ck_assert_int_eq(sb_cg_parent_dir(&r, 0, "libsandbox", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/sys/fs/cgroup/libsandbox");
}
END_TEST

/* Groups are made, named and owned the same way under v2: a random name,
 * locked by its creator for the run. Another process's sweep leaves a
 * locked group alone and reaps it once its owner is gone. */
static void fake_v2(struct sb_cg_roots *r)
{
	memset(r, 0, sizeof(*r));
	r->version = 2;
	snprintf(r->root[0], sizeof(r->root[0]), "%s", root);
	strcpy(r->self[0], "/");
}

START_TEST(v2_groups_locked_by_their_owner)
{
	struct sb_cg_limits none = { SANDBOX_UNLIMITED, SANDBOX_UNLIMITED, 0 };
	struct sb_cg_roots r;
	struct sb_cg a = { .want = { true, true, false } }, b = a;
	char parent[128], name[128], c;
	int up[2], down[2], st;

	fake_v2(&r);
	snprintf(parent, sizeof(parent), "%s/p", root);
	ck_assert_int_eq(sb_cg_create(&a, &r, "/p", &none), 0);
	ck_assert_int_eq(sb_cg_create(&b, &r, "/p", &none), 0);
	ck_assert_ptr_nonnull(a.dir[0]);
	ck_assert_ptr_null(a.dir[1]);
	ck_assert_str_ne(a.dir[0], b.dir[0]);
	ck_assert_int_eq(strncmp(a.dir[0], parent, strlen(parent)), 0);
	ck_assert_int_eq(strncmp(a.dir[0] + strlen(parent), "/libsandbox-run-", 16), 0);
	ck_assert_int_eq(strlen(a.dir[0] + strlen(parent)), 16 + 16);

	/* Another process: its sweep finds both owners alive. Then it makes
	 * a group and dies without removing it. */
	ck_assert_int_eq(pipe(up), 0);
	ck_assert_int_eq(pipe(down), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sb_cg g = { .want = { true, false, false } };
		int n = sb_cg_sweep_dir(parent);
		if (sb_cg_create(&g, &r, "/p", &none) < 0)
			_exit(1);
		dprintf(up[1], "%d %s\n", n, g.dir[0]);
		/* Wait for the go, then die holding it. */
		if (read(down[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	FILE *f = fdopen(up[0], "r");
	int swept = -1;
	ck_assert_int_eq(fscanf(f, "%d %127s", &swept, name), 2);
	ck_assert_int_eq(swept, 0);
	ck_assert_int_eq(access(a.dir[0], F_OK), 0);
	ck_assert_int_eq(access(b.dir[0], F_OK), 0);
	/* Its owner alive, the other process's group stays. */
	ck_assert_int_eq(sb_cg_sweep_dir(parent), 0);
	ck_assert_int_eq(access(name, F_OK), 0);
	ck_assert_int_eq(write(down[1], "g", 1), 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(sb_cg_sweep_dir(parent), 1);
	ck_assert_int_ne(access(name, F_OK), 0);
	fclose(f);
	close(down[1]);

	/* Ours go with destroy, still locked until they are gone. */
	char *ad = strdup(a.dir[0]);
	ck_assert_int_eq(sb_cg_destroy(&a), 0);
	ck_assert_int_ne(access(ad, F_OK), 0);
	ck_assert_int_eq(access(b.dir[0], F_OK), 0);
	ck_assert_int_eq(sb_cg_destroy(&b), 0);
	free(ad);
}
END_TEST

/* Only the library's own names are swept: an older release's
 * "libsandbox-<pid>-<n>" (whose owner cannot be proven dead) and other
 * directories stay. */
START_TEST(sweep_leaves_other_names)
{
	char dead[160], old[160], other[160], near[160];
	snprintf(dead, sizeof(dead), "%s/libsandbox-run-0123456789abcdef", root);
	snprintf(old, sizeof(old), "%s/libsandbox-4194305-3", root);
	snprintf(other, sizeof(other), "%s/not-ours", root);
	snprintf(near, sizeof(near), "%s/libsandbox-run-0123456789abcdeg", root);
	mkdir(dead, 0755);
	mkdir(old, 0755);
	mkdir(other, 0755);
	mkdir(near, 0755);
	ck_assert_int_eq(sb_cg_sweep_dir(root), 1);
	ck_assert_int_ne(access(dead, F_OK), 0);
	ck_assert_int_eq(access(old, F_OK), 0);
	ck_assert_int_eq(access(other, F_OK), 0);
	ck_assert_int_eq(access(near, F_OK), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isolation_cgv2");
	TCase *tc = tcase_create("v2");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, v2_limits_written_in_kernel_format);
	tcase_add_test(tc, v2_figures_read_per_run);
	tcase_add_test(tc, v2_controllers_enabled_down_the_chain);
	tcase_add_test(tc, v2_parent_paths);
	tcase_add_test(tc, v2_groups_locked_by_their_owner);
	tcase_add_test(tc, sweep_leaves_other_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
