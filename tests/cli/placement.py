#!/usr/bin/env python3
"""CPU placement of concurrent sandbox-run processes (see placement.sh).

Each run is tests/progs/affinity: it prints the CPUs it may use, then waits
for its stdin to close, so the runs of a test are all alive at once. With
C CPUs and N runs at once, min(N, C) runs are pinned, each to a CPU of its
own, and the others are not pinned (they may use every CPU). Exit status:
0 passed, 1 a failure, 77 skipped (one CPU, or no ptrace).
"""
import os
import signal
import subprocess
import sys
import traceback

from timing import scaled

TOOL = os.path.abspath(os.environ["SANDBOX_RUN"])
PROG = os.path.abspath(os.environ["PLACEMENT_PROG"])
ALLOWED = frozenset(os.sched_getaffinity(0))


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def parse_list(text):
    cpus = set()
    for item in text.split(","):
        lo, _, hi = item.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return frozenset(cpus)


LIVE = []  # every Run of the current test, killed if it fails


class Run:
    """One sandbox-run, started; its program has said where it runs."""

    def __init__(self, *opts):
        self.p = subprocess.Popen([TOOL, "--quiet", "--wall=300"] + list(opts)
                                  + ["--", PROG], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        LIVE.append(self.p)
        line = self.p.stdout.readline().decode()
        if not line.startswith("cpus "):
            self.p.kill()
            err = self.p.communicate()[1].decode(errors="replace")
            raise Failure("program said %r (stderr %r)" % (line, err))
        self.cpus = parse_list(line[5:].strip())

    def pinned(self):
        """The CPU it is pinned to, or None (it may use them all)."""
        if len(self.cpus) == 1:
            return next(iter(self.cpus))
        check(self.cpus == ALLOWED, "a run on CPUs %s of %s"
              % (sorted(self.cpus), sorted(ALLOWED)))
        return None

    def finish(self):
        """Let the program end (communicate closes its stdin)."""
        out, err = self.p.communicate(timeout=scaled(300))
        check(self.p.returncode == 0, "exit %d (stderr %r)"
              % (self.p.returncode, err.decode(errors="replace")))


def concurrent(n):
    runs = [Run() for _ in range(n)]
    pinned = [r.pinned() for r in runs]
    on = [c for c in pinned if c is not None]
    check(len(on) == len(set(on)), "runs pinned to the same CPU: %s" % pinned)
    check(len(on) == min(n, len(ALLOWED)),
          "%d of %d runs pinned with %d CPUs: %s"
          % (len(on), n, len(ALLOWED), pinned))
    for r in runs:
        r.finish()
    print("placement: %d concurrent runs on %d CPUs: %s"
          % (n, len(ALLOWED), ", ".join("-" if c is None else str(c)
                                         for c in pinned)))


def test_two_concurrent():
    concurrent(2)


def test_four_concurrent():
    concurrent(4)


def test_killed_supervisor_frees_its_cpu():
    runs = [Run() for _ in ALLOWED]
    check(all(r.pinned() is not None for r in runs), "not all pinned")
    victim = runs.pop(len(runs) // 2)
    freed = victim.pinned()
    victim.p.send_signal(signal.SIGKILL)
    victim.p.wait(timeout=scaled(60))
    check(victim.p.returncode == -signal.SIGKILL, "victim %d"
          % victim.p.returncode)
    nxt = Run()
    check(nxt.pinned() == freed, "next run on %s, freed %d"
          % (nxt.pinned(), freed))
    extra = Run()
    check(extra.pinned() is None, "pinned with every CPU claimed")
    for r in runs + [nxt, extra]:
        r.finish()


def test_cpus_option():
    last = max(ALLOWED)
    r = Run("--cpus=%d" % last)
    check(r.cpus == {last}, "--cpus=%d gave %s" % (last, sorted(r.cpus)))
    r.finish()
    first = min(ALLOWED)
    r = Run("--cpus=%d,%d" % (first, last))
    check(r.pinned() in (first, last), "outside the list: %s" % sorted(r.cpus))
    r.finish()
    # None of ours, or not a list: nothing runs, exit 2.
    for bad, word in (("1023", "cpus"), ("x", "--cpus"), ("3-1", "--cpus")):
        if bad == "1023" and 1023 in ALLOWED:
            continue
        p = subprocess.run([TOOL, "--cpus=" + bad, "--", PROG],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=scaled(60))
        err = p.stderr.decode(errors="replace")
        check(p.returncode == 2, "--cpus=%s: exit %d" % (bad, p.returncode))
        check(word in err, "--cpus=%s: %r" % (bad, err))
        check(p.stdout == b"", "--cpus=%s: the program ran" % bad)


def main():
    if len(ALLOWED) < 2:
        print("placement: one CPU, nothing to place; skipping")
        return 77
    probe = subprocess.run([TOOL, "--quiet", "--", PROG],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=scaled(60))
    if probe.returncode != 0:
        print("placement: sandbox-run cannot run here (%r)"
              % probe.stderr.decode(errors="replace"))
        return 1 if os.environ.get("SANDBOX_MUST_WORK") else 77
    failed = 0
    tests = [(k, v) for k, v in sorted(globals().items())
             if k.startswith("test_") and callable(v)]
    for name, fn in tests:
        try:
            fn()
            print("PASS %s" % name)
        except Exception:
            failed += 1
            print("FAIL %s" % name)
            traceback.print_exc(file=sys.stdout)
        for p in LIVE:
            if p.poll() is None:
                p.kill()
                p.communicate()
        del LIVE[:]
    print("placement: %d of %d failed" % (failed, len(tests)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
