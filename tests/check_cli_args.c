/*
 * sandbox-run's argument parsing (cli/args.c), table by table: TIME and
 * SIZE values, every option with a good and a malformed value, option
 * syntax errors, the PATH look-up, credentials and the up-front file
 * checks. Nothing here runs a program, so no host feature is needed.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"
#include "args.h"
#include "policyinfo.h"

#define UNL SANDBOX_UNLIMITED
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ helpers */

static struct sr_options opt;
static char err[512];
static char *argv_store[64];

/* Parse "sandbox-run ARGS..." (NULL-terminated). */
static int parse(const char *first, ...)
{
	va_list ap;
	int argc = 0;

	argv_store[argc++] = (char *)"sandbox-run";
	va_start(ap, first);
	for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
		argv_store[argc++] = (char *)a;
	va_end(ap);
	argv_store[argc] = NULL;
	return sr_parse_args(argc, argv_store, &opt, err, sizeof(err));
}

#define PARSE_OK(...) do {                                               \
	int rc_ = parse(__VA_ARGS__, (const char *)NULL);                   \
	ck_assert_msg(rc_ == 0, "refused: %s", err);                        \
} while (0)

/* A usage error whose message contains `word`. */
#define PARSE_BAD(word, ...) do {                                        \
	int rc_ = parse(__VA_ARGS__, (const char *)NULL);                   \
	ck_assert_msg(rc_ == -EINVAL, "accepted (rc %d)", rc_);             \
	ck_assert_msg(strstr(err, word), "message '%s' lacks '%s'", err, word); \
	ck_assert_msg(!strchr(err, '\n'), "message has a newline: %s", err); \
} while (0)

/* ------------------------------------------------------------ TIME */

static const struct { const char *s; uint64_t ms; } good_times[] = {
	{ "1", 1000 }, { "0.5", 500 }, { "2.250", 2250 }, { "1500ms", 1500 },
	{ "2s", 2000 }, { "1m", 60000 }, { "1.5m", 90000 }, { "1h", 3600000 },
	{ "0.001", 1 }, { "1ms", 1 }, { "007", 7000 }, { "1.000000000000000000000", 1000 },
	{ "unlimited", UNL },
};

static const char *const bad_times[] = {
	"", "12Q", "-1", "+1", "0", "0ms", "0.0", " 1", "1 ", "1.", ".5",
	"1.2.3", "0.0005", "1.5ms", "1ms5", "s", "ms", "1S", "1sec", "1e3",
	"0x10", "99999999999999999999", "18446744073709551615",
	"18446744073709551615ms", "5124095576030431h", "Unlimited",
};

START_TEST(test_time_good)
{
	uint64_t v = 0;
	int rc = sr_parse_time_ms(good_times[_i].s, &v, err, sizeof(err));
	ck_assert_msg(rc == 0, "'%s' refused: %s", good_times[_i].s, err);
	ck_assert_uint_eq(v, good_times[_i].ms);
}
END_TEST

START_TEST(test_time_bad)
{
	uint64_t v = 42;
	err[0] = '\0';
	int rc = sr_parse_time_ms(bad_times[_i], &v, err, sizeof(err));
	ck_assert_msg(rc < 0, "'%s' accepted as %llu", bad_times[_i],
	              (unsigned long long)v);
	ck_assert_uint_eq(v, 42);
	ck_assert_msg(err[0] && !strchr(err, '\n'), "message '%s'", err);
}
END_TEST

/* ------------------------------------------------------------ SIZE */

static const struct { const char *s; uint64_t b; } good_sizes[] = {
	{ "0", 0 }, { "1048576", 1048576 }, { "10B", 10 }, { "1K", 1024 },
	{ "1k", 1024 }, { "64M", 64ull << 20 }, { "64m", 64ull << 20 },
	{ "64MiB", 64ull << 20 }, { "64MB", 64ull << 20 }, { "2G", 2ull << 30 },
	{ "1.5G", 3ull << 29 }, { "2T", 2ull << 40 }, { "0.5K", 512 },
	{ "18446744073709551614", UINT64_MAX - 1 }, { "unlimited", UNL },
};

static const char *const bad_sizes[] = {
	"", "12Q", "-1", "+1", " 1", "1 ", "1.5", "0.3K", "1.", ".5K", "M",
	"K1", "1MX", "1MiBs", "1iB", "1P", "0x10", "1e6",
	"18446744073709551615", "99999999999999999999", "16777216T",
	"17179869184G",
};

START_TEST(test_size_good)
{
	uint64_t v = 0;
	int rc = sr_parse_size(good_sizes[_i].s, &v, err, sizeof(err));
	ck_assert_msg(rc == 0, "'%s' refused: %s", good_sizes[_i].s, err);
	ck_assert_uint_eq(v, good_sizes[_i].b);
}
END_TEST

START_TEST(test_size_bad)
{
	uint64_t v = 42;
	err[0] = '\0';
	int rc = sr_parse_size(bad_sizes[_i], &v, err, sizeof(err));
	ck_assert_msg(rc < 0, "'%s' accepted as %llu", bad_sizes[_i],
	              (unsigned long long)v);
	ck_assert_uint_eq(v, 42);
	ck_assert_msg(err[0] && !strchr(err, '\n'), "message '%s'", err);
}
END_TEST

/* ------------------------------------------------------------ options */

START_TEST(test_defaults)
{
	PARSE_OK("prog");
	ck_assert_int_eq(opt.action, SR_RUN);
	ck_assert_uint_eq(opt.cpu_ms, UNL);
	ck_assert_uint_eq(opt.wall_ms, UNL);
	ck_assert_uint_eq(opt.memory_bytes, UNL);
	ck_assert_uint_eq(opt.output_bytes, UNL);
	ck_assert_int_eq(opt.mode, S_MODE_FAST);
	ck_assert_int_eq(opt.memory_mode, -1); /* the policy's, else vsize */
	ck_assert_str_eq(opt.policy, "default");
	ck_assert_ptr_null(opt.report);
	ck_assert(!opt.trace && !opt.quiet && !opt.backtrace && !opt.env_inherit);
	ck_assert_int_eq(opt.argc, 1);
	ck_assert_str_eq(opt.argv[0], "prog");
}
END_TEST

