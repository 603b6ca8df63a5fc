/*
 * Output captured into memory. The library calls sbpy_capture_fn() from
 * the sandbox's manager thread while the program runs and from the thread
 * of sandbox_execute() at the end; no Python runs there, the bytes are
 * appended to a buffer (up to its limit, beyond which they are counted as
 * dropped) that captured() turns into bytes after the run.
 */
#include "sbpy.h"

#include <stdlib.h>
#include <string.h>

void sbpy_capture_init(struct sbpy_capture *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
}

void sbpy_capture_free(struct sbpy_capture *c)
{
	free(c->buf);
	c->buf = NULL;
	pthread_mutex_destroy(&c->lock);
}

void sbpy_capture_clear(struct sbpy_capture *c)
{
	pthread_mutex_lock(&c->lock);
	c->len = 0;
	c->truncated = false;
	pthread_mutex_unlock(&c->lock);
}

/* The memory of the last run's output given back (an idle sandbox kept by
 * sandbox.run() holds no copy of it). */
void sbpy_capture_release(struct sbpy_capture *c)
{
	pthread_mutex_lock(&c->lock);
	free(c->buf);
	c->buf = NULL;
	c->cap = c->len = 0;
	c->truncated = false;
	pthread_mutex_unlock(&c->lock);
}

void sbpy_capture_fn(int which, const void *buf, size_t len, void *data)
{
	struct sbpy_capture *c;

	if (which < 1 || which > 2 || !data)
		return;
	c = &((struct sbpy_capture *)data)[which];
	pthread_mutex_lock(&c->lock);
	if (len > c->limit - c->len) {
		len = c->limit - c->len;
		c->truncated = true;
	}
	if (c->len + len > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		while (cap < c->len + len)
			cap *= 2;
		if (cap > c->limit)
			cap = c->limit;
		char *nb = realloc(c->buf, cap);
		if (!nb) {
			c->truncated = true;
			len = c->cap - c->len;
		} else {
			c->buf = nb;
			c->cap = cap;
		}
	}
	if (len) {
		memcpy(c->buf + c->len, buf, len);
		c->len += len;
	}
	pthread_mutex_unlock(&c->lock);
}
