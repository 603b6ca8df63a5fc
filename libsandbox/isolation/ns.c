/*
 * Namespaces: the uid/gid maps written by the parent, the child's steps
 * inside its new namespaces (ids, hostname, loopback, box root, bounding
 * set), and the test behind the namespace-init signal emulation.
 */
#include "config.h"
#include "isolation/isolation.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

void sb_ns_default_ids(const struct sb_iso *iso, uid_t *iu, gid_t *ig,
                       uid_t *ou, gid_t *og)
{
	bool root = geteuid() == 0;
	const struct sb_iso_run *r = &iso->run;
	uid_t ru = r->ident ? r->ident_uid : 65534;
	gid_t rg = r->ident ? r->ident_gid : 65534;

	*ou = iso->out_uid != (uid_t)-1 ? iso->out_uid : root ? ru : geteuid();
	*og = iso->out_gid != (gid_t)-1 ? iso->out_gid : root ? rg : getegid();
	*iu = iso->in_uid != (uid_t)-1 ? iso->in_uid : *ou;
	*ig = iso->in_gid != (gid_t)-1 ? iso->in_gid : *og;
}

static int write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)pid, file);
	return sb_write_file(path, text);
}

/* Parent: the child waits on the go pipe meanwhile. An unprivileged
 * caller must deny setgroups before it may write gid_map. */
int sb_ns_write_maps(const struct sb_iso *iso, pid_t pid)
{
	const struct sb_iso_run *r = &iso->run;
	char line[64];
	int rc;

	if (!r->priv && (rc = write_proc(pid, "setgroups", "deny")) < 0)
		return rc;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)r->iu, (unsigned)r->ou);
	if ((rc = write_proc(pid, "uid_map", line)) < 0)
		return rc;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)r->ig, (unsigned)r->og);
	return write_proc(pid, "gid_map", line);
}

/* ------------------------------------------------------------ child */

static int become_ids(const struct sb_iso *iso)
{
	const struct sb_iso_run *r = &iso->run;

	/* Root outside keeps setgroups allowed: drop every supplementary
	 * group (the host's group 0 must not follow the program). */
	/* Raw syscalls: glibc's set*id() wrappers signal every thread the
	 * supervisor had, and wait for them forever in a cloned child. */
	if (r->priv && syscall(SYS_setgroups, 0, NULL) < 0)
		return -errno;
	if (syscall(SYS_setresgid, r->ig, r->ig, r->ig) < 0 ||
	    syscall(SYS_setresuid, r->iu, r->iu, r->iu) < 0)
		return -errno;
	return 0;
}

static int loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		rc = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			rc = -errno;
	}
	close(fd);
	return rc;
}

/* Child, right after clone (and after the maps were written). Bare
 * syscalls only. Returns 0 or -errno with *step set. */
int sb_ns_child_setup(const struct sb_iso *iso, int *step)
{
	const char *hn = iso->hostname ? iso->hostname : "sandbox";
	int rc;

	if ((iso->effective & S_NS_USER) && (rc = become_ids(iso)) < 0) {
		*step = SB_STEP_NS_IDS;
		return rc;
	}
	if ((iso->effective & S_NS_UTS) && sethostname(hn, strlen(hn)) < 0) {
		*step = SB_STEP_SETHOSTNAME;
		return -errno;
	}
	if ((iso->effective & S_NS_NET) && (rc = loopback_up()) < 0) {
		*step = SB_STEP_LOOPBACK;
		return rc;
	}
	bool pivoted = false;
	rc = sb_mounts_apply(&iso->run.mp, iso->effective & S_ISO_PIVOT,
	                     &pivoted, step);
	if (rc < 0)
		return rc;
	if (iso->drop_caps && (rc = sb_drop_bounding_set()) < 0) {
		*step = SB_STEP_CAPBSET;
		return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ init */


/* Would `sig` kill the program if it were not a namespace init? True when
 * its disposition is the default and the default action is fatal. Read
 * at signal-delivery-stops only. */
bool sb_ns_default_fatal(pid_t pid, int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return false;
	default:
		break;
	}
	return sb_proc_sig_action(pid, sig) == SB_SIG_DEFAULT;
}
