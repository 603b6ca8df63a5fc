/*
 * sandbox-run: command-line parsing, TIME and SIZE values, the checks of
 * options against each other, the program's PATH and its look-up (in a
 * box too), credentials, directories. See args.h.
 */
#include "config.h"
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox.h"

const char sr_usage_text[] =
"Usage: sandbox-run [OPTIONS] [--] PROGRAM [ARG...]\n"
"Run PROGRAM (looked up in PATH) under the libsandbox supervisor, judge it.\n"
"Quotas:    --cpu=TIME --wall=TIME (1, 0.5, 1500ms, 2s, 1m)  --output=SIZE\n"
"           --memory=SIZE (bytes, or K/M/G/T)  --memory-mode=vsize|rss\n"
"           --stack=SIZE (default: unlimited within --memory)\n"
"           --processes=N (threads and processes alive at once)\n"
"Policy:    --policy=NAME|FILE|MODULE.so[:ARG] (default: default)\n"
"           --mode=fast|classic  --list-policies  --explain-policy=SPEC\n"
"Streams:   --stdin=FILE --stdout=FILE --stderr=FILE (default: inherited)\n"
"           --stderr-to-stdout (stderr shares stdout's file or pipe)\n"
"Reports:   --report=FILE (JSON, '-' = stdout)  --meta=FILE (isolate format)\n"
"           -q, --quiet (no summary line on stderr)\n"
"Process:   --chdir=DIR --chroot=DIR --user=USER|UID --group=GROUP|GID\n"
"           --env=NAME=VALUE (repeatable; else only " SR_DEFAULT_PATH ")\n"
"           --env-inherit --env-pass=NAME,... --env-strip=PATTERN,...\n"
"           --rlimit=NAME=VALUE (nofile=64, stack=8M, ...; repeatable)\n"
"           --cpus=LIST (the CPUs the run may use: 0-3,6)\n"
"           --box-id=N --box-ids=FIRST[:COUNT] (as root: run slot uid FIRST+N)\n"
"Box:       --box (a root of its own: the system trees, /box its work\n"
"           directory, /tmp; PROGRAM given by a path is copied into /box)\n"
"           --copy-in=HOST[:NAME] --copy-out=NAME[:HOST] (repeatable)\n"
"Isolation: --ns=pid,ipc,uts,net,mount,user|all  --hostname=NAME\n"
"           --rootfs=DIR[:rw]  --dir=IN=OUT[:ro|:rw|:tmp] (repeatable)\n"
"           --tmpfs-size=SIZE  --cg-memory=SIZE --cg-pids=N --cg-cpu=PERCENT\n"
"           --cg-parent=PATH  --best-effort (use what the host supports)\n"
"           --check (what this host supports)\n"
"Batch:     --batch (one JSON job per line on stdin, one report per line on\n"
"           stdout; needs --wall; PROGRAM optional: see sandbox-run(1))\n"
"Interact:  --interactor=CMD [ARG...] -- PROGRAM [ARG...] (CMD talks with\n"
"           PROGRAM through their stdin/stdout; needs --wall)\n"
"           --interactor-policy=SPEC (CMD in a sandbox) --interactor-cpu=TIME\n"
"           --interactor-memory=SIZE --interactor-wall=TIME\n"
"           --interactor-user=USER|UID --interaction-log=FILE (a transcript)\n"
"Diagnose:  --trace --trace-file=FILE --trace-format=text|json\n"
"           --backtrace (where it crashed or was killed, in the report)\n"
"           --profile=FILE (.csv or .jsonl samples) --profile-format=csv|jsonl\n"
"           --profile-interval=TIME (10ms)  --profile-svg=FILE\n"
"Other:     -h, --help  -V, --version\n"
"Exit status: 0 OK, 1 any other verdict, 2 usage error or not judged\n"
"(IE, BP, JF: the interactor failed, interrupted). See sandbox-run(1).\n";

/* ------------------------------------------------------------ messages */

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* ------------------------------------------------------------ numbers */

/* Parse "DIGITS[.DIGITS]" at s, scaled by mult, exactly. On success
 * stores the value and the end of the number. Returns 0, -EINVAL
 * (malformed), -ERANGE (overflow) or -EDOM (not a whole number). */
static int parse_scaled(const char *s, const char **end, uint64_t mult,
                        uint64_t *out)
{
	const char *p = s;
	unsigned __int128 ip = 0, frac = 0, scale = 1;
	const unsigned __int128 max = UINT64_MAX;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		ip = ip * 10 + (unsigned)(*p - '0');
		if (ip > max)
			return -ERANGE;
	}
	if (*p == '.') {
		const char *f = ++p;
		const char *last = NULL; /* last non-zero digit */
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++)
			if (*p != '0')
				last = p;
		/* Trailing zeros do not count; beyond 19 significant decimals
		 * no multiplier we have can make a whole number. */
		if (last) {
			if (last - f + 1 > 19)
				return -EDOM;
			for (const char *q = f; q <= last; q++) {
				frac = frac * 10 + (unsigned)(*q - '0');
				scale *= 10;
			}
		}
	}
	unsigned __int128 v = ip * mult;
	if (v > max)
		return -ERANGE;
	unsigned __int128 fv = frac * mult;
	if (fv % scale)
		return -EDOM;
	v += fv / scale;
	if (v > max)
		return -ERANGE;
	*end = p;
	*out = (uint64_t)v;
	return 0;
}

int sr_parse_time_ms(const char *s, uint64_t *ms, char *err, size_t errlen)
{
	static const struct { const char *unit; uint64_t mult; } units[] = {
		{ "", 1000 }, { "s", 1000 }, { "ms", 1 },
		{ "m", 60000 }, { "h", 3600000 },
	};
	const char *end = NULL;
	uint64_t v = 0;
	int rc = -EINVAL;

	if (!s || !*s)
		return fail(err, errlen, -EINVAL, "empty TIME");
	if (strcmp(s, "unlimited") == 0) {
		*ms = SANDBOX_UNLIMITED;
		return 0;
	}
	/* Find where the number ends to pick the unit first. */
	const char *u = s;
	while (isdigit((unsigned char)*u) || *u == '.')
		u++;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(u, units[i].unit) != 0)
			continue;
		rc = parse_scaled(s, &end, units[i].mult, &v);
		break;
	}
	if (rc == 0 && end != u)
		rc = -EINVAL; /* "1.5.5": the number stopped early */
	if (rc == -ERANGE)
		return fail(err, errlen, rc, "TIME '%s' is too large", s);
	if (rc == -EDOM)
		return fail(err, errlen, -EINVAL,
		            "TIME '%s' is not a whole number of milliseconds", s);
	if (rc < 0)
		return fail(err, errlen, -EINVAL,
		            "malformed TIME '%s' (seconds such as 1 or 0.5, or "
		            "1500ms, 2s, 1m, 1h)", s);
	if (v == 0)
		return fail(err, errlen, -EINVAL, "TIME '%s' must be positive", s);
	if (v == SANDBOX_UNLIMITED)
		return fail(err, errlen, -ERANGE, "TIME '%s' is too large", s);
	*ms = v;
	return 0;
}

