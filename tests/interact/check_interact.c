/*
 * Interactive judging (sandbox_interaction_run): a program wired to an
 * interactor, one verdict. The guessing game of tests/interact/progs
 * (interactor.c, solution.c) with every kind of solution and interactor,
 * in both modes, with the interactor as a plain child and in a sandbox of
 * its own; 10 MiB each way counted to the byte; several interactions at
 * once; interruption; the errors before anything runs.
 */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1 << 20)
#define VN(v) sandbox_verdict_name(v)
#define GAME "guess 1000000 123457 30"

/* One interaction and what came of it. */
struct ia {
	int mode;                 /* S_MODE_* of both sides */
	const char *solution[3];  /* its arguments */
	const char *input;        /* the interactor's input file's text */
	const char *policy;       /* the program's built-in policy, or NULL */
	const char *const *program_argv; /* instead of the solution's */
	bool sandboxed;           /* the interactor in a sandbox */
	long interactor_uid;      /* its credentials (uid = gid), -1: none */
	uint64_t cpu_ms, wall_ms; /* the program's quotas */
	uint64_t output_bytes;
	uint64_t interactor_wall_ms;
	int log_fd;
	/* results */
	int rc;
	sandbox_interaction_stat_t st;
	sandbox_stat_t ps;        /* the program's own */
	sandbox_stat_t is;        /* a sandboxed interactor's own */
};

static void ia_defaults(struct ia *a, int mode, const char *solution,
                        const char *input)
{
	memset(a, 0, sizeof(*a));
	a->mode = mode;
	a->solution[0] = solution;
	a->input = input;
	a->cpu_ms = 5000;
	a->wall_ms = TU_NET_MS;
	a->output_bytes = SANDBOX_UNLIMITED;
	a->interactor_wall_ms = TU_NET_MS;
	a->log_fd = -1;
	a->interactor_uid = -1;
}

/* A file holding text, in the suite's directory (a fresh name). */
static char *text_file(const char *text)
{
	static int n;
	char name[64];
	snprintf(name, sizeof(name), "ia-in-%d-%d.txt", (int)getpid(), n++);
	char *path = tu_tmpfile(name);
	tu_write_file(path, text);
	return path;
}

static void ia_run(struct ia *a)
{
	sandbox_t *p = a->program_argv ? sandbox_new(a->program_argv)
	             : tu_sandbox("solution", a->solution[0], a->solution[1],
	                          a->solution[2], NULL);
	sandbox_t *isb = NULL;
	sandbox_interaction_t *ia = sandbox_interaction_new();
	char *in = text_file(a->input);
	/* The output file relative to the working directory: the default
	 * policy of a sandboxed interactor writes only there. One of its own
	 * (concurrent interactors are run slots of their own: one's file is
	 * not another's to rewrite). */
	static atomic_int runs;
	char out[64];
	snprintf(out, sizeof(out), "ia-out-%d.txt", atomic_fetch_add(&runs, 1));
	const char *argv[] = { tu_prog("interactor"), in, out, NULL };

	ck_assert_ptr_nonnull(ia);
	ck_assert_int_eq(sandbox_set_mode(p, a->mode), 0);
	ck_assert_int_eq(sandbox_set_quota(p, S_QUOTA_CPU, a->cpu_ms), 0);
	ck_assert_int_eq(sandbox_set_quota(p, S_QUOTA_WALLCLOCK, a->wall_ms), 0);
	ck_assert_int_eq(sandbox_set_quota(p, S_QUOTA_DISK, a->output_bytes), 0);
	if (a->policy) {
		sandbox_policy_t *pol = sandbox_policy_load(a->policy, NULL, 0);
		ck_assert_ptr_nonnull(pol);
		ck_assert_int_eq(sandbox_set_policy(p, pol), 0);
		sandbox_policy_unref(pol);
	}
	if (a->sandboxed) {
		isb = sandbox_new(argv);
		ck_assert_ptr_nonnull(isb);
		ck_assert_int_eq(sandbox_set_mode(isb, a->mode), 0);
		ck_assert_int_eq(sandbox_set_workdir(isb, tu_tmpdir()), 0);
		/* Under a root supervisor it runs as a run slot of its own:
		 * its directory is open to it, as a judge's would be. */
		ck_assert_int_eq(chmod(tu_tmpdir(), 0777), 0);
		if (a->interactor_uid >= 0)
			ck_assert_int_eq(sandbox_set_credentials(
				isb, (uid_t)a->interactor_uid,
				(gid_t)a->interactor_uid, NULL, 0), 0);
		ck_assert_int_eq(sandbox_set_quota(isb, S_QUOTA_WALLCLOCK,
		                                   a->interactor_wall_ms), 0);
		ck_assert_int_eq(sandbox_interaction_set_interactor(ia, isb), 0);
	} else {
		ck_assert_int_eq(chdir(tu_tmpdir()), 0);
		ck_assert_int_eq(sandbox_interaction_set_command(
			ia, argv, NULL, a->interactor_wall_ms), 0);
	}
	ck_assert_int_eq(sandbox_interaction_set_log(ia, a->log_fd), 0);
	a->rc = sandbox_interaction_run(ia, p);
	ck_assert_int_eq(sandbox_interaction_get_stat(ia, &a->st,
	                                              sizeof(a->st)), 0);
	ck_assert_int_eq(sandbox_get_stat(p, &a->ps, sizeof(a->ps)), 0);
	if (isb)
		ck_assert_int_eq(sandbox_get_stat(isb, &a->is, sizeof(a->is)), 0);
	sandbox_interaction_destroy(ia);
	sandbox_destroy(p);
	sandbox_destroy(isb);
	free(in);
}


