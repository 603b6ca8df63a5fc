#!/bin/sh
# bench/run-bench.sh BUILDDIR [driver options] -- run by `make bench`.
# Runs the driver with its helper programs from BUILDDIR and keeps a copy
# of the table in BUILDDIR/bench.log.
set -u
dir=$1
shift
log=$dir/bench.log
{ "$dir/bench-driver" -d "$dir" "$@"; echo $? >"$log.rc"; } 2>&1 | tee "$log"
status=$(cat "$log.rc" 2>/dev/null || echo 1)
rm -f "$log.rc"
echo "(table saved in $log)"
exit "$status"
