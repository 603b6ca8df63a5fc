"""Bounds on time for the sandbox-run tests, scaled with the host's load
as the Check suites scale theirs (tu_load_factor in tests/testutil.c)."""
import os


def scaled(seconds):
    """A bound on time on an idle host, times 1 + the runnable tasks per
    CPU we may use (the larger of the 1-minute load average and the tasks
    running now, host-wide), times CK_TIMEOUT_MULTIPLIER; at most 64x."""
    with open("/proc/loadavg") as f:
        fields = f.read().split()
    load = max(float(fields[0]), int(fields[3].split("/")[0]) - 1)
    factor = 1 + load / max(1, len(os.sched_getaffinity(0)))
    factor *= max(1.0, float(os.environ.get("CK_TIMEOUT_MULTIPLIER", "1")))
    return seconds * min(factor, 64)