#define ck_assert_verdict(got, want)                                       \
	do {                                                               \
		int got_ = (got), want_ = (want);                          \
		ck_assert_msg(got_ == want_, "combined %s, expected %s",   \
		              VN(got_), VN(want_));                        \
	} while (0)

#define ck_assert_ia(a, want, by)                                            \
	do {                                                                 \
		ck_assert_msg((a)->rc == 0, "run: %s", sandbox_strerror((a)->rc)); \
		ck_assert_msg((a)->st.verdict == (want) &&                    \
		              (a)->st.decided_by == (by),                    \
		              "%s: %s by %d, expected %s by %d (program %s, " \
		              "interactor %s exit %d signal %d: %s)",        \
		              (a)->solution[0], VN((a)->st.verdict),          \
		              (a)->st.decided_by, VN(want), by,              \
		              RN((a)->ps.result), RN((a)->st.interactor_result), \
		              (a)->st.interactor_exit_code,                  \
		              (a)->st.interactor_signal, (a)->st.message);   \
	} while (0)

/* ------------------------------------------------------------ the game */

/* Each kind of solution against the game; each kind of interactor
 * against the right solution. */
static const struct game {
	const char *solution, *input;
	int result, by;
	const char *message; /* the start of the interactor's comment */
} games[] = {
	{ "correct", GAME, S_VERDICT_OK, S_SIDE_INTERACTOR, "ok found" },
	{ "wrong", GAME, S_VERDICT_WA, S_SIDE_INTERACTOR, "wrong answer not" },
	{ "crash", GAME, S_VERDICT_RT, S_SIDE_PROGRAM, NULL },
	{ "sigpipe", GAME, S_VERDICT_RT, S_SIDE_PROGRAM, NULL },
	/* The interactor sees too many queries first: WA, whatever the
	 * program does afterwards (it writes on until its CPU quota). */
	{ "noread", GAME, S_VERDICT_WA, S_SIDE_INTERACTOR, "wrong answer too" },
	/* Closing its output says it has nothing more to say. */
	{ "closeout", GAME, S_VERDICT_WA, S_SIDE_INTERACTOR, "wrong answer une" },
	/* Right, and 1 MiB more nobody reads: discarded, no SIGPIPE. */
	{ "extra", GAME, S_VERDICT_OK, S_SIDE_INTERACTOR, "ok found" },
	{ "stderr", GAME, S_VERDICT_OK, S_SIDE_INTERACTOR, "ok found" },
	{ "correct", "crash 1000 5 30", S_VERDICT_JF, S_SIDE_INTERACTOR, NULL },
	{ "correct", "sigpipe 1000 5 30", S_VERDICT_JF, S_SIDE_INTERACTOR, NULL },
	{ "correct", "fail 1000 5 30", S_VERDICT_JF, S_SIDE_INTERACTOR, "FAIL" },
	{ "correct", "pe 1000 5 30", S_VERDICT_PE, S_SIDE_INTERACTOR, "wrong out" },
	{ "correct", "points 1000000 77 30", S_VERDICT_PT, S_SIDE_INTERACTOR,
	  "points 0.5" },
	/* Accepted at once; the program then reads end of file and exits
	 * 5: it did not end well, its verdict stands. */
	{ "correct", "quiet 1000 5 30", S_VERDICT_AT, S_SIDE_PROGRAM, "ok acc" },
};
#define NGAMES (int)(sizeof(games) / sizeof(games[0]))

