/*
 * The layers of a policy and the observers beside them: each setter
 * replaces its own layer only (file rules and a module's callback survive
 * sandbox_policy_set_callback()), the layers are asked in their order, and
 * an event hook (sandbox_set_event_hook) sees every event with what was
 * decided, never changing it. Both tracing modes.
 *
 * The program is tests/polprogs/polprog (static): an operation failing
 * with errno E makes it exit E (AT).
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MODULES_DIR
#error "MODULES_DIR must be defined (policies/local.mk)"
#endif

static int mode_of(int i)
{
	return i ? S_MODE_CLASSIC : S_MODE_FAST;
}

/* ------------------------------------------------------------ the hook */

#define MAX_SEEN 4096

struct seen {
	int n;
	int type[MAX_SEEN];
	int decision[MAX_SEEN];
	int data[MAX_SEEN];       /* decision data (or the event's for EXIT,
	                           * QUOTA, SIGNAL) */
	int disposition[MAX_SEEN];
	long nr[MAX_SEEN];
	int64_t ret[MAX_SEEN];    /* SYSRET: the syscall's return value */
	char path[256];           /* the path of an openat, read in the hook */
	long nr_openat;
};

static void hook(const sandbox_event_t *ev, const sandbox_action_t *d,
                 void *data)
{
	struct seen *s = data;

	if (s->n == MAX_SEEN)
		return;
	s->type[s->n] = ev->type;
	s->decision[s->n] = d->type;
	s->data[s->n] = ev->type == S_EVENT_SYSCALL || ev->type == S_EVENT_SYSRET
	                ? d->data : ev->data;
	s->disposition[s->n] = ev->disposition;
	s->nr[s->n] = ev->syscall.nr;
	s->ret[s->n] = ev->syscall.ret;
	if (ev->type == S_EVENT_SYSCALL && ev->syscall.nr == s->nr_openat &&
	    !s->path[0])
		sandbox_read_string(ev->sandbox, ev->syscall.args[1], s->path,
		                    sizeof(s->path));
	s->n++;
}

static int count(const struct seen *s, int type)
{
	int k = 0;
	for (int i = 0; i < s->n; i++)
		k += s->type[i] == type;
	return k;
}

/* Run polprog with ops under p in mode; the hook records into *s when s
 * is not NULL. */
static int run(sandbox_policy_t *p, int mode, struct seen *s,
               sandbox_stat_t *st, const char *op1, const char *op2)
{
	const char *argv[] = { tu_prog("polprog"), op1, op2, NULL };
	sandbox_t *sb;
	int r;

	ck_assert_ptr_nonnull(sb = sandbox_new(argv));
	ck_assert_int_eq(sandbox_set_stdio_path(sb, 1, "/dev/null", false), 0);
	ck_assert_int_eq(sandbox_set_mode(sb, mode), 0);
	if (p)
		ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	if (s) {
		memset(s, 0, sizeof(*s));
		s->nr_openat = sandbox_syscall_number(S_ABI_X86_64, "openat");
		ck_assert_int_eq(sandbox_set_event_hook(sb, hook, s), 0);
	}
	r = tu_run(sb, st);
	sandbox_destroy(sb);
	return r;
}

/* Every syscall the tracer stops at, then the exit with its status. */
START_TEST(hook_sees_every_event)
{
	struct seen *s = calloc(1, sizeof(*s));
	sandbox_stat_t st;
	int last;

	ck_assert_ptr_nonnull(s);
	ck_assert_result(run(NULL, mode_of(_i), s, &st, "write", NULL),
	                 S_RESULT_OK);
	ck_assert_int_eq(count(s, S_EVENT_SYSCALL), st.syscalls);
	if (mode_of(_i) == S_MODE_CLASSIC) {
		ck_assert_int_gt(st.syscalls, 3);
		ck_assert_int_eq(count(s, S_EVENT_SYSRET), st.syscalls - 1);
	}
	last = s->n - 1;
	ck_assert_int_eq(s->type[last], S_EVENT_EXIT);
	ck_assert_msg(WIFEXITED(s->data[last]) && WEXITSTATUS(s->data[last]) == 0,
	              "exit status %#x", s->data[last]);
	ck_assert_int_eq(count(s, S_EVENT_QUOTA), 0);
	for (int i = 0; i < last; i++)
		ck_assert_int_eq(s->decision[i], S_ACTION_CONT);
	free(s);
}
END_TEST

