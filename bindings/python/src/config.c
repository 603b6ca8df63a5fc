/*
 * Sandbox methods over the setters of sandbox.h that the classic
 * constructor does not cover: environment, streams, modes, isolation,
 * cgroups, rlimits, diagnostics, output capture. Each is a thin wrapper:
 * argument conversion, the library call, its error as SandboxError.
 */
#include "sbpy.h"

#include <errno.h>

#define READY(self) do { if (sbpy_ready(self) < 0) return NULL; } while (0)

static PyObject *done(int rc, const char *what)
{
	if (rc < 0)
		return sbpy_err(rc, what, NULL);
	Py_RETURN_NONE;
}

/* str/PathLike or None -> bytes or NULL (None); -1 on error */
static int opt_path(PyObject *o, PyObject **b)
{
	*b = NULL;
	if (!o || o == Py_None)
		return 0;
	return (*b = sbpy_fsbytes(o)) ? 0 : -1;
}

static PyObject *with_strv(SbSandbox *self, PyObject *o, const char *what,
                           int (*fn)(sandbox_t *, const char *const[]))
{
	PyObject *keep = NULL;
	const char **v = NULL;
	READY(self);
	if (o != Py_None && !(v = sbpy_strv(o, &keep, true, what)))
		return NULL;
	int rc = fn(self->sb, v);
	PyMem_Free(v);
	Py_XDECREF(keep);
	return done(rc, what);
}

static PyObject *m_set_env(SbSandbox *self, PyObject *o)
{
	if (PyDict_Check(o)) {
		/* {"NAME": "value"} -> ["NAME=value"] */
		PyObject *l = PyList_New(0), *k, *v;
		Py_ssize_t pos = 0;
		while (l && PyDict_Next(o, &pos, &k, &v)) {
			PyObject *kv = PyUnicode_FromFormat("%S=%S", k, v);
			if (!kv || PyList_Append(l, kv) < 0) {
				Py_XDECREF(kv);
				Py_CLEAR(l);
				break;
			}
			Py_DECREF(kv);
		}
		if (!l)
			return NULL;
		PyObject *r = with_strv(self, l, "env", sandbox_set_env);
		Py_DECREF(l);
		return r;
	}
	return with_strv(self, o, "env", sandbox_set_env);
}

static PyObject *m_set_env_pass(SbSandbox *self, PyObject *o)
{
	return with_strv(self, o, "env_pass", sandbox_set_env_pass);
}

static PyObject *m_set_env_strip(SbSandbox *self, PyObject *o)
{
	return with_strv(self, o, "env_strip", sandbox_set_env_strip);
}

static PyObject *m_set_argv(SbSandbox *self, PyObject *o)
{
	PyObject *keep = NULL;
	const char **v;
	READY(self);
	if (!(v = sbpy_strv(o, &keep, false, "argv")))
		return NULL;
	int rc = sandbox_set_argv(self->sb, v);
	PyMem_Free(v);
	if (rc == 0) {
		PyObject *t = sbpy_str_tuple(keep);
		if (!t) {
			Py_DECREF(keep);
			return NULL;
		}
		Py_XSETREF(self->task, t);
	}
	Py_DECREF(keep);
	return done(rc, "argv");
}

typedef int (*bool_setter)(sandbox_t *, bool);

static PyObject *with_bool(SbSandbox *self, PyObject *o, bool_setter fn,
                           const char *what)
{
	READY(self);
	int on = PyObject_IsTrue(o);
	if (on < 0)
		return NULL;
	return done(fn(self->sb, on != 0), what);
}

static PyObject *m_set_env_inherit(SbSandbox *self, PyObject *o)
{
	return with_bool(self, o, sandbox_set_env_inherit, "env_inherit");
}

static PyObject *m_set_best_effort(SbSandbox *self, PyObject *o)
{
	return with_bool(self, o, sandbox_set_best_effort, "best_effort");
}

static PyObject *m_set_drop_caps(SbSandbox *self, PyObject *o)
{
	return with_bool(self, o, sandbox_set_drop_caps, "drop_caps");
}

typedef int (*path_setter)(sandbox_t *, const char *);