/* _i: game * 4 + mode * 2 + sandboxed */
START_TEST(game)
{
	const struct game *g = &games[_i / 4];
	struct ia a;

	ia_defaults(&a, (_i / 2) % 2 ? S_MODE_CLASSIC : S_MODE_FAST,
	            g->solution, g->input);
	a.sandboxed = _i % 2;
	a.cpu_ms = 1000;
	ia_run(&a);
	ck_assert_ia(&a, g->result, g->by);
	if (g->message)
		ck_assert_msg(!strncmp(a.st.message, g->message, strlen(g->message)),
		              "message \"%s\", expected \"%s...\"", a.st.message,
		              g->message);
	ck_assert_int_eq(a.st.message_bytes, (int64_t)strlen(a.st.message));
	ck_assert_msg(!a.st.idle, "idle on a run that did not end by the wall");
	ck_assert_int_eq(a.st.program_wait, S_WAIT_UNKNOWN);
	ck_assert_int_eq(a.st.interactor_error, 0);
	if (g->by == S_SIDE_PROGRAM && g->result != S_VERDICT_AT) {
		ck_assert(a.st.program_first);
		ck_assert_result(a.ps.result, (int)g->result);
	}
	if (g->result == S_VERDICT_PT)
		ck_assert_msg(a.st.points == 0.5, "points %g", a.st.points);
	else
		ck_assert_msg(a.st.points == -1, "points %g", a.st.points);
	if (!strcmp(g->solution, "crash"))
		ck_assert_int_eq(a.ps.signal, SIGSEGV);
	if (!strcmp(g->solution, "sigpipe"))
		ck_assert_int_eq(a.ps.signal, SIGPIPE);
	if (!strcmp(g->input, "sigpipe 1000 5 30"))
		ck_assert_int_eq(a.st.interactor_signal, SIGPIPE);
	if (!strcmp(g->solution, "extra")) {
		/* Not a byte of what the program wrote is lost: its 151
		 * bytes of game and the 1 MiB after its answer, delivered
		 * (into the pipe: the interactor may have left before it
		 * read them) or discarded (it had left already). */
		ck_assert_int_eq(a.st.to_interactor_bytes +
		                 a.st.to_interactor_discarded, 151 + MIB);
		ck_assert_result(a.ps.result, S_RESULT_OK);
	}
	if (!strcmp(g->solution, "correct") && g->result == S_VERDICT_OK) {
		/* The binary search asks 16 queries "? x\n" and answers
		 * "! 123457\n": 151 bytes one way; N and 16 replies the
		 * other. */
		ck_assert_int_eq(a.st.to_program_bytes, 8 + 16 * 2);
		ck_assert_int_eq(a.st.to_interactor_bytes, 151);
		ck_assert_int_eq(a.st.to_interactor_discarded, 0);
		ck_assert_int_eq(a.st.to_program_discarded, 0);
		ck_assert_int_eq(a.st.interactor_exit_code, 0);
		ck_assert_int_ge(a.st.interactor_wall_time_us, 0);
		ck_assert_int_ge(a.st.interactor_cpu_time_us, 0);
		ck_assert_int_gt(a.st.interactor_memory_peak, 0);
	}
	if (a.sandboxed)
		ck_assert_result(a.st.interactor_result, a.is.result);
}
END_TEST

/* Both sides waiting for each other: the wall quota ends it, TL, idle,
 * each side asleep reading its standard input. A solution that never
 * writes, and one that forgets to flush (the classic bug). */
START_TEST(idle_deadlock)
{
	static const char *const kind[2] = { "nowrite", "noflush" };
	struct ia a;

	ia_defaults(&a, (_i / 2) % 2 ? S_MODE_CLASSIC : S_MODE_FAST,
	            kind[(_i / 4) % 2], GAME);
	a.sandboxed = _i % 2;
	a.wall_ms = tu_scale_ms(1500);
	ia_run(&a);
	ck_assert_ia(&a, S_VERDICT_TL, S_SIDE_PROGRAM);
	ck_assert_int_eq(a.ps.tl_limit, S_TL_WALL);
	ck_assert_msg(a.st.idle, "not idle: program %d, interactor %d",
	              a.st.program_wait, a.st.interactor_wait);
	ck_assert_int_eq(a.st.program_wait, S_WAIT_READING);
	ck_assert_int_eq(a.st.interactor_wait, S_WAIT_READING);
	ck_assert(a.st.program_first);
	/* The interactor got end of file once the program was gone. */
	ck_assert_str_eq(a.st.message, "wrong answer unexpected end of file\n");
}
END_TEST

/* A program with a second task (threads: Java, Go, ...) that is waiting
 * when a command interactor ends: the interactor's exit status is still
 * its own (the program's tracer, waiting for any of its tasks, once took
 * the interactor's end: "exited 0", a wrong answer accepted). Several
 * times: the ends raced. */
