/*
 * Sandbox: one libsandbox sandbox_t, with the classic pysandbox interface
 * (task, jail, owner, group, quota, policy, status, result, pid, run(),
 * probe(), dump()) and the methods of config.c and report.c.
 *
 * Construction follows pysandbox 0.3.5: the arguments are taken by
 * __init__ (so a class that is both a SandboxPolicy and a Sandbox can call
 * Sandbox.__init__(self, ...) from its own __init__), and the program is
 * checked at once: a missing or non-executable program is a ValueError.
 *
 * run() executes with the GIL released. While it runs, every method that
 * would touch the sandbox_t raises, except interrupt(); status, result
 * and pid answer from the binding's own fields.
 */
#include "sbpy.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static _Thread_local struct sbpy_run *current_run;

struct sbpy_run *sbpy_current_run(void)
{
	return current_run;
}

int sbpy_ready(SbSandbox *self)
{
	if (!self->sb) {
		PyErr_SetString(PyExc_AssertionError,
		                "the sandbox has no program yet (call __init__)");
		return -1;
	}
	if (self->running) {
		PyErr_SetString(PyExc_AssertionError,
		                "cannot do that while the sandboxed program runs");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- policy */

void sbpy_policy_busy(PyObject *p, int delta)
{
	if (p && PyObject_TypeCheck(p, &SbPolicy_Type))
		((SbPolicy *)p)->busy += delta;
}

int sbpy_install_policy(SbSandbox *self, PyObject *obj)
{
	sandbox_policy_t *lib = NULL;
	bool classic = false;
	int rc;

	if (obj && PyObject_TypeCheck(obj, &SbPolicy_Type)) {
		lib = sandbox_policy_ref(((SbPolicy *)obj)->p);
	} else if (obj && !sbpy_is_base_policy(obj)) {
		if (!(lib = sbpy_policy_trace_all()))
			return -1;
		classic = true;
	}
	/* The library's built-in default is what a new sandbox has: building
	 * it again is a quarter of a run's set-up cost. */
	rc = !lib && self->lib_default ? 0 : sandbox_set_policy(self->sb, lib);
	sandbox_policy_unref(lib);
	if (rc < 0)
		return sbpy_erri(rc, "cannot set the policy", NULL);
	self->lib_default = !lib;
	/* A classic Python policy sees every syscall entry and return, as
	 * under pysandbox, unless a mode was chosen explicitly. */
	int mode = self->mode >= 0 ? self->mode
	           : classic ? S_MODE_CLASSIC : S_MODE_FAST;
	if ((rc = sandbox_set_mode(self->sb, mode)) < 0)
		return sbpy_erri(rc, "cannot set the mode", NULL);
	self->classic_policy = classic;
	if (sbpy_sync_hook(self) < 0)
		return sbpy_erri(-EINVAL, "cannot set the event hook", NULL);
	self->policy_gen = lib && !classic ? ((SbPolicy *)obj)->generation : 0;
	Py_XINCREF(obj);
	Py_XSETREF(self->policy, obj);
	return 0;
}

int sbpy_sync_hook(SbSandbox *self)
{
	bool on = self->hook || self->classic_policy;
	return sandbox_set_event_hook(self->sb, on ? sbpy_hook : NULL, NULL);
}

/* The policy object may have changed since it was installed. */
int sbpy_refresh_policy(SbSandbox *self)
{
	PyObject *p = self->policy;
	if (p && PyObject_TypeCheck(p, &SbPolicy_Type) &&
	    ((SbPolicy *)p)->generation != self->policy_gen) {
		Py_INCREF(p);
		int rc = sbpy_install_policy(self, p);
		Py_DECREF(p);
		return rc;
	}
	return 0;
}

/* ---------------------------------------------------------------- lifecycle */

static PyObject *sandbox_new_obj(PyTypeObject *t, PyObject *args, PyObject *kw)
{
	SbSandbox *self = (SbSandbox *)t->tp_alloc(t, 0);
	if (!self)
		return NULL;
	self->uid = getuid();
	self->gid = getgid();
	for (int i = 0; i < S_QUOTA_COUNT; i++)
		self->quota[i] = SANDBOX_UNLIMITED;
	self->mode = -1;
	self->result_override = -1;
	for (int i = 0; i < 3; i++) {
		sbpy_capture_init(&self->cap[i]);
		self->stream_file[i].fd = -1;
	}
	if (!(self->jail = PyUnicode_FromString("/"))) {
		Py_DECREF(self);
		return NULL;
	}
	return (PyObject *)self;
}

static int sandbox_traverse(SbSandbox *self, visitproc visit, void *arg)
{
	Py_VISIT(self->policy);
	for (int i = 0; i < 3; i++)
		Py_VISIT(self->streams[i]);
	Py_VISIT(self->policy_error);
	Py_VISIT(self->hook);
	Py_VISIT(self->hook_error);
	Py_VISIT(self->pending);
	Py_VISIT(self->event);
	Py_VISIT(self->action);
	return 0;
}

static int sandbox_clear(SbSandbox *self)
{
	if (self->running)
		return 0; /* cannot happen: run() holds a reference */
	Py_CLEAR(self->policy);
	for (int i = 0; i < 3; i++)
		Py_CLEAR(self->streams[i]);
	Py_CLEAR(self->policy_error);
	Py_CLEAR(self->hook);
	Py_CLEAR(self->hook_error);
	Py_CLEAR(self->pending);
	Py_CLEAR(self->event);
	Py_CLEAR(self->action);
	return 0;
}

static void sandbox_dealloc(SbSandbox *self)
{
	PyObject_GC_UnTrack(self);
	if (self->weakrefs)
		PyObject_ClearWeakRefs((PyObject *)self);
	sandbox_clear(self);
	sandbox_destroy(self->sb);
	self->sb = NULL;
	for (int i = 0; i < 3; i++)
		sbpy_capture_free(&self->cap[i]);
	Py_CLEAR(self->task);
	Py_CLEAR(self->jail);
	Py_CLEAR(self->policy_tb);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* ---------------------------------------------------------------- __init__ */

static int load_args(SbSandbox *self, PyObject *o)
{
	PyObject *keep;
	const char **argv = sbpy_strv(o, &keep, false,
	                              "command line");
	if (!argv)
		return -1;
	int rc = 0;
	if (!self->sb) {
		if (!(self->sb = sandbox_new(argv)))
			rc = -errno;
		self->lib_default = true;
	} else {
		rc = sandbox_set_argv(self->sb, argv);
	}
	PyMem_Free(argv);
	if (rc < 0) {
		Py_DECREF(keep);
		return sbpy_erri(rc, "cannot create the sandbox", NULL);
	}
	PyObject *s = sbpy_str_tuple(keep);
	Py_DECREF(keep);
	if (!s)
		return -1;
	/* task holds str, as pysandbox's did. */
	Py_XSETREF(self->task, s);
	return 0;
}

static int load_jail(SbSandbox *self, PyObject *o)
{
	PyObject *b = sbpy_fsbytes(o);
	struct stat st;
	if (!b)
		return -1;
	const char *path = PyBytes_AS_STRING(b);
	int rc = 0;
	if (strcmp(path, "/") != 0) {
		if (getuid() != 0) {
			PyErr_SetString(PyExc_AssertionError, "only super-user can chroot");
			rc = -1;
		} else if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		           access(path, R_OK | X_OK) < 0) {
			PyErr_Format(PyExc_ValueError,
			             "program jail should be a valid path: %s", path);
			rc = -1;
		} else if ((rc = sandbox_set_chroot(self->sb, path)) < 0) {
			rc = sbpy_erri(rc, "jail", path);
		}
	} else {
		rc = sandbox_set_chroot(self->sb, NULL);
		if (rc < 0)
			rc = sbpy_erri(rc, "jail", path);
	}
	if (rc == 0) {
		PyObject *s = PyUnicode_DecodeFSDefault(path);
		if (!s)
			rc = -1;
		else
			Py_XSETREF(self->jail, s);
	}
	Py_DECREF(b);
	return rc;
}

/* owner/group: a name or a number that exists. */
static int load_id(PyObject *o, bool user, unsigned *out)
{
	if (PyUnicode_Check(o) || PyBytes_Check(o)) {
		PyObject *b = sbpy_fsbytes(o);
		if (!b)
			return -1;
		struct passwd *pw = user ? getpwnam(PyBytes_AS_STRING(b)) : NULL;
		struct group *gr = user ? NULL : getgrnam(PyBytes_AS_STRING(b));
		Py_DECREF(b);
		if (user ? !pw : !gr) {
			PyErr_SetString(PyExc_ValueError,
			                user ? "no such user" : "no such group");
			return -1;
		}
		*out = user ? pw->pw_uid : gr->gr_gid;
		return 0;
	}
	if (!PyLong_Check(o)) {
		PyErr_SetString(PyExc_TypeError,
		                user ? "owner should be a valid user name or uid"
		                     : "group should be a valid group name or gid");
		return -1;
	}
	unsigned v;
	if (sbpy_id(o, false, &v, user ? "owner" : "group") < 0)
		return -1;
	if (user ? !getpwuid((uid_t)v) : !getgrgid((gid_t)v)) {
		PyErr_SetString(PyExc_ValueError,
		                user ? "no such user" : "no such group");
		return -1;
	}
	*out = v;
	return 0;
}

static const char *const stream_names[3] = { "stdin", "stdout", "stderr" };

int sbpy_stream_note(SbSandbox *self, int which, int fd)
{
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) < 0) {
		PyErr_Format(PyExc_ValueError, "%s should be an open file (fd %d: %s)",
		             stream_names[which], fd, strerror(errno));
		return -1;
	}
	self->stream_file[which].fd = fd;
	self->stream_file[which].dev = fd >= 0 ? st.st_dev : 0;
	self->stream_file[which].ino = fd >= 0 ? st.st_ino : 0;
	return 0;
}