int sr_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	const char *end = NULL;
	uint64_t mult = 1, v = 0;
	int rc;

	if (!s || !*s)
		return fail(err, errlen, -EINVAL, "empty SIZE");
	if (strcmp(s, "unlimited") == 0) {
		*bytes = SANDBOX_UNLIMITED;
		return 0;
	}
	const char *u = s;
	while (isdigit((unsigned char)*u) || *u == '.')
		u++;
	const char *rest = u;
	switch (tolower((unsigned char)*u)) {
	case 'k': mult = 1ull << 10; rest++; break;
	case 'm': mult = 1ull << 20; rest++; break;
	case 'g': mult = 1ull << 30; rest++; break;
	case 't': mult = 1ull << 40; rest++; break;
	default: break;
	}
	if (mult > 1 && (strcasecmp(rest, "ib") == 0 || strcasecmp(rest, "b") == 0))
		rest += strlen(rest);
	else if (mult == 1 && strcasecmp(rest, "b") == 0)
		rest++;
	rc = *rest ? -EINVAL : parse_scaled(s, &end, mult, &v);
	if (rc == 0 && end != u)
		rc = -EINVAL;
	if (rc == -ERANGE)
		return fail(err, errlen, rc, "SIZE '%s' is too large", s);
	if (rc == -EDOM)
		return fail(err, errlen, -EINVAL,
		            "SIZE '%s' is not a whole number of bytes", s);
	if (rc < 0)
		return fail(err, errlen, -EINVAL,
		            "malformed SIZE '%s' (bytes, or with K, M, G, T: 64M)", s);
	if (v == SANDBOX_UNLIMITED)
		return fail(err, errlen, -ERANGE, "SIZE '%s' is too large", s);
	*bytes = v;
	return 0;
}

/* ------------------------------------------------------------ options */

enum {
	OPT_CPU = 0x100, OPT_WALL, OPT_MEMORY, OPT_MEMORY_MODE, OPT_OUTPUT,
	OPT_POLICY, OPT_STDIN, OPT_STDOUT, OPT_STDERR, OPT_REPORT, OPT_META,
	OPT_CHDIR, OPT_CHROOT, OPT_USER, OPT_GROUP, OPT_ENV, OPT_ENV_INHERIT,
	OPT_MODE, OPT_TRACE, OPT_TRACE_FILE, OPT_LIST_POLICIES,
	OPT_EXPLAIN_POLICY, OPT_CHECK, OPT_TRACE_FORMAT, OPT_BACKTRACE,
	OPT_PROFILE, OPT_PROFILE_FORMAT, OPT_PROFILE_INTERVAL, OPT_PROFILE_SVG,
	OPT_NS, OPT_HOSTNAME, OPT_ROOTFS, OPT_DIR, OPT_TMPFS_SIZE, OPT_CG_PARENT,
	OPT_CG_MEMORY, OPT_CG_PIDS, OPT_CG_CPU, OPT_RLIMIT, OPT_ENV_PASS,
	OPT_ENV_STRIP, OPT_BEST_EFFORT, OPT_CPUS, OPT_STDERR_TO_STDOUT, OPT_STACK,
	OPT_PROCESSES, OPT_BATCH,
	OPT_INTERACT, /* --interactor and friends: interact_args.c */
	OPT_BOX_ID, OPT_BOX, OPT_COPY_IN, OPT_COPY_OUT, OPT_BOX_IDS,
};

