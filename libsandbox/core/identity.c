/*
 * The program's identity. A supervisor running as root that was given no
 * credentials never runs the program as root: it runs it as the ids of a
 * run slot (isolate's box model), uid = first_uid + N and gid =
 * first_gid + N, with no supplementary group, where slot N is held by no
 * other sandbox on the host meanwhile -- a host-wide claim on the uid
 * (util/claims.c), so that supervisors with different first ids never
 * share one either. Two concurrent runs are then two users: neither can
 * read the other's /proc entries (fd, cwd, mem, environ, maps: the
 * kernel's ptrace access check), signal it, or touch its files, and
 * neither can read the supervisor's.
 *
 * A slot belongs to a sandbox, like an isolate box to its worker: claimed
 * at its first run (sandbox_set_box_id()'s slot, or the lowest free one),
 * kept for its next runs -- which run one after the other and may share
 * their files -- and dropped by sandbox_destroy(), or when the
 * configuration asks for another slot. A supervisor that dies drops it
 * with its descriptors. What a dead run of the slot may have left running
 * (a policy that allowed fork, a supervisor killed before its program) is
 * killed by the child before exec: kill(-1, SIGKILL) as the slot's uid
 * reaches that uid's processes only (core/child.c).
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Ids with a name in the user or group database (files, LDAP, sssd):
 * a slot of such an id is somebody's -- its kill(-1, SIGKILL) would kill
 * that user's processes, its program would own that user's files. Looked
 * up once per id pair and process (a sandbox claims its slot once; new
 * sandboxes of a long-lived judge reuse the answers): no NSS call on a
 * run's path after the first. A database that cannot be asked (an LDAP
 * server down) counts as no name: judging goes on. */
#define NAMES_CACHED 64
static struct {
	pthread_mutex_t lock;
	unsigned n, next;
	struct { uid_t uid; gid_t gid; bool named; } seen[NAMES_CACHED];
} names = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool lookup_named(uid_t uid, gid_t gid)
{
	char buf[4096];
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) == ERANGE || pwp)
		return true; /* ERANGE: there, and long */
	return getgrgid_r(gid, &gr, buf, sizeof(buf), &grp) == ERANGE || grp;
}

/* A process that runs one program (sandbox-run once per test) would ask
 * the databases at every run: 0.5-0.6 ms of CPU with glibc's NSS on
 * Debian ("files systemd": libnss_systemd and its libraries loaded, the
 * userdb directories searched), a fifth of such a run. So the answer "no
 * name" is also kept for other processes, in the slot's lock file: only
 * root can write it (util/claims.c), and only its holder does. The
 * record names the ids and the time the lookup began; it is believed
 * for NAMES_TTL_S seconds, and only while /etc/passwd, /etc/group,
 * /etc/nsswitch.conf and the userdb directories are older than it (a
 * user added to the files is seen at the next run; one added in LDAP or
 * sssd within NAMES_TTL_S, as nscd's negative cache would say). The
 * clock is the coarse one the file times come from: a file changed once
 * the lookup began is never older than the record. */
#define NAMES_TTL_S 10
#define NAMES_RECORD "libsandbox: no name for uid %10lu gid %10lu since %20lld.%09ld\n"

