/*
 * The default policy's file writes: only inside the working directory,
 * never through a symbolic link that leads out, never when the working
 * directory is "/". Each case runs in both modes.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory pair for one case: tmp/<tag>/work (the working
 * directory) and tmp/<tag>/outside (what must stay untouched). */
static void make_dirs(const char *tag, char **work, char **outside)
{
	char *top = tu_tmpfile(tag);

	/* Writable by the program's uid, whatever it is: what refuses a
	 * write must be the policy, never the permissions. */
	tu_mkdir_shared(top);
	ck_assert_int_ne(asprintf(work, "%s/work", top), -1);
	ck_assert_int_ne(asprintf(outside, "%s/outside", top), -1);
	tu_mkdir_shared(*work);
	tu_mkdir_shared(*outside);
	free(top);
}

/* Run writefile PATH in `workdir` in `mode`; return its exit code. */
static int write_in(int mode, const char *workdir, const char *path)
{
	sandbox_t *sb = tu_sandbox("writefile", path, NULL);
	sandbox_stat_t st;
	int r;

	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	ck_assert_int_eq(sandbox_set_workdir(sb, workdir), 0);
	r = tu_run(sb, &st);
	ck_assert_msg(r == S_RESULT_OK || r == S_RESULT_AT,
	              "%s: writefile %s: verdict %s", tu_mode_name(mode), path,
	              RN(r));
	sandbox_destroy(sb);
	return st.exit_code;
}

static bool exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

START_TEST(write_in_workdir)
{
	char *work, *outside;
	char tag[32];

	snprintf(tag, sizeof(tag), "plain%d", _i);
	make_dirs(tag, &work, &outside);
	ck_assert_int_eq(write_in(_i, work, "out.txt"), 0);
	ck_assert(exists(work, "out.txt"));
	{
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s/sub", work);
		tu_mkdir_shared(sub);
	}
	ck_assert_int_eq(write_in(_i, work, "sub/./deeper.txt"), 0);
	ck_assert(exists(work, "sub/deeper.txt"));
	free(work);
	free(outside);
}
END_TEST

START_TEST(write_outside_is_eacces)
{
	char *work, *outside, *abs;
	char tag[32];

	snprintf(tag, sizeof(tag), "out%d", _i);
	make_dirs(tag, &work, &outside);
	ck_assert_int_ne(asprintf(&abs, "%s/abs.txt", outside), -1);
	ck_assert_msg(tu_file_refused(write_in(_i, work, abs)), "not refused");
	ck_assert_msg(tu_file_refused(write_in(_i, work, "../outside/up.txt")), "not refused");
	ck_assert(!exists(outside, "abs.txt"));
	ck_assert(!exists(outside, "up.txt"));
	free(abs);
	free(work);
	free(outside);
}
END_TEST

START_TEST(symlink_out_of_workdir_is_eacces)
{
	char *work, *outside, *link_dir, *link_file, *target;
	char tag[32];

	snprintf(tag, sizeof(tag), "link%d", _i);
	make_dirs(tag, &work, &outside);
	/* A directory link and a dangling file link, both pointing out. */
	ck_assert_int_ne(asprintf(&link_dir, "%s/dir", work), -1);
	ck_assert_int_ne(asprintf(&link_file, "%s/dangling", work), -1);
	ck_assert_int_ne(asprintf(&target, "%s/created", outside), -1);
	ck_assert_int_eq(symlink(outside, link_dir), 0);
	ck_assert_int_eq(symlink(target, link_file), 0);

	ck_assert_msg(tu_file_refused(write_in(_i, work, "dir/through.txt")), "not refused");
	ck_assert_msg(tu_file_refused(write_in(_i, work, "dangling")), "not refused");
	ck_assert(!exists(outside, "through.txt"));
	ck_assert(!exists(outside, "created"));
	free(link_dir);
	free(link_file);
	free(target);
	free(work);
	free(outside);
}
END_TEST

START_TEST(no_writes_when_workdir_is_root)
{
	char name[64], path[80];
	bool created;
	int code;

	snprintf(name, sizeof(name), "libsandbox-test-%d-%d", (int)getpid(), _i);
	snprintf(path, sizeof(path), "/%s", name);
	code = write_in(_i, "/", name);
	created = exists("/", name);
	unlink(path); /* leave nothing behind, even on failure */
	ck_assert_msg(tu_file_refused(code), "not refused");
	ck_assert(!created);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("default-policy");
	TCase *tc = tcase_create("writes");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, write_in_workdir, S_MODE_FAST, S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, write_outside_is_eacces, S_MODE_FAST, S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, symlink_out_of_workdir_is_eacces, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	tcase_add_loop_test(tc, no_writes_when_workdir_is_root, S_MODE_FAST,
	                    S_MODE_CLASSIC + 1);
	suite_add_tcase(s, tc);
	return s;
}
