/*
 * What judges' own suites check (the kinds of cases QingdaoU/Judger's
 * integration tests cover: time and memory limits, stack, output limit,
 * stdout and stderr, arguments, environment, standard input), written as
 * our own cases, once through the library and once through sandbox-run.
 * Where our contract differs from Judger's it is said in the case: a
 * malloc refused by the memory quota is ML (Judger: RE with the program's
 * exit status), a forbidden call is RF (Judger: RE with SIGSYS), the
 * output limit is OL (Judger: RE with SIGXFSZ).
 */
#include "config.h"

#include "vutil.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MiB ((int64_t)1 << 20)
#define MS 1000 /* us */

static const int modes[] = { S_MODE_FAST, S_MODE_CLASSIC };

/* A judge's sandbox: stdin from a file (or /dev/null), stdout to a file,
 * stderr to the same file or to /dev/null, the usual quotas. */
struct judged {
	sandbox_t *sb;
	char *out;
	sandbox_stat_t st;
	int verdict;
};

static void judge_setup(struct judged *j, int mode, const char *const argv[])
{
	const char *full[16];
	size_t n = 0;
	full[n++] = tu_prog(argv[0]);
	for (size_t i = 1; argv[i]; i++)
		full[n++] = argv[i];
	full[n] = NULL;
	j->sb = sandbox_new(full);
	ck_assert_ptr_nonnull(j->sb);
	j->out = tu_tmpfile("judged.out");
	ck_assert_int_eq(sandbox_set_mode(j->sb, mode), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(j->sb, 0, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(j->sb, 1, j->out, false), 0);
	ck_assert_int_eq(sandbox_set_stdio_path(j->sb, 2, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_quota(j->sb, S_QUOTA_CPU, 2000), 0);
	ck_assert_int_eq(sandbox_set_quota(j->sb, S_QUOTA_WALLCLOCK, 30000), 0);
	ck_assert_int_eq(sandbox_set_quota(j->sb, S_QUOTA_MEMORY, 128 * MiB), 0);
	ck_assert_int_eq(sandbox_set_quota(j->sb, S_QUOTA_DISK, 1 * MiB), 0);
}

static char *judge_run(struct judged *j)
{
	j->verdict = tu_run(j->sb, &j->st);
	return tu_slurp(j->out);
}

static void judge_done(struct judged *j)
{
	sandbox_destroy(j->sb);
	free(j->out);
}

/* ------------------------------------------------------------ library */

START_TEST(lib_stdin_to_stdout)
{
	struct judged j;
	char *in = tu_tmpfile("in.txt");
	tu_write_file(in, "judger_test 42\n");
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "echo", NULL });
	ck_assert_int_eq(sandbox_set_stdio_path(j.sb, 0, in, false), 0);
	char *out = judge_run(&j);
	ck_assert_result(j.verdict, S_RESULT_OK);
	ck_assert_str_eq(out, "judger_test 42\nend\n");
	ck_assert_int_eq(j.st.output_bytes, (int64_t)strlen(out));
	free(out);
	free(in);
	judge_done(&j);
}
END_TEST

START_TEST(lib_args_and_env)
{
	struct judged j;
	judge_setup(&j, modes[_i],
	            (const char *[]){ "vprog_static", "args", "test", "hehe",
	                              "000", NULL });
	char *out = judge_run(&j);
	ck_assert_result(j.verdict, S_RESULT_OK);
	char want[512];
	snprintf(want, sizeof(want), "argv[0]: %s/vprog_static\nargv[1]: args\n"
	         "argv[2]: test\nargv[3]: hehe\nargv[4]: 000\n", PROGS_DIR);
	ck_assert_str_eq(out, want);
	free(out);
	judge_done(&j);

	static const char *const env[] = { "env=judger_test", "test=judger",
	                                   NULL };
	judge_setup(&j, modes[_i],
	            (const char *[]){ "vprog", "env", "env", "test", "HOME", NULL });
	ck_assert_int_eq(sandbox_set_env(j.sb, env), 0);
	out = judge_run(&j);
	ck_assert_result(j.verdict, S_RESULT_OK);
	/* Only what the judge passed: no HOME of the supervisor. */
	ck_assert_str_eq(out, "judger_test\njudger\n(unset)\n");
	free(out);
	judge_done(&j);
}
END_TEST

/* Real time: a sleeper is TL on the wall clock, killed by SIGKILL, its
 * wall time at least the quota; CPU time: a spinner is TL on CPU, its CPU
 * time at least the quota and at most the RLIMIT_CPU backstop past it. */
