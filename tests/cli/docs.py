#!/usr/bin/env python3
"""The examples of the documentation run as written (see docs.sh).

- README.md's C example is a complete program: it is compiled against the
  built library (-Wall -Wextra -Werror) and run next to a ./solution.
- Every console example ("$ command" lines, with "\\" continuations) of
  README.md, docs/CLI-EXAMPLE.md and the EXAMPLES of sandbox-run(1) runs in
  a fixture directory holding what the documents name (solution, 1.in,
  tests/1.in, crash; interactor, guess, game.in, game.ans: the guessing
  game of tests/interact/progs): sandbox-run must reach a verdict (exit 0
  or 1) and,
  where the document shows a summary line, the same verdict; the
  program's output, `echo $?` and the other commands' output must match
  the document, figures, addresses, the fixture's path and the host's
  Landlock (the report's file_rules) aside. The solution is hostile
  (tests/cli/cheat.c): it tries to read the answers (tests/2.ans) and to
  rewrite the tests' inputs; after each command the fixture's tests must
  be intact and the answer in no output (README's first --batch example
  ran the program in the judge's directory: it read and rewrote them).
- README.md's Python example runs when the binding is built.

Exit status: 0 all passed, 1 a failure, 77 skipped (no C compiler).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from timing import scaled

SRC = os.path.abspath(os.environ["E2E_SRCDIR"])
BUILD = os.path.abspath(os.environ["E2E_BUILDDIR"])
TOOL = os.path.abspath(os.environ["SANDBOX_RUN"])
DOC_DIR = "/tmp/ex"   # where the documents pretend to run
# The compiler of the build, and its sanitizer flags: a program linked
# with an instrumented libsandbox must be instrumented too.
CC = (os.environ.get("E2E_CC") or os.environ.get("CC") or "cc").split()
SAN = os.environ.get("E2E_SAN_CFLAGS", "").split()

CRASH_C = "int main(void) { volatile int *p = 0; return *p; }\n"
ANSWER_FILE, ANSWER = "tests/2.ans", "ANSWER-4242\n"
# The judge's files the hostile solution tries to rewrite.
GUARDED = ("1.in", "tests/1.in", ANSWER_FILE)


# The samples docs/POLICIES.md compiles, one per language.
LANG_SAMPLES = ("sum.c", "sum_threads.cpp", "Main.java", "sum.go", "sum.js",
                "sum.py")


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def compile_c(src, out, extra=()):
    p = subprocess.run(CC + ["-O0", "-g", "-o", out, src] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(p.returncode == 0, "cc %s: %s" % (src, p.stdout.decode()))


def fixture():
    d = tempfile.mkdtemp(prefix="sandbox-run-docs.")
    # As a judge's directory is: with --ns=user the box's mapped user must
    # reach it too.
    os.chmod(d, 0o755)
    compile_c(os.path.join(SRC, "tests", "cli", "cheat.c"),
              os.path.join(d, "solution"))
    # docs/POLICIES.md compiles the samples of each language itself.
    for name in LANG_SAMPLES:
        shutil.copy(os.path.join(SRC, "samples", name), d)
    with open(os.path.join(d, "crash.c"), "w") as f:
        f.write(CRASH_C)
    compile_c(os.path.join(d, "crash.c"), os.path.join(d, "crash"))
    # The guessing game of tests/interact/progs: an interactor and a
    # solution (its argument picks a behaviour), for --interactor.
    progs = os.path.join(SRC, "tests", "interact", "progs")
    compile_c(os.path.join(progs, "interactor.c"),
              os.path.join(d, "interactor"))
    compile_c(os.path.join(progs, "solution.c"), os.path.join(d, "guess"))
    with open(os.path.join(d, "game.in"), "w") as f:
        f.write("guess 1000000 123457 30\n")
    with open(os.path.join(d, "game.ans"), "w") as f:
        f.write("123457\n")
    os.mkdir(os.path.join(d, "tests"))
    for name in ("1.in", "tests/1.in", "input.txt"):
        with open(os.path.join(d, name), "w") as f:
            f.write("3\n1 2 39\n")
    # The answers a judge keeps beside its tests (readable, as they
    # usually are): the solution must never see them.
    with open(os.path.join(d, ANSWER_FILE), "w") as f:
        f.write(ANSWER)
    os.mkdir(os.path.join(d, "bin"))
    wrapper = os.path.join(d, "bin", "sandbox-run")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\nexec "%s" "$@"\n' % TOOL)
    os.chmod(wrapper, 0o755)
    return d


# ------------------------------------------------------------ extraction

def console_examples(path):
    """[(command, [expected output lines])] of each ```console block."""
    return [parse_session(b.splitlines())
            for b in fenced_blocks(path, "console")]


def man_examples(path):
    """The same from the .nf blocks of the EXAMPLES section of a man page."""
    text = open(path).read()
    sec = text.split(".SH EXAMPLES", 1)[1].split("\n.SH ", 1)[0]
    blocks, cur = [], None
    for line in sec.splitlines():
        if line == ".nf":
            cur = []
        elif line == ".fi":
            blocks.append(cur)
            cur = None
        elif cur is not None and not line.startswith("."):
            cur.append(line.replace("\\-", "-").replace("\\(aq", "'")
                       .replace("\\en", "\\n").replace("\\e", "\\"))
    return [parse_session(b) for b in blocks]


def parse_session(lines):
    items, i = [], 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.startswith("$ "):
            if items:
                items[-1][1].append(line)
            continue
        cmd = line[2:]
        while cmd.endswith("\\") and i < len(lines):
            cmd = cmd[:-1] + " " + lines[i].strip()
            i += 1
        items.append((cmd, []))
    return items


def fenced_blocks(path, lang):
    """The text of each ```LANG block of a Markdown file."""
    out, cur = [], None
    for line in open(path):
        if line.startswith("```" + lang):
            cur = []
        elif line.startswith("```") and cur is not None:
            out.append("".join(cur))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


# ------------------------------------------------------------ running

def normal(text, d):
    """Figures, addresses, the fixture's path and what this host's kernel
    enforces of file rules (Landlock, its version) do not count."""
    text = text.replace(d, DOC_DIR)
    if '"enforced_by": "mount_view"' in text:
        # No Landlock here: the view is a mount namespace of its own.
        text = re.sub(r'"isolation": (\{.*?\n  \}|null)',
                      '"isolation": null', text, flags=re.S)
    text = re.sub(r'"file_rules": (\{.*?\n  \}|\{[^\n]*\}|null)',
                  '"file_rules": HOST', text, flags=re.S)
    text = re.sub(r"0x[0-9a-f]+", "0xH", text)
    text = re.sub(r"\b(null|true|false|\d+(\.\d+)?)\b", "N", text)
    return [l.rstrip() for l in text.splitlines()]


def summary(text):
    m = re.search(r"^sandbox-run: ([A-Z]{2}) \(", text, re.M)
    return m.group(1) if m else None


def missing_tool(items):
    """The compiler or runtime a session needs and the host lacks
    (POLICIES.md's Java, Go and Node.js lines where those are not
    installed), or None."""
    for cmd, _ in items:
        words = [w for w in cmd.split() if "=" not in w]
        if words and words[0] in ("g++", "javac", "go") and \
                shutil.which(words[0]) is None:
            return words[0]
        if words and words[0] == "sandbox-run" and "--" in words:
            prog = words[words.index("--") + 1]
            if prog.startswith("/") and not os.access(prog, os.X_OK):
                return prog
    return None


def guarded(d):
    return {n: open(os.path.join(d, n), "rb").read() for n in GUARDED}


def check_nothing_leaked(d, before, what, out, err):
    """The judge's files intact, the answer in no output: neither in
    what the command printed nor in a file it left in the fixture."""
    check(guarded(d) == before, "%s: the program rewrote the judge's "
          "files: %r" % (what, {n: v for n, v in guarded(d).items()
                                if before[n] != v}))
    secret = ANSWER.strip()
    check(secret not in out and secret not in err,
          "%s: the program read the answers" % what)
    for top, dirs, files in os.walk(d):
        dirs[:] = [n for n in dirs if not n.startswith(".")]  # caches
        for name in files:
            path = os.path.join(top, name)
            if os.path.relpath(path, d) == ANSWER_FILE or \
                    os.path.islink(path) or not os.path.isfile(path) or \
                    os.path.getsize(path) > (1 << 20):
                continue
            with open(path, "rb") as f:
                check(secret.encode() not in f.read(),
                      "%s: the answers are in %s" % (what, path))


def run_session(items, d, where):
    env = dict(os.environ, PATH=os.path.join(d, "bin") + ":" +
               os.environ.get("PATH", "/usr/bin:/bin"))
    if "HOME" not in env and "GOCACHE" not in env:
        env["GOCACHE"] = os.path.join(d, ".gocache")
    tool = missing_tool(items)
    if tool:
        check(os.environ.get("SANDBOX_MUST_WORK") is None,
              "%s: %s is not installed" % (where, tool))
        print("skip %s: %s is not installed" % (where, tool))
        return
    status = 0
    for cmd, expected in items:
        before = guarded(d)
        p = subprocess.run(["sh", "-c", "(exit %d); %s" % (status, cmd)],
                           cwd=d, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=scaled(120))
        out = p.stdout.decode(errors="replace")
        err = p.stderr.decode(errors="replace")
        what = "%s: $ %s" % (where, cmd)
        status = p.returncode
        check_nothing_leaked(d, before, what, out, err)
        if cmd.startswith("sandbox-run"):
            check(status in (0, 1), "%s: exit %d (%s)" % (what, status,
                                                           err.strip()))
            want = [l for l in expected if l.startswith("sandbox-run: ")]
            if want:
                check(summary(err) == summary(want[0]),
                      "%s: %r, the document says %r" % (what, summary(err),
                                                         want[0]))
            shown = [l for l in expected if not l.startswith("sandbox-run")
                     and not l.startswith("  #")]
            if shown:
                check(normal(out, d) == normal("\n".join(shown), d),
                      "%s: output %r, the document shows %r" % (what, out,
                                                                shown))
            continue
        check(status == 0, "%s: exit %d (%s)" % (what, status, err.strip()))
        if expected:
            check(normal(out, d) == normal("\n".join(expected), d),
                  "%s: output\n%s\nthe document shows\n%s"
                  % (what, out, "\n".join(expected)))


def test_readme_c_example():
    blocks = fenced_blocks(os.path.join(SRC, "README.md"), "c")
    check(blocks, "README.md has no C example")
    d = fixture()
    try:
        # <libsandbox/sandbox.h> as installed: the source tree's layout.
        src = os.path.join(d, "judge.c")
        with open(src, "w") as f:
            f.write(blocks[0])
        libdir = os.path.join(BUILD, "libsandbox", ".libs")
        compile_c(src, os.path.join(d, "judge"),
                  ["-Wall", "-Wextra", "-Werror", "-I" + SRC] + SAN +
                  ["-L" + libdir, "-Wl,-rpath," + libdir, "-lsandbox"])
        p = subprocess.run(["./judge"], cwd=d, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=scaled(60))
        out = p.stdout.decode()
        check(p.returncode == 0, "judge: exit %d (%s)" % (p.returncode,
                                                          p.stderr.decode()))
        # The solution's own output (42) comes first: stdout is shared.
        check(re.fullmatch(r"42\nOK cpu \d+ us, peak \d+ bytes\n", out),
              "judge printed %r" % out)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_console_examples():
    sources = [("README.md", console_examples),
               ("docs/CLI-EXAMPLE.md", console_examples),
               ("docs/POLICIES.md", console_examples),
               ("man/sandbox-run.1", man_examples)]
    count = 0
    for name, extract in sources:
        for n, items in enumerate(extract(os.path.join(SRC, name))):
            d = fixture()
            try:
                run_session(items, d, "%s, example %d" % (name, n + 1))
                count += len(items)
            finally:
                shutil.rmtree(d, ignore_errors=True)
    check(count >= 10, "only %d commands found in the documents" % count)


def test_readme_python_example():
    stage = os.path.join(BUILD, "bindings", "python", "stage")
    env = dict(os.environ, PYTHONPATH=stage)
    if subprocess.run([sys.executable, "-c", "import sandbox"], env=env,
                      stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE).returncode != 0:
        print("skip README's Python example: the binding is not built")
        return
    d = fixture()
    try:
        for code in fenced_blocks(os.path.join(SRC, "README.md"), "python"):
            p = subprocess.run([sys.executable, "-c", code], cwd=d, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=scaled(120))
            check(p.returncode == 0, "README's Python example: %s"
                  % p.stderr.decode())
            check(p.stdout.decode().split()[:1] == ["OK"],
                  "it printed %r" % p.stdout.decode())
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    if shutil.which(CC[0]) is None:
        print("docs: no C compiler, skipping")
        return 77
    failed = 0
    tests = [test_readme_c_example, test_console_examples,
             test_readme_python_example]
    for t in tests:
        try:
            t()
            print("ok   %s" % t.__name__)
        except Failure as ex:
            failed += 1
            print("FAIL %s: %s" % (t.__name__, ex))
    print("%d of %d documentation tests failed" % (failed, len(tests)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