int sbpy_stream_check(SbSandbox *self)
{
	for (int i = 0; i < 3; i++) {
		struct stat st;
		int fd = self->stream_file[i].fd;
		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0 || st.st_dev != self->stream_file[i].dev ||
		    st.st_ino != self->stream_file[i].ino) {
			PyErr_Format(PyExc_ValueError,
			             "%s: descriptor %d is no longer the file it was "
			             "given as (closed, or its number reused)",
			             stream_names[i], fd);
			return -1;
		}
	}
	return 0;
}

static int load_stream(SbSandbox *self, int which, PyObject *o)
{
	int fd = PyObject_AsFileDescriptor(o);
	if (fd < 0)
		return -1;
	struct sbpy_stream_file was = self->stream_file[which];
	if (sbpy_stream_note(self, which, fd) < 0)
		return -1;
	int rc = sandbox_set_stdio_fd(self->sb, which, fd);
	if (rc < 0) {
		self->stream_file[which] = was;
		return sbpy_erri(rc, "cannot use the stream", NULL);
	}
	Py_INCREF(o);
	Py_XSETREF(self->streams[which], o);
	return 0;
}

static const char *const quota_keys[S_QUOTA_COUNT] = {
	[S_QUOTA_WALLCLOCK] = "wallclock", [S_QUOTA_CPU] = "cpu",
	[S_QUOTA_MEMORY] = "memory", [S_QUOTA_DISK] = "disk",
	[S_QUOTA_STACK] = "stack", [S_QUOTA_TASKS] = "tasks",
};