START_TEST(lib_time_limits)
{
	struct judged j;
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "sleep", NULL });
	ck_assert_int_eq(sandbox_set_quota(j.sb, S_QUOTA_WALLCLOCK, 400), 0);
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_TL);
	ck_assert_int_eq(j.st.tl_limit, S_TL_WALL);
	ck_assert_int_eq(j.st.signal, SIGKILL);
	ck_assert_int_ge(j.st.wall_time_us, 400 * MS);
	judge_done(&j);

	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "spin", NULL });
	ck_assert_int_eq(sandbox_set_quota(j.sb, S_QUOTA_CPU, 500), 0);
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_TL);
	ck_assert_int_eq(j.st.tl_limit, S_TL_CPU);
	ck_assert_int_eq(j.st.signal, SIGKILL);
	/* Judged on the program's CPU and the tracer's work for it. */
	ck_assert_int_ge(j.st.cpu_time_us + j.st.supervisor_cpu_us, 500 * MS);
	ck_assert_int_le(j.st.cpu_time_us, 2500 * MS);
	judge_done(&j);

	/* Under the quota: OK, and the figure is what the program burnt. */
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "spin_ms", "200",
	                                            NULL });
	char *out = judge_run(&j);
	ck_assert_result(j.verdict, S_RESULT_OK);
	ck_assert_str_eq(out, "spun\n");
	ck_assert_int_ge(j.st.cpu_time_us, 200 * MS);
	free(out);
	judge_done(&j);
}
END_TEST

/* Judger's memory1/2/3 and 4. */
START_TEST(lib_memory)
{
	struct judged j;

	/* 80 MB touched under 64 MiB: ML. */
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "malloc", "80",
	                                            NULL });
	ck_assert_int_eq(sandbox_set_quota(j.sb, S_QUOTA_MEMORY, 64 * MiB), 0);
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_ML);
	ck_assert_int_gt(j.st.memory_peak, 80 * MiB);
	judge_done(&j);

	/* 256 MB asked, malloc fails, the program exits 1: still ML here --
	 * its allocation was refused because of the quota (Judger: RE). */
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "malloc", "256",
	                                            "exit", NULL });
	ck_assert_int_eq(sandbox_set_quota(j.sb, S_QUOTA_MEMORY, 64 * MiB), 0);
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_ML);
	ck_assert_int_ge(j.st.memory_refused_bytes, 256 * MiB);
	judge_done(&j);

	/* 400 MB, within 512 MiB: OK, and the peak shows it. */
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "malloc", "400",
	                                            NULL });
	ck_assert_int_eq(sandbox_set_quota(j.sb, S_QUOTA_MEMORY, 512 * MiB), 0);
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_OK);
	ck_assert_int_ge(j.st.memory_peak, 400 * MiB);
	ck_assert_int_ge(j.st.rss_peak, 400 * MiB);
	judge_done(&j);

	/* The supervisor's own memory is not the program's. */
	size_t big = 200 * MiB;
	char *p = mmap(NULL, big, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	memset(p, 1, big);
	judge_setup(&j, modes[_i], (const char *[]){ "vprog_static", "hello",
	                                            NULL });
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_OK);
	ck_assert_msg(j.st.rss_peak < 8 * MiB && j.st.memory_peak < 16 * MiB,
	              "rss %lld peak %lld", (long long)j.st.rss_peak,
	              (long long)j.st.memory_peak);
	judge_done(&j);
	munmap(p, big);
}
END_TEST

/* Judger's re1/re2: an exit status is AT with the status, a crash RT
 * with the signal. */
START_TEST(lib_runtime_errors)
{
	struct judged j;
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "exit", "25",
	                                            NULL });
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_AT);
	ck_assert_int_eq(j.st.exit_code, 25);
	judge_done(&j);

	static const struct { const char *what; int sig; } crash[] = {
		{ "segv", SIGSEGV }, { "fpe", SIGFPE }, { "abort", SIGABRT },
	};
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++) {
		judge_setup(&j, modes[_i], (const char *[]){ "vprog_static",
		            crash[i].what, NULL });
		free(judge_run(&j));
		ck_assert_result(j.verdict, S_RESULT_RT);
		ck_assert_int_eq(j.st.signal, crash[i].sig);
		ck_assert_int_eq(j.st.exit_code, -1);
		judge_done(&j);
	}
}
END_TEST

/* Judger's output_size: 560,000 bytes into a file under a 10,000 byte
 * limit: the file holds exactly 10,000 (OL here, RE SIGXFSZ there). */
START_TEST(lib_output_limit)
{
	struct judged j;
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "file",
	            "fsize_test", "560000", NULL });
	ck_assert_int_eq(sandbox_set_workdir(j.sb, tu_tmpdir()), 0);
	ck_assert_int_eq(sandbox_set_quota(j.sb, S_QUOTA_DISK, 10000), 0);
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_OL);
	char *path = tu_tmpfile("fsize_test");
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 10000);
	free(path);
	judge_done(&j);
}
END_TEST