static PyObject *with_path(SbSandbox *self, PyObject *o, path_setter fn,
                           const char *what)
{
	PyObject *b;
	READY(self);
	if (opt_path(o, &b) < 0)
		return NULL;
	int rc = fn(self->sb, b ? PyBytes_AS_STRING(b) : NULL);
	Py_XDECREF(b);
	return done(rc, what);
}

static PyObject *m_set_workdir(SbSandbox *self, PyObject *o)
{
	return with_path(self, o, sandbox_set_workdir, "workdir");
}

static PyObject *m_set_hostname(SbSandbox *self, PyObject *o)
{
	return with_path(self, o, sandbox_set_hostname, "hostname");
}

static PyObject *m_set_cgroup_parent(SbSandbox *self, PyObject *o)
{
	return with_path(self, o, sandbox_set_cgroup_parent, "cgroup_parent");
}

static PyObject *m_set_cpus(SbSandbox *self, PyObject *o)
{
	return with_path(self, o, sandbox_set_cpus, "cpus");
}

static PyObject *m_set_chroot(SbSandbox *self, PyObject *o)
{
	PyObject *r = with_path(self, o, sandbox_set_chroot, "chroot");
	if (r) {
		PyObject *j = o == Py_None ? PyUnicode_FromString("/")
		                           : PyOS_FSPath(o);
		if (j && PyBytes_Check(j))
			Py_SETREF(j, PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(j)));
		if (!j) {
			Py_DECREF(r);
			return NULL;
		}
		Py_XSETREF(self->jail, j);
	}
	return r;
}

static PyObject *m_set_credentials(SbSandbox *self, PyObject *args,
                                   PyObject *kw)
{
	static char *kwlist[] = { "uid", "gid", "groups", NULL };
	PyObject *uo = Py_None, *go = Py_None, *groups = NULL;
	unsigned uid, gid;
	gid_t gv[64];
	size_t ng = 0;
	READY(self);
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOO:set_credentials", kwlist,
	                                 &uo, &go, &groups) ||
	    sbpy_id(uo, true, &uid, "uid") < 0 ||
	    sbpy_id(go, true, &gid, "gid") < 0)
		return NULL;
	if (groups && groups != Py_None) {
		PyObject *seq = PySequence_Fast(groups, "groups must be a sequence");
		if (!seq)
			return NULL;
		Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
		if (n > 64) {
			Py_DECREF(seq);
			PyErr_SetString(PyExc_ValueError, "at most 64 groups");
			return NULL;
		}
		for (Py_ssize_t i = 0; i < n; i++) {
			unsigned g;
			if (sbpy_id(PySequence_Fast_GET_ITEM(seq, i), false, &g,
			            "group") < 0) {
				Py_DECREF(seq);
				return NULL;
			}
			gv[ng++] = (gid_t)g;
		}
		Py_DECREF(seq);
	}
	int rc = sandbox_set_credentials(self->sb, (uid_t)uid, (gid_t)gid,
	                                 ng ? gv : NULL, ng);
	if (rc == 0) {
		if (uid != (unsigned)-1)
			self->uid = (uid_t)uid;
		if (gid != (unsigned)-1)
			self->gid = (gid_t)gid;
	}
	return done(rc, "credentials");
}

/* set_stdio(which, f): a file object or an fd (kept alive), or None. */
static PyObject *m_set_stdio(SbSandbox *self, PyObject *args)
{
	int which;
	PyObject *o;
	READY(self);
	if (!PyArg_ParseTuple(args, "iO:set_stdio", &which, &o))
		return NULL;
	if (which < 0 || which > 2) {
		PyErr_SetString(PyExc_ValueError, "stream must be 0, 1 or 2");
		return NULL;
	}
	int fd = -1;
	if (o != Py_None && (fd = PyObject_AsFileDescriptor(o)) < 0)
		return NULL;
	struct sbpy_stream_file was = self->stream_file[which];
	if (sbpy_stream_note(self, which, fd) < 0)
		return NULL;
	int rc = sandbox_set_stdio_fd(self->sb, which, fd);
	if (rc < 0)
		self->stream_file[which] = was;
	if (rc == 0) {
		Py_XINCREF(o == Py_None ? NULL : o);
		Py_XSETREF(self->streams[which], o == Py_None ? NULL : o);
	}
	return done(rc, "stdio");
}

