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
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Claim slot n into the sandbox. With `old_free`, only when no
 * supervisor of 0.4 holds it either (their lock in /dev/shm). */
static int claim_slot(sandbox_t *sb, unsigned n, bool old_free)
{
	uid_t uid = sb->first_uid + n;
	int fd = sb_claim(SB_CLAIM_UID, (unsigned long)uid);
	int old;

	if (fd < 0)
		return fd;
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
			if ((rc = claim_slot(sb, n, pass == 0)) == 0)
				return 0;
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
	if (geteuid() != 0 || sb->set_creds || sb->keep_ids)
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
		if (sb->box_id < 0)
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