static int set_quota(SbSandbox *self, int q, PyObject *v)
{
	uint64_t val;
	if (sbpy_u64(v, &val, quota_keys[q]) < 0)
		return -1;
	int rc = sandbox_set_quota(self->sb, q, val);
	if (rc < 0)
		return sbpy_erri(rc, "quota", quota_keys[q]);
	self->quota[q] = val;
	return 0;
}

static int load_quota(SbSandbox *self, PyObject *o)
{
	if (PyDict_Check(o)) {
		PyObject *k, *v;
		Py_ssize_t pos = 0;
		while (PyDict_Next(o, &pos, &k, &v)) {
			const char *ks = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
			int q = -1;
			for (int i = 0; ks && i < S_QUOTA_COUNT; i++)
				if (strcmp(ks, quota_keys[i]) == 0)
					q = i;
			if (q < 0) {
				PyErr_Format(PyExc_ValueError,
				             "unknown quota %R (wallclock, cpu, memory, disk, stack, tasks)",
				             k);
				return -1;
			}
			if (set_quota(self, q, v) < 0)
				return -1;
		}
		return 0;
	}
	PyObject *seq = PySequence_Fast(o, "quota should be a dict, list or tuple");
	if (!seq)
		return -1;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
	for (Py_ssize_t i = 0; i < n && i < S_QUOTA_COUNT; i++)
		if (set_quota(self, (int)i, PySequence_Fast_GET_ITEM(seq, i)) < 0) {
			Py_DECREF(seq);
			return -1;
		}
	Py_DECREF(seq);
	return 0;
}

static int check_policy_type(PyObject *p)
{
	if (p && !PyObject_TypeCheck(p, &SbClassicPolicy_Type) &&
	    !PyObject_TypeCheck(p, &SbPolicy_Type)) {
		PyErr_SetString(PyExc_TypeError,
		                "policy should be an instance of SandboxPolicy or "
		                "Policy");
		return -1;
	}
	return 0;
}

/* The check pysandbox made at construction: the program must exist and be
 * executable (ValueError). An i386/x32 program refused only because the
 * policy in place has no rule for its ABI is left for run(), when the
 * policy meant for it is in place. */
static int initial_check(SbSandbox *self)
{
	int rc = sandbox_check(self->sb);
	if (rc == 0)
		return 0;
	const char *msg = sandbox_check_message(self->sb);
	if (rc == -ENOEXEC) {
		sandbox_binary_info_t bi;
		if (sandbox_get_binary_info(self->sb, &bi, sizeof(bi)) == 0 &&
		    bi.abi >= 0 && bi.abi != S_ABI_X86_64)
			return 0;
	}
	if (rc == -ENOENT || rc == -EACCES || rc == -EISDIR || rc == -ENOEXEC ||
	    rc == -ENOTDIR || rc == -ELOOP || rc == -ENAMETOOLONG) {
		PyErr_Format(PyExc_ValueError,
		             "command line should contain full path to an "
		             "executable: %s%s%s", sandbox_strerror(rc),
		             msg ? ": " : "", msg ? msg : "");
		return -1;
	}
	const char *im = sandbox_isolation_message(self->sb);
	return sbpy_erri(rc, "failed in sandbox pre-execution check",
	                 msg ? msg : im);
}