static PyObject *m_set_stdio_path(SbSandbox *self, PyObject *args,
                                  PyObject *kw)
{
	static char *kwlist[] = { "which", "path", "append", NULL };
	int which, append = 0;
	PyObject *path, *b;
	READY(self);
	if (!PyArg_ParseTupleAndKeywords(args, kw, "iO|p:set_stdio_path", kwlist,
	                                 &which, &path, &append) ||
	    !(b = sbpy_fsbytes(path)))
		return NULL;
	int rc = sandbox_set_stdio_path(self->sb, which, PyBytes_AS_STRING(b),
	                                append != 0);
	Py_DECREF(b);
	if (rc == 0 && which >= 0 && which <= 2) {
		self->stream_file[which].fd = -1;
		Py_CLEAR(self->streams[which]);
	}
	return done(rc, "stdio_path");
}

static PyObject *m_set_quota(SbSandbox *self, PyObject *args)
{
	int q;
	PyObject *v;
	uint64_t val;
	READY(self);
	if (!PyArg_ParseTuple(args, "iO:set_quota", &q, &v) ||
	    sbpy_u64(v, &val, "quota") < 0)
		return NULL;
	int rc = sandbox_set_quota(self->sb, q, val);
	if (rc == 0)
		self->quota[q] = val;
	return done(rc, "quota");
}

/* The configuration set again as it is (one setter, the wall quota to
 * its own value): what the library built for it -- the checked program,
 * the Landlock ruleset -- is built anew at the next run, as for a new
 * sandbox. sandbox.run() reuses sandboxes this way. */
static PyObject *m_renew(SbSandbox *self, PyObject *unused)
{
	READY(self);
	return done(sandbox_set_quota(self->sb, S_QUOTA_WALLCLOCK,
	                              self->quota[S_QUOTA_WALLCLOCK]), "renew");
}

typedef int (*int_setter)(sandbox_t *, int);

static PyObject *with_int(SbSandbox *self, PyObject *args, int_setter fn,
                          const char *what)
{
	int v;
	READY(self);
	if (!PyArg_ParseTuple(args, "i", &v))
		return NULL;
	return done(fn(self->sb, v), what);
}

static PyObject *m_set_memory_mode(SbSandbox *self, PyObject *args)
{
	return with_int(self, args, sandbox_set_memory_mode, "memory_mode");
}

static PyObject *m_set_affinity(SbSandbox *self, PyObject *args)
{
	return with_int(self, args, sandbox_set_affinity, "affinity");
}

static PyObject *m_set_cgroup_version(SbSandbox *self, PyObject *args)
{
	return with_int(self, args, sandbox_set_cgroup_version, "cgroup_version");
}

/* set_mode(mode): S_MODE_*, or None to let the policy choose (classic
 * mode for a classic Python policy, fast otherwise). */
static PyObject *m_set_mode(SbSandbox *self, PyObject *o)
{
	READY(self);
	int mode = -1;
	if (o != Py_None) {
		mode = (int)PyLong_AsLong(o);
		if (mode == -1 && PyErr_Occurred())
			return NULL;
		if (mode != S_MODE_FAST && mode != S_MODE_CLASSIC) {
			PyErr_Format(PyExc_ValueError, "bad mode %d", mode);
			return NULL;
		}
	}
	int old = self->mode;
	self->mode = mode;
	PyObject *p = self->policy;
	Py_XINCREF(p);
	int rc = sbpy_install_policy(self, p);
	Py_XDECREF(p);
	if (rc < 0) {
		self->mode = old;
		return NULL;
	}
	Py_RETURN_NONE;
}