START_TEST(test_quota_options)
{
	PARSE_OK("--cpu=1.5", "--wall=2m", "--memory=256M", "--output=1K",
	         "--memory-mode=rss", "prog", "a", "b");
	ck_assert_uint_eq(opt.cpu_ms, 1500);
	ck_assert_uint_eq(opt.wall_ms, 120000);
	ck_assert_uint_eq(opt.memory_bytes, 256ull << 20);
	ck_assert_uint_eq(opt.output_bytes, 1024);
	ck_assert_int_eq(opt.memory_mode, S_MEMORY_RSS);
	ck_assert_int_eq(opt.argc, 3);
	ck_assert_str_eq(opt.argv[2], "b");
	/* Separate-argument form too. */
	PARSE_OK("--cpu", "2", "--memory", "1G", "prog");
	ck_assert_uint_eq(opt.cpu_ms, 2000);
	ck_assert_uint_eq(opt.memory_bytes, 1ull << 30);
	PARSE_OK("--output=0", "prog");
	ck_assert_uint_eq(opt.output_bytes, 0);
	ck_assert_uint_eq(opt.stack_bytes, UNL);
	PARSE_OK("--stack=8M", "prog");
	ck_assert_uint_eq(opt.stack_bytes, 8ull << 20);
	ck_assert_uint_eq(opt.tasks, UNL);
	PARSE_OK("--processes=16", "prog");
	ck_assert_uint_eq(opt.tasks, 16);
}
END_TEST