/* A quota that decides the verdict is an event, just before the exit:
 * three bytes of captured output under a one-byte output quota. */
static void drop(int which, const void *buf, size_t len, void *data)
{
	(void)which;
	(void)buf;
	(void)len;
	(void)data;
}

START_TEST(hook_sees_quota)
{
	struct seen *s = calloc(1, sizeof(*s));
	const char *argv[] = { tu_prog("polprog"), "write", NULL };
	sandbox_stat_t st;
	sandbox_t *sb;

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(sb = sandbox_new(argv));
	ck_assert_int_eq(sandbox_set_capture(sb, 1, -1, drop, NULL), 0);
	ck_assert_int_eq(sandbox_set_quota(sb, S_QUOTA_DISK, 1), 0);
	ck_assert_int_eq(sandbox_set_event_hook(sb, hook, s), 0);
	ck_assert_result(tu_run(sb, &st), S_RESULT_OL);
	sandbox_destroy(sb);
	ck_assert_int_ge(s->n, 2);
	ck_assert_int_eq(s->type[s->n - 2], S_EVENT_QUOTA);
	ck_assert_int_eq(s->data[s->n - 2], S_QUOTA_DISK);
	ck_assert_int_eq(s->type[s->n - 1], S_EVENT_EXIT);
	free(s);
}
END_TEST

/* File rules refuse a write, and the kernel does it (Landlock, or a mount
 * view): the open runs without a stop in fast mode, and in classic mode
 * the hook sees the openat (and can read its path) and the kernel's
 * EACCES at its exit. Same verdict with and without the hook. */
START_TEST(hook_sees_file_refusal)
{
	sandbox_policy_t *p = sandbox_policy_builtin("io-heavy");
	struct seen *s = calloc(1, sizeof(*s));
	char err[256] = "", *out = tu_tmpfile("refused.txt"), *op;
	sandbox_stat_t st;
	int r, entry = -1, refused = -1;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_ge(asprintf(&op, "create:%s", out), 0);
	ck_assert_msg(sandbox_policy_add_path(p, "/usr", false, err,
	                                      sizeof(err)) == 0, "%s", err);
	r = run(p, mode_of(_i), NULL, &st, "write", op);
	ck_assert_msg(r == S_RESULT_AT && tu_file_refused(st.exit_code), "%s exit %d",
	              RN(r), st.exit_code);
	r = run(p, mode_of(_i), s, &st, "write", op);
	ck_assert_msg(r == S_RESULT_AT && tu_file_refused(st.exit_code), "%s exit %d",
	              RN(r), st.exit_code);
	ck_assert_int_ne(st.file_rules, S_FILES_NONE);
	for (int i = 0; i < s->n; i++) {
		if (s->nr[i] != s->nr_openat)
			continue;
		if (s->type[i] == S_EVENT_SYSCALL) {
			entry = i;
			ck_assert_int_eq(s->decision[i], S_ACTION_CONT);
		} else if (s->type[i] == S_EVENT_SYSRET &&
		           tu_file_refused((int)-s->ret[i])) {
			refused = i;
		}
	}
	if (mode_of(_i) == S_MODE_FAST) {
		ck_assert_msg(entry < 0, "fast mode stopped at an openat");
	} else {
		ck_assert_msg(entry >= 0 && refused > entry, "classic mode: "
		              "openat at %d, its EACCES at %d", entry, refused);
		ck_assert_str_eq(s->path, out);
	}
	free(op);
	free(s);
	sandbox_policy_unref(p);
}
END_TEST

/* ------------------------------------------------------------ deciders */

static long nr_getpid(void)
{
	return sandbox_syscall_number(S_ABI_X86_64, "getpid");
}

/* Everything allowed but getpid, which is traced; no callback. */
static sandbox_policy_t *traced_getpid(void)
{
	sandbox_policy_t *p = sandbox_policy_new();

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sandbox_policy_set_default(p, S_ABI_X86_64,
	                                            S_DISP_ALLOW, 0), 0);
	ck_assert_int_eq(sandbox_policy_add_rule(p, S_ABI_X86_64, nr_getpid(),
	                                         S_DISP_TRACE, 0, NULL, 0), 0);
	return p;
}