static PyObject *m_set_policy(SbSandbox *self, PyObject *o)
{
	READY(self);
	if (o != Py_None && !PyObject_TypeCheck(o, &SbClassicPolicy_Type) &&
	    !PyObject_TypeCheck(o, &SbPolicy_Type)) {
		PyErr_SetString(PyExc_TypeError,
		                "policy should be a SandboxPolicy, a Policy or None");
		return NULL;
	}
	if (sbpy_install_policy(self, o == Py_None ? NULL : o) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyObject *m_set_sample_interval(SbSandbox *self, PyObject *args)
{
	unsigned us;
	READY(self);
	if (!PyArg_ParseTuple(args, "I:set_sample_interval", &us))
		return NULL;
	return done(sandbox_set_sample_interval(self->sb, us), "sample_interval");
}

static PyObject *m_set_namespaces(SbSandbox *self, PyObject *args)
{
	unsigned ns;
	READY(self);
	if (!PyArg_ParseTuple(args, "I:set_namespaces", &ns))
		return NULL;
	return done(sandbox_set_namespaces(self->sb, ns), "namespaces");
}

static PyObject *m_set_backtrace(SbSandbox *self, PyObject *args)
{
	unsigned when;
	READY(self);
	if (!PyArg_ParseTuple(args, "I:set_backtrace", &when))
		return NULL;
	return done(sandbox_set_backtrace(self->sb, when), "backtrace");
}

static PyObject *m_set_id_map(SbSandbox *self, PyObject *args)
{
	long iu = -1, ig = -1, ou = -1, og = -1;
	READY(self);
	if (!PyArg_ParseTuple(args, "|llll:set_id_map", &iu, &ig, &ou, &og))
		return NULL;
	return done(sandbox_set_id_map(self->sb, (uid_t)iu, (gid_t)ig, (uid_t)ou,
	                               (gid_t)og), "id_map");
}

static PyObject *m_set_rootfs(SbSandbox *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "dir", "writable", NULL };
	PyObject *dir, *b;
	int writable = 0;
	READY(self);
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p:set_rootfs", kwlist, &dir,
	                                 &writable) ||
	    opt_path(dir, &b) < 0)
		return NULL;
	int rc = sandbox_set_rootfs(self->sb, b ? PyBytes_AS_STRING(b) : NULL,
	                            writable != 0);
	Py_XDECREF(b);
	return done(rc, "rootfs");
}

static PyObject *m_add_dir(SbSandbox *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "inside", "outside", "mode", NULL };
	PyObject *in, *out = Py_None, *bi, *bo;
	int mode = S_DIR_RO;
	READY(self);
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|Oi:add_dir", kwlist, &in,
	                                 &out, &mode) ||
	    !(bi = sbpy_fsbytes(in)))
		return NULL;
	if (opt_path(out, &bo) < 0) {
		Py_DECREF(bi);
		return NULL;
	}
	int rc = sandbox_add_dir(self->sb, PyBytes_AS_STRING(bi),
	                         bo ? PyBytes_AS_STRING(bo) : NULL, mode);
	Py_DECREF(bi);
	Py_XDECREF(bo);
	return done(rc, "add_dir");
}

static PyObject *m_clear_dirs(SbSandbox *self, PyObject *unused)
{
	READY(self);
	return done(sandbox_clear_dirs(self->sb), "clear_dirs");
}

static PyObject *m_set_tmpfs_size(SbSandbox *self, PyObject *o)
{
	uint64_t v;
	READY(self);
	if (sbpy_u64(o, &v, "tmpfs_size") < 0)
		return NULL;
	return done(sandbox_set_tmpfs_size(self->sb, v), "tmpfs_size");
}

static PyObject *m_set_box(SbSandbox *self, PyObject *o)
{
	int on = PyObject_IsTrue(o);
	READY(self);
	if (on < 0)
		return NULL;
	return done(sandbox_set_box(self->sb, on != 0), "box");
}

/* box_copy_in(host, name) / box_copy_out(name, host) */
static PyObject *box_copy(SbSandbox *self, PyObject *args, bool out)
{
	PyObject *a, *b, *ba, *bb;
	READY(self);
	if (!PyArg_ParseTuple(args, out ? "OO:box_copy_out" : "OO:box_copy_in",
	                      &a, &b) ||
	    !(ba = sbpy_fsbytes(a)))
		return NULL;
	if (!(bb = sbpy_fsbytes(b))) {
		Py_DECREF(ba);
		return NULL;
	}
	int rc = out ? sandbox_box_copy_out(self->sb, PyBytes_AS_STRING(ba),
	                                    PyBytes_AS_STRING(bb))
	             : sandbox_box_copy_in(self->sb, PyBytes_AS_STRING(ba),
	                                   PyBytes_AS_STRING(bb));
	Py_DECREF(ba);
	Py_DECREF(bb);
	return done(rc, out ? "box_copy_out" : "box_copy_in");
}

