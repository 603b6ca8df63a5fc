#!/usr/bin/env python3
"""End-to-end tests of sandbox-run --interactor (see interact.sh).

The guessing game of tests/interact/progs through the real tool: exit
statuses (0 accepted, 1 another verdict on the program, 2 judge failure
or not run), the report (the combined verdict, the interaction, the
program's section -- a plain run's report -- and the interactor's), the
meta file (the program's, isolate's format), the transcript, both modes,
a sandboxed interactor, 10 MiB each way, SIGTERM, several runs at once,
usage errors that change no file.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from e2e import (check, check_meta, check_report, parse_meta, refused_run,
                 run_suite, TOOL)
from timing import scaled

PROGS = os.path.abspath(os.environ["INTERACT_PROGS"])
INTERACTOR = os.path.join(PROGS, "interactor")
SOLUTION = os.path.join(PROGS, "solution")
GAME = "guess 1000000 123457 30\n"
KEYS = ["report_version", "verdict", "verdict_text", "decided_by",
        "interaction", "program", "interactor", "error"]
INTERACTION_KEYS = ["program_first", "idle", "program_wait",
                    "interactor_wait", "points", "to_interactor_bytes",
                    "to_interactor_discarded", "to_program_bytes",
                    "to_program_discarded", "log", "log_bytes",
                    "log_truncated"]
INTERACTOR_KEYS = ["command", "sandboxed", "policy", "uid", "box_id",
                   "result", "exit_code",
                   "signal", "signal_name", "cpu_time_us", "cpu_charged_us",
                   "wall_time_us",
                   "memory_peak_bytes", "quota", "message", "message_bytes",
                   "error"]
RESULTS = ["OK", "RF", "ML", "OL", "TL", "RT", "AT", "IE", "BP"]
VERDICTS = RESULTS + ["WA", "PE", "PT", "JF"]
WAITS = [None, "running", "reading", "writing", "sleeping", "ended"]


class Env:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sandbox-run-interact.")
        with open(self.path("1.in"), "w") as f:
            f.write(GAME)
        with open(self.path("1.ans"), "w") as f:
            f.write("123457\n")

    def path(self, name):
        return os.path.join(self.dir, name)

    def input(self, text, name="t.in"):
        with open(self.path(name), "w") as f:
            f.write(text)
        return name

    def run(self, *args, timeout=60, prefix=()):
        p = subprocess.run(list(prefix) + [TOOL] + list(args),
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=scaled(timeout),
                           cwd=self.dir)
        return p.returncode, p.stdout.decode(errors="replace"), \
            p.stderr.decode(errors="replace")

    def judge(self, solution, *opts, input="1.in", iargs=None, wall="5",
              expect_exit=None, mode=None):
        """One interactive run with --report, --meta, --interaction-log."""
        rep, meta, log = (self.path(n) for n in ("r.json", "m.txt", "t.log"))
        for f in (rep, meta, log):
            if os.path.exists(f):
                os.unlink(f)
        args = ["--report=" + rep, "--meta=" + meta, "--interaction-log=" + log,
                "--wall=" + wall, "--cpu=2"]
        if mode:
            args.append("--mode=" + mode)
        args += list(opts)
        args += ["--interactor=" + INTERACTOR]
        args += iargs if iargs is not None else [input, "out.txt", "1.ans"]
        args += ["--", SOLUTION] + (solution if isinstance(solution, list)
                                    else [solution])
        rc, out, err = self.run(*args)
        check(os.path.exists(rep), "no report (stderr %r)" % err)
        r = json.load(open(rep))
        check_interaction_report(r)
        m = parse_meta(meta)
        check_meta(m, r["program"])
        if expect_exit is not None:
            check(rc == expect_exit, "exit %d, expected %d (stderr %r)"
                  % (rc, expect_exit, err))
        check(out == "", "the tool's stdout %r" % out)
        # Bytes as latin-1: one character a byte, whatever was relayed.
        text = None
        if os.path.exists(log):
            with open(log, "rb") as f:
                text = f.read().decode("latin-1")
        return rc, r, m, err, text


def check_interaction_report(r):
    check(list(r) == KEYS, "keys %r" % list(r))
    check(r["report_version"] == 2, r["report_version"])
    check(r["verdict"] in VERDICTS or (r["verdict"] is None and r["error"]),
          "verdict %r" % r["verdict"])
    check((r["error"] is None) == (r["verdict"] is not None), r["error"])
    check(r["decided_by"] in ("program", "interactor", None), r["decided_by"])
    ia = r["interaction"]
    check(list(ia) == INTERACTION_KEYS, "interaction keys %r" % list(ia))
    check(ia["program_wait"] in WAITS and ia["interactor_wait"] in WAITS, ia)
    check(ia["idle"] is False or r["verdict"] == "TL", ia)
    check(ia["points"] is None or r["verdict"] == "PT", ia)
    # The program's section is a plain run's report.
    check_report(r["program"])
    it = r["interactor"]
    check(list(it) == INTERACTOR_KEYS, "interactor keys %r" % list(it))
    check(it["result"] in RESULTS + [None], it["result"])
    check(it["exit_code"] is None or it["signal"] is None, it)


def line(err):
    return [l for l in err.splitlines() if l.startswith("sandbox-run: ")][0]


# ------------------------------------------------------------------ verdicts

def test_accepted(e):
    rc, r, m, err, log = e.judge("correct", expect_exit=0)
    check(r["verdict"] == "OK" and r["decided_by"] == "interactor", r)
    ia = r["interaction"]
    check(ia["to_interactor_bytes"] == 151 and ia["to_program_bytes"] == 40,
          ia)
    check(ia["to_interactor_discarded"] == 0 and
          ia["to_program_discarded"] == 0, ia)
    check(r["program"]["result"] == "OK", r["program"])
    check(r["program"]["output_bytes"] == 151, r["program"])
    it = r["interactor"]
    check(it["result"] == "OK" and it["exit_code"] == 0, it)
    check(it["message"] == "ok found in time\n" and it["message_bytes"] == 17,
          it)
    check(it["command"] == [INTERACTOR, "1.in", "out.txt", "1.ans"], it)
    check(it["sandboxed"] is False and it["quota"]["wall_ms"] == 10000, it)
    check(m.get("exitcode") == "0" and "status" not in m, m)
    # testlib's OUTPUT file, written where sandbox-run runs
    check(open(e.path("out.txt")).read() == "queries 16\n", "out.txt")
    check(log.startswith("< 1000000\n> ? 500000\n< <\n"), log[:40])
    check(log.endswith("> ! 123457\n"), log[-20:])
    check(ia["log_bytes"] == len(log) and not ia["log_truncated"], ia)
    check(line(err).startswith("sandbox-run: OK (the interactor exited 0"),
          err)
    check("sandbox-run: program OK" in err, err)


def test_wrong_answer(e):
    rc, r, m, err, _ = e.judge("wrong", expect_exit=1)
    check(r["verdict"] == "WA" and r["decided_by"] == "interactor", r)
    check(r["program"]["result"] == "OK", r)
    check(r["interactor"]["exit_code"] == 1, r["interactor"])
    check("wrong answer" in line(err), err)


def test_crash_first(e):
    rc, r, m, err, _ = e.judge("crash", expect_exit=1)
    check(r["verdict"] == "RT" and r["decided_by"] == "program", r)
    check(r["interaction"]["program_first"] is True, r["interaction"])
    check(r["program"]["signal_name"] == "SIGSEGV", r["program"])
    # The meta file is the program's, as isolate would write it.
    check(m["status"] == "SG" and m["exitsig"] == "11", m)


def test_too_slow(e):
    # The wall is a safety net here (the verdict is the CPU's): scaled, so
    # that a loaded host, which gives the program little CPU, still sees it.
    rc, r, m, err, _ = e.judge("slow", "--cpu=0.3", wall="%.3f" % scaled(5),
                               expect_exit=1)
    check(r["verdict"] == "TL" and r["program"]["limit"] == "cpu", r)
    check(r["interaction"]["idle"] is False, r["interaction"])
    check(m["status"] == "TO", m)


def test_idle(e):
    for solution in ("nowrite", "noflush"):
        rc, r, m, err, _ = e.judge(solution, wall="%.3f" % scaled(1),
                                   expect_exit=1)
        ia = r["interaction"]
        check(r["verdict"] == "TL" and r["decided_by"] == "program", r)
        check(r["program"]["limit"] == "wall", r["program"])
        check(ia["idle"] is True and ia["program_wait"] == "reading" and
              ia["interactor_wait"] == "reading", ia)
        check("idle" in line(err), err)


def test_never_reads(e):
    rc, r, m, err, _ = e.judge("noread", "--cpu=0.5", expect_exit=1)
    check(r["verdict"] == "WA" and r["decided_by"] == "interactor", r)
    check(r["interaction"]["to_interactor_discarded"] > 0, r["interaction"])


def test_output_quota(e):
    # --output bounds what the program sends: 1 MiB after an accepted
    # answer is OL, the program's.
    rc, r, m, err, _ = e.judge("extra", "--output=4K", expect_exit=1)
    check(r["verdict"] == "OL" and r["decided_by"] == "program", r)
    check(r["program"]["quota_exceeded"] == "output", r["program"])
    # What reached the interactor before it left: its 151 bytes of game,
    # at most the quota.
    check(151 <= r["interaction"]["to_interactor_bytes"] <= 4096,
          r["interaction"])
    check("status" in m, m)


def test_interactor_verdicts(e):
    for text, result, status in (("crash 1000 5 30", "JF", 2),
                                 ("fail 1000 5 30", "JF", 2),
                                 ("pe 1000 5 30", "PE", 1),
                                 ("points 1000000 77 30", "PT", 1)):
        e.input(text)
        rc, r, m, err, _ = e.judge("correct", iargs=["t.in", "out.txt"],
                                   expect_exit=status)
        check(r["verdict"] == result and r["decided_by"] == "interactor",
              (text, r["verdict"], r["interactor"]))
        if result == "PT":
            check(r["interaction"]["points"] == 0.5, r["interaction"])
            check("points 0.5" in line(err), err)
        if text.startswith("crash"):
            check(r["interactor"]["signal_name"] == "SIGSEGV", r["interactor"])
            check("killed by SIGSEGV" in line(err), err)


def test_interactor_never_ends(e):
    e.input("hang 1000000 123457 30")
    rc, r, m, err, _ = e.judge("correct", "--interactor-wall=%.3f" % scaled(1),
                               iargs=["t.in", "out.txt"], expect_exit=2)
    check(r["verdict"] == "JF" and r["interactor"]["result"] == "TL", r)
    check(r["program"]["result"] == "OK", r)
    check("wall bound" in line(err), err)


def test_classic_mode(e):
    rc, r, m, err, _ = e.judge("correct", mode="classic", expect_exit=0)
    check(r["program"]["mode"] == "classic", r["program"])
    rc, r, m, err, _ = e.judge("wrong", mode="classic", expect_exit=1)
    check(r["verdict"] == "WA", r)


def test_sandboxed_interactor(e):
    # Never root (review-box2 S1): as root it is a run slot of its own,
    # which reads and writes what "others" may -- the judge opens the
    # test's directory to it -- or the user --interactor-user names.
    os.chmod(e.dir, 0o777)
    rc, r, m, err, _ = e.judge("correct", "--interactor-policy=default",
                               "--interactor-cpu=1", "--interactor-memory=64M",
                               expect_exit=0)
    it = r["interactor"]
    if os.geteuid() == 0:
        check(it["uid"] not in (0, None) and it["box_id"] is not None, it)
        os.unlink(e.path("out.txt"))
        rc, r, m, err, _ = e.judge("correct", "--interactor-policy=default",
                                   "--interactor-user=65534", expect_exit=0)
        check(r["interactor"]["uid"] == 65534, r["interactor"])
        check(os.stat(e.path("out.txt")).st_uid == 65534, "out.txt's owner")
    check(it["sandboxed"] is True and it["policy"] == "default", it)
    check(it["quota"] == {"cpu_ms": 1000, "wall_ms": 10000,
                          "memory_bytes": 64 << 20}, it["quota"])
    check(open(e.path("out.txt")).read() == "queries 16\n", "out.txt")
    # Its policy refuses what the default policy refuses.
    e.input("guess 1000000 123457 30")
    rc, r, m, err, _ = e.judge("correct", "--interactor-policy=minimal",
                               iargs=["t.in", "out.txt"])
    check(r["verdict"] == "JF" or r["error"], (rc, r["verdict"], err))


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_unprivileged_interactor_user(e):
    # An unprivileged judge cannot give the interactor another user, its
    # own named either: refused up front, as --user is (it was JF
    # "setgroups: Operation not permitted" once both had run, verify23
    # V5). Its sandboxed interactor runs as itself.
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("skip unprivileged interactor: needs root and setpriv")
        return
    if subprocess.run(NOBODY + ["test", "-x", INTERACTOR]).returncode:
        print("skip unprivileged interactor: uid 65534 cannot run the tree")
        return
    os.chmod(e.dir, 0o777)
    i = ["--interactor=" + INTERACTOR, "1.in", "out.txt", "1.ans", "--",
         SOLUTION, "correct"]
    for user in ("nobody", "65534"):
        rep = e.path("never.json")
        rc, out, err = e.run("--report=" + rep, "--wall=5",
                             "--interactor-policy=default",
                             "--interactor-user=" + user, *i, prefix=NOBODY)
        check(rc == 2, "--interactor-user=%s as nobody: exit %d (%r)"
              % (user, rc, err))
        lines = err.splitlines()
        check(len(lines) == 1 and "--interactor-user needs root" in lines[0]
              and "uid 65534" in lines[0], err)
        r = check_refusal(rep, lines[0], "options")
        os.unlink(rep)
        check(not os.path.exists(e.path("out.txt")), "the interactor ran")
    rep = e.path("r.json")
    rc, out, err = e.run("--report=" + rep, "--wall=5",
                         "--interactor-policy=default", *i, prefix=NOBODY)
    check(rc == 0, "as nobody: exit %d (%r)" % (rc, err))
    r = json.load(open(rep))
    check(r["verdict"] == "OK" and r["interactor"]["uid"] == 65534,
          r["interactor"])


def test_ten_mib_each_way(e):
    e.input("echo 10485760")
    rc, r, m, err, log = e.judge(["flood", "10485760"], "--cpu=60",
                                 iargs=["t.in", "out.txt"], wall="120",
                                 expect_exit=0)
    ia = r["interaction"]
    check(ia["to_interactor_bytes"] == 10485760 and
          ia["to_program_bytes"] == 10485760, ia)
    check(ia["to_interactor_discarded"] == 0 and
          ia["to_program_discarded"] == 0, ia)
    # The transcript holds what it says it holds; all of it unless it
    # says it was cut (it never slows the run).
    check(ia["log_bytes"] == len(log), (ia["log_bytes"], len(log)))
    check(ia["log_truncated"] or len(log) > 20 << 20, ia)


# ------------------------------------------------------------------ the tool

def test_sigterm_ends_both(e):
    rep = e.path("r.json")
    log = e.path("t.log")
    p = subprocess.Popen([TOOL, "--report=" + rep, "--wall=600",
                          "--interaction-log=" + log,
                          "--interactor=" + INTERACTOR, "1.in", "out.txt",
                          "--", SOLUTION, "nowrite"], cwd=e.dir,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Handshake: the program has been sent N once the transcript says so.
    deadline = time.monotonic() + scaled(30)
    while time.monotonic() < deadline:
        if os.path.exists(log) and "< 1000000\n" in open(log).read():
            break
        time.sleep(0.01)
    start = time.monotonic()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=scaled(30))
    p.stdout.close()
    p.stderr.close()
    check(time.monotonic() - start < scaled(10), "took too long")
    check(p.returncode == 2, "exit %d" % p.returncode)
    r = json.load(open(rep))
    check(r["verdict"] == "IE" and r["interactor"]["result"] == "IE", r)
    check(r["program"]["interrupted_name"] == "SIGTERM", r["program"])


def test_at_once(e):
    results = []

    def one(i):
        d = e.path("run%d" % i)
        os.mkdir(d)
        shutil.copy(e.path("1.in"), d)
        p = subprocess.run([TOOL, "-q", "--report=r.json", "--wall=30",
                            "--interactor=" + INTERACTOR, "1.in", "out.txt",
                            "--", SOLUTION, "correct"], cwd=d,
                           timeout=scaled(120))
        r = json.load(open(os.path.join(d, "r.json")))
        results.append((p.returncode, r["verdict"],
                        r["interaction"]["to_interactor_bytes"]))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(results == [(0, "OK", 151)] * 4, results)


def check_refusal(rep, err_line, step):
    """The report of an interactive run refused after its options parsed:
    an interaction's, no verdict, every figure unknown, the stage (when
    step is given) and the line sandbox-run printed -- at its top, in the
    program's section, and in the interactor's when the interactor was
    what was refused."""
    with open(rep) as f:
        r = json.load(f)
    check_interaction_report(r)
    message = err_line[len("sandbox-run: "):]
    check(r["verdict"] is None and r["decided_by"] is None, r)
    err = r["error"]
    check(err["errno"] > 0 and err["message"] == message, (err, message))
    check(step is None or err["step"] == step, (err, step))
    check(r["program"]["error"] == err, r["program"]["error"])
    it = r["interactor"]
    check(it["result"] is None and it["cpu_time_us"] is None and
          it["cpu_charged_us"] is None, it)
    check(it["error"] == (err if err["step"] == "interactor" else None), it)
    check(all(v in (None, False) for v in r["interaction"].values()),
          r["interaction"])
    return r


def test_refused_interaction_reports_why(e):
    # Refused after its options parsed (exit 2, one line on stderr, nothing
    # run): the report -- an interaction's -- and the meta file say why,
    # in place of an older run's, as for a plain run (verify24 W3). Before,
    # an interactive run wrote nothing and left the older files.
    rep, meta = e.path("report.json"), e.path("meta.txt")
    bad = e.path("bad.policy")
    with open(bad, "w") as f:
        f.write("this is not a policy\n")
    i = ["--interactor=" + INTERACTOR, "1.in", "out.txt", "1.ans", "--"]
    cases = [
        (["--wall=5", "--interactor=" + e.path("nope"), "--", SOLUTION],
         "interactor", "nope"),
        (["--wall=5", "--interactor-policy=" + bad] + i + [SOLUTION],
         "interactor", "bad.policy"),
        (["--wall=5"] + i + [e.path("missing")], "program", "missing"),
        (["--wall=5", "--chdir=" + e.path("nonexistent")] + i + [SOLUTION],
         "options", "--chdir"),
    ]
    for args, step, words in cases:
        r = check_refusal(rep, refused_run(e, rep, meta, args, words), step)
        m = parse_meta(meta)
        check_meta(m, r["program"])
        check(m["status"] == "XX" and words in m["message"], (args, m))
        check(not [n for n in os.listdir(e.dir) if n.startswith(".")],
              "temporary file left")
        check(not os.path.exists(e.path("out.txt")), "the interactor ran")


def test_interactor_cpu_is_the_charged_figure(e):
    # The sandboxed interactor's CPU quota charges its own CPU and its
    # tracer's work for it (as the program's, verify23 V3): the report
    # gives that figure, cpu_charged_us, beside cpu_time_us. An interactor
    # making a call per loop in classic mode ran into --interactor-cpu=0.5
    # (TL) with cpu_time_us about 150 ms; the report gave no figure of 500
    # ms or more. A command interactor has no quota: null.
    os.chmod(e.dir, 0o777)  # as root it runs as a run slot
    e.input("spin 1 1 1")
    rc, r, m, err, _ = e.judge("correct", "--interactor-policy=default",
                               "--interactor-cpu=0.5", mode="classic",
                               iargs=["t.in", "out.txt"], wall="30",
                               expect_exit=2)
    it = r["interactor"]
    check(r["verdict"] == "JF" and it["result"] == "TL", (r["verdict"], it))
    check(it["cpu_charged_us"] >= 500000 and
          it["cpu_charged_us"] >= it["cpu_time_us"], it)
    rc, r, m, err, _ = e.judge("correct", expect_exit=0)
    it = r["interactor"]
    check(it["cpu_time_us"] >= 0 and it["cpu_charged_us"] is None, it)


def usage_error(e, args, words):
    rep = e.path("never.json")
    rc, out, err = e.run("--report=" + rep, *args)
    check(rc == 2, "%r: exit %d (%r)" % (args, rc, err))
    lines = err.splitlines()
    check(len(lines) == 1 and lines[0].startswith("sandbox-run: "), err)
    for w in words:
        check(w in lines[0], "%r: %r lacks %r" % (args, lines[0], w))
    # A run refused after its options parsed reports why (an interactive
    # one in an interaction's report); one whose options do not parse
    # writes nothing.
    if os.path.exists(rep):
        with open(rep) as f:
            r = json.load(f)
        if any(a.startswith("--interactor=") for a in args):
            check_refusal(rep, lines[0], None)
        else:
            check(r["result"] is None and
                  r["error"]["message"] == lines[0][len("sandbox-run: "):], r)
        os.unlink(rep)
    check(not os.path.exists(e.path("out.txt")), "the interactor ran")


def test_usage_errors(e):
    i = ["--interactor=" + INTERACTOR, "1.in", "out.txt"]
    usage_error(e, i + ["--", SOLUTION], ["--wall"])
    usage_error(e, ["--wall=1"] + i + [SOLUTION], ["'--'"])
    usage_error(e, ["--wall=1", "--stdin=1.in"] + i + ["--", SOLUTION],
                ["--stdin"])
    usage_error(e, ["--wall=1", "--interactor=" + e.path("nope"), "--",
                    SOLUTION], ["--interactor", "nope"])
    usage_error(e, ["--wall=1", "--interactor-cpu=1"] + i + ["--", SOLUTION],
                ["--interactor-policy"])
    usage_error(e, ["--wall=1", "--interactor-policy=nosuch"] + i +
                ["--", SOLUTION], ["nosuch"])
    usage_error(e, ["--wall=1", "--interaction-log=x", SOLUTION],
                ["--interactor"])
    usage_error(e, ["--wall=1"] + i + ["--", e.path("nope")], ["nope"])


TESTS = [v for k, v in list(globals().items()) if k.startswith("test_")]


def main():
    for p in (INTERACTOR, SOLUTION):
        if not os.access(p, os.X_OK):
            print("interact: %s not built" % p)
            return 99
    return run_suite("interactive", TESTS, Env)


if __name__ == "__main__":
    sys.exit(main())