START_TEST(threaded_program_keeps_status)
{
	struct ia a;

	ia_defaults(&a, _i % 2 ? S_MODE_CLASSIC : S_MODE_FAST, "threaded", GAME);
	a.policy = "threads";
	ia_run(&a);
	ck_assert_ia(&a, S_VERDICT_WA, S_SIDE_INTERACTOR);
	ck_assert_int_eq(a.st.interactor_result, S_RESULT_AT);
	ck_assert_int_eq(a.st.interactor_exit_code, 1);
	ck_assert_int_eq(a.ps.result, S_RESULT_OK);
}
END_TEST

/* A program that computes and never answers is TL by its CPU quota, not
 * idle (it was running), even when the wall quota ends it. */
START_TEST(busy_is_not_idle)
{
	struct ia a;

	ia_defaults(&a, _i ? S_MODE_CLASSIC : S_MODE_FAST, "slow", GAME);
	a.cpu_ms = 60000;
	a.wall_ms = tu_scale_ms(1000);
	ia_run(&a);
	ck_assert_ia(&a, S_VERDICT_TL, S_SIDE_PROGRAM);
	ck_assert_int_eq(a.ps.tl_limit, S_TL_WALL);
	ck_assert(!a.st.idle);
	ck_assert_int_eq(a.st.program_wait, S_WAIT_RUNNING);
	ck_assert_int_eq(a.st.interactor_wait, S_WAIT_READING);
}
END_TEST

START_TEST(too_slow_is_tl_cpu)
{
	struct ia a;

	ia_defaults(&a, _i ? S_MODE_CLASSIC : S_MODE_FAST, "slow", GAME);
	a.cpu_ms = 300;
	ia_run(&a);
	ck_assert_ia(&a, S_VERDICT_TL, S_SIDE_PROGRAM);
	ck_assert_int_eq(a.ps.tl_limit, S_TL_CPU);
	ck_assert(!a.st.idle);
}
END_TEST

/* The program's relayed standard output counts against its output
 * quota: exactly the quota's bytes reach the interactor, the rest is
 * counted as discarded, and the verdict is OL, the program's, whether
 * its manager kills it in the middle of the dialogue (flood: it was
 * first) or it wrote past the quota after its answer (extra: 1 MiB more;
 * killed, or ended by itself, before or after the interactor accepted:
 * an accepted dialogue must still end well). _i: mode, then which. */
START_TEST(output_quota)
{
	struct ia a;
	bool flood = _i < 2;

	ia_defaults(&a, _i % 2 ? S_MODE_CLASSIC : S_MODE_FAST,
	            flood ? "flood" : "extra", flood ? "echo 1048576" : GAME);
	a.solution[1] = flood ? "1048576" : NULL;
	a.output_bytes = flood ? 100000 : 4096;
	ia_run(&a);
	ck_assert_ia(&a, S_VERDICT_OL, S_SIDE_PROGRAM);
	ck_assert_result(a.ps.result, S_RESULT_OL);
	ck_assert_int_eq(a.ps.quota_exceeded, S_QUOTA_DISK);
	ck_assert_int_eq(a.ps.tl_limit, S_TL_NONE);
	if (flood) {
		/* the interactor waits for the rest: the program was first */
		ck_assert(a.st.program_first);
		ck_assert_int_eq(a.st.to_interactor_bytes, 100000);
	} else {
		/* the 151 bytes of the game, and what of the rest came
		 * before the interactor left, within the quota */
		ck_assert_int_ge(a.st.to_interactor_bytes, 151);
		ck_assert_int_le(a.st.to_interactor_bytes, 4096);
	}
	ck_assert_int_gt(a.st.to_interactor_discarded, 0);
}
END_TEST

/* ------------------------------------------------------------ plumbing */

/* 10 MiB each way, every byte checked at both ends and counted exactly;
 * with a transcript (which never slows the run down). _i: mode * 2 +
 * sandboxed. */
