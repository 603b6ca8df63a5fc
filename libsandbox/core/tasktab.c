/*
 * The tracer's table of the program's tasks, found by tid: one entry per
 * thread of every process of the program, from its first stop (or its
 * creator's clone event, whichever the tracer sees first) to the report
 * of its end. Open addressing with linear probing; removal shifts the
 * entries after it back, so there are no tombstones and a lookup costs a
 * probe or two however many tasks come and go. Entries are allocated one
 * by one, so a pointer to a task stays valid while others are added or
 * removed (the tracer holds one across a clone event).
 *
 * Owned by the tracer thread; nothing else reads it.
 */
#include "config.h"
#include "core/core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MIN_CAP 16

static size_t home(const struct sb_tasks *ts, pid_t tid)
{
	/* Fibonacci hashing: consecutive tids spread over the table. */
	return (size_t)(((uint32_t)tid * 2654435769u) >> 8) & (ts->cap - 1);
}

void sb_tasks_init(struct sb_tasks *ts)
{
	memset(ts, 0, sizeof(*ts));
}

void sb_tasks_free(struct sb_tasks *ts)
{
	for (size_t i = 0; i < ts->cap; i++)
		free(ts->slot[i]);
	free(ts->slot);
	memset(ts, 0, sizeof(*ts));
}

struct sb_task *sb_tasks_find(const struct sb_tasks *ts, pid_t tid)
{
	if (!ts->cap)
		return NULL;
	for (size_t i = home(ts, tid);; i = (i + 1) & (ts->cap - 1)) {
		struct sb_task *t = ts->slot[i];
		if (!t || t->tid == tid)
			return t;
	}
}

static void place(struct sb_tasks *ts, struct sb_task *t)
{
	size_t i = home(ts, t->tid);
	while (ts->slot[i])
		i = (i + 1) & (ts->cap - 1);
	ts->slot[i] = t;
}

/* Keep the load at most one half. */
static int grow(struct sb_tasks *ts)
{
	size_t old_cap = ts->cap, cap = old_cap ? old_cap * 2 : MIN_CAP;
	struct sb_task **old = ts->slot;

	if ((ts->n + 1) * 2 <= old_cap)
		return 0;
	if (!(ts->slot = calloc(cap, sizeof(*ts->slot)))) {
		ts->slot = old;
		return -ENOMEM;
	}
	ts->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			place(ts, old[i]);
	free(old);
	return 0;
}

struct sb_task *sb_tasks_add(struct sb_tasks *ts, pid_t tid, pid_t tgid)
{
	struct sb_task *t = sb_tasks_find(ts, tid);

	if (t)
		return t;
	if (grow(ts) < 0 || !(t = calloc(1, sizeof(*t))))
		return NULL;
	t->tid = tid;
	t->tgid = tgid;
	place(ts, t);
	ts->n++;
	return t;
}

void sb_tasks_remove(struct sb_tasks *ts, pid_t tid)
{
	size_t mask = ts->cap - 1, i, j;

	if (!ts->cap)
		return;
	for (i = home(ts, tid); ts->slot[i]; i = (i + 1) & mask)
		if (ts->slot[i]->tid == tid)
			break;
	if (!ts->slot[i])
		return;
	free(ts->slot[i]);
	ts->slot[i] = NULL;
	ts->n--;
	/* Shift back the entries of the run after the hole that could not
	 * sit at their home while it was taken. */
	for (j = (i + 1) & mask; ts->slot[j]; j = (j + 1) & mask) {
		size_t h = home(ts, ts->slot[j]->tid);
		bool movable = i <= j ? (h <= i || h > j) : (h <= i && h > j);
		if (movable) {
			ts->slot[i] = ts->slot[j];
			ts->slot[j] = NULL;
			i = j;
		}
	}
}

struct sb_task *sb_tasks_next(const struct sb_tasks *ts, size_t *pos)
{
	while (*pos < ts->cap) {
		struct sb_task *t = ts->slot[(*pos)++];
		if (t)
			return t;
	}
	return NULL;
}