static const struct option long_options[] = {
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "wall", required_argument, NULL, OPT_WALL },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "memory-mode", required_argument, NULL, OPT_MEMORY_MODE },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "stack", required_argument, NULL, OPT_STACK },
	{ "processes", required_argument, NULL, OPT_PROCESSES },
	{ "interactor", required_argument, NULL, OPT_INTERACT },
	{ "interactor-policy", required_argument, NULL, OPT_INTERACT },
	{ "interactor-cpu", required_argument, NULL, OPT_INTERACT },
	{ "interactor-memory", required_argument, NULL, OPT_INTERACT },
	{ "interactor-wall", required_argument, NULL, OPT_INTERACT },
	{ "interactor-user", required_argument, NULL, OPT_INTERACT },
	{ "interaction-log", required_argument, NULL, OPT_INTERACT },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "stdin", required_argument, NULL, OPT_STDIN },
	{ "stdout", required_argument, NULL, OPT_STDOUT },
	{ "stderr", required_argument, NULL, OPT_STDERR },
	{ "stderr-to-stdout", no_argument, NULL, OPT_STDERR_TO_STDOUT },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "meta", required_argument, NULL, OPT_META },
	{ "chdir", required_argument, NULL, OPT_CHDIR },
	{ "chroot", required_argument, NULL, OPT_CHROOT },
	{ "user", required_argument, NULL, OPT_USER },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "env-inherit", no_argument, NULL, OPT_ENV_INHERIT },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "trace", no_argument, NULL, OPT_TRACE },
	{ "trace-file", required_argument, NULL, OPT_TRACE_FILE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "list-policies", no_argument, NULL, OPT_LIST_POLICIES },
	{ "explain-policy", required_argument, NULL, OPT_EXPLAIN_POLICY },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "trace-format", required_argument, NULL, OPT_TRACE_FORMAT },
	{ "backtrace", no_argument, NULL, OPT_BACKTRACE },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "profile-format", required_argument, NULL, OPT_PROFILE_FORMAT },
	{ "profile-interval", required_argument, NULL, OPT_PROFILE_INTERVAL },
	{ "profile-svg", required_argument, NULL, OPT_PROFILE_SVG },
	{ "ns", required_argument, NULL, OPT_NS },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "rootfs", required_argument, NULL, OPT_ROOTFS },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "tmpfs-size", required_argument, NULL, OPT_TMPFS_SIZE },
	{ "cg-parent", required_argument, NULL, OPT_CG_PARENT },
	{ "cg-memory", required_argument, NULL, OPT_CG_MEMORY },
	{ "cg-pids", required_argument, NULL, OPT_CG_PIDS },
	{ "cg-cpu", required_argument, NULL, OPT_CG_CPU },
	{ "rlimit", required_argument, NULL, OPT_RLIMIT },
	{ "env-pass", required_argument, NULL, OPT_ENV_PASS },
	{ "env-strip", required_argument, NULL, OPT_ENV_STRIP },
	{ "best-effort", no_argument, NULL, OPT_BEST_EFFORT },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "box-id", required_argument, NULL, OPT_BOX_ID },
	{ "box-ids", required_argument, NULL, OPT_BOX_IDS },
	{ "box", no_argument, NULL, OPT_BOX },
	{ "copy-in", required_argument, NULL, OPT_COPY_IN },
	{ "copy-out", required_argument, NULL, OPT_COPY_OUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void sr_options_init(struct sr_options *o)
{
	memset(o, 0, sizeof(*o));
	o->action = SR_RUN;
	o->cpu_ms = o->wall_ms = SANDBOX_UNLIMITED;
	o->memory_bytes = o->output_bytes = o->stack_bytes = SANDBOX_UNLIMITED;
	o->tasks = SANDBOX_UNLIMITED;
	o->memory_mode = -1; /* the policy's preference, else vsize */
	o->mode = S_MODE_FAST;
	o->policy = "default";
	o->profile_interval_ms = 10;
	o->tmpfs_size = SANDBOX_UNLIMITED;
	o->cg_memory = o->cg_pids = SANDBOX_UNLIMITED;
	sr_interact_init(&o->ia);
	o->box_id = -1;
	o->box_first = SANDBOX_BOX_FIRST_UID;
	o->box_count = SANDBOX_BOX_COUNT;
}

/* The message for an option getopt_long refused. */
static int bad_option(const char *arg, int ch, char *err, size_t errlen)
{
	if (!arg)
		arg = "?";
	if (arg[0] == '-' && arg[1] == '-') {
		const char *name = arg + 2;
		size_t n = strcspn(name, "=");
		for (const struct option *lo = long_options; lo->name; lo++) {
			if (strlen(lo->name) != n || strncmp(lo->name, name, n) != 0)
				continue;
			if (ch == ':')
				return fail(err, errlen, -EINVAL,
				            "option '--%s' needs a value (--%s=...)",
				            lo->name, lo->name);
			if (lo->has_arg == no_argument && name[n] == '=')
				return fail(err, errlen, -EINVAL,
				            "option '--%s' takes no value", lo->name);
		}
		return fail(err, errlen, -EINVAL,
		            "unknown or ambiguous option '%.*s' (see --help)",
		            (int)(n + 2), arg);
	}
	return fail(err, errlen, -EINVAL, "unknown option '%s' (see --help)", arg);
}

static bool known_policy(const char *name)
{
	const char *const *l = sandbox_policy_list();
	for (; l && *l; l++)
		if (strcmp(*l, name) == 0)
			return true;
	return false;
}

/* A policy SPEC: a built-in name (no '/' and no '.') must exist now; a
 * file or module is loaded (and refused with its own message) before the
 * run, by sandbox_policy_load(). */
int sr_check_policy_spec(const char *spec, char *err, size_t errlen)
{
	char names[256] = "";
	size_t len = 0;

	if (!*spec)
		return fail(err, errlen, -EINVAL, "empty policy name");
	if (strpbrk(spec, "/.") || known_policy(spec))
		return 0;
	const char *const *l = sandbox_policy_list();
	for (; l && *l && len < sizeof(names); l++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
		                        len ? ", " : "", *l);
	return fail(err, errlen, -EINVAL,
	            "unknown policy '%s' (built-in: %s; a file or module is "
	            "given by its path, e.g. ./my.policy)", spec, names);
}

static bool valid_env(const char *s)
{
	const char *eq = strchr(s, '=');
	if (!eq || eq == s)
		return false;
	for (const char *p = s; p < eq; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return false;
	return !isdigit((unsigned char)s[0]);
}

int sr_parse_count(const char *s, uint64_t max, uint64_t *v, char *err,
                   size_t errlen)
{
	const char *end = NULL;
	uint64_t n = 0;

	if (!s || !*s)
		return fail(err, errlen, -EINVAL, "empty number");
	int rc = parse_scaled(s, &end, 1, &n);
	if (rc == 0 && (*end || strchr(s, '.')))
		rc = -EINVAL;
	if (rc == -ERANGE || (rc == 0 && n > max))
		return fail(err, errlen, -ERANGE, "'%s' is too large (at most %"
		            PRIu64 ")", s, max);
	if (rc < 0)
		return fail(err, errlen, -EINVAL, "'%s' is not a whole number", s);
	if (n == 0)
		return fail(err, errlen, -EINVAL, "'%s' must be positive", s);
	*v = n;
	return 0;
}

int sr_parse_ns(const char *s, unsigned *mask, char *err, size_t errlen)
{
	static const struct { const char *name; unsigned bit; } ns[] = {
		{ "pid", S_NS_PID }, { "ipc", S_NS_IPC }, { "uts", S_NS_UTS },
		{ "net", S_NS_NET }, { "mount", S_NS_MOUNT }, { "user", S_NS_USER },
		{ "all", S_NS_ALL },
	};
	unsigned m = 0;

	if (!s || !*s)
		return fail(err, errlen, -EINVAL, "empty namespace list");
	if (strcmp(s, "none") == 0) {
		*mask = 0;
		return 0;
	}
	for (const char *p = s;; ) {
		size_t n = strcspn(p, ",");
		size_t i;
		for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
			if (strlen(ns[i].name) == n && strncmp(ns[i].name, p, n) == 0)
				break;
		if (i == sizeof(ns) / sizeof(ns[0]))
			return fail(err, errlen, -EINVAL,
			            "unknown namespace '%.*s' (pid, ipc, uts, net, "
			            "mount, user, all or none)", (int)n, p);
		m |= ns[i].bit;
		if (!p[n])
			break;
		p += n + 1;
	}
	*mask = m;
	return 0;
}

int sr_parse_rlimit(const char *s, struct sr_rlimit *rl, char *err,
                    size_t errlen)
{
	static const struct { const char *name; int res; } res[] = {
		{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
		{ "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE },
		{ "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
		{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
		{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
		{ "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
		{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING },
		{ "stack", RLIMIT_STACK },
	};
	char sub[200];
	const char *eq = s ? strchr(s, '=') : NULL;

	if (!eq || eq == s)
		return fail(err, errlen, -EINVAL, "'%s' is not NAME=VALUE",
		            s ? s : "");
	const char *name = s;
	size_t n = (size_t)(eq - s);
	if (n > 7 && strncasecmp(name, "rlimit_", 7) == 0) {
		name += 7;
		n -= 7;
	}
	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		if (strlen(res[i].name) != n || strncasecmp(res[i].name, name, n))
			continue;
		/* SIZE accepts plain numbers too, and "unlimited". */
		if (sr_parse_size(eq + 1, &rl->value, sub, sizeof(sub)) < 0)
			return fail(err, errlen, -EINVAL, "%.*s: %s", (int)(eq - s), s,
			            sub);
		rl->resource = res[i].res;
		return 0;
	}
	return fail(err, errlen, -EINVAL,
	            "unknown resource '%.*s' (nofile, nproc, stack, core, fsize, "
	            "as, data, ...)", (int)(eq - s), s);
}

/* Split a comma-separated list into o->list_store, appending to list[]. */
static int split_list(struct sr_options *o, const char *s, const char **list,
                      size_t *n, char *err, size_t errlen)
{
	size_t len = strlen(s);
	if (!len)
		return fail(err, errlen, -EINVAL, "empty list");
	if (o->list_used + len + 1 > sizeof(o->list_store))
		return fail(err, errlen, -E2BIG, "lists too long");
	char *copy = o->list_store + o->list_used;
	memcpy(copy, s, len + 1);
	o->list_used += len + 1;
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (*n >= SR_MAX_LIST)
			return fail(err, errlen, -E2BIG, "more than %d entries",
			            SR_MAX_LIST);
		list[(*n)++] = t;
	}
	if (strstr(s, ",,") || s[0] == ',' || s[len - 1] == ',')
		return fail(err, errlen, -EINVAL, "empty entry in '%s'", s);
	return 0;
}

static int parse_format(const char *s, bool csv_ok, enum sr_format *f)
{
	if (strcmp(s, "text") == 0 && !csv_ok)
		*f = SR_FMT_TEXT;
	else if (strcmp(s, "json") == 0 || (csv_ok && strcmp(s, "jsonl") == 0))
		*f = SR_FMT_JSON;
	else if (strcmp(s, "csv") == 0 && csv_ok)
		*f = SR_FMT_CSV;
	else
		return -EINVAL;
	return 0;
}

/* Format of a --profile file from its name: .jsonl/.json give JSON lines,
 * anything else CSV. */
static enum sr_format profile_format_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".json") == 0))
		return SR_FMT_JSON;
	return SR_FMT_CSV;
}

/* The isolation and diagnostics options. Returns 0 when handled, 1 when
 * `ch` is not one of them, or -EINVAL with a message. */
static int parse_more(int ch, const char *name, const char *arg,
                      struct sr_options *o, bool *profile_format_given,
                      char *err, size_t errlen)
{
	char sub[256];
	uint64_t v;
	int rc = 0;

	switch (ch) {
	case OPT_TRACE_FORMAT:
		if (parse_format(arg, false, &o->trace_format) < 0)
			return fail(err, errlen, -EINVAL,
			            "--trace-format: '%s' is neither text nor json", arg);
		o->trace = true;
		return 0;
	case OPT_BACKTRACE: o->backtrace = true; return 0;
	case OPT_PROFILE_FORMAT:
		if (parse_format(arg, true, &o->profile_format) < 0)
			return fail(err, errlen, -EINVAL,
			            "--profile-format: '%s' is neither csv nor jsonl",
			            arg);
		*profile_format_given = true;
		return 0;
	case OPT_PROFILE_INTERVAL:
		rc = sr_parse_time_ms(arg, &v, sub, sizeof(sub));
		if (rc == 0 && v > 1000)
			return fail(err, errlen, -EINVAL,
			            "--profile-interval: '%s' is longer than 1s", arg);
		if (rc == 0)
			o->profile_interval_ms = v;
		break;
	case OPT_NS:
		rc = sr_parse_ns(arg, &o->ns, sub, sizeof(sub));
		o->ns_set = true;
		break;
	case OPT_DIR:
		if (o->ndirs >= SR_MAX_LIST)
			return fail(err, errlen, -EINVAL, "--dir: more than %d",
			            SR_MAX_LIST);
		o->dirs[o->ndirs++] = arg;
		break;
	case OPT_TMPFS_SIZE:
		rc = sr_parse_size(arg, &o->tmpfs_size, sub, sizeof(sub));
		if (rc == 0 && (o->tmpfs_size == 0 ||
		                o->tmpfs_size == SANDBOX_UNLIMITED))
			return fail(err, errlen, -EINVAL,
			            "--tmpfs-size: SIZE must be positive and finite");
		break;
	case OPT_CG_MEMORY:
		rc = sr_parse_size(arg, &o->cg_memory, sub, sizeof(sub));
		if (rc == 0 && o->cg_memory == 0)
			return fail(err, errlen, -EINVAL,
			            "--cg-memory: SIZE must be positive");
		break;
	case OPT_CG_PIDS:
		rc = sr_parse_count(arg, 1u << 22, &o->cg_pids, sub, sizeof(sub));
		break;
	case OPT_PROCESSES:
		rc = sr_parse_count(arg, 1u << 22, &o->tasks, sub, sizeof(sub));
		break;
	case OPT_CG_CPU:
		rc = sr_parse_count(arg, 100u * 4096, &v, sub, sizeof(sub));
		if (rc == 0)
			o->cg_cpu = (unsigned)v;
		break;
	case OPT_RLIMIT:
		if (o->nrlimits >= SR_MAX_RLIMIT)
			return fail(err, errlen, -EINVAL, "--rlimit: more than %d",
			            SR_MAX_RLIMIT);
		rc = sr_parse_rlimit(arg, &o->rlimits[o->nrlimits], sub,
		                     sizeof(sub));
		if (rc == 0)
			o->nrlimits++;
		break;
	case OPT_ENV_PASS:
		rc = split_list(o, arg, o->env_pass, &o->nenv_pass, sub, sizeof(sub));
		break;
	case OPT_ENV_STRIP:
		rc = split_list(o, arg, o->env_strip, &o->nenv_strip, sub,
		                sizeof(sub));
		break;
	case OPT_BEST_EFFORT: o->best_effort = true; return 0;
	case OPT_BATCH: o->batch = true; return 0;
	case OPT_CPUS:
		/* The library checks the list itself (sandbox_set_cpus). */
		if (!*arg || strspn(arg, "0123456789,-") != strlen(arg))
			return fail(err, errlen, -EINVAL,
			            "--cpus: '%s' is not a CPU list (0-3,6)", arg);
		o->cpus = arg;
		return 0;
	case OPT_BOX: o->box = true; return 0;
	case OPT_COPY_IN:
	case OPT_COPY_OUT: {
		char host[PATH_MAX], inbox[256];
		bool out = ch == OPT_COPY_OUT;
		size_t *n = out ? &o->ncopy_out : &o->ncopy_in;
		if (*n >= SR_MAX_LIST)
			return fail(err, errlen, -EINVAL, "--%s: more than %d", name,
			            SR_MAX_LIST);
		if (sr_copy_spec(arg, out, host, sizeof(host), inbox, sizeof(inbox),
		                 sub, sizeof(sub)) < 0)
			return fail(err, errlen, -EINVAL, "--%s: %s",
			            out ? "copy-out" : "copy-in", sub);
		(out ? o->copy_out : o->copy_in)[(*n)++] = arg;
		return 0;
	}
	case OPT_BOX_ID:
		/* 0 is a slot: parse_count refuses it, so count from 1. */
		if (strcmp(arg, "0") == 0) {
			o->box_id = 0;
			return 0;
		}
		rc = sr_parse_count(arg, INT32_MAX, &v, sub, sizeof(sub));
		if (rc == 0)
			o->box_id = (int)v;
		break;
	case OPT_BOX_IDS: {
		/* FIRST[:COUNT], uids and gids alike; the library checks the
		 * range (never root's, no wrap, --box-id inside it). */
		char *end;
		errno = 0;
		unsigned long first = strtoul(arg, &end, 10), count = SANDBOX_BOX_COUNT;
		if (*end == ':')
			count = strtoul(end + 1, &end, 10);
		if (!isdigit((unsigned char)*arg) || *end || errno || first == 0 ||
		    first > UINT32_MAX - 2 || count == 0 || count > UINT32_MAX - 1 - first)
			return fail(err, errlen, -EINVAL, "--box-ids: %s: expected "
			            "FIRST[:COUNT], FIRST above 0 (e.g. 5000:100)", arg);
		o->box_first = first;
		o->box_count = (unsigned)count;
		return 0;
	}
	case OPT_PROFILE:
	case OPT_PROFILE_SVG:
	case OPT_HOSTNAME:
	case OPT_ROOTFS:
	case OPT_CG_PARENT:
		if (!*arg)
			return fail(err, errlen, -EINVAL, "--%s: empty value", name);
		if (ch == OPT_PROFILE)
			o->profile = arg;
		else if (ch == OPT_PROFILE_SVG)
			o->profile_svg = arg;
		else if (ch == OPT_HOSTNAME)
			o->hostname = arg;
		else if (ch == OPT_ROOTFS)
			o->rootfs = arg;
		else
			o->cg_parent = arg;
		if (ch == OPT_HOSTNAME && strlen(arg) > 64)
			return fail(err, errlen, -EINVAL,
			            "--hostname: longer than 64 bytes");
		return 0;
	default:
		return 1;
	}
	if (rc < 0)
		return fail(err, errlen, -EINVAL, "--%s: %s", name, sub);
	if (ch == OPT_DIR && (!*arg || (arg[0] != '/')))
		return fail(err, errlen, -EINVAL,
		            "--dir: '%s': the path inside the box must be absolute",
		            arg);
	return 0;
}

int sr_parse_args(int argc, char **argv, struct sr_options *o, char *err,
                  size_t errlen)
{
	char sub[256];
	int ch, rc;
	bool profile_format_given = false;

	sr_options_init(o);
	if (err && errlen)
		err[0] = '\0';
	optind = 0; /* glibc: full re-initialisation */
	opterr = 0;
	for (int li = -1;
	     (ch = getopt_long(argc, argv, "+:hVq", long_options, &li)) != -1;
	     li = -1) {
		const char *name = li >= 0 ? long_options[li].name : NULL;
		for (const struct option *lo = long_options; !name && lo->name; lo++)
			if (lo->val == ch)
				name = lo->name;
		rc = ch == OPT_INTERACT
		     ? sr_interact_option(name, optarg, &o->ia, err, errlen)
		     : parse_more(ch, name, optarg, o, &profile_format_given, err,
		                  errlen);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		switch (ch) {
		case OPT_CPU:
		case OPT_WALL:
			rc = sr_parse_time_ms(optarg, ch == OPT_CPU ? &o->cpu_ms
			                                            : &o->wall_ms,
			                      sub, sizeof(sub));
			if (rc < 0)
				return fail(err, errlen, -EINVAL, "--%s: %s", name, sub);
			break;
		case OPT_MEMORY:
		case OPT_OUTPUT:
		case OPT_STACK: {
			uint64_t *v = ch == OPT_MEMORY ? &o->memory_bytes
			            : ch == OPT_STACK ? &o->stack_bytes : &o->output_bytes;
			rc = sr_parse_size(optarg, v, sub, sizeof(sub));
			if (rc < 0)
				return fail(err, errlen, -EINVAL, "--%s: %s", name, sub);
			if (ch != OPT_OUTPUT && *v == 0)
				return fail(err, errlen, -EINVAL,
				            "--%s: SIZE must be positive", name);
			break;
		}
		case OPT_MEMORY_MODE:
			if (strcmp(optarg, "vsize") == 0)
				o->memory_mode = S_MEMORY_VSIZE;
			else if (strcmp(optarg, "rss") == 0)
				o->memory_mode = S_MEMORY_RSS;
			else
				return fail(err, errlen, -EINVAL,
				            "--memory-mode: '%s' is neither vsize nor rss",
				            optarg);
			break;
		case OPT_MODE:
			if (strcmp(optarg, "fast") == 0)
				o->mode = S_MODE_FAST;
			else if (strcmp(optarg, "classic") == 0)
				o->mode = S_MODE_CLASSIC;
			else
				return fail(err, errlen, -EINVAL,
				            "--mode: '%s' is neither fast nor classic",
				            optarg);
			break;
		case OPT_POLICY:
		case OPT_EXPLAIN_POLICY:
			if (sr_check_policy_spec(optarg, sub, sizeof(sub)) < 0)
				return fail(err, errlen, -EINVAL, "--%s: %s", name, sub);
			if (ch == OPT_POLICY) {
				o->policy = optarg;
			} else {
				o->explain = optarg;
				o->action = SR_EXPLAIN_POLICY;
			}
			break;
		case OPT_STDIN:
		case OPT_STDOUT:
		case OPT_STDERR:
		case OPT_REPORT:
		case OPT_META:
		case OPT_TRACE_FILE:
		case OPT_CHDIR:
		case OPT_CHROOT:
			if (!*optarg)
				return fail(err, errlen, -EINVAL,
				            "--%s: empty file name", name);
			switch (ch) {
			case OPT_STDIN: o->stdio[0] = optarg; break;
			case OPT_STDOUT: o->stdio[1] = optarg; break;
			case OPT_STDERR: o->stdio[2] = optarg; break;
			case OPT_REPORT: o->report = optarg; break;
			case OPT_META: o->meta = optarg; break;
			case OPT_CHDIR: o->workdir = optarg; break;
			case OPT_CHROOT: o->chroot = optarg; break;
			default: o->trace_file = optarg; o->trace = true; break;
			}
			break;
		case OPT_USER:
		case OPT_GROUP:
			if (!*optarg)
				return fail(err, errlen, -EINVAL, "--%s: empty name", name);
			if (ch == OPT_USER)
				o->user = optarg;
			else
				o->group = optarg;
			break;
		case OPT_ENV:
			if (!valid_env(optarg))
				return fail(err, errlen, -EINVAL,
				            "--env: '%s' is not NAME=VALUE", optarg);
			if (o->nenv >= SR_MAX_ENV)
				return fail(err, errlen, -EINVAL,
				            "--env: more than %d variables", SR_MAX_ENV);
			o->env[o->nenv++] = optarg;
			break;
		case OPT_ENV_INHERIT: o->env_inherit = true; break;
		case OPT_STDERR_TO_STDOUT: o->stderr_to_stdout = true; break;
		case OPT_TRACE: o->trace = true; break;
		case 'q': o->quiet = true; break;
		case OPT_LIST_POLICIES: o->action = SR_LIST_POLICIES; break;
		case OPT_CHECK: o->action = SR_CHECK; break;
		case 'h': o->action = SR_HELP; break;
		case 'V': o->action = SR_VERSION; break;
		case ':':
		case '?':
		default:
		{
			const char *a = optind > 0 && optind <= argc ? argv[optind - 1]
			                                            : NULL;
			if (a && a[0] == '-' && a[1] == '-')
				return bad_option(a, ch, err, errlen);
			if (optopt > 0 && optopt < 0x100) {
				char s[3] = { '-', (char)optopt, '\0' };
				return bad_option(s, ch, err, errlen);
			}
			return bad_option(a, ch, err, errlen);
		}
		}
	}

	if (o->profile && !profile_format_given)
		o->profile_format = profile_format_of(o->profile);
	if (o->box_id >= 0 && (unsigned)o->box_id >= o->box_count)
		return fail(err, errlen, -EINVAL, "--box-id=%d: the run slots "
		            "are 0 to %u (--box-ids)", o->box_id, o->box_count - 1);
	/* --help and --version win over everything else. */
	if (o->action == SR_HELP || o->action == SR_VERSION)
		return 0;
	if (o->action != SR_RUN) {
		if (optind < argc)
			return fail(err, errlen, -EINVAL,
			            "unexpected argument '%s'", argv[optind]);
		return 0;
	}
	if ((rc = sr_interact_split(&o->ia, argc, argv, &optind, err,
	                            errlen)) < 0)
		return rc;
	if (optind >= argc && o->batch)
		return 0; /* every job line names its program (batch.c) */
	if (optind >= argc)
		return fail(err, errlen, -EINVAL, "no PROGRAM given (see --help)");
	if (!*argv[optind])
		return fail(err, errlen, -EINVAL, "empty PROGRAM name");
	o->argv = argv + optind;
	o->argc = argc - optind;
	return 0;
}

/* ------------------------------------------------------------ PATH */

const char *sr_program_path(const struct sr_options *o, const char *caller)
{
	const char *path = NULL;

	for (size_t i = 0; i < o->nenv; i++)
		if (strncmp(o->env[i], "PATH=", 5) == 0)
			path = o->env[i] + 5; /* the last one wins */
	if (path)
		return path;
	bool passed = o->env_inherit;
	for (size_t i = 0; i < o->nenv_pass; i++)
		if (strcmp(o->env_pass[i], "PATH") == 0)
			passed = true;
	if (passed)
		return caller ? caller : SR_FALLBACK_PATH;
	return SR_DEFAULT_PATH + 5;
}

int sr_rootfs_dir(const char *spec, char *dir, size_t len, bool *rw)
{
	size_t n = strlen(spec);

	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(dir, spec, n + 1);
	*rw = false;
	if (n > 3 && (strcmp(dir + n - 3, ":rw") == 0 ||
	              strcmp(dir + n - 3, ":ro") == 0)) {
		*rw = dir[n - 1] == 'w';
		dir[n - 3] = '\0';
	}
	return 0;
}

int sr_box_host_path(const struct sr_options *o, const char *inside,
                     char *out, size_t outlen)
{
	char root[PATH_MAX];
	bool rw;

	/* The --dir entries first: they are mounted on top of the root, the
	 * last entry whose INSIDE holds the path on top of earlier ones. */
	for (size_t i = o->ndirs; i-- > 0; ) {
		struct sr_dir d;
		if (sr_parse_dir(o->dirs[i], &d) < 0)
			continue;
		size_t n = strlen(d.inside);
		if (strncmp(inside, d.inside, n) != 0 ||
		    (inside[n] && inside[n] != '/'))
			continue;
		if (d.mode == S_DIR_TMP)
			return -ENOENT; /* a fresh tmpfs: nothing there yet */
		if ((size_t)snprintf(out, outlen, "%s%s", d.outside, inside + n)
		    >= outlen)
			return -ENAMETOOLONG;
		return 0;
	}
	if (o->ndirs && !o->chroot && !o->rootfs)
		return -ENOENT; /* a box of --dir entries only */
	root[0] = '\0';
	if (o->chroot)
		snprintf(root, sizeof(root), "%s", o->chroot);
	else if (o->rootfs && sr_rootfs_dir(o->rootfs, root, sizeof(root), &rw) < 0)
		return -ENAMETOOLONG;
	if ((size_t)snprintf(out, outlen, "%s%s%s", root, root[0] ? "/" : "",
	                     inside) >= outlen)
		return -ENAMETOOLONG;
	return 0;
}

int sr_dir_spec_absolute(const char *spec, const char *cwd, char *out,
                         size_t outlen)
{
	const char *eq = strchr(spec, '=');
	struct sr_dir d;

	if (sr_parse_dir(spec, &d) < 0)
		return -ENAMETOOLONG;
	if (!eq || d.mode == S_DIR_TMP || d.outside[0] == '/') {
		if ((size_t)snprintf(out, outlen, "%s", spec) >= outlen)
			return -ENAMETOOLONG;
		return 0;
	}
	/* INSIDE=OUTSIDE with a relative OUTSIDE: from the caller's working
	 * directory, as a shell would take it ("./work" -> "$PWD/work"). */
	const char *rel = d.outside, *tail = eq + 1 + strlen(d.outside);
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	if (strcmp(rel, ".") == 0)
		rel = "";
	if ((size_t)snprintf(out, outlen, "%.*s%s%s%s%s", (int)(eq + 1 - spec),
	                     spec, cwd, *rel ? "/" : "", rel, tail) >= outlen)
		return -ENAMETOOLONG;
	return 0;
}

/* 0 when `path` is an executable regular file, else -errno. */
static int executable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	if (access(path, X_OK) < 0)
		return -errno;
	/* root passes access(X_OK) when any x bit is set; none set: refuse
	 * as execve would. */
	if (!(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return -EACCES;
	return 0;
}

/* The host path of `inside` (a path as the program sees it) in o's box,
 * and whether it is executable. */
static int executable_in_box(const struct sr_options *o, const char *inside,
                             char *host, size_t len)
{
	int rc = o ? sr_box_host_path(o, inside, host, len)
	           : (snprintf(host, len, "%s", inside) >= (int)len
	              ? -ENAMETOOLONG : 0);
	return rc < 0 ? rc : executable(host);
}

int sr_find_program(const char *name, const char *path,
                    const struct sr_options *box, char *out, size_t outlen,
                    char *err, size_t errlen)
{
	char full[PATH_MAX], host[PATH_MAX];
	bool in_box = box && (box->chroot || box->rootfs || box->ndirs);
	const char *wd = in_box && box->workdir ? box->workdir : NULL;
	int rc, first = -ENOENT;

	if (!name || !*name)
		return fail(err, errlen, -ENOENT, "empty PROGRAM name");
	if (strchr(name, '/')) {
		if (strlen(name) >= outlen)
			return fail(err, errlen, -ENAMETOOLONG, "%s: path too long",
			            name);
		snprintf(full, sizeof(full), "%s%s%s", name[0] != '/' && wd ? wd : "",
		         name[0] != '/' && wd ? "/" : "", name);
		rc = executable_in_box(box, full, host, sizeof(host));
		if (rc == -ENOENT || rc == -ENOTDIR)
			return fail(err, errlen, -ENOENT, "%s: no such file%s", name,
			            in_box ? " in the sandbox's file system" : "");
		if (rc == -EISDIR)
			return fail(err, errlen, -EACCES, "%s: is a directory", name);
		if (rc < 0)
			return fail(err, errlen, -EACCES,
			            "%s: not an executable file (%s)", name,
			            strerror(-rc));
		snprintf(out, outlen, "%s", name);
		return 0;
	}
	if (!path)
		path = SR_FALLBACK_PATH;
	for (const char *p = path;; ) {
		size_t n = strcspn(p, ":");
		char dir[PATH_MAX];
		if (n >= sizeof(dir))
			n = sizeof(dir) - 1;
		memcpy(dir, p, n);
		dir[n] = '\0';
		if (n == 0)
			strcpy(dir, "."); /* an empty entry is the current directory */
		int len = snprintf(full, sizeof(full), "%s%s%s/%s",
		                   dir[0] != '/' && wd ? wd : "",
		                   dir[0] != '/' && wd ? "/" : "", dir, name);
		if (len > 0 && len < (int)sizeof(full)) {
			rc = executable_in_box(box, full, host, sizeof(host));
			if (rc == 0) {
				if ((size_t)snprintf(out, outlen, "%s/%s", dir, name)
				    >= outlen)
					return fail(err, errlen, -ENAMETOOLONG,
					            "%s: path too long", name);
				return 0;
			}
			if (rc == -EACCES || rc == -EPERM)
				first = -EACCES;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	if (first == -EACCES)
		return fail(err, errlen, -EACCES,
		            "%s: found in the program's PATH but not executable", name);
	return fail(err, errlen, -ENOENT, "%s: command not found in the "
	            "program's PATH (%s)", name, path);
}

/* --box: a relative path is the file's copy in /box (by its last
 * component); a name is looked up in PATH and an absolute path taken as
 * it is, both inside the box (the system trees are at their own paths;
 * the library checks the program is there). */
static int locate_in_box(const struct sr_options *o, const char *name,
                         char *out, size_t outlen, char *err, size_t errlen)
{
	const char *base = strrchr(name, '/');

	if (!base || name[0] == '/')
		return sr_find_program(name, sr_program_path(o, getenv("PATH")),
		                       NULL, out, outlen, err, errlen);
	base++;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return fail(err, errlen, -EINVAL, "%s: not a file name", name);
	if (strlen(base) + sizeof("/box/") > outlen)
		return fail(err, errlen, -ENAMETOOLONG, "%s: path too long", name);
	snprintf(out, outlen, "/box/%s", base);
	return 0;
}

int sr_locate_program(const struct sr_options *o, const char *name,
                      char *out, size_t outlen, char *err, size_t errlen)
{
	bool box = o->chroot || o->rootfs || o->ndirs;
	char cwd[PATH_MAX];
	int rc;

	if (o->box)
		return locate_in_box(o, name, out, outlen, err, errlen);
	if ((rc = sr_find_program(name, sr_program_path(o, getenv("PATH")),
	                          box ? o : NULL, out, outlen, err, errlen)) < 0)
		return rc;
	if (box || !o->workdir || out[0] == '/')
		return 0;
	if (!getcwd(cwd, sizeof(cwd)) || strlen(cwd) + strlen(out) + 2 > outlen)
		return fail(err, errlen, -ENAMETOOLONG, "%s: path too long", name);
	memmove(out + strlen(cwd) + 1, out, strlen(out) + 1);
	memcpy(out, cwd, strlen(cwd));
	out[strlen(cwd)] = '/';
	return 0;
}

int sr_open_file(const struct sr_options *o, const char *path, int how,
                 mode_t mode)
{
	if (o->set_uid)
		return sandbox_open_file_as(path, how, mode, o->uid,
		                            o->set_gid ? o->gid : getegid(),
		                            o->uid ? 1 : 0);
	if (o->set_gid) /* the program keeps root's uid */
		return sandbox_open_file(path, how, mode);
	return sandbox_open_file_as(path, how, mode, (uid_t)o->box_first,
	                            (gid_t)o->box_first, o->box_count);
}

/* ------------------------------------------------------------ ids */

static bool parse_id(const char *s, unsigned long *v)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return !*end && errno == 0 && *v < (unsigned long)UINT32_MAX;
}

int sr_resolve_credentials(struct sr_options *o, char *err, size_t errlen)
{
	unsigned long v;

	o->set_uid = o->set_gid = false;
	if (o->user) {
		struct passwd *pw = NULL;
		if (parse_id(o->user, &v)) {
			o->uid = (uid_t)v;
			pw = getpwuid(o->uid);
		} else {
			pw = getpwnam(o->user);
			if (!pw)
				return fail(err, errlen, -ENOENT,
				            "--user: no such user '%s'", o->user);
			o->uid = pw->pw_uid;
		}
		o->set_uid = true;
		if (!o->group) {
			if (!pw)
				return fail(err, errlen, -EINVAL,
				            "--user: uid %s has no passwd entry, so no "
				            "primary group: give --group", o->user);
			o->gid = pw->pw_gid;
			o->set_gid = true;
		}
	}
	if (o->group) {
		if (parse_id(o->group, &v)) {
			o->gid = (gid_t)v;
		} else {
			struct group *gr = getgrnam(o->group);
			if (!gr)
				return fail(err, errlen, -ENOENT,
				            "--group: no such group '%s'", o->group);
			o->gid = gr->gr_gid;
		}
		o->set_gid = true;
	}
	return 0;
}

/* ------------------------------------------------------------ checks */

static bool is_stdout(const char *p)
{
	return p && strcmp(p, "-") == 0;
}

int sr_copy_spec(const char *spec, bool out, char *host, size_t hostlen,
                 char *name, size_t namelen, char *err, size_t errlen)
{
	const char *colon = out ? strchr(spec, ':') : strrchr(spec, ':');
	const char *a = spec, *b = colon ? colon + 1 : NULL;
	size_t alen = colon ? (size_t)(colon - spec) : strlen(spec);
	/* in: a = HOST, b = NAME; out: a = NAME, b = HOST */
	const char *h = out ? b : a, *nm = out ? a : b;
	size_t hlen = out ? (b ? strlen(b) : 0) : alen;
	size_t nlen = out ? alen : (b ? strlen(b) : 0);

	if (!alen || (colon && !*b))
		return fail(err, errlen, -EINVAL, "'%s' has an empty part", spec);
	if (!out && !b) { /* NAME: HOST's last component */
		const char *slash = memrchr(a, '/', alen);
		nm = slash ? slash + 1 : a;
		nlen = alen - (size_t)(nm - a);
	}
	if (out && !b) { /* HOST: NAME here */
		h = a;
		hlen = alen;
	}
	if (nlen == 0 || memchr(nm, '/', nlen) || (nlen == 1 && nm[0] == '.') ||
	    (nlen == 2 && nm[0] == '.' && nm[1] == '.'))
		return fail(err, errlen, -EINVAL, "'%.*s' is not a name in /box "
		            "(one path component)", (int)nlen, nm);
	if (hlen >= hostlen || nlen >= namelen)
		return fail(err, errlen, -ENAMETOOLONG, "'%s' is too long", spec);
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memcpy(name, nm, nlen);
	name[nlen] = '\0';
	return 0;
}

int sr_check_options(const struct sr_options *o, uid_t euid, char *err,
                     size_t errlen)
{
	const char *dash[4] = { NULL, NULL, NULL, NULL };
	size_t ndash = 0;
	bool box = o->rootfs || o->ndirs || o->box;
	unsigned ns = o->ns | (o->hostname ? S_NS_UTS : 0) |
	              (box ? S_NS_MOUNT : 0);

	if (o->batch) {
		const char *bad = o->stdio[0] ? "--stdin" : o->stdio[1] ? "--stdout"
		    : o->stdio[2] ? "--stderr"
		    : o->stderr_to_stdout ? "--stderr-to-stdout"
		    : o->report ? "--report" : o->meta ? "--meta"
		    : o->profile ? "--profile" : o->profile_svg ? "--profile-svg"
		    : o->trace ? "--trace" : NULL;
		if (bad)
			return fail(err, errlen, -EINVAL, "--batch and %s exclude "
			            "each other (a job line gives the streams of its "
			            "run; the reports are the lines of standard "
			            "output)", bad);
		if (o->wall_ms == SANDBOX_UNLIMITED)
			return fail(err, errlen, -EINVAL, "--batch needs --wall: a "
			            "program that never ends must not stall the batch");
	}
	if (o->stderr_to_stdout && o->stdio[2])
		return fail(err, errlen, -EINVAL,
		            "--stderr-to-stdout and --stderr exclude each other");
	int rc = sr_interact_check(o, euid, err, errlen);
	if (rc < 0)
		return rc;
	if (is_stdout(o->report))
		dash[ndash++] = "--report";
	if (is_stdout(o->meta))
		dash[ndash++] = "--meta";
	if (is_stdout(o->profile))
		dash[ndash++] = "--profile";
	if (is_stdout(o->profile_svg))
		dash[ndash++] = "--profile-svg";
	if (ndash > 1)
		return fail(err, errlen, -EINVAL, "%s=- and %s=-: only one of them "
		            "may write to standard output", dash[0], dash[1]);
	if (o->chroot && box)
		return fail(err, errlen, -EINVAL, "--chroot and --%s exclude each "
		            "other (the box root replaces the chroot)",
		            o->rootfs ? "rootfs" : o->box ? "box" : "dir");
	if (o->box && o->rootfs)
		return fail(err, errlen, -EINVAL, "--box and --rootfs exclude each "
		            "other (the box makes its own root)");
	if ((o->ncopy_in || o->ncopy_out) && !o->box)
		return fail(err, errlen, -EINVAL, "--%s needs --box (the copies go "
		            "to and from its /box)",
		            o->ncopy_in ? "copy-in" : "copy-out");
	if ((o->user || o->group) && (o->ns & S_NS_USER))
		return fail(err, errlen, -EINVAL, "--%s and --ns=user exclude each "
		            "other: in a user namespace the program runs as the "
		            "mapped user", o->user ? "user" : "group");
	if ((o->user || o->group) && euid != 0)
		return fail(err, errlen, -EPERM, "--%s needs root (sandbox-run "
		            "runs as uid %u); without root, --ns=user gives the "
		            "program an identity of its own",
		            o->user ? "user" : "group", (unsigned)euid);
	if (o->chroot && euid != 0)
		return fail(err, errlen, -EPERM, "--chroot needs root (sandbox-run "
		            "runs as uid %u); without root use --ns=user with "
		            "--rootfs", (unsigned)euid);
	if (euid != 0 && (ns & ~S_NS_USER) && !(o->ns & S_NS_USER) &&
	    !o->best_effort && !o->box)
		return fail(err, errlen, -EPERM, "%s needs root or a user "
		            "namespace: add user to --ns (sandbox-run runs as uid %u)",
		            o->ns & ~S_NS_USER ? "--ns" : o->hostname ? "--hostname"
		            : o->rootfs ? "--rootfs" : "--dir", (unsigned)euid);
	return 0;
}

/* A directory option's directory exists. */
static int check_dir(const char *opt, const char *dir, char *err,
                     size_t errlen)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return fail(err, errlen, -errno, "--%s: %s: %s", opt, dir,
		            strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(err, errlen, -ENOTDIR, "--%s: %s is not a directory",
		            opt, dir);
	return 0;
}

int sr_check_dirs(const struct sr_options *o, char *err, size_t errlen)
{
	char root[PATH_MAX];
	bool rw;
	int rc;

	if (o->chroot && (rc = check_dir("chroot", o->chroot, err, errlen)) < 0)
		return rc;
	if (o->rootfs) {
		if (sr_rootfs_dir(o->rootfs, root, sizeof(root), &rw) < 0)
			return fail(err, errlen, -ENAMETOOLONG, "--rootfs: too long");
		if ((rc = check_dir("rootfs", root, err, errlen)) < 0)
			return rc;
	}
	/* --chdir is inside the root or box: the library checks it then. */
	if (o->workdir && !o->chroot && !o->rootfs && !o->ndirs &&
	    (rc = check_dir("chdir", o->workdir, err, errlen)) < 0)
		return rc;
	return 0;
}

int sr_parse_dir(const char *spec, struct sr_dir *d)
{
	char *colon, *eq;

	if (!spec || strlen(spec) >= sizeof(d->inside))
		return -EINVAL;
	strcpy(d->inside, spec);
	d->mode = S_DIR_RO;
	colon = strrchr(d->inside, ':');
	if (colon && (!strcmp(colon, ":ro") || !strcmp(colon, ":rw") ||
	              !strcmp(colon, ":tmp"))) {
		d->mode = !strcmp(colon, ":rw") ? S_DIR_RW
		        : !strcmp(colon, ":tmp") ? S_DIR_TMP : S_DIR_RO;
		*colon = '\0';
	}
	if ((eq = strchr(d->inside, '=')))
		*eq = '\0';
	strcpy(d->outside, eq ? eq + 1 : d->inside);
	return 0;
}