static void kill_getpid(const sandbox_event_t *ev, sandbox_action_t *act,
                        void *data)
{
	(void)data;
	act->type = ev->type == S_EVENT_SYSCALL && ev->syscall.nr == nr_getpid()
	            ? S_ACTION_KILL : S_ACTION_CONT;
}

/* A TRACE line: the callback decides, the hook only sees it; with no
 * callback at all the run ends with BP, which the hook sees too. */
START_TEST(hook_never_decides)
{
	sandbox_policy_t *p = traced_getpid();
	struct seen *s = calloc(1, sizeof(*s));
	sandbox_stat_t st;
	int i;

	ck_assert_ptr_nonnull(s);
	ck_assert_result(run(p, mode_of(_i), s, &st, "write", "getpid"),
	                 S_RESULT_BP);
	for (i = 0; i < s->n && s->nr[i] != nr_getpid(); i++)
		;
	ck_assert_int_lt(i, s->n);
	ck_assert_int_eq(s->disposition[i], S_DISP_TRACE);
	ck_assert_int_eq(s->decision[i], S_ACTION_FINI);
	ck_assert_int_eq(s->data[i], S_RESULT_BP);
	ck_assert_int_eq(sandbox_policy_set_callback(p, kill_getpid, NULL, NULL),
	                 0);
	ck_assert_result(run(p, mode_of(_i), s, &st, "write", "getpid"),
	                 S_RESULT_RF);
	for (i = 0; i < s->n && s->nr[i] != nr_getpid(); i++)
		;
	ck_assert_int_lt(i, s->n);
	ck_assert_int_eq(s->decision[i], S_ACTION_KILL);
	free(s);
	sandbox_policy_unref(p);
}
END_TEST

/* A module's callback is a layer of its own: a callback set afterwards is
 * asked after it and does not replace it (nor unload the module). */
static void count_cont(const sandbox_event_t *ev, sandbox_action_t *act,
                       void *data)
{
	int *calls = data;
	if (ev->type == S_EVENT_SYSCALL && ev->syscall.nr == nr_getpid())
		(*calls)++;
	act->type = S_ACTION_CONT;
}

START_TEST(module_layer_survives_set_callback)
{
	char *path = NULL, *out = tu_tmpfile("layers-counter.out"), *text;
	char err[512] = "";
	sandbox_policy_t *p;
	sandbox_stat_t st;
	int calls = 0;
	const char *argv[] = { tu_prog("polprog"), "getpid", "getpid", "getpid",
	                       NULL };
	sandbox_t *sb;

	ck_assert_int_ge(asprintf(&path, "%s/counter.so", MODULES_DIR), 0);
	p = sandbox_policy_load_module(path, out, err, sizeof(err));
	ck_assert_msg(p != NULL, "%s", err);
	ck_assert_int_eq(sandbox_policy_set_callback(p, count_cont, &calls, NULL),
	                 0);
	ck_assert_int_eq(access(out, F_OK), -1); /* the module is still there */
	ck_assert_ptr_nonnull(sb = sandbox_new(argv));
	ck_assert_int_eq(sandbox_set_mode(sb, mode_of(_i)), 0);
	ck_assert_int_eq(sandbox_set_policy(sb, p), 0);
	sandbox_policy_unref(p);
	/* The module denies the third getpid: glibc's getpid() returns
	 * -EPERM as a pid and polprog exits 125. */
	ck_assert_result(tu_run(sb, &st), S_RESULT_AT);
	ck_assert_int_eq(st.exit_code, 125);
	/* Asked after the module, for the two it let through. */
	ck_assert_int_eq(calls, 2);
	sandbox_destroy(sb);
	ck_assert_ptr_nonnull(text = tu_slurp(out));
	ck_assert_str_eq(text, "3\n");
	free(text);
	free(path);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("hook");

	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, hook_sees_every_event, 0, 2);
	tcase_add_test(tc, hook_sees_quota);
	tcase_add_loop_test(tc, hook_sees_file_refusal, 0, 2);
	tcase_add_loop_test(tc, hook_never_decides, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("layers");
	tcase_set_timeout(tc, TU_TIMEOUT);
	tcase_add_loop_test(tc, module_layer_survives_set_callback, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