START_TEST(ten_mib_each_way)
{
	struct ia a;
	char *log = tu_tmpfile("ia-flood.log");
	char n[32];

	snprintf(n, sizeof(n), "%d", 10 * MIB);
	ia_defaults(&a, _i / 2 ? S_MODE_CLASSIC : S_MODE_FAST, "flood",
	            "echo 10485760");
	a.solution[1] = n;
	a.sandboxed = _i % 2;
	a.cpu_ms = 60000;
	a.log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(a.log_fd, 0);
	ia_run(&a);
	close(a.log_fd);
	ck_assert_ia(&a, S_VERDICT_OK, S_SIDE_INTERACTOR);
	ck_assert_str_eq(a.st.message, "ok all bytes\n");
	ck_assert_int_eq(a.st.to_interactor_bytes, 10 * MIB);
	ck_assert_int_eq(a.st.to_program_bytes, 10 * MIB);
	ck_assert_int_eq(a.st.to_interactor_discarded, 0);
	ck_assert_int_eq(a.st.to_program_discarded, 0);
	/* Every byte of both ways, and a prefix per line at least. */
	ck_assert_int_gt(a.st.log_bytes, 20 * MIB);
	ck_assert(!a.st.log_truncated);
	ck_assert_int_eq(a.ps.exit_code, 0);
}
END_TEST

/* The interactor's standard error is read as it comes (1 MiB here, more
 * than a pipe holds): the start kept, everything counted. */
START_TEST(chatty_interactor)
{
	struct ia a;

	ia_defaults(&a, S_MODE_FAST, "correct", "chatty 1000000 123457 30");
	a.sandboxed = _i;
	ia_run(&a);
	ck_assert_ia(&a, S_VERDICT_OK, S_SIDE_INTERACTOR);
	ck_assert_int_eq(a.st.message_bytes, MIB + 17);
	ck_assert_int_eq((int64_t)strlen(a.st.message), SANDBOX_MESSAGE_MAX - 1);
	ck_assert_int_eq(strspn(a.st.message, "x"), SANDBOX_MESSAGE_MAX - 1);
}
END_TEST

/* A transcript nobody reads any more: dropped, never a SIGPIPE to the
 * supervisor (this process has the default disposition) nor a wait. */
START_TEST(log_reader_gone)
{
	struct ia a;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	ia_defaults(&a, S_MODE_FAST, "correct", GAME);
	a.log_fd = p[1];
	ia_run(&a);
	close(p[1]);
	ck_assert_ia(&a, S_VERDICT_OK, S_SIDE_INTERACTOR);
	ck_assert(a.st.log_truncated);
	ck_assert_int_eq(a.st.log_bytes, 0);
}
END_TEST

/* ------------------------------------------------------------ the interactor's own end */

/* A plain interactor that never ends is killed at its wall bound: JF,
 * even though the program was right. */
START_TEST(interactor_never_ends)
{
	struct ia a;

	ia_defaults(&a, S_MODE_FAST, "correct", "hang 1000000 123457 30");
	a.sandboxed = _i;
	a.interactor_wall_ms = tu_scale_ms(1000);
	ia_run(&a);
	ck_assert_ia(&a, S_VERDICT_JF, S_SIDE_INTERACTOR);
	ck_assert_result(a.st.interactor_result, S_RESULT_TL);
	ck_assert_result(a.ps.result, S_RESULT_OK);
	ck_assert(a.st.program_first);
}
END_TEST

/* The program cannot start (its interpreter is missing: execve fails in
 * the child): no verdict, and the interactor, which would wait on (it
 * never ends by itself), is ended at once, not at its wall bound. */
START_TEST(program_cannot_start)
{
	char *script = tu_tmpfile("no-interpreter");
	const char *pargv[] = { script, NULL };
	struct ia a;

	tu_write_file(script, "#!/nonexistent/interpreter\n");
	ck_assert_int_eq(chmod(script, 0755), 0);
	ia_defaults(&a, S_MODE_FAST, "correct", "deaf 1000 5 30");
	a.sandboxed = _i;
	a.program_argv = pargv;
	a.interactor_wall_ms = tu_scale_ms(8000);
	int64_t t0 = tu_now_us();
	ia_run(&a);
	int64_t took_ms = (tu_now_us() - t0) / 1000;
	ck_assert_int_eq(a.rc, -ENOENT);
	ck_assert_verdict(a.st.verdict, S_VERDICT_PD);
	ck_assert_msg(took_ms < (int64_t)a.interactor_wall_ms / 2,
	              "the call took %lld ms (the interactor's bound: %llu)",
	              (long long)took_ms,
	              (unsigned long long)a.interactor_wall_ms);
	free(script);
}
END_TEST

/* An interactor's sandbox runs with the caller's ids only as the
 * interactor: given to an interaction, then replaced by a command, it runs
 * a program as a run slot like any sandbox (as root). */
