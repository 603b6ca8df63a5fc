/*
 * sandbox_format_syscall(): strace-like text and JSON of syscall events,
 * built by hand (no memory: pointers stay addresses) and taken live from
 * a policy callback (paths read from the program).
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static sandbox_event_t event(const char *name, int type, uint64_t a0,
                             uint64_t a1, uint64_t a2, uint64_t a3,
                             uint64_t a4, uint64_t a5)
{
	sandbox_event_t ev = { .type = type, .pid = 42 };
	ev.syscall.abi = S_ABI_X86_64;
	ev.syscall.nr = sandbox_syscall_number(S_ABI_X86_64, name);
	ck_assert_int_ge(ev.syscall.nr, 0);
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
	memcpy(ev.syscall.args, a, sizeof(a));
	return ev;
}

static const char *fmt(const sandbox_event_t *ev, int flags)
{
	static char buf[1024];
	size_t n = sandbox_format_syscall(ev, buf, sizeof(buf), flags);
	ck_assert_uint_lt(n, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

#define ck_text(ev, flags, want) \
	ck_assert_str_eq(fmt(&(ev), (flags)), (want))

START_TEST(test_text_common)
{
	const int nm = SANDBOX_FORMAT_NO_MEMORY;
	sandbox_event_t ev = event("openat", S_EVENT_SYSCALL, (uint64_t)AT_FDCWD,
	                           0x1000, O_RDONLY | O_CLOEXEC, 0, 0, 0);
	ck_text(ev, nm, "openat(AT_FDCWD, 0x1000, O_RDONLY|O_CLOEXEC) ...");
	ev.type = S_EVENT_SYSRET;
	ev.syscall.ret = 3;
	ck_text(ev, nm, "openat(AT_FDCWD, 0x1000, O_RDONLY|O_CLOEXEC) = 3");
	ev.syscall.ret = -ENOENT;
	ck_text(ev, nm, "openat(AT_FDCWD, 0x1000, O_RDONLY|O_CLOEXEC) = -1 "
	        "ENOENT (No such file or directory)");

	ev = event("openat", S_EVENT_SYSCALL, 5, 0x2000,
	           O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0);
	ck_text(ev, nm, "openat(5, 0x2000, O_WRONLY|O_CREAT|O_TRUNC, 0644) ...");

	ev = event("mmap", S_EVENT_SYSRET, 0, 4096, PROT_READ | PROT_WRITE,
	           MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	ev.syscall.ret = 0x7f0000001000;
	ck_text(ev, nm, "mmap(NULL, 4096, PROT_READ|PROT_WRITE, "
	        "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000");

	ev = event("kill", S_EVENT_SYSCALL, 123, SIGKILL, 0, 0, 0, 0);
	ck_text(ev, nm, "kill(123, SIGKILL) ...");
	ev = event("close", S_EVENT_SYSCALL, 3, 0, 0, 0, 0, 0);
	ck_text(ev, nm, "close(3) ...");
	ev = event("lseek", S_EVENT_SYSRET, 0, 10, SEEK_END, 0, 0, 0);
	ev.syscall.ret = 110;
	ck_text(ev, nm, "lseek(0, 10, SEEK_END) = 110");
	ev = event("mprotect", S_EVENT_SYSCALL, 0x1000, 8192, 0, 0, 0, 0);
	ck_text(ev, nm, "mprotect(0x1000, 8192, PROT_NONE) ...");
	/* an unknown flag bit stays visible */
	ev = event("openat", S_EVENT_SYSCALL, (uint64_t)AT_FDCWD, 0,
	           O_RDONLY | 0x10000000, 0, 0, 0);
	ck_text(ev, nm, "openat(AT_FDCWD, NULL, O_RDONLY|0x10000000) ...");
}
END_TEST

/* A syscall without a layout: six hex arguments. */
START_TEST(test_text_unknown_layout)
{
	sandbox_event_t ev = event("getppid", S_EVENT_SYSRET, 1, 0, 0, 0, 0, 0x20);
	ev.syscall.ret = 7;
	ck_text(ev, SANDBOX_FORMAT_NO_MEMORY,
	        "getppid(0x1, 0, 0, 0, 0, 0x20) = 7");
}
END_TEST

START_TEST(test_truncation)
{
	char small[8];
	sandbox_event_t ev = event("close", S_EVENT_SYSCALL, 3, 0, 0, 0, 0, 0);
	size_t whole = sandbox_format_syscall(&ev, NULL, 0, 0);
	ck_assert_uint_eq(whole, strlen("close(3) ..."));
	memset(small, 'x', sizeof(small));
	ck_assert_uint_eq(sandbox_format_syscall(&ev, small, sizeof(small), 0),
	                  whole);
	ck_assert_str_eq(small, "close(3");
	/* not a syscall event */
	ev.type = S_EVENT_EXIT;
	ck_assert_uint_eq(sandbox_format_syscall(&ev, small, sizeof(small), 0), 0);
	ck_assert_str_eq(small, "");
	ck_assert_uint_eq(sandbox_format_syscall(NULL, small, sizeof(small), 0), 0);
}
END_TEST

