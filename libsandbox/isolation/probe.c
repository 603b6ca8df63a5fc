/*
 * What the host supports for this caller, and for each missing thing its
 * cause and fix in one line (sandbox_probe, sandbox-run --check).
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static void missing(sandbox_probe_t *p, unsigned feature, const char *what,
                    const char *cause, const char *fix)
{
	if (p->nmissing >= SANDBOX_PROBE_MAX)
		return;
	typeof(p->missing[0]) *m = &p->missing[p->nmissing++];
	m->feature = feature;
	snprintf(m->what, sizeof(m->what), "%s", what);
	snprintf(m->cause, sizeof(m->cause), "%s", cause);
	snprintf(m->fix, sizeof(m->fix), "%s", fix);
}

static long read_long(const char *path, long dflt)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return dflt;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return dflt;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static bool in_container(void)
{
	return access("/.dockerenv", F_OK) == 0 ||
	       access("/run/.containerenv", F_OK) == 0;
}

static bool under_seccomp(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *s = strstr(buf, "\nSeccomp:");
	return s && strtol(s + 9, NULL, 10) == 2;
}

/* The namespaces probed together (probe_namespaces). */
static const struct { unsigned bit; int flag; const char *name; } ns_kinds[] = {
	{ S_NS_PID, CLONE_NEWPID, "PID namespace" },
	{ S_NS_IPC, CLONE_NEWIPC, "IPC namespace" },
	{ S_NS_UTS, CLONE_NEWUTS, "UTS namespace" },
	{ S_NS_NET, CLONE_NEWNET, "network namespace" },
	{ S_NS_MOUNT, CLONE_NEWNS, "mount namespace" },
};

/* Run fn in a forked child; returns its exit status (0 = worked). */
static int in_child(int (*fn)(int), int arg)
{
	int status;
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(fn(arg));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ECHILD;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

static int try_unshare(int flags)
{
	return unshare(flags) == 0 ? 0 : errno;
}

static int try_traceme(int unused)
{
	(void)unused;
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 ? 0 : errno;
}

static void probe_ptrace(sandbox_probe_t *p)
{
	p->ptrace = in_child(try_traceme, 0) == 0;
	p->seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
	if (!p->ptrace)
		missing(p, 0, "ptrace", under_seccomp() && in_container()
		        ? "ptrace is refused by the container's seccomp profile (Docker's default)"
		        : "ptrace is refused (Yama ptrace_scope 3 or an LSM)",
		        under_seccomp() && in_container()
		        ? "docker run --cap-add=SYS_PTRACE --security-opt seccomp=unconfined"
		        : "sysctl kernel.yama.ptrace_scope=1, or allow ptrace in the LSM policy");
	if (!p->seccomp)
		missing(p, 0, "seccomp", "the kernel has no seccomp filters",
		        "use a kernel built with CONFIG_SECCOMP_FILTER");
}

static void userns_cause(sandbox_probe_t *p, int err)
{
	char cause[200];
	if (read_long("/proc/sys/kernel/unprivileged_userns_clone", 1) == 0)
		missing(p, S_NS_USER, "user namespaces",
		        "kernel.unprivileged_userns_clone is 0 (Debian/Ubuntu kernels)",
		        "sysctl -w kernel.unprivileged_userns_clone=1");
	else if (read_long("/proc/sys/user/max_user_namespaces", 1) == 0)
		missing(p, S_NS_USER, "user namespaces", "user.max_user_namespaces is 0",
		        "sysctl -w user.max_user_namespaces=15000");
	else if (read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", 0) == 1)
		missing(p, S_NS_USER, "user namespaces",
		        "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+)",
		        "sysctl kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile allowing userns");
	else if (in_container())
		missing(p, S_NS_USER, "user namespaces",
		        "the container's seccomp profile refuses clone/unshare of namespaces",
		        "docker run --security-opt seccomp=unconfined (or a profile allowing unshare)");
	else {
		snprintf(cause, sizeof(cause), "unshare(CLONE_NEWUSER) failed: %s",
		         strerror(err));
		missing(p, S_NS_USER, "user namespaces", cause,
		        "use a kernel with CONFIG_USER_NS, or run as root");
	}
}

/* The namespaces other than the user namespace, all tried in one child
 * (entering a user namespace first when we are not root): its exit
 * status has a bit for each that could be made, and NS_TRIED, which no
 * errno of in_child() has. */
#define NS_TRIED 0x40
static int try_namespaces(int enter_userns)
{
	int ok = NS_TRIED;
	if (enter_userns && unshare(CLONE_NEWUSER) != 0)
		return ok;
	for (size_t i = 0; i < SB_ARRAY_SIZE(ns_kinds); i++)
		if (unshare(ns_kinds[i].flag) == 0)
			ok |= 1 << i;
	return ok;
}

static void probe_userns(sandbox_probe_t *p)
{
	int err = in_child(try_unshare, CLONE_NEWUSER);

	if (err == 0)
		p->available |= S_NS_USER;
	else
		userns_cause(p, err);
}

/* Needs S_NS_USER settled when we are not root. */
static void probe_namespaces(sandbox_probe_t *p)
{
	bool root = geteuid() == 0;
	int ok = root || (p->available & S_NS_USER)
	         ? in_child(try_namespaces, !root) : 0;

	for (size_t i = 0; i < SB_ARRAY_SIZE(ns_kinds); i++) {
		if ((ok & NS_TRIED) && (ok & (1 << i))) {
			p->available |= ns_kinds[i].bit;
			continue;
		}
		missing(p, ns_kinds[i].bit, ns_kinds[i].name,
		        root ? "unshare refused (a container's seccomp profile?)"
		             : "needs root or a user namespace, which is unavailable",
		        root ? "docker run --security-opt seccomp=unconfined, or --privileged"
		             : "enable unprivileged user namespaces (see above)");
	}
}

static void probe_fs(sandbox_probe_t *p)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024], fs[32] = "";

	if (p->available & S_NS_MOUNT)
		p->available |= S_ISO_FS;
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[256];
		char *dash = strstr(line, " - ");
		if (dash && sscanf(line, "%*s %*s %*s %*s %255s", mnt) == 1 &&
		    strcmp(mnt, "/") == 0)
			sscanf(dash + 3, "%31s", fs);
	}
	if (f)
		fclose(f);
	if (strcmp(fs, "rootfs") == 0 || strcmp(fs, "ramfs") == 0)
		missing(p, S_ISO_PIVOT, "pivot_root",
		        "the host root is an initramfs: pivot_root is impossible (chroot is used)",
		        "boot with a real root filesystem (or switch_root in the initramfs)");
	else if (p->available & S_NS_MOUNT)
		p->available |= S_ISO_PIVOT;
}

