/*
 * Helpers of the verdict suites (tests/verdicts/): isolation the way a
 * judge sets it up, the run's elapsed time, and sandbox-run's JSON report
 * for the tests that go through the command line.
 */
#ifndef LIBSANDBOX_VUTIL_H
#define LIBSANDBOX_VUTIL_H

#include "testutil.h"

#include <stdint.h>

/* The isolation of the matrix's "isolated" column: PID, mount, IPC, UTS
 * and network namespaces and a box root holding only /usr and /lib*
 * read-only (what isolate binds) and the test programs. */
#define VU_NS (S_NS_PID | S_NS_MOUNT | S_NS_IPC | S_NS_UTS | S_NS_NET)

/* Can this caller run isolated programs? When not, the test skips with a
 * reason (a failure under SANDBOX_MUST_WORK). */
bool vu_can_isolate(void);
/* Can this caller give a run a cgroup memory limit? */
bool vu_can_cgroup_memory(void);
/* Put sb, made by tu_box_sandbox() (the program at its path inside a box
 * root), in the isolation above. */
void vu_isolate(sandbox_t *sb);

/* CLOCK_MONOTONIC in microseconds. */
int64_t vu_now_us(void);

/* sandbox-run's outcome: exit status, the JSON report (fresh string) and
 * the program's stdout and stderr (fresh strings). argv ends with NULL;
 * "--report=..." is added. */
struct vu_cli {
	int status;
	char *report;
	char *out, *err;
};
void vu_cli_run(struct vu_cli *r, const char *stdin_path, ...)
	__attribute__((sentinel));
void vu_cli_free(struct vu_cli *r);
/* The raw JSON value of a top-level or nested "key" (the first one in the
 * report): a fresh string ("null", "\"ML\"", "123"), or NULL when absent. */
char *vu_json(const char *report, const char *key);
/* The value as a number; fails the test when it is not one. */
int64_t vu_json_int(const char *report, const char *key);

#endif