/* Judger's stack: an 80 MiB local array is RT under a 32 MiB stack, OK
 * under 128 MiB (and OK by default here: the stack may use the memory
 * quota). */
START_TEST(lib_stack)
{
	static const struct { uint64_t stack; int result; } cases[] = {
		{ 32 * MiB, S_RESULT_RT }, { 128 * MiB, S_RESULT_OK },
		{ 0, S_RESULT_OK },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct judged j;
		judge_setup(&j, modes[_i], (const char *[]){ "vprog", "bigstack",
		                                            NULL });
		ck_assert_int_eq(sandbox_set_quota(j.sb, S_QUOTA_MEMORY, 256 * MiB), 0);
		if (cases[i].stack)
			ck_assert_int_eq(sandbox_set_quota(j.sb, S_QUOTA_STACK,
			                                   cases[i].stack), 0);
		char *out = judge_run(&j);
		ck_assert_msg(j.verdict == cases[i].result, "stack %llu: %s",
		              (unsigned long long)cases[i].stack, RN(j.verdict));
		if (cases[i].result == S_RESULT_OK)
			ck_assert_str_eq(out, "big stack");
		else
			ck_assert_int_eq(j.st.quota_exceeded, S_QUOTA_STACK);
		free(out);
		judge_done(&j);
	}
}
END_TEST

/* stdout and stderr into one file, in the order they were written. */
START_TEST(lib_stdout_and_stderr)
{
	struct judged j;
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "streams", NULL });
	ck_assert_int_eq(sandbox_set_stdio_fd(j.sb, 2, SANDBOX_STDIO_STDOUT), 0);
	char *out = judge_run(&j);
	ck_assert_result(j.verdict, S_RESULT_OK);
	ck_assert_str_eq(out, "err1\nout1\nerr2\nout2\n");
	free(out);
	judge_done(&j);
}
END_TEST

/* Judger's get_time: clock() and time() under the default policy. */
START_TEST(lib_clock)
{
	struct judged j;
	judge_setup(&j, modes[_i], (const char *[]){ "vprog", "clock", NULL });
	free(judge_run(&j));
	ck_assert_result(j.verdict, S_RESULT_OK);
	judge_done(&j);
}
END_TEST

/* ------------------------------------------------------------ sandbox-run */

static void cli_expect(struct vu_cli *r, int status, const char *result)
{
	char want[32], *v = vu_json(r->report, "result");
	snprintf(want, sizeof(want), "\"%s\"", result);
	ck_assert_msg(r->status == status && v && !strcmp(v, want),
	              "exit %d result %s, expected %d %s; stderr: %s", r->status,
	              v ? v : "(none)", status, want, r->err);
	free(v);
}

START_TEST(cli_everyday)
{
	struct vu_cli r;
	char *in = tu_tmpfile("cli.in");
	tu_write_file(in, "judger_test\n");
	const char *mode = _i ? "--mode=classic" : "--mode=fast";

	vu_cli_run(&r, in, mode, PROGS_DIR "/vprog", "echo", NULL);
	cli_expect(&r, 0, "OK");
	ck_assert_str_eq(r.out, "judger_test\nend\n");
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, mode, "--env=env=judger_test", "--env=test=judger",
	           PROGS_DIR "/vprog", "env", "env", "test", NULL);
	cli_expect(&r, 0, "OK");
	ck_assert_str_eq(r.out, "judger_test\njudger\n");
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, mode, PROGS_DIR "/vprog_static", "args", "a b", "",
	           NULL);
	cli_expect(&r, 0, "OK");
	ck_assert_str_eq(r.out, "argv[0]: " PROGS_DIR "/vprog_static\n"
	                 "argv[1]: args\nargv[2]: a b\nargv[3]: \n");
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, mode, PROGS_DIR "/vprog", "exit", "25", NULL);
	cli_expect(&r, 1, "AT");
	ck_assert_int_eq(vu_json_int(r.report, "exit_code"), 25);
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, mode, PROGS_DIR "/vprog", "segv", NULL);
	cli_expect(&r, 1, "RT");
	ck_assert_int_eq(vu_json_int(r.report, "signal"), SIGSEGV);
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, mode, PROGS_DIR "/vprog", "socket", NULL);
	cli_expect(&r, 1, "RF");
	vu_cli_free(&r);
	free(in);
}
END_TEST