static PyObject *m_box_copy_in(SbSandbox *self, PyObject *args)
{
	return box_copy(self, args, false);
}

static PyObject *m_box_copy_out(SbSandbox *self, PyObject *args)
{
	return box_copy(self, args, true);
}

static PyObject *m_box_clear_copies(SbSandbox *self, PyObject *unused)
{
	READY(self);
	return done(sandbox_box_clear_copies(self->sb), "box_clear_copies");
}

static PyObject *m_set_box_id(SbSandbox *self, PyObject *args)
{
	int id = -1;
	READY(self);
	if (!PyArg_ParseTuple(args, "i:set_box_id", &id))
		return NULL;
	return done(sandbox_set_box_id(self->sb, id), "box_id");
}

static PyObject *m_set_box_ids(SbSandbox *self, PyObject *args)
{
	unsigned long fu, fg;
	unsigned count;
	READY(self);
	if (!PyArg_ParseTuple(args, "kkI:set_box_ids", &fu, &fg, &count))
		return NULL;
	return done(sandbox_set_box_ids(self->sb, (uid_t)fu, (gid_t)fg, count),
	            "box_ids");
}

static PyObject *m_set_cgroup_limits(SbSandbox *self, PyObject *args,
                                     PyObject *kw)
{
	static char *kwlist[] = { "memory", "pids", "cpu_percent", NULL };
	PyObject *mem = Py_None, *pids = Py_None;
	unsigned cpu = 0;
	uint64_t m, p;
	READY(self);
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOI:set_cgroup_limits", kwlist,
	                                 &mem, &pids, &cpu) ||
	    sbpy_u64(mem, &m, "memory") < 0 || sbpy_u64(pids, &p, "pids") < 0)
		return NULL;
	return done(sandbox_set_cgroup_limits(self->sb, m, p, cpu), "cgroup_limits");
}

static PyObject *m_set_rlimit(SbSandbox *self, PyObject *args)
{
	int res;
	PyObject *v;
	uint64_t val;
	READY(self);
	if (!PyArg_ParseTuple(args, "iO:set_rlimit", &res, &v) ||
	    sbpy_u64(v, &val, "rlimit") < 0)
		return NULL;
	return done(sandbox_set_rlimit(self->sb, res, val), "rlimit");
}

static PyObject *m_set_profile(SbSandbox *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "interval_us", "fd", "flags", NULL };
	unsigned interval = 0, flags = 0;
	int fd = -1;
	READY(self);
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|IiI:set_profile", kwlist,
	                                 &interval, &fd, &flags))
		return NULL;
	return done(sandbox_set_profile(self->sb, interval, fd, flags), "profile");
}

/* set_capture(which, dest=None, memory=False, limit=64 MiB): the library
 * owns the stream through a pipe; bytes go to dest (a file object or fd)
 * and/or into memory (captured()), and count against the output quota. */
static PyObject *m_set_capture(SbSandbox *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "which", "dest", "memory", "limit", NULL };
	int which, memory = 0;
	PyObject *dest = Py_None;
	Py_ssize_t limit = 64 << 20;
	READY(self);
	if (!PyArg_ParseTupleAndKeywords(args, kw, "i|Opn:set_capture", kwlist,
	                                 &which, &dest, &memory, &limit))
		return NULL;
	if (which != 1 && which != 2) {
		PyErr_SetString(PyExc_ValueError, "stream must be 1 or 2");
		return NULL;
	}
	int fd = -1;
	if (dest != Py_None && (fd = PyObject_AsFileDescriptor(dest)) < 0)
		return NULL;
	struct sbpy_capture *c = &self->cap[which];
	struct sbpy_stream_file was = self->stream_file[which];
	if (sbpy_stream_note(self, which, fd) < 0)
		return NULL;
	int rc = sandbox_set_capture(self->sb, which, fd,
	                             memory ? sbpy_capture_fn : NULL,
	                             memory ? self->cap : NULL);
	if (rc < 0)
		self->stream_file[which] = was;
	if (rc == 0) {
		sbpy_capture_clear(c);
		c->on = memory != 0;
		c->limit = limit < 0 ? 0 : (size_t)limit;
		Py_XINCREF(dest == Py_None ? NULL : dest);
		Py_XSETREF(self->streams[which], dest == Py_None ? NULL : dest);
	}
	return done(rc, "capture");
}

