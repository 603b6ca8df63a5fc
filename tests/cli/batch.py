#!/usr/bin/env python3
"""End-to-end tests of sandbox-run --batch (see batch.sh): job lines in,
one report per line out, the batch going on after a bad line and a program
that never ends, and stopping cleanly on SIGTERM or when nobody reads its
reports; what a hostile job line or program can do to the batch.
Shares e2e.py's report checks."""
import json
import shutil
import os
import signal
import subprocess
import sys
import time

from timing import scaled
import e2e
from e2e import check, check_report

TOOL, VICTIM = e2e.TOOL, e2e.VICTIM
BATCH_KEYS = ["report_version", "id", "line"] + e2e.REPORT_KEYS[1:]


def job(*argv, **kw):
    d = {"argv": [VICTIM] + list(argv)}
    d.update(kw)
    return json.dumps(d)


def batch(env, lines, *opts, timeout=60, stdout=None):
    """Run a batch over `lines` (strings, or bytes for raw input); return
    (exit status, reports, stderr)."""
    data = b"".join((l if isinstance(l, bytes) else l.encode()) + b"\n"
                    for l in lines)
    p = subprocess.run([TOOL, "--batch", "--quiet"] + list(opts),
                       input=data, stdout=stdout or subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=scaled(timeout),
                       cwd=env.dir)
    out = p.stdout.decode() if p.stdout is not None else ""
    return p.returncode, parse(out), p.stderr.decode(errors="replace")


def parse(text):
    reports = []
    for l in text.splitlines():
        r = json.loads(l)
        check(list(r) == BATCH_KEYS, "batch report keys %r" % list(r))
        single = {k: v for k, v in r.items() if k not in ("id", "line")}
        check_report(single)
        reports.append(r)
    return reports


def test_jobs_and_reports(e):
    with open(e.path("1.in"), "w") as f:
        f.write("one two\n")
    lines = [job("ok", id="a", stdout="o1"),
             job("exit", "3", id=2),
             "",
             job("cat", stdin="1.in", stdout="o3", id="c"),
             job("both", "2", stdout="o4", stderr_to_stdout=True),
             job("segv", cpu_ms=2000, memory_bytes=64 << 20)]
    rc, reps, err = batch(e, lines, "--wall=20s", "--cpu=5s")
    check(rc == 0, "exit %d (%s)" % (rc, err))
    check([r["line"] for r in reps] == [1, 2, 4, 5, 6],
          [r["line"] for r in reps])
    check([r["id"] for r in reps] == ["a", 2, "c", None, None],
          [r["id"] for r in reps])
    check([r["result"] for r in reps] == ["OK", "AT", "OK", "OK", "RT"],
          [r["result"] for r in reps])
    check(reps[1]["exit_code"] == 3, reps[1])
    check(open(e.path("o1")).read() == "hello\n", "o1")
    check(open(e.path("o3")).read() == "one two\n", "o3")
    check(open(e.path("o4")).read() == "out 0\nerr 0\nout 1\nerr 1\n", "o4")
    # The job's quotas, else the command line's.
    check(reps[0]["quota"]["cpu_ms"] == 5000, reps[0]["quota"])
    check(reps[4]["quota"]["cpu_ms"] == 2000 and
          reps[4]["quota"]["memory_bytes"] == 64 << 20 and
          reps[4]["quota"]["wall_ms"] == 20000, reps[4]["quota"])
    check(reps[2]["command"] == [VICTIM, "cat"], reps[2]["command"])


def test_same_report_as_a_single_run(e):
    rc, reps, _ = batch(e, [job("exit", "5", stdout="o")], "--wall=20s")
    check(rc == 0, rc)
    code, rep, _m, _o, _e = e.judge("--wall=20s", "--stdout=" + e.path("o2"),
                                    VICTIM, "exit", "5")
    b = reps[0]
    for k in ("result", "exit_code", "signal", "mode", "policy", "quota",
              "command", "binary", "isolation", "error"):
        check(b[k] == rep[k], "%s: batch %r, single %r" % (k, b[k], rep[k]))