static int sandbox_init(SbSandbox *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "args", "jail", "owner", "group", "stdin",
	                          "stdout", "stderr", "quota", "policy", "check",
	                          NULL };
	PyObject *a = NULL, *jail = NULL, *owner = NULL, *group = NULL;
	PyObject *io[3] = { NULL, NULL, NULL }, *quota = NULL, *policy = NULL;
	int check = 1;

	if (self->running) {
		PyErr_SetString(PyExc_AssertionError,
		                "cannot re-initialise a running sandbox");
		return -1;
	}
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOOOOOOO$p:Sandbox", kwlist,
	                                 &a, &jail, &owner, &group, &io[0],
	                                 &io[1], &io[2], &quota, &policy, &check))
		return -1;
	/* __init__ again on a sandbox that ran: a new configuration, checked
	 * like the first (a finished sandbox_t refuses sandbox_check()). */
	if (self->sb && sandbox_status(self->sb) == S_STATUS_FIN) {
		int rc = sandbox_reset(self->sb);
		if (rc < 0)
			return sbpy_erri(rc, "cannot reset the sandbox", NULL);
		self->ran = false;
	}
	if (check_policy_type(policy) < 0 || load_args(self, a) < 0)
		return -1;
	if (jail && jail != Py_None && load_jail(self, jail) < 0)
		return -1;
	unsigned uid = self->uid, gid = self->gid;
	if ((owner && owner != Py_None && load_id(owner, true, &uid) < 0) ||
	    (group && group != Py_None && load_id(group, false, &gid) < 0))
		return -1;
	if (getuid() != 0 && (uid != getuid() || gid != getgid())) {
		PyErr_SetString(PyExc_AssertionError,
		                uid != getuid() ? "only super-user can setuid"
		                                : "only super-user can setgid");
		return -1;
	}
	if (uid != self->uid || gid != self->gid ||
	    uid != getuid() || gid != getgid()) {
		gid_t groups[1] = { gid };
		int rc = sandbox_set_credentials(self->sb, uid, gid, groups, 1);
		if (rc < 0)
			return sbpy_erri(rc, "cannot set owner/group", NULL);
	}
	self->uid = uid;
	self->gid = gid;
	for (int i = 0; i < 3; i++)
		if (io[i] && io[i] != Py_None && load_stream(self, i, io[i]) < 0)
			return -1;
	if (quota && quota != Py_None && load_quota(self, quota) < 0)
		return -1;
	if (policy ? sbpy_install_policy(self, policy)
	           : !self->policy ? sbpy_install_policy(self, NULL) : 0)
		return -1;
	if (check && initial_check(self) < 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- run */

/* A classic policy is asked how the run ended, as pysandbox asked it:
 * the program's exit when it exited on its own (OK, AT), the quota that
 * ended it (ML, OL, TL), the supervisor's error (IE, not interrupted). */
static void deliver_end(SbSandbox *self)
{
	sandbox_stat_t st;
	int event = -1;
	long data = 0;

	if (sandbox_get_stat(self->sb, &st, sizeof(st)) < 0)
		return;
	switch (st.result) {
	case S_RESULT_OK:
	case S_RESULT_AT:
		event = S_EVENT_EXIT;
		data = st.exit_code;
		break;
	case S_RESULT_ML:
	case S_RESULT_OL:
	case S_RESULT_TL:
		if (st.quota_exceeded >= 0) {
			event = S_EVENT_QUOTA;
			data = st.quota_exceeded;
		}
		break;
	case S_RESULT_IE:
		if (!st.interrupted && self->lib_errno) {
			event = S_EVENT_ERROR;
			data = self->lib_errno;
		}
		break;
	default:
		break;
	}
	if (event < 0)
		return;
	self->in_exit_event = true;
	sbpy_deliver_end(self, event, data);
	self->in_exit_event = false;
}

static int plain_execute(SbSandbox *self, void *unused)
{
	(void)unused;
	return sandbox_execute(self->sb);
}

int sbpy_do_run(SbSandbox *self, bool *raised,
                int (*execute)(SbSandbox *self, void *arg), void *arg)
{
	struct sbpy_run run = { .self = self, .outer = current_run };
	unsigned since = sbpy_interrupt_prepare();
	int rc;

	*raised = true;
	if (sbpy_ready(self) < 0 || sbpy_stream_check(self) < 0 ||
	    sbpy_refresh_policy(self) < 0)
		return -1;
	if ((rc = sandbox_reset(self->sb)) < 0) {
		sbpy_err(rc, "cannot reset the sandbox", NULL);
		return -1;
	}
	Py_CLEAR(self->policy_error);
	Py_CLEAR(self->policy_tb);
	Py_CLEAR(self->hook_error);
	Py_CLEAR(self->pending);
	self->result_override = -1;
	self->last_signal = 0;
	self->last_sig_code = 0;
	self->lib_errno = 0;
	self->have_last_sc = false;
	self->pid = 0;
	for (int i = 1; i < 3; i++)
		sbpy_capture_clear(&self->cap[i]);

	Py_INCREF(self);
	PyObject *policy = self->policy;
	Py_XINCREF(policy);
	sbpy_policy_busy(policy, 1);
	self->running = true;
	self->tracer_ident = PyThread_get_thread_ident();
	current_run = &run;
	sbpy_interrupt_window();
	sbpy_interrupt_enter(self->sb, since);
	/* Signals are checked only now that the run is in the handler's
	 * table: one that came before our handler was in place only set
	 * Python's flag (a ^C just before run() would otherwise leave the run
	 * going to its end), one after it ends the run, in any thread. Raised
	 * here (the main thread), no program was started. */
	bool started = PyErr_CheckSignals() == 0;
	if (started) {
		run.ts = PyEval_SaveThread();
		rc = execute(self, arg);
		PyEval_RestoreThread(run.ts);
	}

	sbpy_interrupt_leave(self->sb);
	current_run = run.outer;
	self->running = false;
	sbpy_policy_busy(policy, -1);
	Py_XDECREF(policy);
	if (!started) {
		Py_DECREF(self);
		return -1;
	}
	self->ran = true;
	self->exec_rc = rc;

	if (rc == 0 && self->classic_policy && !self->policy_error &&
	    !self->pending)
		deliver_end(self);
	if (self->pending) {
		PyObject *p = self->pending;
		self->pending = NULL;
		sbpy_raise_exception(p);
		Py_DECREF(self);
		return -1;
	}
	Py_DECREF(self);
	if (PyErr_CheckSignals() < 0)
		return -1;
	*raised = false;
	return rc;
}

static PyObject *sandbox_run(SbSandbox *self, PyObject *unused)
{
	bool raised;
	int rc = sbpy_do_run(self, &raised, plain_execute, NULL);
	if (raised)
		return NULL;
	if (rc < 0) {
		const char *step = sandbox_failed_step(self->sb);
		return sbpy_err(rc, "cannot run the program", step);
	}
	Py_RETURN_NONE;
}

static PyObject *sandbox_execute_m(SbSandbox *self, PyObject *unused)
{
	bool raised;
	int rc = sbpy_do_run(self, &raised, plain_execute, NULL);
	if (raised)
		return NULL;
	return PyLong_FromLong(rc);
}

static PyObject *sandbox_interrupt_m(SbSandbox *self, PyObject *args)
{
	int sig = SIGINT;
	if (!PyArg_ParseTuple(args, "|i:interrupt", &sig))
		return NULL;
	if (!self->sb)
		Py_RETURN_NONE;
	int rc = sandbox_interrupt(self->sb, sig);
	if (rc < 0)
		return sbpy_err(rc, "interrupt", NULL);
	Py_RETURN_NONE;
}

/* ---------------------------------------------------------------- probe */

static PyObject *ms(int64_t us)
{
	return PyLong_FromLongLong(us < 0 ? -1 : us / 1000);
}

static PyObject *kb(int64_t b)
{
	return PyLong_FromLongLong(b < 0 ? -1 : b / 1024);
}

static int put(PyObject *d, const char *k, PyObject *v)
{
	if (!v)
		return -1;
	int rc = PyDict_SetItemString(d, k, v);
	Py_DECREF(v);
	return rc;
}

static int put_item(PyObject *d, const char *k, PyObject *t, Py_ssize_t i)
{
	PyObject *v = PyTuple_GET_ITEM(t, i);
	Py_INCREF(v);
	return put(d, k, v);
}

/* 0.3.5's signal_info[1], the si_code: of the killing signal when the
 * tracer delivered it (None for one it never saw: SIGKILL), else of the
 * last signal a Python policy was asked about, 0 when there was none. */
static PyObject *signal_code(const SbSandbox *self, const sandbox_stat_t *st)
{
	if (st->signal > 0 && !st->has_signal_code)
		Py_RETURN_NONE;
	if (st->signal > 0)
		return PyLong_FromLong(st->signal_code);
	return PyLong_FromLong(self->last_signal ? self->last_sig_code : 0);
}

static PyObject *sbox_probe(SbSandbox *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "compatible", NULL };
	int compat = 1;
	sandbox_stat_t st;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:probe", kwlist, &compat))
		return NULL;
	if (!self->sb || (!self->ran && !self->running)) {
		PyErr_SetString(PyExc_AssertionError,
		                "cannot probe a sandbox that is not started");
		return NULL;
	}
	if (self->running)
		memset(&st, 0xff, sizeof(st)); /* figures unknown until the end */
	else
		sandbox_get_stat(self->sb, &st, sizeof(st));
	if (self->running) {
		st.signal = 0;
		st.has_syscall = false;
	}
	int sig = st.signal > 0 ? st.signal : self->last_signal;
	long scnr = -1;
	int scabi = -1;
	if (!self->running && st.has_syscall) {
		scnr = st.syscall.nr;
		scabi = st.syscall.abi;
	} else if (self->have_last_sc) {
		scnr = self->last_sc_nr;
		scabi = self->last_sc_abi;
	}
	PyObject *d = PyDict_New();
	PyObject *cpu = Py_BuildValue("(NNNi)", ms(st.cpu_time_us),
	                              ms(st.user_time_us), ms(st.sys_time_us), -1);
	PyObject *mem = Py_BuildValue("(iNiNLL)", -1, kb(st.vm_peak), -1,
	                              kb(st.rss_peak), (long long)st.minor_faults,
	                              (long long)st.major_faults);
	if (!d || !cpu || !mem ||
	    put(d, "elapsed", ms(st.wall_time_us)) < 0 ||
	    PyDict_SetItemString(d, "cpu_info", cpu) < 0 ||
	    PyDict_SetItemString(d, "mem_info", mem) < 0 ||
	    put(d, "signal_info",
	        Py_BuildValue("(iN)", sig, signal_code(self, &st))) < 0 ||
	    put(d, "syscall_info", Py_BuildValue("(li)", scnr, scabi)) < 0 ||
	    put(d, "exitcode", PyLong_FromLong(self->running ? -1 : st.exit_code)) < 0)
		goto fail;
	if (compat &&
	    (put_item(d, "cpu", cpu, 0) < 0 || put_item(d, "cpu.usr", cpu, 1) < 0 ||
	     put_item(d, "cpu.sys", cpu, 2) < 0 || put_item(d, "cpu.tsc", cpu, 3) < 0 ||
	     put_item(d, "mem.vsize", mem, 1) < 0 || put_item(d, "mem.rss", mem, 3) < 0 ||
	     put_item(d, "mem.minflt", mem, 4) < 0 ||
	     put_item(d, "mem.majflt", mem, 5) < 0 ||
	     put(d, "signal", PyLong_FromLong(sig)) < 0 ||
	     put(d, "syscall", PyLong_FromLong(scnr)) < 0))
		goto fail;
	Py_DECREF(cpu);
	Py_DECREF(mem);
	return d;
fail:
	Py_XDECREF(d);
	Py_XDECREF(cpu);
	Py_XDECREF(mem);
	return NULL;
}