/* set_event_hook(fn or None): an observer fn(event, decision) called for
 * every event of the runs (EXIT, QUOTA and ERROR included) after the
 * policy decided; it decides nothing. */
static PyObject *m_set_event_hook(SbSandbox *self, PyObject *o)
{
	READY(self);
	if (o != Py_None && !PyCallable_Check(o)) {
		PyErr_SetString(PyExc_TypeError, "the hook must be callable or None");
		return NULL;
	}
	PyObject *old = self->hook;
	self->hook = o == Py_None ? NULL : o;
	int rc = sbpy_sync_hook(self);
	if (rc == 0) {
		Py_XINCREF(self->hook);
		Py_XDECREF(old);
	} else {
		self->hook = old;
	}
	return done(rc, "event_hook");
}

static PyObject *m_check(SbSandbox *self, PyObject *unused)
{
	READY(self);
	int rc = sandbox_check(self->sb);
	if (rc < 0) {
		const char *m = sandbox_check_message(self->sb);
		if (!m)
			m = sandbox_isolation_message(self->sb);
		return sbpy_err(rc, "check", m);
	}
	Py_RETURN_NONE;
}

static PyObject *m_reset(SbSandbox *self, PyObject *unused)
{
	READY(self);
	return done(sandbox_reset(self->sb), "reset");
}

#define M(name, fn, flags, doc) { name, (PyCFunction)(void (*)(void))fn, flags, doc }