START_TEST(interactor_ids_not_kept)
{
	sandbox_t *isb = tu_sandbox("solution", "correct", NULL);
	sandbox_interaction_t *ia = sandbox_interaction_new();
	const char *argv[] = { tu_prog("interactor"), "x", "y", NULL };
	sandbox_stat_t st;

	if (geteuid() != 0) {
		sandbox_destroy(isb);
		sandbox_interaction_destroy(ia);
		return; /* run slots are root's */
	}
	ck_assert_int_eq(sandbox_interaction_set_interactor(ia, isb), 0);
	ck_assert_int_eq(sandbox_interaction_set_command(ia, argv, NULL,
	                                                 TU_NET_MS), 0);
	sandbox_interaction_destroy(ia);
	ck_assert_int_eq(sandbox_execute(isb), 0);
	ck_assert_int_eq(sandbox_get_stat(isb, &st, sizeof(st)), 0);
	ck_assert_msg(st.box_id >= 0 && st.uid != 0,
	              "ran as uid %lld, slot %d", (long long)st.uid, st.box_id);
	sandbox_destroy(isb);
}
END_TEST

/* A sandboxed interactor never runs as root (review-box2 S1: it kept the
 * caller's ids, so an interactor taken over through what the program sent
 * it could rewrite, as root, every file beneath the judge's directory):
 * under a root supervisor it is a run slot of its own, or the user the
 * caller gives it. _i: mode * 2 + credentials given. */
START_TEST(sandboxed_interactor_is_not_root)
{
	struct ia a;

	if (geteuid() != 0)
		tu_skip("run slots are root's");
	ia_defaults(&a, _i / 2 ? S_MODE_CLASSIC : S_MODE_FAST, "correct", GAME);
	a.sandboxed = true;
	if (_i % 2)
		a.interactor_uid = 65534;
	ia_run(&a);
	ck_assert_ia(&a, S_VERDICT_OK, S_SIDE_INTERACTOR);
	if (_i % 2)
		ck_assert_int_eq(a.is.uid, 65534);
	else
		ck_assert_msg(a.is.uid != 0 && a.is.box_id >= 0,
		              "interactor ran as uid %lld, slot %d",
		              (long long)a.is.uid, a.is.box_id);
	ck_assert_msg(a.is.uid != a.ps.uid, "the same uid as the program: %lld",
	              (long long)a.is.uid);
}
END_TEST

/* The interactor's command cannot start: an error, nothing ran. */
START_TEST(interactor_missing)
{
	sandbox_t *p = tu_sandbox("solution", "correct", NULL);
	sandbox_interaction_t *ia = sandbox_interaction_new();
	const char *argv[] = { "/nonexistent/interactor", NULL };
	sandbox_interaction_stat_t st;

	ck_assert_int_eq(sandbox_interaction_set_command(ia, argv, NULL,
	                                                 TU_NET_MS), 0);
	ck_assert_int_eq(sandbox_interaction_run(ia, p), -ENOENT);
	ck_assert_str_eq(sandbox_interaction_failed_step(ia), "execve");
	ck_assert_int_eq(sandbox_interaction_get_stat(ia, &st, sizeof(st)), 0);
	ck_assert_verdict(st.verdict, S_VERDICT_PD);
	ck_assert_result(sandbox_result(p), S_RESULT_PD);
	ck_assert_int_eq(sandbox_status(p), S_STATUS_RDY);
	sandbox_interaction_destroy(ia);
	sandbox_destroy(p);
}
END_TEST

/* A sandboxed interactor whose set-up fails once the program runs: JF,
 * with the reason. */