/* Every option that takes a value, with malformed values. */
static const struct { const char *arg; const char *word; } bad_args[] = {
	{ "--cpu=12Q", "--cpu" }, { "--cpu=-1", "--cpu" }, { "--cpu=", "--cpu" },
	{ "--cpu=99999999999999999999", "too large" },
	{ "--wall=12Q", "--wall" }, { "--wall=-1", "--wall" },
	{ "--wall=", "--wall" }, { "--wall=0", "positive" },
	{ "--memory=12Q", "--memory" }, { "--memory=-1", "--memory" },
	{ "--memory=", "--memory" }, { "--memory=0", "positive" },
	{ "--processes=x", "--processes" }, { "--processes=-2", "--processes" },
	{ "--memory=99999999999999999999", "too large" },
	{ "--stack=12Q", "--stack" }, { "--stack=", "--stack" },
	{ "--stack=0", "positive" },
	{ "--output=12Q", "--output" }, { "--output=-1", "--output" },
	{ "--output=", "--output" }, { "--output=16777216T", "too large" },
	{ "--memory-mode=heap", "heap" }, { "--memory-mode=", "--memory-mode" },
	{ "--mode=slow", "slow" }, { "--mode=", "--mode" },
	{ "--policy=nosuch", "nosuch" }, { "--policy=", "--policy" },
	{ "--stdin=", "--stdin" }, { "--stdout=", "--stdout" },
	{ "--stderr=", "--stderr" }, { "--report=", "--report" },
	{ "--meta=", "--meta" }, { "--trace-file=", "--trace-file" },
	{ "--chdir=", "--chdir" }, { "--chroot=", "--chroot" },
	{ "--user=", "--user" }, { "--group=", "--group" },
	{ "--env=", "--env" }, { "--env=NOEQUALS", "NOEQUALS" },
	{ "--env==v", "--env" }, { "--env=1A=v", "1A" },
	{ "--env=A-B=v", "A-B" },
	{ "--trace-format=xml", "xml" }, { "--trace-format=csv", "csv" },
	{ "--profile=", "--profile" }, { "--profile-svg=", "--profile-svg" },
	{ "--profile-format=xml", "xml" }, { "--profile-format=text", "text" },
	{ "--profile-interval=12Q", "--profile-interval" },
	{ "--profile-interval=-1", "--profile-interval" },
	{ "--profile-interval=2s", "1s" }, { "--profile-interval=", "--profile" },
	{ "--ns=bogus", "bogus" }, { "--ns=", "--ns" }, { "--ns=pid,", "--ns" },
	{ "--ns=pid,,net", "--ns" }, { "--hostname=", "--hostname" },
	{ "--cpus=", "--cpus" }, { "--cpus=a", "'a'" }, { "--cpus=0 1", "--cpus" },
	{ "--box-id=", "--box-id" }, { "--box-id=-1", "--box-id" },
	{ "--box-id=1000", "999" }, { "--box-id=1.5", "--box-id" },
	{ "--box-id=x", "--box-id" },
	{ "--box-ids=0", "--box-ids" }, { "--box-ids=", "--box-ids" },
	{ "--box-ids=5000:0", "FIRST[:COUNT]" }, { "--box-ids=5000:x", "--box-ids" },
	{ "--box-ids=4294967290:100", "--box-ids" },
	{ "--copy-in=", "--copy-in" }, { "--copy-out=a/b", "one path component" },
	{ "--hostname=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "64" },
	{ "--rootfs=", "--rootfs" }, { "--dir=", "--dir" },
	{ "--dir=relative", "absolute" },
	{ "--tmpfs-size=12Q", "--tmpfs-size" }, { "--tmpfs-size=0", "positive" },
	{ "--tmpfs-size=-1", "--tmpfs-size" },
	{ "--cg-memory=12Q", "--cg-memory" }, { "--cg-memory=0", "positive" },
	{ "--cg-memory=-1", "--cg-memory" },
	{ "--cg-pids=12Q", "--cg-pids" }, { "--cg-pids=0", "positive" },
	{ "--cg-pids=-1", "--cg-pids" }, { "--cg-pids=1.5", "--cg-pids" },
	{ "--cg-pids=99999999999999999999", "too large" },
	{ "--cg-cpu=12Q", "--cg-cpu" }, { "--cg-cpu=0", "positive" },
	{ "--cg-cpu=-1", "--cg-cpu" }, { "--cg-cpu=", "--cg-cpu" },
	{ "--cg-parent=", "--cg-parent" },
	{ "--rlimit=nofile", "NAME=VALUE" }, { "--rlimit==3", "NAME=VALUE" },
	{ "--rlimit=files=3", "files" }, { "--rlimit=nofile=12Q", "nofile" },
	{ "--rlimit=nofile=-1", "nofile" }, { "--rlimit=nofile=", "nofile" },
	{ "--env-pass=", "--env-pass" }, { "--env-pass=A,,B", "--env-pass" },
	{ "--env-strip=", "--env-strip" }, { "--env-strip=,X", "--env-strip" },
	{ "--explain-policy=nosuch", "nosuch" },
};

START_TEST(test_bad_values)
{
	PARSE_BAD(bad_args[_i].word, bad_args[_i].arg, "prog");
}
END_TEST

START_TEST(test_syntax_errors)
{
	PARSE_BAD("--no-such-option", "--no-such-option", "prog");
	PARSE_BAD("--no-such-option", "--no-such-option=3", "prog");
	PARSE_BAD("-z", "-z", "prog");
	PARSE_BAD("needs a value", "--cpu");
	PARSE_BAD("takes no value", "--quiet=yes", "prog");
	PARSE_BAD("takes no value", "--trace=1", "prog");
	PARSE_BAD("PROGRAM", "--cpu=1");
	PARSE_BAD("PROGRAM", "--");
	PARSE_BAD("empty PROGRAM", "");
	PARSE_BAD("unexpected argument", "--list-policies", "extra");
	PARSE_BAD("unexpected argument", "--check", "prog");
	/* Ambiguous abbreviations are refused. */
	PARSE_BAD("--pro", "--pro=x", "prog");
}
END_TEST

START_TEST(test_program_args)
{
	/* Options after PROGRAM belong to it. */
	PARSE_OK("prog", "--cpu=12Q", "-q");
	ck_assert_int_eq(opt.argc, 3);
	ck_assert_str_eq(opt.argv[1], "--cpu=12Q");
	ck_assert(!opt.quiet);
	PARSE_OK("-q", "--", "--weird-name", "x");
	ck_assert(opt.quiet);
	ck_assert_str_eq(opt.argv[0], "--weird-name");
	ck_assert_int_eq(opt.argc, 2);
}
END_TEST

START_TEST(test_actions)
{
	PARSE_OK("--help");
	ck_assert_int_eq(opt.action, SR_HELP);
	PARSE_OK("-h");
	ck_assert_int_eq(opt.action, SR_HELP);
	/* --help wins over a missing PROGRAM and other actions. */
	PARSE_OK("--check", "--help");
	ck_assert_int_eq(opt.action, SR_HELP);
	PARSE_OK("--version");
	ck_assert_int_eq(opt.action, SR_VERSION);
	PARSE_OK("-V");
	ck_assert_int_eq(opt.action, SR_VERSION);
	PARSE_OK("--list-policies");
	ck_assert_int_eq(opt.action, SR_LIST_POLICIES);
	PARSE_OK("--check");
	ck_assert_int_eq(opt.action, SR_CHECK);
	PARSE_OK("--explain-policy=default");
	ck_assert_int_eq(opt.action, SR_EXPLAIN_POLICY);
	ck_assert_str_eq(opt.explain, "default");
	PARSE_OK("--explain-policy=./my.policy");
	ck_assert_str_eq(opt.explain, "./my.policy");
}
END_TEST

START_TEST(test_policy_spec)
{
	for (const char *const *l = sandbox_policy_list(); *l; l++) {
		PARSE_OK("--policy", *l, "prog");
		ck_assert_str_eq(opt.policy, *l);
	}
	/* Files and modules are loaded later, with their own messages. */
	PARSE_OK("--policy=/etc/judge.policy", "prog");
	ck_assert_str_eq(opt.policy, "/etc/judge.policy");
	PARSE_OK("--policy=mine.so:arg", "prog");
	PARSE_OK("--policy=local.policy", "prog");
	PARSE_BAD("built-in", "--policy=Default", "prog");
}
END_TEST

START_TEST(test_stream_and_process_options)
{
	PARSE_OK("--stdin=in", "--stdout=out", "--stderr=err", "--report=-",
	         "--meta=m", "--chdir=/tmp", "--chroot=/srv/box", "--user=nobody",
	         "--group=0", "--env=A=1", "--env=B==2", "--env-inherit", "-q",
	         "--mode=classic", "prog");
	ck_assert_str_eq(opt.stdio[0], "in");
	ck_assert_str_eq(opt.stdio[1], "out");
	ck_assert_str_eq(opt.stdio[2], "err");
	ck_assert_str_eq(opt.report, "-");
	ck_assert_str_eq(opt.meta, "m");
	ck_assert_str_eq(opt.workdir, "/tmp");
	ck_assert_str_eq(opt.chroot, "/srv/box");
	ck_assert_str_eq(opt.user, "nobody");
	ck_assert_str_eq(opt.group, "0");
	ck_assert_uint_eq(opt.nenv, 2);
	ck_assert_str_eq(opt.env[1], "B==2");
	ck_assert(opt.env_inherit && opt.quiet);
	ck_assert(!opt.stderr_to_stdout);
	ck_assert_int_eq(opt.mode, S_MODE_CLASSIC);
	PARSE_OK("--stdout=out", "--stderr-to-stdout", "prog");
	ck_assert(opt.stderr_to_stdout);
	PARSE_BAD("takes no value", "--stderr-to-stdout=1", "prog");
	PARSE_OK("--memory-mode=vsize", "--mode=fast", "prog");
	ck_assert_int_eq(opt.memory_mode, S_MEMORY_VSIZE);
	ck_assert_int_eq(opt.mode, S_MODE_FAST);
}
END_TEST

START_TEST(test_diagnostics_options)
{
	PARSE_OK("--trace", "prog");
	ck_assert(opt.trace);
	ck_assert_int_eq(opt.trace_format, SR_FMT_TEXT);
	PARSE_OK("--trace-file=t.log", "prog");
	ck_assert(opt.trace);
	ck_assert_str_eq(opt.trace_file, "t.log");
	PARSE_OK("--trace-format=json", "prog");
	ck_assert(opt.trace);
	ck_assert_int_eq(opt.trace_format, SR_FMT_JSON);
	PARSE_OK("--backtrace", "prog");
	ck_assert(opt.backtrace);
	PARSE_OK("--profile=p.csv", "prog");
	ck_assert_str_eq(opt.profile, "p.csv");
	ck_assert_int_eq(opt.profile_format, SR_FMT_CSV);
	ck_assert_uint_eq(opt.profile_interval_ms, 10);
	PARSE_OK("--profile=p.jsonl", "--profile-interval=5ms", "prog");
	ck_assert_int_eq(opt.profile_format, SR_FMT_JSON);
	ck_assert_uint_eq(opt.profile_interval_ms, 5);
	PARSE_OK("--profile=p.out", "--profile-format=jsonl", "prog");
	ck_assert_int_eq(opt.profile_format, SR_FMT_JSON);
	PARSE_OK("--profile-format=csv", "--profile=p.json", "prog");
	ck_assert_int_eq(opt.profile_format, SR_FMT_CSV);
	PARSE_OK("--profile-svg=p.svg", "--profile-interval=1", "prog");
	ck_assert_str_eq(opt.profile_svg, "p.svg");
	ck_assert_uint_eq(opt.profile_interval_ms, 1000);
}
END_TEST

START_TEST(test_isolation_options)
{
	PARSE_OK("--ns=pid,net", "--hostname=box", "--rootfs=/srv/root:rw",
	         "--dir=/data=/srv/data:ro", "--dir=/tmp:tmp",
	         "--tmpfs-size=16M", "--cg-parent=judge", "--cg-memory=256M",
	         "--cg-pids=32", "--cg-cpu=150", "--rlimit=nofile=64",
	         "--rlimit=RLIMIT_STACK=8M", "--rlimit=core=unlimited",
	         "--env-pass=HOME,LANG", "--env-pass=TZ", "--env-strip=*_PW",
	         "--best-effort", "prog");
	ck_assert(opt.ns_set);
	ck_assert_uint_eq(opt.ns, S_NS_PID | S_NS_NET);
	ck_assert_str_eq(opt.hostname, "box");
	ck_assert_str_eq(opt.rootfs, "/srv/root:rw");
	ck_assert_uint_eq(opt.ndirs, 2);
	ck_assert_str_eq(opt.dirs[1], "/tmp:tmp");
	ck_assert_uint_eq(opt.tmpfs_size, 16ull << 20);
	ck_assert_str_eq(opt.cg_parent, "judge");
	ck_assert_uint_eq(opt.cg_memory, 256ull << 20);
	ck_assert_uint_eq(opt.cg_pids, 32);
	ck_assert_uint_eq(opt.cg_cpu, 150);
	ck_assert_uint_eq(opt.nrlimits, 3);
	ck_assert_int_eq(opt.rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(opt.rlimits[0].value, 64);
	ck_assert_int_eq(opt.rlimits[1].resource, RLIMIT_STACK);
	ck_assert_uint_eq(opt.rlimits[1].value, 8ull << 20);
	ck_assert_uint_eq(opt.rlimits[2].value, UNL);
	ck_assert_uint_eq(opt.nenv_pass, 3);
	ck_assert_str_eq(opt.env_pass[0], "HOME");
	ck_assert_str_eq(opt.env_pass[1], "LANG");
	ck_assert_str_eq(opt.env_pass[2], "TZ");
	ck_assert_uint_eq(opt.nenv_strip, 1);
	ck_assert_str_eq(opt.env_strip[0], "*_PW");
	ck_assert(opt.best_effort);
	PARSE_OK("--ns=all", "prog");
	ck_assert_uint_eq(opt.ns, S_NS_ALL);
	PARSE_OK("--ns=none", "prog");
	ck_assert(opt.ns_set);
	ck_assert_uint_eq(opt.ns, 0);
	PARSE_OK("--ns=user,mount,uts,ipc", "prog");
	ck_assert_uint_eq(opt.ns, S_NS_USER | S_NS_MOUNT | S_NS_UTS | S_NS_IPC);
}
END_TEST

START_TEST(test_last_wins_and_repeats)
{
	PARSE_OK("--cpu=1", "--cpu=2", "--policy=minimal", "--policy=default",
	         "prog");
	ck_assert_uint_eq(opt.cpu_ms, 2000);
	ck_assert_str_eq(opt.policy, "default");
	/* State does not leak from one parse into the next. */
	PARSE_OK("prog");
	ck_assert_uint_eq(opt.cpu_ms, UNL);
	ck_assert_uint_eq(opt.nenv, 0);
	ck_assert_uint_eq(opt.nenv_pass, 0);
}
END_TEST

/* ------------------------------------------------------------ consistency */

/* Options that contradict each other or need root: refused before
 * anything runs, with a message naming the options (never a C call). */
static const struct {
	const char *args[4];
	unsigned euid;
	int rc;          /* 0, -EINVAL or -EPERM */
	const char *word;
} option_checks[] = {
	{ { "--stderr-to-stdout", "--stderr=e" }, 0, -EINVAL, "--stderr-to-stdout" },
	{ { "--stderr-to-stdout", "--stdout=o" }, 1000, 0, NULL },
	{ { "--report=-", "--meta=-" }, 0, -EINVAL, "--meta=-" },
	{ { "--report=-", "--profile=-" }, 0, -EINVAL, "--profile=-" },
	{ { "--meta=-", "--profile-svg=-" }, 0, -EINVAL, "--profile-svg=-" },
	{ { "--report=-", "--meta=m" }, 0, 0, NULL },
	{ { "--chroot=/srv", "--rootfs=/srv" }, 0, -EINVAL, "--rootfs" },
	{ { "--chroot=/srv", "--dir=/a=/b" }, 0, -EINVAL, "--dir" },
	{ { "--user=nobody", "--ns=user" }, 0, -EINVAL, "--ns=user" },
	{ { "--group=nogroup", "--ns=user,pid" }, 0, -EINVAL, "--group" },
	{ { "--user=nobody" }, 1000, -EPERM, "needs root" },
	{ { "--group=0" }, 1000, -EPERM, "--group needs root" },
	{ { "--user=nobody" }, 0, 0, NULL },
	{ { "--chroot=/srv" }, 1000, -EPERM, "--chroot needs root" },
	{ { "--ns=pid" }, 1000, -EPERM, "add user to --ns" },
	{ { "--hostname=box" }, 1000, -EPERM, "--hostname" },
	{ { "--rootfs=/" }, 1000, -EPERM, "--rootfs" },
	{ { "--dir=/a=/b" }, 1000, -EPERM, "--dir" },
	{ { "--ns=pid", "--best-effort" }, 1000, 0, NULL },
	{ { "--ns=user,pid" }, 1000, 0, NULL },
	{ { "--ns=user", "--rootfs=/" }, 1000, 0, NULL },
	{ { "--ns=all" }, 1000, 0, NULL },
	{ { "--ns=pid" }, 0, 0, NULL },
};

START_TEST(test_option_checks)
{
	const char *const *a = option_checks[_i].args;
	int rc = parse(a[0], a[1] ? a[1] : "prog", a[1] ? "prog" : NULL,
	               (const char *)NULL);
	ck_assert_msg(rc == 0, "refused: %s", err);
	err[0] = '\0';
	rc = sr_check_options(&opt, option_checks[_i].euid, err, sizeof(err));
	ck_assert_msg(rc == option_checks[_i].rc, "%s %s: rc %d (%s)", a[0],
	              a[1] ? a[1] : "", rc, err);
	if (option_checks[_i].word)
		ck_assert_msg(strstr(err, option_checks[_i].word),
		              "message '%s' lacks '%s'", err, option_checks[_i].word);
	ck_assert_msg(!strstr(err, "sandbox_") && !strstr(err, "S_NS_"),
	              "message names C: %s", err);
}
END_TEST

/* --interactor=CMD [ARG...] -- PROGRAM [ARG...]: the ARGs end at the first
 * `--`, which must be there when there are any; the program's own
 * arguments may hold more `--`. The interactor's options and their
 * checks. */
START_TEST(test_interactor)
{
	PARSE_OK("--wall=1", "--interactor=./i", "1.in", "o", "1.ans", "--",
	         "./sol", "x", "--", "y");
	ck_assert_str_eq(opt.ia.command, "./i");
	ck_assert_int_eq(opt.ia.argc, 3);
	ck_assert_str_eq(opt.ia.argv[0], "1.in");
	ck_assert_str_eq(opt.ia.argv[2], "1.ans");
	ck_assert_int_eq(opt.argc, 4);
	ck_assert_str_eq(opt.argv[0], "./sol");
	ck_assert_str_eq(opt.argv[2], "--");
	PARSE_OK("--interactor=./i", "--", "./sol");
	ck_assert_int_eq(opt.ia.argc, 0);
	ck_assert_str_eq(opt.argv[0], "./sol");
	/* options after it are options, until its first ARG */
	PARSE_OK("--interactor", "./i", "--wall=2", "--", "./sol");
	ck_assert_int_eq(opt.wall_ms, 2000);
	ck_assert_int_eq(opt.ia.argc, 0);
	PARSE_BAD("end the interactor's arguments", "--interactor=./i", "./sol");
	PARSE_BAD("end the interactor's arguments", "--interactor=./i", "1.in",
	          "./sol", "x");
	PARSE_BAD("no PROGRAM", "--interactor=./i", "1.in", "--");
	PARSE_BAD("--interactor: empty command", "--interactor=", "--", "./sol");
	PARSE_BAD("--interaction-log: empty", "--interaction-log=", "./sol");
	PARSE_OK("--interactor-cpu=1.5", "--interactor-memory=64M",
	         "--interactor-wall=3s", "--interactor-policy=default",
	         "--interaction-log=t.log", "--interactor=./i", "--", "./sol");
	ck_assert_int_eq(opt.ia.cpu_ms, 1500);
	ck_assert_int_eq(opt.ia.memory_bytes, 64 << 20);
	ck_assert_int_eq(opt.ia.wall_ms, 3000);
	ck_assert_str_eq(opt.ia.policy, "default");
	ck_assert_str_eq(opt.ia.log, "t.log");
	PARSE_BAD("--interactor-policy", "--interactor-policy=nosuch", "./sol");
	PARSE_BAD("--interactor-cpu", "--interactor-cpu=fast", "./sol");
	PARSE_BAD("--interactor-memory: SIZE must be positive",
	          "--interactor-memory=0", "./sol");
	PARSE_BAD("--interactor-wall", "--interactor-wall=-1", "./sol");
	/* without --interactor, `--` is only the end of the options */
	PARSE_OK("--", "./sol", "--");
	ck_assert_ptr_null(opt.ia.command);
	ck_assert_int_eq(opt.argc, 2);
}
END_TEST

static const struct {
	const char *args[4];
	const char *word;   /* NULL: accepted */
} interactor_checks[] = {
	{ { "--wall=1", "--interactor=./i" }, NULL },
	{ { "--interactor=./i" }, "--interactor needs --wall" },
	{ { "--wall=1", "--interactor=./i", "--stdin=in" }, "--stdin" },
	{ { "--wall=1", "--interactor=./i", "--stdout=o" }, "--stdout" },
	{ { "--wall=1", "--interactor=./i", "--stderr-to-stdout" },
	  "--stderr-to-stdout" },
	{ { "--wall=1", "--interactor=./i", "--stderr=e" }, NULL },
	{ { "--wall=1", "--interactor=./i", "--interactor-cpu=1" },
	  "--interactor-cpu needs --interactor-policy" },
	{ { "--wall=1", "--interactor=./i", "--interactor-memory=1M" },
	  "--interactor-memory needs --interactor-policy" },
	{ { "--wall=1", "--interactor=./i", "--interactor-policy=default",
	    "--interactor-cpu=1" }, NULL },
	{ { "--interaction-log=l" }, "--interaction-log needs --interactor" },
	{ { "--interactor-policy=default" }, "needs --interactor" },
	{ { "--interactor-wall=1" }, "--interactor-wall needs --interactor" },
	{ { "--wall=1", "--interactor=./i", "--report=-" }, NULL },
	{ { "--wall=1", "--batch", "--interactor=./i" }, "--batch" },
};

START_TEST(test_interactor_checks)
{
	const char *const *a = interactor_checks[_i].args;
	int n = 0, argc = 0;

	argv_store[argc++] = (char *)"sandbox-run";
	for (; n < 4 && a[n]; n++)
		argv_store[argc++] = (char *)a[n];
	argv_store[argc++] = (char *)"--";
	argv_store[argc++] = (char *)"prog";
	argv_store[argc] = NULL;
	ck_assert_msg(sr_parse_args(argc, argv_store, &opt, err, sizeof(err)) == 0,
	              "refused: %s", err);
	err[0] = '\0';
	int rc = sr_check_options(&opt, 0, err, sizeof(err));
	if (!interactor_checks[_i].word) {
		ck_assert_msg(rc == 0, "%s: %s", a[n - 1], err);
	} else {
		ck_assert_msg(rc == -EINVAL, "%s: accepted", a[n - 1]);
		ck_assert_msg(strstr(err, interactor_checks[_i].word),
		              "message '%s' lacks '%s'", err,
		              interactor_checks[_i].word);
	}
}
END_TEST

/* Only root can give the interactor another user, as --user: refused
 * before anything runs (an unprivileged judge got JF "setgroups:
 * Operation not permitted" at run time, verify23 V5), its own uid too. */
static const struct {
	const char *user;   /* NULL: no --interactor-user */
	unsigned euid;
	int rc;
} interactor_users[] = {
	{ "nobody", 0, 0 }, { "65534", 0, 0 }, { NULL, 1000, 0 },
	{ "nobody", 1000, -EPERM }, { "1000", 1000, -EPERM },
};

START_TEST(test_interactor_user_needs_root)
{
	const __typeof__(interactor_users[0]) *c = interactor_users;
	char user[64];
	int argc = 0;

	argv_store[argc++] = (char *)"sandbox-run";
	argv_store[argc++] = (char *)"--wall=1";
	argv_store[argc++] = (char *)"--interactor-policy=default";
	if (c[_i].user) {
		snprintf(user, sizeof(user), "--interactor-user=%s", c[_i].user);
		argv_store[argc++] = user;
	}
	argv_store[argc++] = (char *)"--interactor=./i";
	argv_store[argc++] = (char *)"--";
	argv_store[argc++] = (char *)"prog";
	argv_store[argc] = NULL;
	ck_assert_msg(sr_parse_args(argc, argv_store, &opt, err, sizeof(err)) == 0,
	              "refused: %s", err);
	err[0] = '\0';
	int rc = sr_check_options(&opt, c[_i].euid, err, sizeof(err));
	ck_assert_msg(rc == c[_i].rc, "%s as uid %u: %d (%s)",
	              c[_i].user ? c[_i].user : "-", c[_i].euid, rc, err);
	if (rc)
		ck_assert_msg(strstr(err, "--interactor-user needs root") &&
		              strstr(err, "runs as uid 1000"), "message '%s'", err);
}
END_TEST

/* The PATH PROGRAM is looked up in is the program's. */
static const struct {
	const char *args[3];
	const char *caller;
	const char *want;
} program_paths[] = {
	{ { NULL }, "/home/j/bin:/usr/bin", "/usr/bin:/bin" },
	{ { "--env=PATH=/opt/bin" }, "/home/j/bin", "/opt/bin" },
	{ { "--env=PATH=/a", "--env=PATH=/b" }, "/x", "/b" },
	{ { "--env-inherit" }, "/home/j/bin:/usr/bin", "/home/j/bin:/usr/bin" },
	{ { "--env-inherit" }, NULL, SR_FALLBACK_PATH },
	{ { "--env-inherit", "--env=PATH=/opt" }, "/x", "/opt" },
	{ { "--env-pass=HOME,PATH" }, "/x:/y", "/x:/y" },
	{ { "--env-pass=HOME" }, "/x:/y", "/usr/bin:/bin" },
};

START_TEST(test_program_path)
{
	const char *const *a = program_paths[_i].args;
	if (!a[0])
		PARSE_OK("prog");
	else if (!a[1])
		PARSE_OK(a[0], "prog");
	else
		PARSE_OK(a[0], a[1], "prog");
	ck_assert_str_eq(sr_program_path(&opt, program_paths[_i].caller),
	                 program_paths[_i].want);
}
END_TEST

/* --dir with a relative OUTSIDE, as the docs write it. */
static const struct { const char *spec, *want; } dir_specs[] = {
	{ "/work=./work:rw", "/work=/home/j/work:rw" },
	{ "/work=work", "/work=/home/j/work" },
	{ "/work=.:rw", "/work=/home/j:rw" },
	{ "/work=./a/b:ro", "/work=/home/j/a/b:ro" },
	{ "/work=/abs/work:rw", "/work=/abs/work:rw" },
	{ "/usr", "/usr" },
	{ "/usr:ro", "/usr:ro" },
	{ "/tmp:tmp", "/tmp:tmp" },
	{ "/data=../data", "/data=/home/j/../data" },
};

START_TEST(test_dir_spec_absolute)
{
	char out[512];
	ck_assert_int_eq(sr_dir_spec_absolute(dir_specs[_i].spec, "/home/j", out,
	                                      sizeof(out)), 0);
	ck_assert_str_eq(out, dir_specs[_i].want);
	ck_assert_int_eq(sr_dir_spec_absolute(dir_specs[_i].spec, "/home/j", out,
	                                      4), -ENAMETOOLONG);
}
END_TEST

/* ------------------------------------------------------------ policies */

/* Policies that start dynamic programs, judged from their rule table:
 * everything allowed but one syscall of the dynamic loader's. */
static const struct {
	const char *syscall;
	int disp, err;
	bool dynamic;
} loader_rows[] = {
	{ NULL, 0, 0, true },
	{ "mmap", S_DISP_KILL, 0, false },
	{ "mmap", S_DISP_ERRNO, EPERM, false },
	{ "openat", S_DISP_ERRNO, EACCES, false },
	{ "openat", S_DISP_TRACE, 0, true },   /* the callback decides by path */
	{ "access", S_DISP_ERRNO, ENOENT, true },
	{ "access", S_DISP_KILL, 0, false },
	{ "pread64", S_DISP_KILL, 0, false },
	{ "mprotect", S_DISP_KILL, 0, false },
	{ "getpid", S_DISP_KILL, 0, true },    /* not the loader's */
};

START_TEST(test_policy_starts_dynamic)
{
	sandbox_policy_t *p = sandbox_policy_new();
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_set_default(p, S_ABI_X86_64, S_DISP_ALLOW,
	                                            0), 0);
	if (loader_rows[_i].syscall)
		ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
		                                              loader_rows[_i].syscall,
		                                              loader_rows[_i].disp,
		                                              loader_rows[_i].err,
		                                              NULL, 0), 0);
	ck_assert_msg(sr_policy_starts_dynamic(p) == loader_rows[_i].dynamic,
	              "%s", loader_rows[_i].syscall ? loader_rows[_i].syscall : "-");
	sandbox_policy_unref(p);
}
END_TEST