/* ---------------------------------------------------------------- memory */

static int in_callback(SbSandbox *self)
{
	if (!self->sb || !self->in_callback ||
	    self->tracer_ident != PyThread_get_thread_ident()) {
		PyErr_SetString(PyExc_AssertionError,
		                "cannot dump a sandbox unless it is blocked (only "
		                "from its policy, during the callback)");
		return -1;
	}
	return 0;
}

/* The string at addr, or NULL with *rc (-EFAULT, -ENAMETOOLONG, ...). */
static PyObject *read_str(SbSandbox *self, uint64_t addr, size_t max, int *rc)
{
	size_t len = 256;
	for (;;) {
		if (len > max)
			len = max;
		char *buf = PyMem_Malloc(len);
		if (!buf) {
			*rc = 0;
			return PyErr_NoMemory();
		}
		ssize_t n = sandbox_read_string(self->sb, addr, buf, len);
		if (n >= 0) {
			PyObject *b = PyBytes_FromStringAndSize(buf, n);
			PyMem_Free(buf);
			return b;
		}
		PyMem_Free(buf);
		if (n != -ENAMETOOLONG || len >= max) {
			*rc = (int)n;
			return NULL;
		}
		len *= 4;
	}
}

static PyObject *sandbox_dump(SbSandbox *self, PyObject *args)
{
	int type;
	unsigned long long addr;
	PyObject *addro;
	union {
		int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32;
		uint32_t u32; int64_t i64; uint64_t u64; float f; double d;
	} w;
	static const signed char size[] = {
		[SBPY_T_SHORT] = 2, [SBPY_T_INT] = 4, [SBPY_T_LONG] = 8,
		[SBPY_T_FLOAT] = 4, [SBPY_T_DOUBLE] = 8, [SBPY_T_CHAR] = 1,
		[SBPY_T_BYTE] = 1, [SBPY_T_UBYTE] = 1, [SBPY_T_USHORT] = 2,
		[SBPY_T_UINT] = 4, [SBPY_T_ULONG] = 8,
	};

	if (!PyArg_ParseTuple(args, "iO!:dump", &type, &PyLong_Type, &addro) ||
	    in_callback(self) < 0)
		return NULL;
	addr = PyLong_AsUnsignedLongLong(addro);
	if (addr == (unsigned long long)-1 && PyErr_Occurred())
		return NULL;
	if (type == SBPY_T_STRING) {
		int rc = 0;
		PyObject *s = read_str(self, addr, SBPY_STRING_MAX, &rc);
		if (s || rc == 0)
			return s;
		if (rc == -EFAULT || rc == -EIO || rc == -ENAMETOOLONG)
			Py_RETURN_NONE; /* invalid address (or no end in sight) */
		return sbpy_err(rc, "failed to dump the sandbox", NULL);
	}
	if (type < 0 || type >= (int)sizeof(size) || size[type] == 0) {
		PyErr_SetString(PyExc_TypeError, "typeid is invalid for dump");
		return NULL;
	}
	memset(&w, 0, sizeof(w));
	ssize_t n = sandbox_read_memory(self->sb, addr, &w, (size_t)size[type]);
	if (n == -EFAULT || n == -EIO || (n >= 0 && n < size[type]))
		Py_RETURN_NONE;
	if (n < 0)
		return sbpy_err((int)n, "failed to dump the sandbox", NULL);
	switch (type) {
	case SBPY_T_CHAR: case SBPY_T_BYTE: return PyLong_FromLong(w.i8);
	case SBPY_T_UBYTE: return PyLong_FromLong(w.u8);
	case SBPY_T_SHORT: return PyLong_FromLong(w.i16);
	case SBPY_T_USHORT: return PyLong_FromLong(w.u16);
	case SBPY_T_INT: return PyLong_FromLong(w.i32);
	case SBPY_T_UINT: return PyLong_FromUnsignedLong(w.u32);
	case SBPY_T_LONG: return PyLong_FromLongLong(w.i64);
	case SBPY_T_ULONG: return PyLong_FromUnsignedLongLong(w.u64);
	case SBPY_T_FLOAT: return PyFloat_FromDouble(w.f);
	default: return PyFloat_FromDouble(w.d);
	}
}

