#!/bin/sh
# The code a child sharing the supervisor's memory runs (core/spawn.c:
# child_main, every function of core/child.c, and what they call in the
# library) takes no stack frame from AddressSanitizer's fake stack: those
# frames are the supervisor thread's (util/rawsys.h, SB_CHILD_CODE).
# Checked in the disassembly of a sanitizer build of the library; in a
# build without the sanitizers there is nothing to check (exit 77).
# Usage: tests/check_child_code.sh [BUILDDIR]   (-v: list the functions)
set -eu
verbose=false
[ "${1:-}" = -v ] && { verbose=true; shift; }
top=${1:-.}
so=$top/libsandbox/.libs/libsandbox.so
obj=$top/libsandbox/core/.libs/libsandbox_core_la-child.o
for f in "$so" "$obj"; do
	[ -r "$f" ] || { echo "SKIP: $f not built"; exit 77; }
done
dis=$(mktemp)
trap 'rm -f "$dis"' EXIT
objdump -d --no-show-raw-insn "$so" >"$dis"
if ! grep -q '__asan_' "$dis"; then
	echo "SKIP: not a sanitizer build"
	exit 77
fi
# Roots: child_main and the functions of core/child.c (by name: a static
# of the same name elsewhere is checked too, which is only stricter).
roots="child_main $(nm --defined-only "$obj" | awk '$2 ~ /^[tT]$/ { print $3 }')"
# Follow the direct calls within the library from the roots; print every
# function reached and whether its body uses the fake stack.
awk -v roots="$roots" '
function base(s) { sub(/[.@+].*/, "", s); return s }
/^[0-9a-f]+ <[^>]+>:$/ {
	fn = base(substr($2, 2, length($2) - 3)); next
}
fn != "" && /call/ && match($0, /<[^>]+>/) {
	callee = substr($0, RSTART + 1, RLENGTH - 2)
	if (callee !~ /@plt/) calls[fn] = calls[fn] " " base(callee)
}
fn != "" && /__asan_stack_malloc/ { fake[fn] = 1 }
END {
	n = split(roots, todo, " ")
	for (i = 1; i <= n; i++) seen[todo[i]] = 1
	for (i = 1; i <= n; i++) {
		f = todo[i]
		m = split(calls[f], c, " ")
		for (j = 1; j <= m; j++)
			if (!(c[j] in seen) && c[j] !~ /^__(asan|ubsan)/) {
				seen[c[j]] = 1; todo[++n] = c[j]
			}
	}
	for (i = 1; i <= n; i++)
		printf "%s %s\n", todo[i], (todo[i] in fake) ? "FAKE-STACK" : "ok"
}' "$dis" >"$dis.out"
$verbose && cat "$dis.out"
bad=$(grep -c 'FAKE-STACK$' "$dis.out" || true)
reached=$(wc -l <"$dis.out")
if [ "$bad" -ne 0 ]; then
	echo "FAIL: the child's code uses the fake stack (mark it SB_CHILD_CODE):"
	grep 'FAKE-STACK$' "$dis.out"
	rm -f "$dis.out"
	exit 1
fi
rm -f "$dis.out"
echo "PASS: $reached functions of the child's code, none on the fake stack"