/* The built-ins as they are: minimal and its relatives start static
 * programs only, the judge's default and python3 dynamic ones. */
START_TEST(test_builtin_policies_dynamic)
{
	static const struct { const char *name; bool dynamic; } b[] = {
		{ "default", true }, { "python3", true }, { "unrestricted", true },
		{ "minimal", false },
	};
	for (size_t i = 0; i < N(b); i++) {
		sandbox_policy_t *p = sandbox_policy_builtin(b[i].name);
		ck_assert_ptr_nonnull(p);
		ck_assert_msg(sr_policy_starts_dynamic(p) == b[i].dynamic, "%s",
		              b[i].name);
		sandbox_policy_unref(p);
	}
}
END_TEST

/* ------------------------------------------------------------ look-ups */

static char tmpdir[64];

static void make_file(const char *name, mode_t mode)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void setup_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_cli_args.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/bin", tmpdir);
	mkdir(sub, 0755);
	make_file("bin/tool", 0755);
	make_file("plain", 0644);
	make_file("exe", 0755);
}

static void teardown_tmp(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

START_TEST(test_find_program)
{
	char out[PATH_MAX], path[512], want[512];
	snprintf(path, sizeof(path), "/nonexistent:%s/bin:%s", tmpdir, tmpdir);

	ck_assert_int_eq(sr_find_program("tool", path, NULL, out, sizeof(out),
	                                 err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/bin/tool", tmpdir);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(sr_find_program("exe", path, NULL, out, sizeof(out),
	                                 err, sizeof(err)), 0);
	ck_assert_int_eq(sr_find_program("nothere", path, NULL, out, sizeof(out),
	                                 err, sizeof(err)), -ENOENT);
	ck_assert(strstr(err, "nothere"));
	/* Found, not executable (root passes access(X_OK) only with an x
	 * bit, so this holds for root too). */
	ck_assert_int_eq(sr_find_program("plain", path, NULL, out, sizeof(out),
	                                 err, sizeof(err)), -EACCES);
	snprintf(want, sizeof(want), "%s/plain", tmpdir);
	ck_assert_int_eq(sr_find_program(want, NULL, NULL, out, sizeof(out),
	                                 err, sizeof(err)), -EACCES);
	ck_assert_int_eq(sr_find_program(tmpdir, NULL, NULL, out, sizeof(out),
	                                 err, sizeof(err)), -EACCES);
	snprintf(want, sizeof(want), "%s/exe", tmpdir);
	ck_assert_int_eq(sr_find_program(want, NULL, NULL, out, sizeof(out),
	                                 err, sizeof(err)), 0);
	ck_assert_str_eq(out, want);
	/* Inside a root: the path as the program will see it. */
	PARSE_OK("--rootfs", tmpdir, "prog");
	ck_assert_int_eq(sr_find_program("tool", "/bin", &opt, out,
	                                 sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, "/bin/tool");
	/* In a box of --dir entries: through the entry that holds it. */
	char spec[512];
	snprintf(spec, sizeof(spec), "--dir=/box/bin=%s/bin", tmpdir);
	PARSE_OK(spec, "prog");
	ck_assert_int_eq(sr_find_program("tool", "/usr/bin:/box/bin", &opt, out,
	                                 sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, "/box/bin/tool");
	ck_assert_int_eq(sr_find_program("/box/bin/tool", NULL, &opt, out,
	                                 sizeof(out), err, sizeof(err)), 0);
	/* Not in the box at all: not on the host's PATH either. */
	ck_assert_int_eq(sr_find_program("tool", path, &opt, out, sizeof(out),
	                                 err, sizeof(err)), -ENOENT);
	ck_assert(strstr(err, "program's PATH"));
	PARSE_OK(spec, "--dir=/box/bin:tmp", "prog");
	ck_assert_int_eq(sr_find_program("tool", "/box/bin", &opt, out,
	                                 sizeof(out), err, sizeof(err)), -ENOENT);
	/* --dir entries sit on top of a --rootfs. */
	PARSE_OK("--rootfs=/", spec, "--chdir=/box/bin", "prog");
	ck_assert_int_eq(sr_find_program("./tool", NULL, &opt, out, sizeof(out),
	                                 err, sizeof(err)), 0);
	ck_assert_str_eq(out, "./tool");
	ck_assert_int_eq(sr_find_program("tool", "/box/bin", &opt, out,
	                                 sizeof(out), err, sizeof(err)), 0);
	ck_assert_int_eq(sr_find_program("", path, NULL, out, sizeof(out),
	                                 err, sizeof(err)), -ENOENT);
}
END_TEST

/* --chroot, --rootfs and --chdir must be directories, and a missing one
 * is named (not the program). */
START_TEST(test_check_dirs)
{
	char p1[256], p2[256];

	snprintf(p1, sizeof(p1), "%s/missing-root", tmpdir);
	snprintf(p2, sizeof(p2), "%s/exe", tmpdir);
	PARSE_OK("--rootfs", p1, "prog");
	ck_assert_int_eq(sr_check_dirs(&opt, err, sizeof(err)), -ENOENT);
	ck_assert(strstr(err, "--rootfs") && strstr(err, "missing-root"));
	snprintf(p1 + strlen(p1), sizeof(p1) - strlen(p1), ":rw");
	PARSE_OK("--rootfs", p1, "prog");
	ck_assert_int_eq(sr_check_dirs(&opt, err, sizeof(err)), -ENOENT);
	PARSE_OK("--chroot", p2, "prog");
	ck_assert_int_eq(sr_check_dirs(&opt, err, sizeof(err)), -ENOTDIR);
	ck_assert(strstr(err, "--chroot"));
	PARSE_OK("--chdir", p2, "prog");
	ck_assert_int_eq(sr_check_dirs(&opt, err, sizeof(err)), -ENOTDIR);
	/* Inside a root, --chdir is the library's to check. */
	PARSE_OK("--rootfs", tmpdir, "--chdir=/nowhere", "prog");
	ck_assert_int_eq(sr_check_dirs(&opt, err, sizeof(err)), 0);
	PARSE_OK("--chdir", tmpdir, "prog");
	ck_assert_int_eq(sr_check_dirs(&opt, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_credentials)
{
	PARSE_OK("--user=0", "prog");
	ck_assert_int_eq(sr_resolve_credentials(&opt, err, sizeof(err)), 0);
	ck_assert(opt.set_uid && opt.set_gid);
	ck_assert_uint_eq(opt.uid, 0);
	ck_assert_uint_eq(opt.gid, 0);
	PARSE_OK("--user=root", "--group=7", "prog");
	ck_assert_int_eq(sr_resolve_credentials(&opt, err, sizeof(err)), 0);
	ck_assert_uint_eq(opt.gid, 7);
	PARSE_OK("--user=no-such-user-xyz", "prog");
	ck_assert_int_eq(sr_resolve_credentials(&opt, err, sizeof(err)), -ENOENT);
	ck_assert(strstr(err, "no-such-user-xyz"));
	PARSE_OK("--group=no-such-group-xyz", "prog");
	ck_assert_int_eq(sr_resolve_credentials(&opt, err, sizeof(err)), -ENOENT);
	/* A uid with no passwd entry has no primary group. */
	PARSE_OK("--user=3999999", "prog");
	ck_assert_int_eq(sr_resolve_credentials(&opt, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "--group"));
	PARSE_OK("--user=3999999", "--group=3999999", "prog");
	ck_assert_int_eq(sr_resolve_credentials(&opt, err, sizeof(err)), 0);
	PARSE_OK("prog");
	ck_assert_int_eq(sr_resolve_credentials(&opt, err, sizeof(err)), 0);
	ck_assert(!opt.set_uid && !opt.set_gid);
}
END_TEST

START_TEST(test_usage_text)
{
	int lines = 0;
	for (const char *p = sr_usage_text; *p; p++) {
		const char *nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(nl - p <= 79, "--help line too long: %.*s",
		              (int)(nl - p), p);
		lines++;
		p = nl;
	}
	ck_assert_msg(lines <= 40, "--help has %d lines", lines);
	/* Every long option is mentioned. */
	static const char *const names[] = {
		"--cpu", "--wall", "--memory", "--memory-mode", "--output",
		"--policy", "--stdin", "--stdout", "--stderr", "--report", "--meta",
		"--chdir", "--chroot", "--user", "--group", "--env", "--env-inherit",
		"--mode", "--trace", "--trace-file", "--trace-format", "--quiet",
		"--list-policies", "--explain-policy", "--check", "--help",
		"--version", "--backtrace", "--profile", "--profile-format",
		"--profile-interval", "--profile-svg", "--ns", "--hostname",
		"--rootfs", "--dir", "--tmpfs-size", "--cg-parent", "--cg-memory",
		"--cg-pids", "--cg-cpu", "--rlimit", "--env-pass", "--env-strip",
		"--best-effort", "--cpus", "--box-id", "--box-ids", "--box", "--copy-in",
		"--copy-out",
	};
	for (size_t i = 0; i < N(names); i++)
		ck_assert_msg(strstr(sr_usage_text, names[i]), "%s not in --help",
		              names[i]);
}
END_TEST

/* --cpus keeps the list as given (the library parses it). */
START_TEST(test_cpus_option)
{
	PARSE_OK("prog");
	ck_assert_ptr_null(opt.cpus);
	PARSE_OK("--cpus=0-3,6", "prog");
	ck_assert_str_eq(opt.cpus, "0-3,6");
	PARSE_OK("--cpus", "1", "prog");
	ck_assert_str_eq(opt.cpus, "1");
}
END_TEST

/* --copy-in=HOST[:NAME], --copy-out=NAME[:HOST]: the last ':' splits an
 * input, the first an output; NAME is one path component. */
static const struct {
	const char *spec;
	bool out;
	const char *host, *name; /* NULL: refused */
} copy_specs[] = {
	{ "sol", false, "sol", "sol" },
	{ "bin/sol", false, "bin/sol", "sol" },
	{ "/a:b/in.txt:input", false, "/a:b/in.txt", "input" },
	{ "tests/1.in:in", false, "tests/1.in", "in" },
	{ "out.txt", true, "out.txt", "out.txt" },
	{ "out.txt:res/1.out", true, "res/1.out", "out.txt" },
	{ "o:/x:y", true, "/x:y", "o" },
	{ "dir/", false, NULL, NULL },
	{ "a:b/c", false, NULL, NULL },
	{ "a:..", false, NULL, NULL },
	{ ".:x", true, NULL, NULL },
	{ ":x", true, NULL, NULL },
	{ "x:", true, NULL, NULL },
	{ "", false, NULL, NULL },
};

START_TEST(test_copy_spec)
{
	char host[256], name[256], msg[256];
	int rc = sr_copy_spec(copy_specs[_i].spec, copy_specs[_i].out, host,
	                      sizeof(host), name, sizeof(name), msg, sizeof(msg));
	if (!copy_specs[_i].host) {
		ck_assert_msg(rc < 0, "'%s' accepted", copy_specs[_i].spec);
		return;
	}
	ck_assert_msg(rc == 0, "'%s': %s", copy_specs[_i].spec, msg);
	ck_assert_str_eq(host, copy_specs[_i].host);
	ck_assert_str_eq(name, copy_specs[_i].name);
}
END_TEST

/* --box and its copies; copies without --box, --box with --rootfs. */
START_TEST(test_box_options)
{
	PARSE_OK("--box", "--copy-in=in.txt", "--copy-out=out.txt:o", "./sol");
	ck_assert(opt.box);
	ck_assert_int_eq(opt.ncopy_in, 1);
	ck_assert_int_eq(opt.ncopy_out, 1);
	ck_assert_int_eq(sr_check_options(&opt, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(sr_check_options(&opt, 1000, err, sizeof(err)), 0);
	PARSE_OK("--copy-in=in.txt", "./sol");
	ck_assert_int_eq(sr_check_options(&opt, 0, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--box"));
	PARSE_OK("--box", "--rootfs=/srv/root", "./sol");
	ck_assert_int_eq(sr_check_options(&opt, 0, err, sizeof(err)), -EINVAL);
	PARSE_OK("--box", "--chroot=/srv/root", "./sol");
	ck_assert_int_eq(sr_check_options(&opt, 0, err, sizeof(err)), -EINVAL);
}
END_TEST

/* --box-id: a run slot from 0 to 999, -1 (any) by default. */
START_TEST(test_box_id_option)
{
	PARSE_OK("prog");
	ck_assert_int_eq(opt.box_id, -1);
	PARSE_OK("--box-id=0", "prog");
	ck_assert_int_eq(opt.box_id, 0);
	PARSE_OK("--box-id", "999", "prog");
	ck_assert_int_eq(opt.box_id, 999);
	ck_assert_int_eq(opt.box_first, SANDBOX_BOX_FIRST_UID);
	ck_assert_int_eq(opt.box_count, SANDBOX_BOX_COUNT);
	/* --box-ids: the range, before or after --box-id. */
	PARSE_OK("--box-id=4999", "--box-ids=60000:5000", "prog");
	ck_assert_int_eq(opt.box_first, 60000);
	ck_assert_int_eq(opt.box_count, 5000);
	ck_assert_int_eq(opt.box_id, 4999);
	PARSE_OK("--box-ids=70000", "prog");
	ck_assert_int_eq(opt.box_count, SANDBOX_BOX_COUNT);
	PARSE_BAD("0 to 9", "--box-ids=5000:10", "--box-id=10", "prog");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cli_args");
	TCase *tc = tcase_create("values");
	tcase_add_loop_test(tc, test_time_good, 0, N(good_times));
	tcase_add_loop_test(tc, test_time_bad, 0, N(bad_times));
	tcase_add_loop_test(tc, test_size_good, 0, N(good_sizes));
	tcase_add_loop_test(tc, test_size_bad, 0, N(bad_sizes));
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_quota_options);
	tcase_add_loop_test(tc, test_bad_values, 0, N(bad_args));
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_program_args);
	tcase_add_test(tc, test_actions);
	tcase_add_test(tc, test_policy_spec);
	tcase_add_test(tc, test_stream_and_process_options);
	tcase_add_test(tc, test_diagnostics_options);
	tcase_add_test(tc, test_isolation_options);
	tcase_add_test(tc, test_last_wins_and_repeats);
	tcase_add_test(tc, test_usage_text);
	tcase_add_test(tc, test_cpus_option);
	tcase_add_test(tc, test_box_id_option);
	tcase_add_loop_test(tc, test_copy_spec, 0, N(copy_specs));
	tcase_add_test(tc, test_box_options);
	tcase_add_loop_test(tc, test_option_checks, 0, N(option_checks));
	tcase_add_test(tc, test_interactor);
	tcase_add_loop_test(tc, test_interactor_checks, 0, N(interactor_checks));
	tcase_add_loop_test(tc, test_interactor_user_needs_root, 0,
	                    N(interactor_users));
	tcase_add_loop_test(tc, test_program_path, 0, N(program_paths));
	tcase_add_loop_test(tc, test_dir_spec_absolute, 0, N(dir_specs));
	tcase_add_loop_test(tc, test_policy_starts_dynamic, 0, N(loader_rows));
	tcase_add_test(tc, test_builtin_policies_dynamic);
	suite_add_tcase(s, tc);

	tc = tcase_create("lookups");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, test_find_program);
	tcase_add_test(tc, test_check_dirs);
	tcase_add_test(tc, test_credentials);
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