static PyObject *sandbox_read_memory_m(SbSandbox *self, PyObject *args)
{
	unsigned long long addr;
	Py_ssize_t len;
	if (!PyArg_ParseTuple(args, "Kn:read_memory", &addr, &len) ||
	    in_callback(self) < 0)
		return NULL;
	if (len < 0 || (size_t)len > SBPY_READ_MAX) {
		PyErr_Format(PyExc_ValueError, "size must be 0..%u", SBPY_READ_MAX);
		return NULL;
	}
	PyObject *b = PyBytes_FromStringAndSize(NULL, len);
	if (!b)
		return NULL;
	ssize_t n = sandbox_read_memory(self->sb, addr, PyBytes_AS_STRING(b),
	                                (size_t)len);
	if (n < 0) {
		Py_DECREF(b);
		return sbpy_err((int)n, "read_memory", NULL);
	}
	if (n < len)
		_PyBytes_Resize(&b, n);
	return b;
}

static PyObject *sandbox_read_string_m(SbSandbox *self, PyObject *args,
                                       PyObject *kw)
{
	static char *kwlist[] = { "address", "max", NULL };
	unsigned long long addr;
	Py_ssize_t max = 4096;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "K|n:read_string", kwlist,
	                                 &addr, &max) ||
	    in_callback(self) < 0)
		return NULL;
	if (max < 1 || (size_t)max > SBPY_STRING_MAX) {
		PyErr_Format(PyExc_ValueError, "max must be 1..%u", SBPY_STRING_MAX);
		return NULL;
	}
	int rc = 0;
	PyObject *s = read_str(self, addr, (size_t)max, &rc);
	if (!s && rc)
		return sbpy_err(rc, "read_string", NULL);
	return s;
}

/* ---------------------------------------------------------------- attributes */

static PyObject *get_obj(PyObject *o)
{
	if (!o)
		Py_RETURN_NONE;
	Py_INCREF(o);
	return o;
}

static PyObject *sandbox_get_task(SbSandbox *self, void *c)
{
	return get_obj(self->task);
}

static PyObject *sandbox_get_jail(SbSandbox *self, void *c)
{
	return get_obj(self->jail);
}

