/*
 * The small helpers the built-in policies share: x86_64 rules by name, a
 * rule with one condition, read-only opens, the files a compiled
 * program's runtime reads. Public API only.
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

int sb_policy_allow_names(sandbox_policy_t *p, const char *const *names,
                          const char **bad)
{
	for (; *names; names++) {
		int rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *names,
		                                      S_DISP_ALLOW, 0, NULL, 0);
		if (rc < 0) {
			if (bad)
				*bad = *names;
			return rc;
		}
	}
	return 0;
}

int sb_policy_names(sandbox_policy_t *p, const char *const *names, int disp,
                    int err)
{
	for (; *names; names++) {
		int rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *names,
		                                      disp, err, NULL, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int sb_policy_cond1(sandbox_policy_t *p, const char *name, int disp, int err,
                    unsigned arg, int op, uint64_t a, uint64_t b)
{
	sandbox_cond_t c = { .arg = arg, .op = op, .a = a, .b = b };
	return sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, name, disp,
	                                    err, &c, 1);
}

static bool named(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

int sb_policy_own_processes(sandbox_policy_t *p, const char *const *names)
{
	static const char *const pids[] = { "getsid", "getpgid", NULL };
	static const char *const clocks[] = {
		"clock_gettime", "clock_getres", "clock_nanosleep",
		"timer_create", NULL
	};
	/* clockid_t is an int (the kernel reads the low 32 bits; the high
	 * ones are whatever the caller left: glibc sign-extends, the vDSO's
	 * fallback zero-extends): a CPU clock is negative, ~pid << 3 | 4
	 * (per thread) | type (0-2). */
	const uint64_t sign = 0x80000000u, thread = 4;
	int rc;

	for (const char *const *n = pids; *n; n++)
		if (named(names, *n) &&
		    ((rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *n,
		                                        S_DISP_ERRNO, ESRCH, NULL,
		                                        0)) < 0 ||
		     (rc = sb_policy_cond1(p, *n, S_DISP_ALLOW, 0, 0, S_CMP_EQ,
		                           0, 0)) < 0 ||
		     (rc = sb_policy_cond1(p, *n, S_DISP_ALLOW, 0,
		                           0 | S_ARG_SELF_PID, S_CMP_EQ, 0, 0)) < 0))
			return rc;
	/* Each allowed by a masked test of the low 32 bits: the filter
	 * allows them in the kernel with no stop (check_bpf
	 * own_cpu_clocks_cost_no_stop); a foreign process clock stops and
	 * the tracer answers EINVAL. */
	for (const char *const *n = clocks; *n; n++) {
		if (!named(names, *n))
			continue;
		if ((rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64, *n,
		                                       S_DISP_ERRNO, EINVAL, NULL,
		                                       0)) < 0 ||
		    (rc = sb_policy_cond1(p, *n, S_DISP_ALLOW, 0, 0, S_CMP_MASKED_EQ,
		                          sign, 0)) < 0 ||
		    (rc = sb_policy_cond1(p, *n, S_DISP_ALLOW, 0, 0, S_CMP_MASKED_EQ,
		                          sign | thread, sign | thread)) < 0 ||
		    (rc = sb_policy_cond1(p, *n, S_DISP_ALLOW, 0, 0, S_CMP_MASKED_EQ,
		                          0xfffffffcu, 0xfffffff8u)) < 0 ||
		    /* by its own pid: clock_getcpuclockid(getpid()) checks
		     * the id with clock_getres (review-stop24 D6); a stop */
		    (rc = sb_policy_cond1(p, *n, S_DISP_ALLOW, 0,
		                          0 | S_ARG_SELF_CPUCLOCK, S_CMP_EQ, 0,
		                          0)) < 0)
			return rc;
	}
	return 0;
}

int sb_policy_self_signals(sandbox_policy_t *p)
{
	static const char *const calls[] = { "kill", "tgkill", "tkill", NULL };
	int rc;

	for (const char *const *n = calls; *n; n++)
		if ((rc = sb_policy_cond1(p, *n, S_DISP_ALLOW, 0, 0 | S_ARG_SELF_PID,
		                          S_CMP_EQ, 0, 0)) < 0)
			return rc;
	return 0;
}