START_TEST(interactor_setup_fails)
{
	sandbox_t *p = tu_sandbox("solution", "correct", NULL);
	const char *argv[] = { tu_prog("interactor"), "x", "y", NULL };
	sandbox_t *isb = sandbox_new(argv);
	sandbox_interaction_t *ia = sandbox_interaction_new();
	sandbox_interaction_stat_t st;

	ck_assert_int_eq(sandbox_set_quota(p, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_int_eq(sandbox_set_workdir(isb, "/nonexistent-dir"), 0);
	ck_assert_int_eq(sandbox_set_quota(isb, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_int_eq(sandbox_interaction_set_interactor(ia, isb), 0);
	ck_assert_int_eq(sandbox_interaction_run(ia, p), 0);
	ck_assert_int_eq(sandbox_interaction_get_stat(ia, &st, sizeof(st)), 0);
	ck_assert_verdict(st.verdict, S_VERDICT_JF);
	ck_assert_int_eq(st.interactor_error, -ENOENT);
	ck_assert_str_eq(sandbox_failed_step(isb), "chdir");
	sandbox_interaction_destroy(ia);
	sandbox_destroy(p);
	sandbox_destroy(isb);
}
END_TEST

/* ------------------------------------------------------------ interruption */

struct interrupter {
	int log;           /* the read end of the transcript */
	sandbox_t *sb;
};

/* Wait until the program has been sent N (the transcript says so), then
 * interrupt it: both sides are waiting for each other by then. */
static void *interrupt_later(void *arg)
{
	struct interrupter *it = arg;
	char buf[256];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1 &&
	       (n = read(it->log, buf + len, sizeof(buf) - 1 - len)) > 0) {
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "< 1000000\n"))
			break;
	}
	sandbox_interrupt(it->sb, SIGTERM);
	return NULL;
}

/* sandbox_interrupt() of the program ends the whole interaction: IE, the
 * interactor stopped too, long before any quota. _i: sandboxed. */
START_TEST(interrupt_ends_both)
{
	sandbox_t *p = tu_sandbox("solution", "nowrite", NULL);
	sandbox_interaction_t *ia = sandbox_interaction_new();
	char *in = text_file(GAME);
	const char *argv[] = { tu_prog("interactor"), in, "ia-out.txt", NULL };
	sandbox_t *isb = _i ? sandbox_new(argv) : NULL;
	struct interrupter it = { .sb = p };
	sandbox_interaction_stat_t st;
	pthread_t t;
	int lp[2];

	ck_assert_int_eq(pipe2(lp, O_CLOEXEC), 0);
	it.log = lp[0];
	ck_assert_int_eq(chdir(tu_tmpdir()), 0);
	ck_assert_int_eq(sandbox_set_quota(p, S_QUOTA_WALLCLOCK, 600000), 0);
	if (isb) {
		ck_assert_int_eq(sandbox_set_workdir(isb, tu_tmpdir()), 0);
		ck_assert_int_eq(sandbox_interaction_set_interactor(ia, isb), 0);
	} else {
		ck_assert_int_eq(sandbox_interaction_set_command(ia, argv, NULL,
		                                                 600000), 0);
	}
	ck_assert_int_eq(sandbox_interaction_set_log(ia, lp[1]), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, interrupt_later, &it), 0);
	int64_t t0 = tu_now_us();
	ck_assert_int_eq(sandbox_interaction_run(ia, p), 0);
	int64_t took = tu_now_us() - t0;
	pthread_join(t, NULL);
	ck_assert_int_eq(sandbox_interaction_get_stat(ia, &st, sizeof(st)), 0);
	ck_assert_verdict(st.verdict, S_VERDICT_IE);
	ck_assert_int_eq(st.decided_by, -1);
	ck_assert_result(sandbox_result(p), S_RESULT_IE);
	ck_assert_result(st.interactor_result, S_RESULT_IE);
	ck_assert_msg(took < tu_scale_us(30000000), "took %lld us",
	              (long long)took);
	close(lp[0]);
	close(lp[1]);
	sandbox_interaction_destroy(ia);
	sandbox_destroy(p);
	sandbox_destroy(isb);
	free(in);
}
END_TEST

/* ------------------------------------------------------------ at once */

struct worker {
	int runs, ok;
	int64_t to_interactor, to_program;
	bool same;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	w->same = true;
	for (int i = 0; i < w->runs; i++) {
		struct ia a;
		ia_defaults(&a, i % 2 ? S_MODE_CLASSIC : S_MODE_FAST, "correct",
		            GAME);
		a.sandboxed = i % 3 == 2;
		ia_run(&a);
		if (a.rc == 0 && a.st.verdict == S_VERDICT_OK)
			w->ok++;
		if (i && (a.st.to_interactor_bytes != w->to_interactor ||
		          a.st.to_program_bytes != w->to_program))
			w->same = false;
		w->to_interactor = a.st.to_interactor_bytes;
		w->to_program = a.st.to_program_bytes;
	}
	return NULL;
}

/* Four interactions at once, from four threads of one process, three
 * times each: all right, the same bytes every time. */
START_TEST(concurrent_interactions)
{
	struct worker w[4];
	pthread_t t[4];

	ck_assert_int_eq(chdir(tu_tmpdir()), 0);
	for (int i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].runs = 3;
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(w[i].ok, 3);
		ck_assert(w[i].same);
		ck_assert_int_eq(w[i].to_interactor, 151);
		ck_assert_int_eq(w[i].to_program, 8 + 16 * 2);
	}
}
END_TEST

/* ------------------------------------------------------------ the API */