static PyObject *sandbox_get_quota(SbSandbox *self, void *c)
{
	return Py_BuildValue("(KKKK)", (unsigned long long)self->quota[0],
	                     (unsigned long long)self->quota[1],
	                     (unsigned long long)self->quota[2],
	                     (unsigned long long)self->quota[3]);
}

/* Beyond pysandbox's four: the stack limit (S_QUOTA_STACK). */
static PyObject *sandbox_get_stack_quota(SbSandbox *self, void *c)
{
	return PyLong_FromUnsignedLongLong(self->quota[S_QUOTA_STACK]);
}

/* The task quota (S_QUOTA_TASKS). */
static PyObject *sandbox_get_tasks_quota(SbSandbox *self, void *c)
{
	return PyLong_FromUnsignedLongLong(self->quota[S_QUOTA_TASKS]);
}

static PyObject *default_policy_obj;

static PyObject *sandbox_get_policy(SbSandbox *self, void *c)
{
	if (!self->policy) {
		if (!default_policy_obj &&
		    !(default_policy_obj = PyObject_CallNoArgs((PyObject *)&SbClassicPolicy_Type)))
			return NULL;
		return get_obj(default_policy_obj);
	}
	return get_obj(self->policy);
}

static int sandbox_set_policy_attr(SbSandbox *self, PyObject *v, void *c)
{
	if (!v) {
		PyErr_SetString(PyExc_AssertionError, "policy should not be deleted");
		return -1;
	}
	if (self->running) {
		PyErr_SetString(PyExc_AssertionError,
		                "cannot change policy when the sandboxed program is "
		                "running");
		return -1;
	}
	if (check_policy_type(v) < 0)
		return -1;
	if (!self->sb) {
		PyErr_SetString(PyExc_AssertionError,
		                "the sandbox has no program yet (call __init__)");
		return -1;
	}
	int was_ready = sandbox_status(self->sb) == S_STATUS_RDY;
	if (sbpy_install_policy(self, v) < 0)
		return -1;
	/* pysandbox kept the status: check again (cheap, the filter is
	 * cached); a failure is reported by run(). */
	if (was_ready)
		(void)sandbox_check(self->sb);
	return 0;
}

static PyObject *sandbox_get_status(SbSandbox *self, void *c)
{
	if (self->in_exit_event)
		return PyLong_FromLong(S_STATUS_BLK);
	if (self->running)
		return PyLong_FromLong(self->in_callback ? S_STATUS_BLK : S_STATUS_EXE);
	return PyLong_FromLong(self->sb ? sandbox_status(self->sb) : S_STATUS_PRE);
}

static PyObject *sandbox_get_result(SbSandbox *self, void *c)
{
	if (self->running || !self->sb)
		return PyLong_FromLong(S_RESULT_PD);
	if (self->result_override >= 0 && self->exec_rc == 0)
		return PyLong_FromLong(self->result_override);
	return PyLong_FromLong(sandbox_result(self->sb));
}

static PyObject *sandbox_get_pid(SbSandbox *self, void *c)
{
	if ((!self->running && !self->in_exit_event) || self->pid <= 0)
		Py_RETURN_NONE;
	return PyLong_FromLong(self->pid);
}

static PyObject *sandbox_get_owner(SbSandbox *self, void *c)
{
	return PyLong_FromUnsignedLong(self->uid);
}

static PyObject *sandbox_get_group(SbSandbox *self, void *c)
{
	return PyLong_FromUnsignedLong(self->gid);
}

static PyObject *sandbox_get_policy_error(SbSandbox *self, void *c)
{
	return get_obj(self->policy_error);
}

static PyObject *sandbox_get_policy_tb(SbSandbox *self, void *c)
{
	return get_obj(self->policy_tb);
}

static PyObject *sandbox_get_hook_error(SbSandbox *self, void *c)
{
	return get_obj(self->hook_error);
}

static PyObject *sandbox_get_running(SbSandbox *self, void *c)
{
	return PyBool_FromLong(self->running);
}