static const char *const name_dbs[] = {
	"/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/userdb",
	"/run/userdb",
};

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Were the databases' files left alone since t? A file that is missing
 * is (its directory's change is not needed: its name is one of ours). */
static bool dbs_older_than(const struct timespec *t)
{
	struct stat st;

	for (size_t i = 0; i < sizeof(name_dbs) / sizeof(name_dbs[0]); i++) {
		if (stat(name_dbs[i], &st) < 0) {
			if (errno == ENOENT)
				continue;
			return false;
		}
		if (!ts_before(&st.st_mtim, t) || !ts_before(&st.st_ctim, t))
			return false;
	}
	return true;
}

/* A fresh record of no name for uid/gid in the claim file `fd`? */
static bool record_says_unnamed(int fd, uid_t uid, gid_t gid)
{
	char buf[128];
	unsigned long ru, rg;
	long long sec;
	long nsec;
	struct timespec now;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (sscanf(buf, "libsandbox: no name for uid %lu gid %lu since %lld.%ld",
	           &ru, &rg, &sec, &nsec) != 4 ||
	    ru != (unsigned long)uid || rg != (unsigned long)gid ||
	    nsec < 0 || nsec > 999999999 ||
	    clock_gettime(CLOCK_REALTIME_COARSE, &now) < 0)
		return false;
	struct timespec t = { .tv_sec = (time_t)sec, .tv_nsec = nsec };
	if (ts_before(&now, &t) || now.tv_sec - t.tv_sec >= NAMES_TTL_S)
		return false;
	return dbs_older_than(&t);
}

static void record_unnamed(int fd, uid_t uid, gid_t gid,
                           const struct timespec *since)
{
	char buf[128];
	int len = snprintf(buf, sizeof(buf), NAMES_RECORD, (unsigned long)uid,
	                   (unsigned long)gid, (long long)since->tv_sec,
	                   since->tv_nsec);

	if (len > 0 && (size_t)len < sizeof(buf) &&
	    pwrite(fd, buf, (size_t)len, 0) == len)
		(void)ftruncate(fd, len);
}

/* `claim` is the slot's lock file (held: ours alone to read and write),
 * or -1. */
static bool ids_named(uid_t uid, gid_t gid, int claim)
{
	struct timespec since;
	bool named;

	pthread_mutex_lock(&names.lock);
	for (unsigned i = 0; i < names.n; i++) {
		if (names.seen[i].uid == uid && names.seen[i].gid == gid) {
			named = names.seen[i].named;
			pthread_mutex_unlock(&names.lock);
			return named;
		}
	}
	pthread_mutex_unlock(&names.lock);
	if (claim >= 0 && record_says_unnamed(claim, uid, gid))
		return false; /* not kept here: the record's time runs out */
	bool timed = clock_gettime(CLOCK_REALTIME_COARSE, &since) == 0;
	named = lookup_named(uid, gid);
	if (!named && timed && claim >= 0)
		record_unnamed(claim, uid, gid, &since);
	pthread_mutex_lock(&names.lock);
	unsigned i = names.n < NAMES_CACHED ? names.n++
	           : names.next++ % NAMES_CACHED;
	names.seen[i].uid = uid;
	names.seen[i].gid = gid;
	names.seen[i].named = named;
	pthread_mutex_unlock(&names.lock);
	return named;
}

/* Does one line of a user namespace map (/proc/self/uid_map, gid_map)
 * hold first .. first + count - 1? Without the file (no user namespaces
 * in the kernel) every id is mapped. */
static bool range_mapped(const char *map, unsigned long first, unsigned count)
{
	unsigned long in, out, len;
	bool mapped = false;
	FILE *f = fopen(map, "re");

	if (!f)
		return true;
	while (!mapped && fscanf(f, "%lu %lu %lu", &in, &out, &len) == 3)
		mapped = first >= in && first - in < len && count <= len - (first - in);
	fclose(f);
	return mapped;
}

/* Claim slot n into the sandbox. With `old_free`, only when no
 * supervisor of 0.4 holds it either (their lock in /dev/shm). -EUSERS
 * when its uid or gid has a name. */
static int claim_slot(sandbox_t *sb, unsigned n, bool old_free)
{
	uid_t uid = sb->first_uid + n;
	int fd = sb_claim(SB_CLAIM_UID, (unsigned long)uid);
	int old;

	if (fd < 0)
		return fd;
	if (ids_named(uid, sb->first_gid + n, fd)) {
		sb_claim_release(fd);
		return -EUSERS;
	}
	/* Theirs, taken when it can be: they then skip the slot. Anybody
	 * may hold or spoil that file, so it never stops a run -- it only
	 * ranks the slots (claim_any). */
	old = sb_claim(SB_CLAIM_UID_SHM, (unsigned long)uid);
	if (old < 0 && old_free) {
		sb_claim_release(fd);
		return -EBUSY;
	}
	sb->slot.claim = fd;
	sb->slot.old_claim = old;
	sb->slot.box_id = (int)n;
	sb->slot.uid = uid;
	sb->slot.gid = sb->first_gid + n;
	return 0;
}

/* Why slot n could not be claimed (-EEXIST: its lock file's path holds
 * something else; any other error but -EBUSY: the claims directory). */
static void say_why(sandbox_t *sb, unsigned n, int rc)
{
	char path[64];

	sb_claim_path(SB_CLAIM_UID, (unsigned long)(sb->first_uid + n), path,
	              sizeof(path));
	if (rc == -EEXIST)
		snprintf(sb->failed_msg, sizeof(sb->failed_msg),
		         "%s is not a lock file of root's with one name: "
		         "that slot cannot be claimed (remove it)", path);
	else if (rc == -EUSERS)
		snprintf(sb->failed_msg, sizeof(sb->failed_msg),
		         "uid %lu or gid %lu of slot %u has a name in the user or "
		         "group database: somebody's, whom the slot's kill(-1) "
		         "would hit",
		         (unsigned long)(sb->first_uid + n),
		         (unsigned long)(sb->first_gid + n), n);
	else if (rc == -ERANGE)
		snprintf(sb->failed_msg, sizeof(sb->failed_msg),
		         "run slots' ids %lu-%lu are not mapped in this user "
		         "namespace (/proc/self/uid_map, gid_map): choose ids it "
		         "maps (sandbox_set_box_ids())",
		         (unsigned long)sb->first_uid,
		         (unsigned long)sb->first_uid + sb->box_count - 1);
	else if (rc == -EMFILE || rc == -ENFILE || rc == -ENOMEM)
		snprintf(sb->failed_msg, sizeof(sb->failed_msg),
		         "%s: %s (the supervisor could not open the lock file "
		         "of a run slot; it is not the lock file's fault)",
		         path, strerror(-rc));
	else if (rc != -EBUSY)
		snprintf(sb->failed_msg, sizeof(sb->failed_msg),
		         "%.*s: %s (run slots are claimed in a directory of "
		         "root's that nobody else may write)",
		         (int)(strrchr(path, '/') - path), path, strerror(-rc));
}

/* The lowest free slot, first among those no older supervisor holds.
 * A slot whose lock file cannot be used is skipped like a busy one:
 * -EBUSY when every slot is taken, -EEXIST when the others are and some
 * could not be used (the first is named), another -errno when no claim
 * can be made at all. */
static int claim_any(sandbox_t *sb)
{
	int rc, first_bad = 0;

	for (int pass = 0; pass < 2; pass++)
		for (unsigned n = 0; n < sb->box_count; n++) {
			if ((rc = claim_slot(sb, n, pass == 0)) == 0) {
				/* A slot skipped on the way is no failure. */
				sb->failed_msg[0] = '\0';
				return 0;
			}
			if (rc == -EEXIST && !first_bad) {
				first_bad = rc;
				say_why(sb, n, rc);
			} else if (rc != -EBUSY && rc != -EEXIST) {
				say_why(sb, n, rc);
				return rc;
			}
		}
	return first_bad ? first_bad : -EBUSY;
}

/* Does the slot the sandbox holds still fit its configuration? */
static bool slot_fits(const sandbox_t *sb)
{
	const struct sb_slot *s = &sb->slot;

	return s->claim >= 0 &&
	       (sb->box_id < 0 || s->box_id == sb->box_id) &&
	       s->box_id >= 0 && (unsigned)s->box_id < sb->box_count &&
	       s->uid == sb->first_uid + (unsigned)s->box_id &&
	       s->gid == sb->first_gid + (unsigned)s->box_id;
}

void sb_slot_release(sandbox_t *sb)
{
	sb_claim_release(sb->slot.claim);
	sb_claim_release(sb->slot.old_claim);
	sb->slot.claim = sb->slot.old_claim = -1;
	sb->slot.box_id = -1;
}

void sb_ident_planters(const sandbox_t *sb, struct sb_planters *who)
{
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;

	who->count = 0;
	if (geteuid() != 0)
		return;
	if (sb_ident_applies(sb)) {
		/* Any slot: another run of the range planted as well. */
		who->first_uid = sb->first_uid;
		who->first_gid = sb->first_gid;
		who->count = sb->box_count;
		return;
	}
	if (sb->set_creds) {
		uid = sb->uid;
		gid = sb->gid;
	} else if (sb->iso) {
		uid = sb->iso->out_uid;
		gid = sb->iso->out_gid;
	}
	if (uid == (uid_t)-1 || uid == 0)
		return; /* the program may be root: root's files only */
	who->first_uid = uid;
	who->first_gid = gid != (gid_t)-1 ? gid : getegid();
	who->count = 1;
}

bool sb_ident_applies(const sandbox_t *sb)
{
	if (geteuid() != 0 || sb->set_creds)
		return false;
	/* Outside ids the caller gave for a user namespace are credentials
	 * too. */
	return !(sb->iso && (sb->iso->out_uid != (uid_t)-1 ||
	                     sb->iso->out_gid != (gid_t)-1));
}

int sb_ident_begin(sandbox_t *sb, struct sb_ident *id)
{
	int rc = 0;

	id->on = false;
	id->box_id = -1;
	id->uid = geteuid();
	id->gid = getegid();
	if (sb->set_creds) {
		if (sb->uid != (uid_t)-1)
			id->uid = sb->uid;
		if (sb->gid != (gid_t)-1)
			id->gid = sb->gid;
	}
	if (sb->iso && (sb->iso->effective & S_NS_USER)) {
		/* The map's outside ids, unless a slot replaces them. */
		uid_t iu;
		gid_t ig;
		sb_ns_default_ids(sb->iso, &iu, &ig, &id->uid, &id->gid);
	}
	if (!sb_ident_applies(sb))
		goto out;
	if (!slot_fits(sb)) {
		sb_slot_release(sb);
		/* Root of a rootless container: ids its user namespace does not
		 * map cannot be taken (setresuid, chown: EINVAL). */
		if (!range_mapped("/proc/self/uid_map", sb->first_uid, sb->box_count) ||
		    !range_mapped("/proc/self/gid_map", sb->first_gid, sb->box_count))
			say_why(sb, 0, rc = -ERANGE);
		else if (sb->box_id < 0)
			rc = claim_any(sb);
		else if ((rc = claim_slot(sb, (unsigned)sb->box_id, false)) < 0)
			say_why(sb, (unsigned)sb->box_id, rc);
	}
	if (rc < 0) {
		sb->failed_step = sb_step_name(SB_STEP_BOX);
		return rc;
	}
	id->on = true;
	id->box_id = sb->slot.box_id;
	id->uid = sb->slot.uid;
	id->gid = sb->slot.gid;
out:
	sb->stat.box_id = id->box_id;
	sb->stat.uid = (int64_t)id->uid;
	sb->stat.gid = (int64_t)id->gid;
	return 0;
}