int sb_policy_user_lookup(sandbox_policy_t *p)
{
	int rc = sb_policy_cond1(p, "socket", S_DISP_ERRNO, EACCES, 0, S_CMP_EQ,
	                         AF_UNIX, 0);
	if (rc < 0)
		return rc;
	return sb_policy_cond1(p, "prctl", S_DISP_ALLOW, 0, 0, S_CMP_EQ,
	                       PR_CAPBSET_READ, 0);
}

/* Flags that make an open a write (or a creation; O_TMPFILE needs
 * O_WRONLY or O_RDWR). */
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

int sb_policy_read_only_opens(sandbox_policy_t *p)
{
	static const char *const opens[] = { "open", "openat", "creat", NULL };
	int rc;

	/* The unconditional EACCES replaces any earlier rule (default's
	 * TRACE, whose callback reads the path); then read-only runs. */
	if ((rc = sb_policy_names(p, opens, S_DISP_ERRNO, EACCES)) < 0 ||
	    (rc = sb_policy_cond1(p, "openat", S_DISP_ALLOW, 0, 2,
	                          S_CMP_MASKED_EQ, WRITE_FLAGS, 0)) < 0)
		return rc;
	return sb_policy_cond1(p, "open", S_DISP_ALLOW, 0, 1, S_CMP_MASKED_EQ,
	                       WRITE_FLAGS, 0);
}

/* What a compiled C or C++ program (glibc, libstdc++) opens, found by
 * tracing static and dynamic C and C++ programs (hello, stdio and
 * iostream I/O, libm, localtime/strftime, setlocale(LC_ALL, ""),
 * std::locale(""), std::thread::hardware_concurrency, std::random_device)
 * with and without LANG/TZ: the loader's cache and library directories
 * (also gconv, below them), locale data and aliases, time zones, the CPU
 * lists glibc counts CPUs from, and the random devices: /dev/random as
 * well as /dev/urandom (one pool since Linux 5.6; the JDK's SecureRandom
 * reads /dev/random and, refused, seeds itself by spinning threads for
 * about 2 s of CPU -- verify24 W2). Each is optional: a host without it
 * simply has nothing there to read. */
static const char *const c_runtime_read[] = {
	"/etc/ld.so.cache", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib64", "/usr/lib64", "/usr/lib/locale", "/usr/share/locale",
	"/etc/localtime", "/usr/share/zoneinfo", "/sys/devices/system/cpu/online",
	"/sys/devices/system/cpu/possible", "/dev/urandom", "/dev/random",
	NULL
};
static const char *const c_runtime_write[] = { "/dev/null", "/dev/zero", NULL };

int sb_policy_runtime_files(sandbox_policy_t *p)
{
	int rc;

	for (const char *const *f = c_runtime_read; *f; f++)
		if ((rc = sandbox_policy_add_file_rule(p, *f, S_FILE_READ |
		                                       S_FILE_OPTIONAL, NULL, 0)) < 0)
			return rc;
	for (const char *const *f = c_runtime_write; *f; f++)
		if ((rc = sandbox_policy_add_file_rule(p, *f, S_FILE_WRITE |
		                                       S_FILE_OPTIONAL, NULL, 0)) < 0)
			return rc;
	return 0;
}

int sb_policy_read_globs(sandbox_policy_t *p, const char *const *globs)
{
	for (; *globs; globs++) {
		glob_t gl;
		int rc = glob(*globs, 0, NULL, &gl);
		if (rc == GLOB_NOMATCH)
			continue;
		if (rc != 0)
			return -ENOMEM;
		for (size_t i = 0; i < gl.gl_pathc && rc == 0; i++)
			rc = sandbox_policy_add_file_rule(p, gl.gl_pathv[i],
			                                  S_FILE_READ |
			                                  S_FILE_OPTIONAL, NULL, 0);
		globfree(&gl);
		if (rc < 0)
			return rc;
	}
	return 0;
}
