/*
 * The files sandbox-run opens around a run (cli/files.c), table by table:
 * for every file option, what a program could have planted at its path (a
 * symbolic link at the end or on the way, a second name, someone else's
 * file) is refused or replaced, never followed; results are removed before
 * the run and written all together or not at all; --report=- never shares
 * standard output with the program. Nothing here runs a program.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"
#include "args.h"
#include "files.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NOBODY 65534

static struct sr_options opt;
static struct sr_files files;
static char err[512];
static char dir[128];
static char *argv_store[32];

/* ------------------------------------------------------------ helpers */

static const char *in_dir(const char *name)
{
	char *p;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(in_dir(name), "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static char *get(const char *name)
{
	static char buf[4096];
	FILE *f = fopen(in_dir(name), "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool exists(const char *name)
{
	struct stat st;
	return lstat(in_dir(name), &st) == 0;
}

/* Parse "sandbox-run ARGS... prog" (NULL-terminated). */
static void parse(const char *first, ...)
{
	va_list ap;
	int argc = 0;

	argv_store[argc++] = (char *)"sandbox-run";
	va_start(ap, first);
	for (const char *a = first; a && argc < 30; a = va_arg(ap, const char *))
		argv_store[argc++] = (char *)a;
	va_end(ap);
	argv_store[argc++] = (char *)"prog";
	argv_store[argc] = NULL;
	ck_assert_msg(sr_parse_args(argc, argv_store, &opt, err, sizeof(err)) == 0,
	              "%s", err);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_cli_files.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	sr_files_init(&files);
}

static void teardown(void)
{
	char cmd[256];
	sr_files_close(&files);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* prepare + open, as sandbox-run does before a run. */
static int prepare_and_open(void)
{
	err[0] = '\0';
	int rc = sr_files_prepare(&files, &opt, err, sizeof(err));
	if (rc == 0)
		rc = sr_files_open(&files, &opt, err, sizeof(err));
	if (rc < 0)
		ck_assert_msg(err[0] && !strchr(err, '\n'), "message '%s'", err);
	return rc;
}

static int write_text(FILE *f, const void *ctx)
{
	return fputs(ctx, f) < 0 ? -EIO : 0;
}

static int write_fails(FILE *f, const void *ctx)
{
	(void)f;
	(void)ctx;
	return -ENOSPC;
}

/* ------------------------------------------------------------ planted */

/* Every file option sandbox-run opens, and whether it is replaced (a
 * result file, renamed into place) or opened in place (a stream). */
static const struct {
	const char *opt;
	bool replaced;
	bool input;
} file_opts[] = {
	{ "--stdin", false, true }, { "--stdout", false, false },
	{ "--stderr", false, false }, { "--trace-file", false, false },
	{ "--profile", false, false }, { "--report", true, false },
	{ "--meta", true, false }, { "--profile-svg", true, false },
};

enum plant { LINK_END, LINK_DIR, HARDLINK, FOREIGN };
static const char *const plant_names[] = {
	"a symbolic link", "a linked directory", "a second name",
	"someone else's file" };

/* The path a program could have prepared for option `o` with `how`, and
 * the file it wants the supervisor to read or clobber ("answer"). */
static const char *plant(enum plant how)
{
	/* The program's working directory: it may make names there. */
	ck_assert_int_eq(chmod(dir, 0777), 0);
	put("answer", "secret");
	ck_assert_int_eq(mkdir(in_dir("real"), 0755), 0);
	put("real/target", "secret");
	switch (how) {
	case LINK_END:
		ck_assert_int_eq(symlink("answer", in_dir("target")), 0);
		return in_dir("target");
	case LINK_DIR:
		/* Root's own when the suite runs as root: a program left
		 * running as root plants such links. */
		ck_assert_int_eq(symlink("real", in_dir("sub")), 0);
		return in_dir("sub/target");
	case HARDLINK:
		ck_assert_int_eq(link(in_dir("answer"), in_dir("target")), 0);
		return in_dir("target");
	case FOREIGN:
		put("target", "theirs");
		ck_assert_int_eq(chown(in_dir("target"), NOBODY, NOBODY), 0);
		return in_dir("target");
	}
	return NULL;
}

START_TEST(planted_paths)
{
	const int o = _i / 4;
	const enum plant how = (enum plant)(_i % 4);
	bool root = geteuid() == 0;

	if ((how == HARDLINK || how == FOREIGN) && !root)
		return; /* the rule is root's: others open what they may */
	const char *path = plant(how);
	char arg[512];
	snprintf(arg, sizeof(arg), "%s=%s", file_opts[o].opt, path);
	if (!strcmp(file_opts[o].opt, "--stdin"))
		parse(arg, "--stdout=/dev/null", (const char *)NULL);
	else
		parse(arg, (const char *)NULL);
	int rc = prepare_and_open();
	bool refused = rc < 0;

	/* Links are never followed. A result file at a second name or of
	 * another owner is only a name in the directory: it is replaced. */
	if (file_opts[o].replaced && (how == HARDLINK || how == FOREIGN)) {
		ck_assert_msg(!refused, "%s with %s: %s", file_opts[o].opt,
		              plant_names[how], err);
		ck_assert_msg(!exists("target"), "not removed before the run");
	} else {
		ck_assert_msg(refused, "%s with %s was accepted", file_opts[o].opt,
		              plant_names[how]);
		ck_assert_msg(strstr(err, file_opts[o].opt), "message '%s'", err);
	}
	ck_assert_str_eq(get("answer"), "secret");
	ck_assert_str_eq(get("real/target"), "secret");
	if (how == FOREIGN && !file_opts[o].replaced)
		ck_assert_str_eq(get("target"), "theirs");
}
END_TEST

/* A missing output file is created; an existing one of ours truncated. */
START_TEST(outputs_created_or_truncated)
{
	put("old-out", "old contents");
	parse("--stdout", in_dir("new-out"), "--stderr", in_dir("old-out"),
	      "--trace-file", in_dir("trace"), "--profile", in_dir("p.csv"),
	      (const char *)NULL);
	ck_assert_int_eq(prepare_and_open(), 0);
	ck_assert_int_ge(files.stdio[1], 0);
	ck_assert_int_ge(files.stdio[2], 0);
	ck_assert_ptr_nonnull(files.trace);
	ck_assert_int_ge(files.profile_fd, 0);
	ck_assert_str_eq(get("old-out"), "");
	ck_assert(exists("new-out") && exists("trace") && exists("p.csv"));
}
END_TEST

/* Preparing creates nothing (a usage error later must leave no file). */
START_TEST(prepare_changes_nothing)
{
	put("old-report", "old");
	parse("--stdout", in_dir("out"), "--report", in_dir("old-report"),
	      "--meta", in_dir("meta"), (const char *)NULL);
	ck_assert_int_eq(sr_files_prepare(&files, &opt, err, sizeof(err)), 0);
	ck_assert(!exists("out") && !exists("meta"));
	ck_assert_str_eq(get("old-report"), "old");
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", dir);
	ck_assert_msg(system(cmd) == 0, "a temporary file was left");
}
END_TEST

/* stdout and stderr naming one file share one descriptor; any other pair
 * of options naming one file is refused. */
START_TEST(same_file_twice)
{
	put("f", "");
	parse("--stdout", in_dir("f"), "--stderr", in_dir("./f"), (const char *)NULL);
	ck_assert_int_eq(prepare_and_open(), 0);
	ck_assert(files.stderr_to_stdout);
	ck_assert_int_eq(files.stdio[2], -1);
	sr_files_close(&files);

	static const char *const pairs[][2] = {
		{ "--stdin", "--stdout" }, { "--stdout", "--report" },
		{ "--meta", "--report" }, { "--trace-file", "--stderr" },
		{ "--profile", "--profile-svg" }, { "--stdin", "--meta" },
	};
	for (size_t i = 0; i < N(pairs); i++) {
		char a[256], b[256];
		snprintf(a, sizeof(a), "%s=%s", pairs[i][0], in_dir("f"));
		snprintf(b, sizeof(b), "%s=%s", pairs[i][1], in_dir("sub/../f"));
		mkdir(in_dir("sub"), 0755);
		parse(a, b, (const char *)NULL);
		ck_assert_msg(prepare_and_open() == -EINVAL, "%s %s accepted", a, b);
		ck_assert_msg(strstr(err, pairs[i][0]) && strstr(err, pairs[i][1]),
		              "message '%s'", err);
		sr_files_close(&files);
	}
}
END_TEST

/* A caller that is not root may give one file by two names (a hard
 * link): stdout and stderr share a descriptor then too. Run as nobody in
 * this forked test when the suite is root (root refuses second names). */
START_TEST(hard_link_spelling_shares)
{
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(dir, NOBODY, NOBODY), 0);
		ck_assert_int_eq(setgroups(0, NULL), 0);
		ck_assert_int_eq(setgid(NOBODY), 0);
		ck_assert_int_eq(setuid(NOBODY), 0);
	}
	put("f", "");
	ck_assert_int_eq(link(in_dir("f"), in_dir("g")), 0);
	parse("--stdout", in_dir("f"), "--stderr", in_dir("g"), (const char *)NULL);
	ck_assert_int_eq(prepare_and_open(), 0);
	ck_assert(files.stderr_to_stdout);
	ck_assert_int_eq(files.stdio[2], -1);
}
END_TEST

/* ------------------------------------------------------------ results */

/* The old report is gone before the run; after it, all result files are
 * in place, and a forged one the program planted meanwhile is replaced. */
START_TEST(results_replace_a_forgery)
{
	static const sr_result_fn fns[SR_OUT_COUNT] = { write_text, write_text,
	                                                write_text };
	put("report.json", "stale");
	parse("--report", in_dir("report.json"), "--meta", in_dir("meta.txt"),
	      (const char *)NULL);
	ck_assert_int_eq(prepare_and_open(), 0);
	ck_assert(!exists("report.json"));
	/* The program runs, and plants its own verdict. */
	put("report.json", "{\"result\": \"OK\"}");
	ck_assert_int_eq(symlink("answer", in_dir("meta.txt")), 0);
	ck_assert_int_eq(sr_files_commit(&files, fns, "judged", err, sizeof(err)), 0);
	ck_assert_str_eq(get("report.json"), "judged");
	struct stat st;
	ck_assert_int_eq(lstat(in_dir("meta.txt"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_str_eq(get("meta.txt"), "judged");
}
END_TEST

/* One result file cannot be written (a full disk): none is left, and
 * neither is the forgery. */
START_TEST(results_all_or_nothing)
{
	const sr_result_fn fns[SR_OUT_COUNT] = { write_text,
	                                         _i ? write_fails : write_text,
	                                         _i ? write_text : write_fails };
	parse("--report", in_dir("report.json"), "--meta", in_dir("meta.txt"),
	      "--profile-svg", in_dir("p.svg"), (const char *)NULL);
	ck_assert_int_eq(prepare_and_open(), 0);
	put("report.json", "{\"result\": \"OK\"}");
	put("meta.txt", "status:OK\n");
	ck_assert_int_eq(sr_files_commit(&files, fns, "judged", err, sizeof(err)),
	                 -ENOSPC);
	ck_assert(strstr(err, _i ? "--meta" : "--profile-svg"));
	ck_assert(!exists("report.json"));
	ck_assert(!exists("meta.txt"));
	ck_assert(!exists("p.svg"));
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 0", dir);
	ck_assert_msg(system(cmd) == 0, "a temporary file was left");
}
END_TEST

/* The program renames the report's directory away and puts its own in
 * its place, with a forged report: nothing is left at the path. */
START_TEST(results_directory_replaced)
{
	static const sr_result_fn fns[SR_OUT_COUNT] = { write_text, write_text,
	                                                write_text };
	ck_assert_int_eq(mkdir(in_dir("out"), 0755), 0);
	parse("--report", in_dir("out/report.json"), (const char *)NULL);
	ck_assert_int_eq(prepare_and_open(), 0);
	ck_assert_int_eq(rename(in_dir("out"), in_dir("moved")), 0);
	ck_assert_int_eq(mkdir(in_dir("out"), 0755), 0);
	put("out/report.json", "{\"result\": \"OK\"}");
	ck_assert_int_eq(sr_files_commit(&files, fns, "judged", err, sizeof(err)),
	                 -ESTALE);
	ck_assert(strstr(err, "--report") && strstr(err, "replaced"));
	ck_assert(!exists("out/report.json"));
	ck_assert(!exists("moved/report.json"));
}
END_TEST

/* A directory where no file can be made stops before the run. */
START_TEST(result_directory_not_writable)
{
	if (geteuid() == 0)
		return; /* root writes anyway: see the e2e test on a ro mount */
	ck_assert_int_eq(mkdir(in_dir("ro"), 0755), 0);
	put("ro/report.json", "old");
	ck_assert_int_eq(chmod(in_dir("ro"), 0555), 0);
	parse("--report", in_dir("ro/report.json"), (const char *)NULL);
	ck_assert_int_lt(sr_files_prepare(&files, &opt, err, sizeof(err)), 0);
	ck_assert(strstr(err, "--report"));
	chmod(in_dir("ro"), 0755);
}
END_TEST

/* A result path that is a FIFO or a device is written where it is. */
START_TEST(result_to_a_device)
{
	static const sr_result_fn fns[SR_OUT_COUNT] = { write_text, write_text,
	                                                write_text };
	parse("--meta=/dev/null", (const char *)NULL);
	ck_assert_int_eq(prepare_and_open(), 0);
	ck_assert_int_eq(sr_files_commit(&files, fns, "x", err, sizeof(err)), 0);
	struct stat st;
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
}
END_TEST

/* ------------------------------------------------------------ stdout */

/* --report=- (and the other "-") only when nothing of the program goes
 * to our standard output. fd 1 and 2 are files here, chosen per row. */
static const struct {
	const char *args[3];
	bool stderr_is_stdout; /* our fd 2 is the same file as fd 1 (2>&1) */
	bool ok;
	const char *word;
} dash_rows[] = {
	{ { "--report=-" }, false, false, "--stdout=FILE" },
	{ { "--report=-", "--stdout=OUT" }, false, true, NULL },
	{ { "--report=-", "--stdout=OUT" }, true, false, "--stderr=FILE" },
	{ { "--report=-", "--stdout=OUT", "--stderr=ERR" }, true, true, NULL },
	{ { "--report=-", "--stdout=OUT", "--stderr-to-stdout" }, true, true, NULL },
	{ { "--report=-", "--stdout=FD1" }, false, false, "--stdout=FILE" },
	{ { "--meta=-", "--stdout=/dev/null" }, false, true, NULL },
	{ { "--profile=-" }, false, false, "--profile=-" },
	{ { "--profile-svg=-", "--stdout=OUT", "--stderr-to-stdout" }, false, true,
	  NULL },
};

START_TEST(report_to_stdout)
{
	char fd1[256], args[3][300];
	const char *a[3] = { NULL, NULL, NULL };

	snprintf(fd1, sizeof(fd1), "%s", in_dir("fd1"));
	int fd = open(fd1, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 1), 1);
	if (dash_rows[_i].stderr_is_stdout) {
		ck_assert_int_eq(dup2(fd, 2), 2);
	} else {
		int e = open(in_dir("fd2"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ck_assert_int_eq(dup2(e, 2), 2);
		close(e);
	}
	close(fd);
	for (int i = 0; i < 3 && dash_rows[_i].args[i]; i++) {
		const char *r = dash_rows[_i].args[i];
		const char *eq = strchr(r, '=');
		const char *v = eq ? eq + 1 : "";
		if (!strcmp(v, "OUT") || !strcmp(v, "ERR") || !strcmp(v, "FD1"))
			snprintf(args[i], sizeof(args[i]), "%.*s=%s", (int)(eq - r), r,
			         !strcmp(v, "FD1") ? fd1 : in_dir(v));
		else
			snprintf(args[i], sizeof(args[i]), "%s", r);
		a[i] = args[i];
	}
	parse(a[0], a[1], a[2], (const char *)NULL);
	int rc = prepare_and_open();
	if (dash_rows[_i].ok) {
		ck_assert_msg(rc == 0, "refused: %s", err);
	} else {
		ck_assert_msg(rc == -EINVAL, "accepted");
		ck_assert_msg(strstr(err, dash_rows[_i].word), "message '%s'", err);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cli_files");
	TCase *tc = tcase_create("planted");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, planted_paths, 0, (int)(N(file_opts) * 4));
	tcase_add_test(tc, outputs_created_or_truncated);
	tcase_add_test(tc, prepare_changes_nothing);
	tcase_add_test(tc, same_file_twice);
	tcase_add_test(tc, hard_link_spelling_shares);
	suite_add_tcase(s, tc);

	tc = tcase_create("results");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, results_replace_a_forgery);
	tcase_add_loop_test(tc, results_all_or_nothing, 0, 2);
	tcase_add_test(tc, results_directory_replaced);
	tcase_add_test(tc, result_directory_not_writable);
	tcase_add_test(tc, result_to_a_device);
	tcase_add_loop_test(tc, report_to_stdout, 0, (int)N(dash_rows));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
