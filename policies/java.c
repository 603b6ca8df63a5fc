/*
 * "java": a Java program on the JVM (Debian 12: OpenJDK 17), started as
 * `java -cp DIR Main`, for judges accepting Java (and Kotlin compiled to
 * JVM classes). The JVM is a multi-threaded runtime: its compiler, garbage
 * collector and service threads start before main().
 *
 * What it allows, and why
 *   - everything "threads" allows (the judge policy with thread creation,
 *     read-only opens, no processes, no exec), with its file rules and
 *     the JVM's trees (Files, below);
 *   - what the JVM asks for at start-up: prctl(PR_SET_NAME) (it names its
 *     threads), getdents64 (it lists its module and cgroup directories),
 *     sysinfo and sched_getaffinity (it sizes its heap and thread pools),
 *     clock_getres, fchdir (into its performance-data directory, whose
 *     file it then cannot create: no write opens), pipe2 (pipes within
 *     the program);
 *   - prctl(PR_CAPBSET_READ), from "default" (the user lookup of a run
 *     slot's uid, which no passwd file names: nss-systemd probes the
 *     bounding set that way, and /run's file system with statfs: EACCES,
 *     below);
 *   - socketpair(AF_UNIX, SOCK_STREAM, 0), exactly that (no flags, no
 *     other family or type): java.nio's file channels -- FileChannel,
 *     Files.readAllLines, Files.newBufferedReader, FileInputStream's and
 *     System.in's getChannel() -- load the JDK's file dispatcher, whose
 *     start makes one connected pair of unix sockets and closes one end
 *     at once: the other is what a descriptor is dup2()ed onto when a
 *     channel is closed while another thread blocks in it (reads then
 *     see end of file). Start-up fails if the call fails, so an errno
 *     would not do. A connected pair reaches nothing but itself (no
 *     path, no address; connect, bind, sendmsg and recvmsg stay
 *     refused, so no descriptor travels through it); what it can hold
 *     is kernel memory, bounded like pipes' by the nofile limit
 *     (docs/VERDICTS.md, "Kernel memory");
 *   - socket: fails with EACCES, never kills: looking up the user name
 *     (user.name), glibc asks nscd through a unix socket first, then
 *     reads /etc/passwd. No network either way;
 *   - mkdir: fails with EACCES (the performance-data directory
 *     /tmp/hsperfdata_USER, optional: pass -XX:-UsePerfData to skip it);
 *   - statfs: fails with EACCES (the JVM's cgroup detection asks for
 *     statfs("/sys/fs/cgroup") on some hosts' cgroup layouts -- seen on a
 *     v1 hybrid host -- and reads its limits without it);
 *   - flock: fails with EWOULDBLOCK, never kills. At start the JVM lists
 *     /tmp/hsperfdata_USER and tries to lock each file there (left by
 *     any JVM of the same user: another judge's run, a javac killed at a
 *     timeout) to tell live ones from stale ones; "held by another
 *     process" makes it leave the file alone. Answering in the policy,
 *     not asking judges for -XX:-UsePerfData or a private /tmp, holds
 *     whatever the command line and the host's /tmp are; allowing the
 *     call would let the program lock (and the JVM then delete) files of
 *     other JVMs on the host.
 *
 * Memory: judged on the resident set (RSS, as "threads"), not the virtual size: the JVM
 * reserves its heap, code cache and class space (gigabytes of address
 * space, sized from the machine's memory) and touches a small part; under
 * RLIMIT_AS it cannot even start. Pass the heap limit the judge grants
 * (-Xmx) so the program's OutOfMemoryError and our ML agree.
 *
 * What it refuses
 *   - RF: processes (fork, vfork, clone without CLONE_THREAD), execve
 *     after the launcher's own, socketpair of any other kind, and
 *     everything "default" refuses;
 *   - ENOSYS: clone3 (glibc then uses clone);
 *   - EACCES: socket, mkdir, statfs, any write open; EWOULDBLOCK: flock.
 *
 * Files (file rules, enforced by the kernel, found by tracing OpenJDK 17
 * with strace -f -e trace=%file running hello, Scanner and BufferedReader
 * input, threads, java.nio.file):
 *   read:  what a compiled program's runtime reads (as "default"), the
 *          JVM's home /usr/lib/jvm (launcher, libjvm, the modules image,
 *          the CDS archive) and /etc/java-* (jvm.cfg and the security
 *          files the home links to), the program's arguments (read-args:
 *          `java -jar sol.jar`, `java Main.java`), the working directory;
 *   write: the working directory, /dev/null, /dev/zero -- though every
 *          write open is refused in the seccomp filter (as "threads").
 * (java.nio's own start asks for sockets too -- socket(AF_INET) and
 * socket(AF_INET6) to see which protocols the host has, and then
 * getsockname and setsockopt on them: with socket refused it takes the
 * host to have neither and asks nothing more.)
 * Not readable, and the JVM goes on without them: /proc (its own
 * /proc/self/{stat,mountinfo,cgroup}, /proc/meminfo, /proc/cpuinfo), the
 * cgroup files under /sys/fs/cgroup (container detection: heap and CPU
 * sizing come from -Xmx and sched_getaffinity instead), /etc/passwd
 * (user.name is "?"), /tmp/hsperfdata_USER. Classes are read from the
 * working directory: run `java -cp . Main` there, never `-cp` a directory
 * of the judge's.
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/socket.h>

/* The JVM's trees: its home (launcher, libjvm, the modules image, CDS
 * archive) and the configuration its home links to (jvm.cfg, security). */
static const char *const jvm_trees[] = {
	"/usr/lib/jvm", "/etc/java-*", NULL
};

int sb_policy_java(sandbox_policy_t *p)
{
	static const char *const allowed[] = {
		"getdents64", "sysinfo", "sched_getaffinity", "fchdir", "pipe2",
		NULL
	};
	static const char *const refused[] = {
		"socket", "mkdir", "statfs", NULL
	};
	static const char *const busy[] = { "flock", NULL };
	/* The JDK's file dispatcher's one pair (above), exactly as it asks. */
	const sandbox_cond_t nio_pair[3] = {
		{ .arg = 0, .op = S_CMP_EQ, .a = AF_UNIX },
		{ .arg = 1, .op = S_CMP_EQ, .a = SOCK_STREAM },
		{ .arg = 2, .op = S_CMP_EQ, .a = 0 },
	};
	int rc;

	if ((rc = sb_policy_threads(p)) < 0 ||
	    (rc = sb_policy_read_globs(p, jvm_trees)) < 0 ||
	    (rc = sandbox_policy_add_file_rule(p, SANDBOX_FILE_ARGS, S_FILE_READ,
	                                       NULL, 0)) < 0 ||
	    (rc = sb_policy_allow_names(p, allowed, NULL)) < 0 ||
	    (rc = sb_policy_names(p, refused, S_DISP_ERRNO, EACCES)) < 0 ||
	    (rc = sb_policy_names(p, busy, S_DISP_ERRNO, EWOULDBLOCK)) < 0 ||
	    (rc = sandbox_policy_add_rule_name(p, 1u << S_ABI_X86_64,
	                                       "socketpair", S_DISP_ALLOW, 0,
	                                       nio_pair, 3)) < 0)
		return rc;
	/* PR_CAPBSET_READ comes with "default" (sb_policy_user_lookup). */
	return sb_policy_cond1(p, "prctl", S_DISP_ALLOW, 0, 0, S_CMP_EQ,
	                       PR_SET_NAME, 0);
}