PyMethodDef sbpy_config_methods[] = {
	M("set_argv", m_set_argv, METH_O, "set_argv(argv): a new command line"),
	M("set_env", m_set_env, METH_O,
	  "set_env(env): NAME=VALUE strings or a dict; None or [] empty"),
	M("set_env_inherit", m_set_env_inherit, METH_O,
	  "set_env_inherit(bool): pass the caller's environment (minus secrets)"),
	M("set_env_pass", m_set_env_pass, METH_O,
	  "set_env_pass(names): caller's variables passed through"),
	M("set_env_strip", m_set_env_strip, METH_O,
	  "set_env_strip(patterns): fnmatch patterns stripped (None: defaults)"),
	M("set_workdir", m_set_workdir, METH_O, "set_workdir(path or None)"),
	M("set_chroot", m_set_chroot, METH_O, "set_chroot(path or None)"),
	M("set_credentials", m_set_credentials, METH_VARARGS | METH_KEYWORDS,
	  "set_credentials(uid=-1, gid=-1, groups=()): run as uid/gid\n"
	  "(ids 0..2**32-2; -1 or None: unchanged; ValueError beyond)"),
	M("set_stdio", m_set_stdio, METH_VARARGS,
	  "set_stdio(which, file_or_fd_or_None)"),
	M("set_stdio_path", m_set_stdio_path, METH_VARARGS | METH_KEYWORDS,
	  "set_stdio_path(which, path, append=False)"),
	M("_renew", m_renew, METH_NOARGS,
	  "_renew(): everything the library built for the configuration is\n"
	  "built anew at the next run, as for a new sandbox"),
	M("set_quota", m_set_quota, METH_VARARGS,
	  "set_quota(S_QUOTA_*, value or None): ms for times, bytes otherwise"),
	M("set_memory_mode", m_set_memory_mode, METH_VARARGS,
	  "set_memory_mode(S_MEMORY_VSIZE or S_MEMORY_RSS)"),
	M("set_mode", m_set_mode, METH_O,
	  "set_mode(S_MODE_FAST, S_MODE_CLASSIC or None: the policy's choice)"),
	M("set_policy", m_set_policy, METH_O,
	  "set_policy(SandboxPolicy, Policy or None: the built-in default)"),
	M("set_affinity", m_set_affinity, METH_VARARGS,
	  "set_affinity(S_AFFINITY_AUTO or S_AFFINITY_NONE)"),
	M("set_cpus", m_set_cpus, METH_O,
	  "set_cpus('0-3,6' or None): the CPUs runs may use"),
	M("set_sample_interval", m_set_sample_interval, METH_VARARGS,
	  "set_sample_interval(us): RSS/CPU sampling of the manager thread"),
	M("set_namespaces", m_set_namespaces, METH_VARARGS,
	  "set_namespaces(mask of S_NS_*)"),
	M("set_hostname", m_set_hostname, METH_O, "set_hostname(name or None)"),
	M("set_id_map", m_set_id_map, METH_VARARGS,
	  "set_id_map(inside_uid=-1, inside_gid=-1, outside_uid=-1, "
	  "outside_gid=-1)"),
	M("set_rootfs", m_set_rootfs, METH_VARARGS | METH_KEYWORDS,
	  "set_rootfs(dir or None, writable=False)"),
	M("add_dir", m_add_dir, METH_VARARGS | METH_KEYWORDS,
	  "add_dir(inside, outside=None, mode=S_DIR_RO)"),
	M("clear_dirs", m_clear_dirs, METH_NOARGS, "clear_dirs()"),
	M("set_tmpfs_size", m_set_tmpfs_size, METH_O, "set_tmpfs_size(bytes)"),
	M("set_box", m_set_box, METH_O,
	  "set_box(bool): a box of its own per run (docs/ISOLATION.md)"),
	M("box_copy_in", m_box_copy_in, METH_VARARGS,
	  "box_copy_in(host, name): host file copied to /box/NAME before runs"),
	M("box_copy_out", m_box_copy_out, METH_VARARGS,
	  "box_copy_out(name, host): /box/NAME copied to the host file after runs"),
	M("box_clear_copies", m_box_clear_copies, METH_NOARGS,
	  "box_clear_copies(): forget every copy"),
	M("set_box_id", m_set_box_id, METH_VARARGS,
	  "set_box_id(id): the run slot (root), -1 for the lowest free one"),
	M("set_box_ids", m_set_box_ids, METH_VARARGS,
	  "set_box_ids(first_uid, first_gid, count): the range of run slots"),
	M("set_cgroup_parent", m_set_cgroup_parent, METH_O,
	  "set_cgroup_parent(path or None)"),
	M("set_cgroup_limits", m_set_cgroup_limits, METH_VARARGS | METH_KEYWORDS,
	  "set_cgroup_limits(memory=None, pids=None, cpu_percent=0)"),
	M("set_cgroup_version", m_set_cgroup_version, METH_VARARGS,
	  "set_cgroup_version(0 detect, 1 or 2)"),
	M("set_rlimit", m_set_rlimit, METH_VARARGS,
	  "set_rlimit(resource.RLIMIT_*, value or None)"),
	M("set_drop_caps", m_set_drop_caps, METH_O, "set_drop_caps(bool)"),
	M("set_best_effort", m_set_best_effort, METH_O,
	  "set_best_effort(bool): run with what the host supports"),
	M("set_backtrace", m_set_backtrace, METH_VARARGS,
	  "set_backtrace(mask of S_BT_*; 0 off)"),
	M("set_profile", m_set_profile, METH_VARARGS | METH_KEYWORDS,
	  "set_profile(interval_us=0, fd=-1, flags=0): SANDBOX_PROFILE_*"),
	M("set_capture", m_set_capture, METH_VARARGS | METH_KEYWORDS,
	  "set_capture(which, dest=None, memory=False, limit=64 MiB)"),
	M("set_event_hook", m_set_event_hook, METH_O,
	  "set_event_hook(fn or None): an observer fn(event, decision) of every\n"
	  "event (EXIT, QUOTA, ERROR too), called after the policy decided"),
	M("check", m_check, METH_NOARGS,
	  "check(): validate the configuration (SandboxError if it fails)"),
	M("reset", m_reset, METH_NOARGS, "reset(): back to ready"),
	{ NULL, NULL, 0, NULL },
};
