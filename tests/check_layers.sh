#!/bin/sh
# The dependency graph of libsandbox must run one way and have no cycle.
#
#   tests/check_layers.sh [-v]        (from the top build directory, after
#                                      `make`; `make check` runs it)
#
# Layers and their order come from libsandbox/LAYERS. Two graphs between
# the files of the library are drawn:
#   include  #include "..." lines of every .c and .h, resolved the way the
#            compiler does for quoted includes (the including file's
#            directory, then -I libsandbox; config.h is generated: skipped);
#   call     from the library's object files: each undefined symbol of an
#            object (nm -u) points at the file whose object defines it, so
#            calls, and addresses taken of functions and data, count;
#            static functions are a file's own business.
# It fails, naming the files, when
#   - a library file (.c/.h under libsandbox/ and policies/) is in no layer,
#     or in two;
#   - an edge goes up the order, or between two sibling layers (same rank);
#   - the two graphs together have a cycle (tsort finds it), also inside
#     one layer;
#   - an object exports a symbol (default visibility) and is not in an api
#     layer.
# -v lists every edge.
set -u

verbose=0
[ "${1:-}" = "-v" ] && verbose=1

here=$(cd "$(dirname "$0")" && pwd)
src=${LAYERS_SRCDIR:-${E2E_SRCDIR:-$here/..}}
build=${LAYERS_BUILDDIR:-${E2E_BUILDDIR:-$(pwd)}}
src=$(cd "$src" && pwd)
build=$(cd "$build" && pwd)
layers="$src/libsandbox/LAYERS"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

for tool in nm readelf tsort awk; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "check_layers: $tool not found" >&2
		exit 99
	fi
done

# ---------------------------------------------------------------- files
# "FILE RANK LAYER" for every file a LAYERS line names.
(
	cd "$src" || exit 99
	grep -v '^[[:space:]]*#' "$layers" | while read -r rank name globs; do
		[ -n "$rank" ] || continue
		for g in $globs; do
			for f in $g; do
				[ -f "$f" ] && echo "$f $rank $name"
			done
		done
	done
) | sort > "$tmp/files"

# Every file of the library, and nothing twice.
(cd "$src" && find libsandbox policies -type f \( -name '*.c' -o -name '*.h' \) |
	sort) > "$tmp/all"
fail=0
cut -d' ' -f1 "$tmp/files" | uniq -d | while read -r f; do
	echo "check_layers: $f is in two layers (libsandbox/LAYERS)"
done | tee "$tmp/dup"
[ -s "$tmp/dup" ] && fail=1
cut -d' ' -f1 "$tmp/files" | sort -u | comm -13 - "$tmp/all" > "$tmp/orphans"
while read -r f; do
	echo "check_layers: $f is in no layer (add it to libsandbox/LAYERS)"
	fail=1
done < "$tmp/orphans"

# ---------------------------------------------------------------- includes
: > "$tmp/edges"
cut -d' ' -f1 "$tmp/files" | while read -r f; do
	dir=$(dirname "$f")
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
		"$src/$f" | while read -r inc; do
		[ "$inc" = config.h ] && continue
		to=
		for cand in "$dir/$inc" "libsandbox/$inc"; do
			if [ -f "$src/$cand" ]; then
				to=$(cd "$src" && realpath -m --relative-to=. "$cand")
				break
			fi
		done
		if [ -z "$to" ]; then
			echo "check_layers: $f includes \"$inc\", which is not in the tree" >&2
			echo "BAD"
			continue
		fi
		echo "$f $to include"
	done
done >> "$tmp/edges"
if grep -q '^BAD$' "$tmp/edges"; then
	fail=1
	sed -i '/^BAD$/d' "$tmp/edges"
fi

# ---------------------------------------------------------------- calls
: > "$tmp/defs"
: > "$tmp/undefs"
: > "$tmp/exports"
nobj=0
for f in $(grep '\.c ' "$tmp/files" | cut -d' ' -f1); do
	base=$(basename "$f" .c)
	obj=$(ls "$build/$(dirname "$f")"/.libs/*la-"$base".o 2>/dev/null | head -n 1)
	if [ -z "$obj" ]; then
		echo "check_layers: no object for $f under $build (run make first)"
		fail=1
		continue
	fi
	nobj=$((nobj + 1))
	nm -g --defined-only "$obj" | awk -v f="$f" 'NF == 3 { print $3, f }' \
		>> "$tmp/defs"
	nm -u "$obj" | awk -v f="$f" '{ print $NF, f }' >> "$tmp/undefs"
	# Exported: GLOBAL, defined, default visibility.
	# (Names starting with "__" are the compiler's, e.g. a sanitizer's.)
	readelf -sW "$obj" | awk -v f="$f" '
		$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" &&
		$8 !~ /^__/ { print f, $8 }' \
		>> "$tmp/exports"
done
awk 'NR == FNR { def[$1] = $2; next }
     ($1 in def) && def[$1] != $2 { print $2, def[$1], "call", $1 }' \
	"$tmp/defs" "$tmp/undefs" | sort -u >> "$tmp/edges"

# ---------------------------------------------------------------- checks
awk -v verbose="$verbose" '
	NR == FNR { rank[$1] = $2; layer[$1] = $3; next }
	{
		from = $1; to = $2; kind = $3; sym = (NF > 3) ? " (" $4 ")" : ""
		if (verbose)
			printf "  %-7s %s [%s] -> %s [%s]%s\n", kind, from,
			       layer[from], to, layer[to], sym
		if (!(to in rank))
			next
		if (rank[to] < rank[from] ||
		    (rank[to] == rank[from] && layer[to] != layer[from])) {
			how = "between sibling layers"
			if (rank[to] < rank[from])
				how = "up the layer order"
			printf "check_layers: %s %s [%s] -> %s [%s]%s goes %s\n",
			       kind, from, layer[from], to, layer[to], sym, how
			bad = 1
		}
	}
	END { exit bad }' "$tmp/files" "$tmp/edges" || fail=1

# Cycles, in both graphs at once, at the level of files.
awk '{ print $1, $2 }' "$tmp/edges" | sort -u > "$tmp/pairs"
if ! tsort "$tmp/pairs" > /dev/null 2> "$tmp/tsort"; then
	echo "check_layers: the dependency graph has a cycle:"
	sed -n 's/^tsort: //p' "$tmp/tsort" | grep -v 'contains a loop' |
		sed 's/^/    /'
	fail=1
fi

if [ -s "$tmp/exports" ]; then
	awk 'NR == FNR { layer[$1] = $3; next }
	     layer[$1] !~ /^api/ {
		printf "check_layers: %s exports %s but is not in an api layer\n", $1, $2
		bad = 1
	     }
	     END { exit bad }' "$tmp/files" "$tmp/exports" || fail=1
fi

nfiles=$(wc -l < "$tmp/files")
ninc=$(grep -c ' include$' "$tmp/edges")
ncall=$(grep -c ' call ' "$tmp/edges")
nexp=$(cat "$tmp/exports" 2>/dev/null | wc -l)
if [ "$fail" -ne 0 ]; then
	echo "check_layers: FAILED ($nfiles files, $ninc include and $ncall call edges, $nobj objects)"
	exit 1
fi
echo "check_layers: $nfiles files in $(grep -vc '^[[:space:]]*\(#\|$\)' "$layers") layers, $ninc include and $ncall call edges between files, $nexp exported symbols: one way, no cycle"
exit 0