START_TEST(cli_limits)
{
	struct vu_cli r;
	const char *mode = _i ? "--mode=classic" : "--mode=fast";
	char *v;

	vu_cli_run(&r, NULL, mode, "--wall=400ms", PROGS_DIR "/vprog", "sleep",
	           NULL);
	cli_expect(&r, 1, "TL");
	ck_assert_str_eq((v = vu_json(r.report, "limit")), "\"wall\"");
	free(v);
	ck_assert_int_ge(vu_json_int(r.report, "wall_time_us"), 400 * MS);
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, mode, "--cpu=0.5", PROGS_DIR "/vprog", "spin", NULL);
	cli_expect(&r, 1, "TL");
	ck_assert_str_eq((v = vu_json(r.report, "limit")), "\"cpu\"");
	free(v);
	ck_assert_int_ge(vu_json_int(r.report, "cpu_time_us") +
	                 vu_json_int(r.report, "supervisor_cpu_us"), 500 * MS);
	vu_cli_free(&r);

	vu_cli_run(&r, NULL, mode, "--memory=64M", PROGS_DIR "/vprog", "malloc",
	           "80", NULL);
	cli_expect(&r, 1, "ML");
	ck_assert_int_gt(vu_json_int(r.report, "memory_peak_bytes"), 80 * MiB);
	vu_cli_free(&r);

	/* The big global array: ML at once, through the command line too,
	 * plain and in namespaces with a box root. */
	vu_cli_run(&r, NULL, mode, "--memory=256M", "--wall=10",
	           PROGS_DIR "/bigbss512_static", NULL);
	cli_expect(&r, 1, "ML");
	vu_cli_free(&r);
	if (vu_can_isolate()) {
		vu_cli_run(&r, NULL, mode, "--memory=256M", "--wall=10",
		           "--ns=pid,mount,ipc,uts,net", "--dir=/usr", "--dir=/lib",
		           "--dir=/lib64", "--dir=" TU_BOX_PROGS "=" PROGS_DIR,
		           TU_BOX_PROGS "/bigbss512", NULL);
		cli_expect(&r, 1, "ML");
		vu_cli_free(&r);
	}

	/* Judger's stack test through the options judges use. */
	vu_cli_run(&r, NULL, mode, "--memory=256M", "--stack=32M",
	           PROGS_DIR "/vprog", "bigstack", NULL);
	cli_expect(&r, 1, "RT");
	vu_cli_free(&r);
	vu_cli_run(&r, NULL, mode, "--memory=256M", "--rlimit=stack=128M",
	           PROGS_DIR "/vprog", "bigstack", NULL);
	cli_expect(&r, 0, "OK");
	ck_assert_str_eq(r.out, "big stack");
	vu_cli_free(&r);

	/* Output limit to a file: exactly the limit is kept. */
	char *out = tu_tmpfile("cli-ol.out"), *opt;
	ck_assert(asprintf(&opt, "--stdout=%s", out) > 0);
	vu_cli_run(&r, NULL, mode, "--output=10000", opt, PROGS_DIR "/vprog",
	           "write", "560000", NULL);
	cli_expect(&r, 1, "OL");
	struct stat st;
	ck_assert_int_eq(stat(out, &st), 0);
	ck_assert_int_eq(st.st_size, 10000);
	vu_cli_free(&r);
	free(opt);
	free(out);
}
END_TEST

START_TEST(cli_stdout_and_stderr)
{
	struct vu_cli r;
	char *out = tu_tmpfile("both.out"), *o1, *o2;
	ck_assert(asprintf(&o1, "--stdout=%s", out) > 0);
	ck_assert(asprintf(&o2, "--stderr=%s", out) > 0);
	vu_cli_run(&r, NULL, o1, o2, PROGS_DIR "/vprog", "streams", NULL);
	cli_expect(&r, 0, "OK");
	char *text = tu_slurp(out);
	ck_assert_str_eq(text, "err1\nout1\nerr2\nout2\n");
	free(text);
	vu_cli_free(&r);
	free(o1);
	free(o2);
	free(out);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("judge");
	TCase *tc = tcase_create("library");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, lib_stdin_to_stdout, 0, 2);
	tcase_add_loop_test(tc, lib_args_and_env, 0, 2);
	tcase_add_loop_test(tc, lib_time_limits, 0, 2);
	tcase_add_loop_test(tc, lib_memory, 0, 2);
	tcase_add_loop_test(tc, lib_runtime_errors, 0, 2);
	tcase_add_loop_test(tc, lib_output_limit, 0, 2);
	tcase_add_loop_test(tc, lib_stack, 0, 2);
	tcase_add_loop_test(tc, lib_stdout_and_stderr, 0, 2);
	tcase_add_loop_test(tc, lib_clock, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("sandbox-run");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, cli_everyday, 0, 2);
	tcase_add_loop_test(tc, cli_limits, 0, 2);
	tcase_add_test(tc, cli_stdout_and_stderr);
	suite_add_tcase(s, tc);
	return s;
}