static PyGetSetDef sandbox_getset[] = {
	{ "task", (getter)sandbox_get_task, NULL,
	  "command line (tuple of str) of the sandboxed program", NULL },
	{ "jail", (getter)sandbox_get_jail, NULL,
	  "chroot jail path (str) of the sandboxed program", NULL },
	{ "stack_quota", (getter)sandbox_get_stack_quota, NULL,
	  "the stack limit in bytes (quota key \"stack\"), or SANDBOX_UNLIMITED "
	  "(under a memory quota: unlimited within it)", NULL },
	{ "tasks_quota", (getter)sandbox_get_tasks_quota, NULL,
	  "tasks (threads and processes) alive at once (quota key \"tasks\"), "
	  "or SANDBOX_UNLIMITED", NULL },
	{ "quota", (getter)sandbox_get_quota, NULL,
	  "quotas (wallclock ms, cpu ms, memory bytes, disk bytes); "
	  "unlimited is 2**64-1", NULL },
	{ "policy", (getter)sandbox_get_policy, (setter)sandbox_set_policy_attr,
	  "the policy (a SandboxPolicy, or a Policy)", NULL },
	{ "status", (getter)sandbox_get_status, NULL,
	  "life-cycle status, one of S_STATUS_*", NULL },
	{ "result", (getter)sandbox_get_result, NULL,
	  "verdict on the program, one of S_RESULT_*", NULL },
	{ "pid", (getter)sandbox_get_pid, NULL,
	  "pid of the program while it runs (known from its first policy "
	  "event), else None", NULL },
	{ "owner", (getter)sandbox_get_owner, NULL,
	  "user id the program runs as", NULL },
	{ "group", (getter)sandbox_get_group, NULL,
	  "group id the program runs as", NULL },
	{ "policy_error", (getter)sandbox_get_policy_error, NULL,
	  "the exception a Python policy raised or caused in the last run "
	  "(verdict BP), or None", NULL },
	{ "policy_traceback", (getter)sandbox_get_policy_tb, NULL,
	  "policy_error's traceback as text, or None", NULL },
	{ "hook_error", (getter)sandbox_get_hook_error, NULL,
	  "the exception the event hook raised in the last run, or None", NULL },
	{ "running", (getter)sandbox_get_running, NULL,
	  "True while run() is in progress", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyMethodDef sandbox_methods[] = {
	{ "run", (PyCFunction)sandbox_run, METH_NOARGS,
	  "run()\n\nExecute the program and block until it is finished. A\n"
	  "finished sandbox runs again from the start. Raises SandboxError\n"
	  "when the program could not be started (no verdict)." },
	{ "execute", (PyCFunction)sandbox_execute_m, METH_NOARGS,
	  "execute() -> int\n\nLike run(), but returns 0 (a verdict) or the\n"
	  "negative errno of sandbox_execute() instead of raising." },
	{ "interrupt", (PyCFunction)sandbox_interrupt_m, METH_VARARGS,
	  "interrupt(signo=SIGINT)\n\nEnd a run in progress from any thread:\n"
	  "the program is killed, the result is IE." },
	{ "probe", (PyCFunction)(void (*)(void))sbox_probe,
	  METH_VARARGS | METH_KEYWORDS,
	  "probe(compatible=True) -> dict\n\n"
	  "Statistics as pysandbox reported them: cpu_info (cpu, user, sys\n"
	  "in ms, tsc), mem_info (vsize, vsize peak, rss, rss peak in kB,\n"
	  "minor and major faults), signal_info (signal, code), syscall_info\n"
	  "(number, ABI), elapsed (ms), exitcode; with compatible also cpu,\n"
	  "cpu.usr, cpu.sys, cpu.tsc, mem.vsize, mem.rss, mem.minflt,\n"
	  "mem.majflt, signal, syscall. Unknown figures are -1 (None for the\n"
	  "signal code, which the library does not report)." },
	{ "dump", (PyCFunction)sandbox_dump, METH_VARARGS,
	  "dump(typeid, address) -> int, float, bytes or None\n\n"
	  "Read a T_* value from the program's memory, from its policy during\n"
	  "a callback. None when the address is invalid (or a T_STRING has no\n"
	  "NUL within 1 MiB); AssertionError outside a callback; TypeError\n"
	  "for an unknown typeid." },
	{ "read_memory", (PyCFunction)sandbox_read_memory_m, METH_VARARGS,
	  "read_memory(address, size) -> bytes (during a callback; may be\n"
	  "short at the end of a mapping; at most 16 MiB)" },
	{ "read_string", (PyCFunction)(void (*)(void))sandbox_read_string_m,
	  METH_VARARGS | METH_KEYWORDS,
	  "read_string(address, max=4096) -> bytes (during a callback)" },
	{ NULL, NULL, 0, NULL },
};

/* The full method table: sandbox_methods, then config.c's, report.c's
 * and interact.c's. */
static PyMethodDef *all_methods(void)
{
	static PyMethodDef *all;
	if (all)
		return all;
	size_t n = 0, k = 0;
	const PyMethodDef *parts[] = { sandbox_methods, sbpy_config_methods,
	                               sbpy_report_methods,
	                               sbpy_interact_methods };
	const size_t nparts = sizeof(parts) / sizeof(parts[0]);
	for (size_t p = 0; p < nparts; p++)
		for (const PyMethodDef *m = parts[p]; m->ml_name; m++)
			n++;
	all = PyMem_RawCalloc(n + 1, sizeof(*all));
	if (!all)
		return NULL;
	for (size_t p = 0; p < nparts; p++)
		for (const PyMethodDef *m = parts[p]; m->ml_name; m++)
			all[k++] = *m;
	return all;
}

PyTypeObject SbSandbox_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "sandbox.Sandbox",
	.tp_basicsize = sizeof(SbSandbox),
	.tp_dealloc = (destructor)sandbox_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.tp_doc =
	"Sandbox(args, jail='/', owner=None, group=None, stdin=None,\n"
	"        stdout=None, stderr=None, quota=None, policy=None, *,\n"
	"        check=True)\n\n"
	"One sandboxed program (the classic pysandbox interface).\n"
	"args: the command line (str or sequence of str, argv[0] a path);\n"
	"jail: chroot directory (root only); owner/group: user and group\n"
	"(name or id, root only); stdin/stdout/stderr: file objects or file\n"
	"descriptors; quota: dict(wallclock=ms, cpu=ms, memory=bytes,\n"
	"disk=bytes) or a sequence in that order; policy: a SandboxPolicy\n"
	"(or a Policy). The program is checked at once (ValueError when it\n"
	"is missing or not executable) unless check=False.",
	.tp_traverse = (traverseproc)sandbox_traverse,
	.tp_clear = (inquiry)sandbox_clear,
	.tp_weaklistoffset = offsetof(SbSandbox, weakrefs),
	.tp_getset = sandbox_getset,
	.tp_init = (initproc)sandbox_init,
	.tp_new = sandbox_new_obj,
};

int sbpy_sandbox_type_ready(void)
{
	if (!(SbSandbox_Type.tp_methods = all_methods())) {
		PyErr_NoMemory();
		return -1;
	}
	return PyType_Ready(&SbSandbox_Type);
}