def test_program_on_the_command_line(e):
    lines = [json.dumps({"stdout": "o"}), json.dumps({"argv": [VICTIM, "exit",
                                                               "4"]})]
    rc, reps, _ = batch(e, lines, "--wall=20s", "--", VICTIM, "ok")
    check(rc == 0, rc)
    check([r["result"] for r in reps] == ["OK", "AT"], reps)
    check(open(e.path("o")).read() == "hello\n", "o")


def test_bad_lines_do_not_stop_it(e):
    big = b"{\"argv\": [\"" + b"x" * (2 << 20) + b"\"]}"
    lines = ["not json", job("ok", stdot="o"), "{\"argv\": []}", big,
             b"{\"argv\":[\"a\x00b\"]}", "[1, 2]", job("ok", stdout="o"),
             json.dumps({"argv": ["no-such-program-here"]}),
             job("ok", stdin="missing.in"), "{}", job("exit", "0")]
    rc, reps, err = batch(e, lines, "--wall=20s")
    check(rc == 0, "exit %d (%s)" % (rc, err))
    check(len(reps) == len(lines), "%d reports for %d lines" %
          (len(reps), len(lines)))
    steps = [r["error"]["step"] if r["error"] else r["result"] for r in reps]
    check(steps == ["job", "job", "job", "job", "job", "job", "OK",
                    "program", "stdin", "job", "OK"], steps)
    check("longer than" in reps[3]["error"]["message"],
          reps[3]["error"]["message"])
    check("stdot" in reps[1]["error"]["message"], reps[1]["error"])
    check(reps[0]["result_text"] == "not run: the job line was refused",
          reps[0]["result_text"])


def test_endless_programs_cannot_stall_it(e):
    lines = [job("sleep", "100000", wall_ms=300), job("spin", wall_ms=300),
             job("ok")]
    rc, reps, _ = batch(e, lines, "--wall=100s", timeout=30)
    check(rc == 0, rc)
    check([(r["result"], r["limit"]) for r in reps] ==
          [("TL", "wall"), ("TL", "wall"), ("OK", None)], reps)


def test_needs_wall(e):
    rc, out, err = e.run("--batch", input_=b"")
    check(rc == 2 and "--wall" in err, (rc, err))
    rc, out, err = e.run("--batch", "--wall=1s", "--report=-", input_=b"")
    check(rc == 2 and "--report" in err, (rc, err))


def running(marker):
    """Is a victim waiting for `marker` running (the job started)?"""
    for pid in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if marker.encode() in f.read():
                    return True
        except OSError:
            pass
    return False


def start_batch(e, lines, *opts):
    p = subprocess.Popen([TOOL, "--batch", "--quiet"] + list(opts),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=e.dir)
    for l in lines:
        p.stdin.write(l.encode() + b"\n")
    p.stdin.flush()
    return p


def test_sigterm_ends_the_job_and_the_batch(e):
    marker = e.path("never-made")
    p = start_batch(e, [job("waitfor", marker), job("ok")], "--wall=100s")
    deadline = time.monotonic() + scaled(30)
    while not running(marker):
        check(time.monotonic() < deadline and p.poll() is None,
              "the job never started")
        time.sleep(0.01)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=scaled(30))
    reps = parse(out.decode())
    check(p.returncode == 2, "exit %d" % p.returncode)
    check(len(reps) == 1, "%d reports after SIGTERM" % len(reps))
    check(reps[0]["result"] == "IE" and reps[0]["interrupted"] == 15,
          reps[0])
    check(not running(marker), "the program survived")


