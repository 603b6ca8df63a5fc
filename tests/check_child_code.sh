#!/bin/sh
# The code a child sharing the supervisor's memory runs (core/spawn.c:
# child_main, every function of core/child.c, and what they call in the
# library) calls no sanitizer runtime (an ASan fake-stack frame, a UBSan
# handler: they use the supervisor thread's state) and no libc function
# through the PLT (a sanitizer's interceptor does the same):
# util/rawsys.h, SB_CHILD_CODE. Checked in the disassembly of a sanitizer
# build of the library; in a build without the sanitizers there is
# nothing to check (exit 77).
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
# The sanitizers' constructors of the object (_sub_I_..., _sub_D_...) run
# in the supervisor at load time, not in the child.
roots="child_main $(nm --defined-only "$obj" |
	awk '$2 ~ /^[tT]$/ && $3 !~ /^_sub_[ID]_/ { print $3 }')"
# Follow the direct calls within the library from the roots; print every
# function reached and what it calls that the child may not (a sanitizer's
# runtime, a PLT entry; __stack_chk_fail, reached only on a smashed stack,
# is allowed).
awk -v roots="$roots" '
function base(s) { sub(/[.@+].*/, "", s); return s }
/^[0-9a-f]+ <[^>]+>:$/ {
	fn = base(substr($2, 2, length($2) - 3)); next
}
fn != "" && /(call|jmp)/ && match($0, /<[^>]+>/) {
	callee = substr($0, RSTART + 1, RLENGTH - 2)
	if (callee ~ /@plt/) {
		if (callee !~ /^__stack_chk_fail/) bad[fn] = bad[fn] " " callee
	} else if (callee ~ /^__(asan|tsan|msan|hwasan|ubsan|sanitizer)_/) {
		bad[fn] = bad[fn] " " base(callee)
	} else if (base(callee) != fn) {
		calls[fn] = calls[fn] " " base(callee)
	}
}
END {
	n = split(roots, todo, " ")
	for (i = 1; i <= n; i++) seen[todo[i]] = 1
	for (i = 1; i <= n; i++) {
		f = todo[i]
		m = split(calls[f], c, " ")
		for (j = 1; j <= m; j++)
			if (!(c[j] in seen)) {
				seen[c[j]] = 1; todo[++n] = c[j]
			}
	}
	for (i = 1; i <= n; i++)
		printf "%s %s\n", todo[i], (todo[i] in bad) ? "CALLS" bad[todo[i]] : "ok"
}' "$dis" >"$dis.out"
$verbose && cat "$dis.out"
nbad=$(grep -c ' CALLS ' "$dis.out" || true)
reached=$(wc -l <"$dis.out")
if [ "$nbad" -ne 0 ]; then
	echo "FAIL: the child's code calls what it may not (mark it SB_CHILD_CODE, no libc):"
	grep ' CALLS ' "$dis.out"
	rm -f "$dis.out"
	exit 1
fi
rm -f "$dis.out"
echo "PASS: $reached functions of the child's code, no sanitizer runtime, no libc"