static void cg_missing(sandbox_probe_t *p, unsigned bit, const char *what,
                       bool ro, bool v2)
{
	if (ro)
		missing(p, bit, what, "the cgroup filesystem is mounted read-only (container default)",
		        "docker run --cgroupns=private with a writable /sys/fs/cgroup, or run on the host");
	else if (geteuid() != 0 && v2)
		missing(p, bit, what, "the cgroup is not delegated to this user (systemd owns it)",
		        "systemd-run --user --scope -p Delegate=yes ... and set the cgroup parent inside it");
	else if (geteuid() != 0)
		missing(p, bit, what, "cgroup v1 is writable by root only",
		        "run the supervisor as root, or move to cgroup v2 with delegation");
	else
		missing(p, bit, what, "the controller is not mounted/enabled",
		        v2 ? "enable it in the parent's cgroup.subtree_control"
		           : "mount it: mount -t cgroup -o <controller> none /sys/fs/cgroup/<controller>");
}

/* Usable: mounted, writable parent (or its nearest existing ancestor). */
static bool cg_writable(const struct sb_cg_roots *r, int c)
{
	char dir[512];
	if (!r->root[c][0] || r->ro[c] ||
	    sb_cg_parent_dir(r, c, "libsandbox", dir, sizeof(dir)) < 0)
		return false;
	for (;;) {
		if (access(dir, F_OK) == 0)
			return access(dir, W_OK) == 0;
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return false;
		*slash = '\0';
	}
}

static void probe_cgroups(sandbox_probe_t *p)
{
	static const unsigned bits[SB_CG_NCTL] = { S_ISO_CG_MEMORY, S_ISO_CG_PIDS,
	                                           S_ISO_CG_CPU };
	static const char *const names[SB_CG_NCTL] = { "cgroup memory",
	                                               "cgroup pids", "cgroup cpu" };
	struct sb_cg_roots v1, v2;
	unsigned v2ctl;

	if (sb_cg_detect(&v1, &v2, &v2ctl) < 0) {
		missing(p, S_ISO_CG_MEMORY | S_ISO_CG_PIDS | S_ISO_CG_CPU, "cgroups",
		        "no cgroup filesystem is mounted",
		        "mount -t cgroup2 none /sys/fs/cgroup");
		return;
	}
	p->cgroup_v1 = v1.root[0][0] || v1.root[1][0] || v1.root[2][0];
	p->cgroup_v2 = v2.root[0][0] != '\0';
	bool use_v2 = p->cgroup_v2 && (v2ctl & 1u);
	const struct sb_cg_roots *r = use_v2 ? &v2 : &v1;
	for (int c = 0; c < SB_CG_NCTL; c++) {
		bool have = use_v2 ? (v2ctl & (1u << c)) && cg_writable(r, c)
		                   : cg_writable(r, c);
		if (have)
			p->available |= bits[c];
		else
			cg_missing(p, bits[c], names[c], r->ro[c], use_v2);
	}
	if (p->available & (S_ISO_CG_MEMORY | S_ISO_CG_PIDS | S_ISO_CG_CPU))
		p->cgroup_version = use_v2 ? 2 : 1;
	sb_cg_parent_dir(r, 0, "libsandbox", p->cgroup_root, sizeof(p->cgroup_root));
}