/* Valid JSON: python3's parser when there is one. */
static void check_json(const char *text)
{
	char *path = tu_tmpfile("line.json");
	char cmd[512];
	tu_write_file(path, text);
	snprintf(cmd, sizeof(cmd), "command -v python3 >/dev/null 2>&1 || exit 3;"
	         " python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "
	         "'%s'", path);
	int rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 3)
		tu_note("no python3: JSON not parsed");
	else
		ck_assert_msg(WEXITSTATUS(rc) == 0, "not JSON: %s", text);
	free(path);
}

START_TEST(test_json)
{
	const int js = SANDBOX_FORMAT_JSON | SANDBOX_FORMAT_NO_MEMORY;
	sandbox_event_t ev = event("openat", S_EVENT_SYSRET, (uint64_t)AT_FDCWD,
	                           0x1000, O_RDONLY, 0, 0, 0);
	ev.syscall.ret = -EACCES;
	const char *t = fmt(&ev, js);
	ck_assert_str_eq(t, "{\"event\":\"sysret\",\"pid\":42,\"abi\":\"x86_64\","
	                 "\"nr\":257,\"name\":\"openat\",\"args\":[\"AT_FDCWD\","
	                 "\"0x1000\",\"O_RDONLY\"],\"raw\":[18446744073709551516,"
	                 "4096,0,0,0,0],\"ret\":-13,\"errno\":\"EACCES\"}");
	check_json(t);
	ck_assert_ptr_null(strchr(t, '\n'));
	ev = event("write", S_EVENT_SYSCALL, 1, 0x4000, 3, 0, 0, 0);
	t = fmt(&ev, js);
	ck_assert_str_eq(t, "{\"event\":\"syscall\",\"pid\":42,\"abi\":\"x86_64\","
	                 "\"nr\":1,\"name\":\"write\",\"args\":[1,\"0x4000\",3],"
	                 "\"raw\":[1,16384,3,0,0,0]}");
	check_json(t);
	ev = event("mmap", S_EVENT_SYSRET, 0, 4096, PROT_READ, MAP_SHARED, 3, 0);
	ev.syscall.ret = 0x7f0000000000;
	t = fmt(&ev, js);
	ck_assert_ptr_nonnull(strstr(t, "\"ret\":139637976727552"));
	check_json(t);
}
END_TEST

/* ------------------------------------------------------------ live */

struct seen {
	char open_text[512];
	char open_json[512];
	char write_text[512];
	char write_ret[512];
};

static void record(const sandbox_event_t *ev, sandbox_action_t *act,
                   void *data)
{
	struct seen *s = data;
	char name[32];
	act->type = S_ACTION_CONT;
	if (ev->type != S_EVENT_SYSCALL && ev->type != S_EVENT_SYSRET)
		return;
	sandbox_syscall_name(ev->syscall.abi, ev->syscall.nr, name, sizeof(name));
	if (strcmp(name, "openat") == 0 && ev->type == S_EVENT_SYSCALL) {
		char path[64];
		if (sandbox_read_string(ev->sandbox, ev->syscall.args[1], path,
		                        sizeof(path)) < 0 ||
		    strcmp(path, "/dev/null") != 0)
			return;
		sandbox_format_syscall(ev, s->open_text, sizeof(s->open_text), 0);
		sandbox_format_syscall(ev, s->open_json, sizeof(s->open_json),
		                       SANDBOX_FORMAT_JSON);
	} else if (strcmp(name, "write") == 0) {
		char *dst = ev->type == S_EVENT_SYSCALL ? s->write_text : s->write_ret;
		sandbox_format_syscall(ev, dst, sizeof(s->open_text), 0);
	}
}

/* Classic mode: the callback sees every syscall; paths and buffers are
 * read from the program. */
START_TEST(test_live)
{
	static struct seen seen;
	sandbox_policy_t *p = sandbox_policy_builtin("default");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                 "write", S_DISP_TRACE | S_DISP_FLAG_EXIT, 0, NULL, 0), 0);
	ck_assert_int_eq(sandbox_policy_set_callback(p, record, &seen, NULL), 0);
	sandbox_t *sb = tu_sandbox("bt_fp", "open", NULL);
	ck_assert_int_eq(sandbox_set_mode(sb, S_MODE_CLASSIC), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	int r = tu_run(sb, NULL);
	ck_assert_result(r, S_RESULT_OK);
	sandbox_destroy(sb);

	ck_assert_str_eq(seen.open_text,
	                 "openat(AT_FDCWD, \"/dev/null\", O_RDONLY) ...");
	ck_assert_msg(strstr(seen.open_json, "\"args\":[\"AT_FDCWD\","
	                     "\"/dev/null\",\"O_RDONLY\"]") != NULL, "%s",
	              seen.open_json);
	check_json(seen.open_json);
	ck_assert_str_eq(seen.write_text, "write(1, \"hi\\n\", 3) ...");
	ck_assert_str_eq(seen.write_ret, "write(1, \"hi\\n\", 3) = 3");
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("diag_decode");
	TCase *tc = tcase_create("decode");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_test(tc, test_text_common);
	tcase_add_test(tc, test_text_unknown_layout);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_live);
	suite_add_tcase(s, tc);
	return s;
}
