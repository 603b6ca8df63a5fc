/*
 * cgroup v2 file formats and paths against a fake cgroup tree (this host's
 * v2 hierarchy has no controllers: they are all bound to v1). Compiles the
 * library's cgroup sources directly.
 */
#include "config.h"
#include "../libsandbox/isolation.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

START_TEST(sweep_removes_only_dead_supervisors)
{
	char dead[160], live[160], other[160];
	snprintf(dead, sizeof(dead), "%s/libsandbox-4194305-3", root);
	snprintf(live, sizeof(live), "%s/libsandbox-%ld-0", root, (long)getppid());
	snprintf(other, sizeof(other), "%s/not-ours", root);
	mkdir(dead, 0755);
	mkdir(live, 0755);
	mkdir(other, 0755);
	ck_assert_int_eq(sb_cg_sweep_dir(root), 1);
	ck_assert_int_ne(access(dead, F_OK), 0);
	ck_assert_int_eq(access(live, F_OK), 0);
	ck_assert_int_eq(access(other, F_OK), 0);
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
	tcase_add_test(tc, sweep_removes_only_dead_supervisors);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