START_TEST(arguments)
{
	sandbox_interaction_t *ia = sandbox_interaction_new();
	sandbox_t *p = tu_sandbox("solution", "correct", NULL);
	const char *argv[] = { tu_prog("interactor"), NULL };
	const char *empty[] = { "", NULL };
	sandbox_interaction_stat_t st;

	ck_assert_int_eq(sandbox_interaction_run(NULL, p), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_run(ia, NULL), -EINVAL);
	/* no interactor yet */
	ck_assert_int_eq(sandbox_interaction_run(ia, p), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_set_command(ia, NULL, NULL, 1), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_set_command(ia, empty, NULL, 1), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_set_command(ia, argv, NULL, 0), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_set_interactor(ia, NULL), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_set_log(ia, 1000000), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_set_log(ia, -2), -EINVAL);
	/* the program as its own interactor */
	ck_assert_int_eq(sandbox_interaction_set_interactor(ia, p), 0);
	ck_assert_int_eq(sandbox_interaction_run(ia, p), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_get_stat(ia, NULL, 1), -EINVAL);
	ck_assert_int_eq(sandbox_interaction_get_stat(ia, &st, sizeof(st)), 0);
	ck_assert_verdict(st.verdict, S_VERDICT_PD);
	ck_assert_int_eq(st.to_interactor_bytes, -1);
	ck_assert_ptr_null(sandbox_interaction_failed_step(ia));
	sandbox_interaction_destroy(ia);
	sandbox_interaction_destroy(NULL);
	sandbox_destroy(p);
}
END_TEST

/* A finished program must be reset first; then the same objects run
 * again, with the same result. */
START_TEST(run_again)
{
	sandbox_t *p = tu_sandbox("solution", "correct", NULL);
	sandbox_interaction_t *ia = sandbox_interaction_new();
	char *in = text_file(GAME);
	const char *argv[] = { tu_prog("interactor"), in, "ia-out.txt", NULL };
	sandbox_interaction_stat_t st;

	ck_assert_int_eq(chdir(tu_tmpdir()), 0);
	ck_assert_int_eq(sandbox_set_quota(p, S_QUOTA_WALLCLOCK, TU_NET_MS), 0);
	ck_assert_int_eq(sandbox_interaction_set_command(ia, argv, NULL,
	                                                 TU_NET_MS), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(sandbox_interaction_run(ia, p), 0);
		ck_assert_int_eq(sandbox_interaction_get_stat(ia, &st,
		                                              sizeof(st)), 0);
		ck_assert_verdict(st.verdict, S_VERDICT_OK);
		ck_assert_int_eq(sandbox_interaction_run(ia, p), -EALREADY);
		ck_assert_int_eq(sandbox_reset(p), 0);
	}
	/* The program's own streams are its own again: end of file on its
	 * stdin, it exits 4. */
	ck_assert_int_eq(sandbox_set_stdio_path(p, 0, "/dev/null", false), 0);
	ck_assert_result(tu_run(p, NULL), S_RESULT_AT);
	sandbox_interaction_destroy(ia);
	sandbox_destroy(p);
	free(in);
}
END_TEST

Suite *tu_suite(void)
{
	Suite *s = suite_create("interact");
	TCase *tc = tcase_create("game");

	tcase_set_timeout(tc, TU_TIMEOUT * 4);
	tcase_add_loop_test(tc, game, 0, NGAMES * 4);
	tcase_add_loop_test(tc, idle_deadlock, 0, 8);
	tcase_add_loop_test(tc, busy_is_not_idle, 0, 2);
	tcase_add_loop_test(tc, too_slow_is_tl_cpu, 0, 2);
	tcase_add_loop_test(tc, threaded_program_keeps_status, 0, 12);
	suite_add_tcase(s, tc);

	tc = tcase_create("quota");
	tcase_set_timeout(tc, TU_TIMEOUT * 2);
	tcase_add_loop_test(tc, output_quota, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("plumbing");
	tcase_set_timeout(tc, TU_TIMEOUT * 4);
	tcase_add_loop_test(tc, ten_mib_each_way, 0, 4);
	tcase_add_loop_test(tc, chatty_interactor, 0, 2);
	tcase_add_test(tc, log_reader_gone);
	suite_add_tcase(s, tc);

	tc = tcase_create("ends");
	tcase_set_timeout(tc, TU_TIMEOUT * 2);
	tcase_add_loop_test(tc, interactor_never_ends, 0, 2);
	tcase_add_loop_test(tc, program_cannot_start, 0, 2);
	tcase_add_test(tc, interactor_missing);
	tcase_add_test(tc, interactor_setup_fails);
	tcase_add_loop_test(tc, interrupt_ends_both, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_set_timeout(tc, TU_TIMEOUT * 4);
	tcase_add_test(tc, concurrent_interactions);
	tcase_add_test(tc, arguments);
	tcase_add_test(tc, run_again);
	tcase_add_test(tc, interactor_ids_not_kept);
	tcase_add_loop_test(tc, sandboxed_interactor_is_not_root, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
