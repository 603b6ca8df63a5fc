/*
 * Loadable policy modules: a shared object exporting one
 * `const struct sandbox_policy_module sandbox_policy_module`, loaded with
 * dlopen(RTLD_NOW | RTLD_LOCAL), into the module layer of the policy
 * (policy.h). The handle stays open as long as the policy lives: the
 * layer's release (last unref) runs the module's cleanup, then
 * dlclose()s it. A callback the host sets later is a layer of its own,
 * asked after the module's.
 *
 * The module's callback is called through a small trampoline so that its
 * own data pointer and the handle travel together in one cleanup.
 */
#include "config.h"
#include "sources/sources.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sb_module {
	void *handle;
	const struct sandbox_policy_module *m;
	void *data;
	char *path;
};

static void module_release(void *arg)
{
	struct sb_module *w = arg;
	if (w->m->cleanup)
		w->m->cleanup(w->data);
	dlclose(w->handle);
	free(w->path);
	free(w);
}

static void module_callback(const sandbox_event_t *ev, sandbox_action_t *act,
                            void *arg)
{
	struct sb_module *w = arg;
	w->m->callback(ev, act, w->data);
}

/* dlopen + dlsym + ABI check. */
static int open_module(const char *path, struct sb_module *w, char *err,
                       size_t errlen)
{
	struct stat st;

	if (access(path, R_OK) < 0 || stat(path, &st) < 0) {
		int e = errno;
		sb_errf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	/* dlopen() of a FIFO would wait for a writer forever. */
	if (!S_ISREG(st.st_mode)) {
		sb_errf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	dlerror();
	if (!(w->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		const char *why = dlerror();
		sb_errf(err, errlen, "%s: cannot load: %s", path, why ? why : "?");
		return -ENOEXEC;
	}
	w->m = dlsym(w->handle, SANDBOX_POLICY_MODULE_SYMBOL);
	if (!w->m) {
		sb_errf(err, errlen, "%s: no symbol \"%s\": not a libsandbox policy "
		        "module", path, SANDBOX_POLICY_MODULE_SYMBOL);
		return -ENOEXEC;
	}
	if (w->m->abi != SANDBOX_POLICY_ABI) {
		sb_errf(err, errlen, "%s: built for policy ABI %u, this libsandbox "
		        "has ABI %u: rebuild the module", path, w->m->abi,
		        (unsigned)SANDBOX_POLICY_ABI);
		return -EPROTO;
	}
	if (!w->m->init) {
		sb_errf(err, errlen, "%s: module \"%s\" has no init function", path,
		        w->m->name ? w->m->name : "?");
		return -ENOEXEC;
	}
	return 0;
}

/* Hand the callback and the handle to the policy's module layer (path
 * rules init added are a layer of their own and stay as they are). */
static int attach(sandbox_policy_t *p, struct sb_module *w, char *err,
                  size_t errlen)
{
	if (p->user.fn || p->user.cleanup) {
		sb_errf(err, errlen, "%s: module \"%s\" set a callback itself: "
		        "declare it in .callback/.cleanup instead", w->path,
		        w->m->name ? w->m->name : "?");
		return -EINVAL;
	}
	if (sb_policy_set_module(p, w->m->callback ? module_callback : NULL, w,
	                         module_release, w->path) < 0) {
		sb_errf(err, errlen, "%s: %s", w->path, strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

static void discard(struct sb_module *w)
{
	if (!w)
		return;
	if (w->handle)
		dlclose(w->handle);
	free(w->path);
	free(w);
}

sandbox_policy_t *sb_module_load(const char *path, const char *arg, char *err,
                                 size_t errlen)
{
	struct sb_module *w = NULL;
	sandbox_policy_t *p = NULL;
	bool inited = false;
	int rc = -ENOMEM;

	if (!path || !path[0]) {
		sb_errf(err, errlen, "no module path");
		rc = -EINVAL;
		goto fail;
	}
	if (!(w = calloc(1, sizeof(*w))) || !(w->path = strdup(path))) {
		sb_errf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	if ((rc = open_module(path, w, err, errlen)) < 0)
		goto fail;
	if (!(p = sandbox_policy_new())) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = w->m->init(p, arg, &w->data);
	if (rc != 0) {
		if (rc > 0 || rc < -4095)
			rc = -EINVAL;
		sb_errf(err, errlen, "%s: module \"%s\" refused to start: %s", path,
		        w->m->name ? w->m->name : "?", sandbox_strerror(rc));
		goto fail;
	}
	inited = true;
	if ((rc = attach(p, w, err, errlen)) < 0)
		goto fail;
	return p; /* the handle now belongs to the policy */
fail:
	if (inited && w->m->cleanup)
		w->m->cleanup(w->data);
	sandbox_policy_unref(p);
	discard(w);
	errno = -rc;
	return NULL;
}