def test_sigterm_between_jobs(e):
    p = start_batch(e, [job("ok")], "--wall=100s")
    line = p.stdout.readline()
    check(json.loads(line)["result"] == "OK", line)
    p.send_signal(signal.SIGTERM)  # waiting for the next line
    out, _ = p.communicate(timeout=scaled(30))
    check(p.returncode == 2 and out == b"", (p.returncode, out))


def test_report_stream_closed(e):
    """Nobody reads the reports any more: the batch stops (EPIPE), it
    neither hangs nor dies of SIGPIPE."""
    p = start_batch(e, [job("ok")], "--wall=100s")
    check(json.loads(p.stdout.readline())["result"] == "OK", "first")
    p.stdout.close()
    try:
        for _ in range(3):
            p.stdin.write((job("ok") + "\n").encode())
        p.stdin.close()
    except BrokenPipeError:
        pass
    p.wait(timeout=scaled(30))
    err = p.stderr.read().decode()
    check(p.returncode == 2 and "cannot write" in err,
          (p.returncode, err))


def test_jobs_cannot_touch_the_batch_streams(e):
    reports, jobs = e.path("reports.jsonl"), e.path("jobs.jsonl")
    lines = [job("ok"), job("ok", stdout="reports.jsonl"),
             job("ok", stderr="jobs.jsonl"), job("cat", stdin="jobs.jsonl",
                                                  stdout="jobs.jsonl"),
             job("ok", stdout="/dev/stdout"), job("exit", "0")]
    with open(jobs, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(jobs) as fin, open(reports, "w") as fout:
        p = subprocess.run([TOOL, "--batch", "--quiet", "--wall=20s"],
                           stdin=fin, stdout=fout, stderr=subprocess.PIPE,
                           cwd=e.dir, timeout=scaled(60))
    check(p.returncode == 0, p.stderr)
    with open(reports) as f:
        reps = parse(f.read())
    check(len(reps) == 6, "%d reports (the report file was truncated?)"
          % len(reps))
    check([r["result"] for r in reps] == ["OK", None, None, None, None, "OK"],
          [r["result"] for r in reps])
    check("report stream" in reps[1]["error"]["message"], reps[1]["error"])
    check("job lines" in reps[2]["error"]["message"], reps[2]["error"])
    check(reps[4]["error"]["errno"] == 40, reps[4]["error"])  # ELOOP
    with open(jobs) as f:
        check(f.read() == "\n".join(lines) + "\n", "the job file changed")


def test_planted_links_refused(e):
    with open(e.path("secret"), "w") as f:
        f.write("keep\n")
    os.symlink(e.path("secret"), e.path("out-link"))
    os.makedirs(e.path("d"))
    os.symlink(e.path("d"), e.path("dir-link"))
    lines = [job("ok", stdout="out-link"), job("ok", stdout="dir-link/o"),
             job("cat", stdin="out-link")]
    if os.geteuid() == 0:
        # A second name where the program may make names (root accepts
        # a judge's own links in the judge's closed directories).
        os.chmod(e.dir, 0o777)
        os.link(e.path("secret"), e.path("hard"))
        lines.append(job("ok", stdout="hard"))
    rc, reps, _ = batch(e, lines, "--wall=20s")
    check(rc == 0, rc)
    check(all(r["result"] is None and r["error"]["errno"] in (40, 31)
              for r in reps), [r["error"] for r in reps])
    check(open(e.path("secret")).read() == "keep\n", "secret changed")
    check(not os.path.exists(e.path("d/o")), "written through a link")


def test_replaced_streams_are_caught(e):
    # A job's program unlinks the job's stdout (or stdin) file in the open
    # working directory and leaves its own answer there: no verdict, the
    # error names the stream (0.5 reported OK).
    os.chmod(e.dir, 0o777)
    with open(e.path("1.in"), "w") as f:
        f.write("input\n")
    os.chmod(e.path("1.in"), 0o644)
    lines = [job("swap", e.path("o1"), "12\n", stdout="o1"),
             job("swap", e.path("1.in"), "12\n", stdin="1.in", stdout="o2"),
             job("ok", stdout="o3")]
    rc, reps, err = batch(e, lines, "--wall=20s", "--policy=python3")
    check(rc == 0 and len(reps) == 3, (rc, err))
    for r, key in zip(reps, ("stdout", "stdin")):
        check(r["result"] is None and r["error"]["step"] == key and
              "replaced during the run" in r["error"]["message"], r["error"])
    check(reps[2]["result"] == "OK", reps[2])


def test_survivor_cannot_stall_it(e):
    """A program that forks a child that never ends (a policy allowing
    fork): its run ends when it does, the batch goes on."""
    lines = [job("survive", stdout="o1"), job("ok", stdout="o2")]
    rc, reps, err = batch(e, lines, "--wall=20s", "--policy=unrestricted",
                          "--ns=pid", timeout=60)
    check(rc == 0, "exit %d (%s)" % (rc, err))
    check([r["result"] for r in reps] == ["OK", "OK"], reps)


def test_box_jobs(e):
    """--box in a batch: a job's ./NAME is the copy of a file the command
    line copies in (PROGRAM or --copy-in), run from /box; a name nothing
    copies in is that job's error, not the batch's."""
    shutil.copy(VICTIM, e.path("victim"))
    lines = [json.dumps({"argv": ["./victim", "ok"], "stdout": "o1"}),
             json.dumps({"argv": ["./victim", "create", "made"]}),
             json.dumps({"argv": ["./victim", "create", "made"],
                         "stdout": "o3"}),
             json.dumps({"argv": ["./not-copied", "ok"]}),
             json.dumps({"argv": ["./victim", "ok"], "stdout": "o5"})]
    rc, reps, err = batch(e, lines, "--wall=20s", "--box", "--copy-in=victim")
    check(rc == 0, "exit %d (%s)" % (rc, err))
    got = [r["result"] or r["error"]["step"] for r in reps]
    check(got[:3] == ["OK", "OK", "OK"] and got[4] == "OK", got)
    check(reps[3]["result"] is None and reps[3]["error"]["errno"] == 2,
          reps[3]["error"])
    check([r["command"][0] for r in reps[:3]] == ["/box/victim"] * 3,
          [r["command"] for r in reps])
    check(all("box" in r["isolation"]["in_effect"] for r in reps[:3]),
          [r["isolation"] for r in reps])
    check(open(e.path("o5")).read() == "hello\n", "o5")
    # The command line's ./PROGRAM is copied in for every job.
    rc, reps, err = batch(e, [json.dumps({"stdout": "o6"}),
                              json.dumps({"argv": ["./victim", "exit", "3"]})],
                          "--wall=20s", "--box", "--", "./victim", "ok")
    check(rc == 0, "exit %d (%s)" % (rc, err))
    check([r["result"] for r in reps] == ["OK", "AT"], reps)
    check(open(e.path("o6")).read() == "hello\n", "o6")


def test_each_job_gets_its_own(e):
    """One sandbox for every job, set only where a job differs from the
    one before: a job's program, arguments, streams and quotas are its
    own, and the next job gets its own or the command line's, never the
    job before's -- also after a job whose settings were refused."""
    with open(e.path("1.in"), "w") as f:
        f.write("input\n")
    lines = [job("both", "1", stdout="s1", stderr_to_stdout=True,
                 cpu_ms=3000, id=1),
             job("both", "1", stdout="s2", id=2),
             job("both", "1", id=3),
             job("cat", stdin="1.in", stdout="c1", memory_bytes=64 << 20,
                 id=4),
             job("cat", stdout="c2", id=5),
             job("exit", "7", wall_ms=5000, id=6),
             job("exit", "7", id=7),
             job("exit", "8", id=8),
             json.dumps({"id": 9, "stdout": "s9"}),
             job("both", "1", stdout="s10", stderr="e10",
                 output_bytes=1 << 20, id=10),
             job("both", "1", stdout="s11", stderr_to_stdout=True, id=11),
             job("ok", stdout="s12", output_bytes=0, id=12),
             job("both", "1", stdout="s13", id=13)]
    rc, reps, err = batch(e, lines, "--wall=20s", "--cpu=5s", "--", VICTIM,
                          "ok")
    check(rc == 0 and len(reps) == len(lines), (rc, err))
    got = [r["result"] or r["error"]["step"] for r in reps]
    check(got == ["OK", "OK", "OK", "OK", "OK", "AT", "AT", "AT", "OK", "OK",
                  "OK", "job", "OK"], got)
    check([r["exit_code"] for r in reps[5:8]] == [7, 7, 8], reps[5:8])
    check("\"output_bytes\" must be positive" in reps[11]["error"]["message"],
          reps[11]["error"])
    files = {"s1": "out 0\nerr 0\n", "s2": "out 0\n", "c1": "input\n",
             "c2": "", "s9": "hello\n", "s10": "out 0\n", "e10": "err 0\n",
             "s11": "out 0\nerr 0\n", "s13": "out 0\n"}
    for name, want in files.items():
        with open(e.path(name)) as f:
            check(f.read() == want, "%s: %r" % (name, want))
    quota = [(r["quota"]["cpu_ms"], r["quota"]["wall_ms"],
              r["quota"]["memory_bytes"], r["quota"]["output_bytes"])
             for r in reps if r["result"]]
    mib = 1 << 20
    check(quota == [(3000, 20000, None, None), (5000, 20000, None, None),
                    (5000, 20000, None, None), (5000, 20000, 64 * mib, None),
                    (5000, 20000, None, None), (5000, 5000, None, None),
                    (5000, 20000, None, None), (5000, 20000, None, None),
                    (5000, 20000, None, None), (5000, 20000, None, mib),
                    (5000, 20000, None, None), (5000, 20000, None, None)],
          quota)
    check([r["command"][1:] for r in reps if r["result"]] ==
          [["both", "1"]] * 3 + [["cat"]] * 2 + [["exit", "7"]] * 2 +
          [["exit", "8"], ["ok"]] + [["both", "1"]] * 3,
          [r["command"] for r in reps])


def test_job_files_let_go(e):
    """Once a job's report is out, the batch holds none of its files open
    (its streams are handed to the sandbox through descriptors that the
    batch keeps for the next job)."""
    with open(e.path("1.in"), "w") as f:
        f.write("input\n")
    p = start_batch(e, [job("cat", stdin="1.in", stdout="held",
                            stderr="held-err")], "--wall=100s")
    try:
        rep = json.loads(p.stdout.readline())
        check(rep["result"] == "OK", rep)
        fd_dir = "/proc/%d/fd" % p.pid
        held = []
        for n in os.listdir(fd_dir):
            try:
                held.append(os.readlink(os.path.join(fd_dir, n)))
            except OSError:
                pass
        mine = [t for t in held if t.startswith(e.dir)]
        check(not mine, "still open after the report: %r" % mine)
    finally:
        p.stdin.close()
        p.wait(timeout=scaled(30))
    check(p.returncode == 0, p.returncode)
    check(open(e.path("held")).read() == "input\n", "held")


TESTS = [test_jobs_and_reports, test_same_report_as_a_single_run,
         test_program_on_the_command_line, test_bad_lines_do_not_stop_it,
         test_endless_programs_cannot_stall_it, test_needs_wall,
         test_sigterm_ends_the_job_and_the_batch, test_sigterm_between_jobs,
         test_report_stream_closed, test_jobs_cannot_touch_the_batch_streams,
         test_planted_links_refused, test_replaced_streams_are_caught,
         test_survivor_cannot_stall_it, test_box_jobs,
         test_each_job_gets_its_own, test_job_files_let_go]


def main():
    return e2e.run_suite("batch", TESTS)


if __name__ == "__main__":
    sys.exit(main())