/* Landlock: the version used, the kernel's, and why there is none. */
static void probe_landlock(sandbox_probe_t *p)
{
	char line[1024] = "";
	FILE *f;

	p->landlock_kernel_abi = sb_landlock_kernel_abi();
	p->landlock_abi = sb_landlock_abi();
	p->landlock_features = sb_landlock_features(p->landlock_abi);
	if (p->landlock_abi >= 1) {
		p->available |= S_ISO_LANDLOCK;
		return;
	}
	if (p->landlock_kernel_abi >= 1) {
		missing(p, S_ISO_LANDLOCK, "Landlock",
		        "a test program's setting (sb_test_landlock_abi = 0) "
		        "tells libsandbox not to use it",
		        "none outside the test suite");
		return;
	}
	f = fopen("/sys/kernel/security/lsm", "re");
	if (f && !fgets(line, sizeof(line), f))
		line[0] = '\0';
	if (f)
		fclose(f);
	if (line[0] && !strstr(line, "landlock"))
		missing(p, S_ISO_LANDLOCK, "Landlock",
		        "the kernel has Landlock off (not in its active LSM list)",
		        "boot with lsm=landlock,<the current list> (Linux 5.13+)");
	else
		missing(p, S_ISO_LANDLOCK, "Landlock", under_seccomp() &&
		        in_container() ? "the container's seccomp profile "
		        "refuses the landlock syscalls, or the kernel has none" :
		        "this kernel has no Landlock (Linux 5.13+, "
		        "CONFIG_SECURITY_LANDLOCK)",
		        "a kernel with Landlock, booted with \"landlock\" in lsm=; "
		        "meanwhile file rules use a private mount view");
}

static void summarize(sandbox_probe_t *p)
{
	unsigned a = p->available;
	if (!p->ptrace || !p->seccomp)
		snprintf(p->strongest, sizeof(p->strongest),
		         "none: the supervisor cannot trace programs here");
	else if ((a & S_NS_ALL) == S_NS_ALL && (a & S_ISO_FS) && (a & S_ISO_CG_MEMORY))
		snprintf(p->strongest, sizeof(p->strongest),
		         "full: ptrace+seccomp, all namespaces, box root, cgroup v%d limits",
		         p->cgroup_version);
	else if ((a & S_NS_ALL) == S_NS_ALL)
		snprintf(p->strongest, sizeof(p->strongest),
		         "ptrace+seccomp, all namespaces and box root; no cgroup limits");
	else
		snprintf(p->strongest, sizeof(p->strongest),
		         "ptrace+seccomp with rlimits only (no namespaces)");
}

/* What each part of the probe settles. */
#define PART_OTHER_NS (S_NS_ALL & ~S_NS_USER)
#define PART_FS (S_ISO_FS | S_ISO_PIVOT)
#define PART_CG (S_ISO_CG_MEMORY | S_ISO_CG_PIDS | S_ISO_CG_CPU)
#define PART_FREE (S_ISO_CAPS | S_ISO_ENV_STRIP)

void sb_probe_host_part(sandbox_probe_t *p, unsigned want, unsigned *probed)
{
	/* The parts lean on each other: the other namespaces on the user
	 * namespace (without root), the box root on the mount namespace. */
	if (want & PART_FS)
		want |= S_NS_MOUNT;
	if ((want & PART_OTHER_NS) && geteuid() != 0)
		want |= S_NS_USER;
	want &= ~*probed;
	if (want & S_NS_USER)
		probe_userns(p);
	if (want & PART_OTHER_NS)
		probe_namespaces(p);
	if (want & PART_FS)
		probe_fs(p);
	if (want & PART_CG)
		probe_cgroups(p);
	if (want & S_ISO_LANDLOCK)
		probe_landlock(p);
	if (want & PART_FREE)
		p->available |= PART_FREE;
	*probed |= (want & S_NS_USER) | ((want & PART_OTHER_NS) ? PART_OTHER_NS : 0) |
	           ((want & PART_FS) ? PART_FS : 0) |
	           ((want & PART_CG) ? PART_CG : 0) | (want & PART_FREE) |
	           (want & S_ISO_LANDLOCK);
}

void sb_probe_host(sandbox_probe_t *p)
{
	unsigned probed = 0;

	memset(p, 0, sizeof(*p));
	probe_ptrace(p);
	sb_probe_host_part(p, ~0u, &probed);
	summarize(p);
}
