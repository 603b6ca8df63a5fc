/*
 * Sandbox methods reading the outcome of the last run as plain Python
 * values (dicts with the C struct's field names). The report with the
 * names of sandbox-run's JSON is assembled from these in Python
 * (sandbox/_report.py), so a new report field is one line there.
 *
 * The tables below list the fields of each struct once: a field added to
 * sandbox_stat_t is one line here.
 */
#include "sbpy.h"

#include <errno.h>

enum ftype { F_INT, F_I64, F_U64, F_BOOL, F_UNS, F_STR };

/* key: the name as a Python str, made once (the first call, under the
 * GIL) and kept: a dict of the last run's figures is built at every
 * report, and making its forty keys again each time was a third of it. */
struct field {
	const char *name;
	size_t off;
	enum ftype type;
	PyObject *key;
};

#define FIELD(s, f, t) { #f, offsetof(s, f), t, NULL }

static PyObject *field_value(const void *base, const struct field *f)
{
	const char *p = (const char *)base + f->off;
	switch (f->type) {
	case F_INT: return PyLong_FromLong(*(const int *)p);
	case F_I64: return PyLong_FromLongLong(*(const int64_t *)p);
	case F_U64: return PyLong_FromUnsignedLongLong(*(const uint64_t *)p);
	case F_BOOL: return PyBool_FromLong(*(const bool *)p);
	case F_UNS: return PyLong_FromUnsignedLong(*(const unsigned *)p);
	default: return PyUnicode_DecodeUTF8(p, (Py_ssize_t)strlen(p), "replace");
	}
}

static PyObject *fields_dict(const void *base, struct field *f)
{
	PyObject *d = PyDict_New();
	for (; d && f->name; f++) {
		if (!f->key && !(f->key = PyUnicode_InternFromString(f->name))) {
			Py_CLEAR(d);
			break;
		}
		PyObject *v = field_value(base, f);
		if (!v || PyDict_SetItem(d, f->key, v) < 0) {
			Py_XDECREF(v);
			Py_CLEAR(d);
		}
		Py_XDECREF(v);
	}
	return d;
}

static PyObject *syscall_dict(const sandbox_syscall_t *s)
{
	PyObject *name = sbpy_syscall_name(s->abi, s->nr);
	if (!name)
		return NULL;
	return Py_BuildValue("{s:i,s:s,s:l,s:N,s:(KKKKKK),s:L,s:K}",
	                     "abi", s->abi, "abi_name", sandbox_abi_name(s->abi),
	                     "nr", s->nr, "name", name, "args",
	                     (unsigned long long)s->args[0],
	                     (unsigned long long)s->args[1],
	                     (unsigned long long)s->args[2],
	                     (unsigned long long)s->args[3],
	                     (unsigned long long)s->args[4],
	                     (unsigned long long)s->args[5],
	                     "ret", (long long)s->ret,
	                     "ip", (unsigned long long)s->ip);
}

static struct field stat_fields[] = {
	FIELD(sandbox_stat_t, result, F_INT),
	FIELD(sandbox_stat_t, exit_code, F_INT),
	FIELD(sandbox_stat_t, signal, F_INT),
	FIELD(sandbox_stat_t, tl_limit, F_INT),
	FIELD(sandbox_stat_t, quota_exceeded, F_INT),
	FIELD(sandbox_stat_t, interrupted, F_INT),
	FIELD(sandbox_stat_t, cpu_time_us, F_I64),
	FIELD(sandbox_stat_t, user_time_us, F_I64),
	FIELD(sandbox_stat_t, sys_time_us, F_I64),
	FIELD(sandbox_stat_t, wall_time_us, F_I64),
	FIELD(sandbox_stat_t, memory_peak, F_I64),
	FIELD(sandbox_stat_t, vm_peak, F_I64),
	FIELD(sandbox_stat_t, rss_peak, F_I64),
	FIELD(sandbox_stat_t, minor_faults, F_I64),
	FIELD(sandbox_stat_t, major_faults, F_I64),
	FIELD(sandbox_stat_t, output_bytes, F_I64),
	FIELD(sandbox_stat_t, syscalls, F_I64),
	FIELD(sandbox_stat_t, stops, F_I64),
	FIELD(sandbox_stat_t, mode, F_INT),
	FIELD(sandbox_stat_t, memory_mode, F_INT),
	FIELD(sandbox_stat_t, has_syscall, F_BOOL),
	FIELD(sandbox_stat_t, cpu, F_INT),
	FIELD(sandbox_stat_t, csw_voluntary, F_I64),
	FIELD(sandbox_stat_t, csw_forced, F_I64),
	FIELD(sandbox_stat_t, memory_refused_bytes, F_I64),
	FIELD(sandbox_stat_t, memory_refused_by, F_INT),
	FIELD(sandbox_stat_t, syscall_tid, F_INT),
	FIELD(sandbox_stat_t, tasks_peak, F_INT),
	FIELD(sandbox_stat_t, tasks_created, F_INT),
	FIELD(sandbox_stat_t, processes, F_INT),
	FIELD(sandbox_stat_t, has_signal_code, F_BOOL),
	FIELD(sandbox_stat_t, signal_code, F_INT),
	FIELD(sandbox_stat_t, file_rules, F_INT),
	FIELD(sandbox_stat_t, landlock_abi, F_INT),
	FIELD(sandbox_stat_t, landlock_features, F_INT),
	FIELD(sandbox_stat_t, box_id, F_INT),
	FIELD(sandbox_stat_t, uid, F_I64),
	FIELD(sandbox_stat_t, gid, F_I64),
	FIELD(sandbox_stat_t, supervisor_cpu_us, F_I64),
	FIELD(sandbox_stat_t, tasks_quota, F_I64),
	FIELD(sandbox_stat_t, cpu_charged_us, F_I64),
	{ NULL, 0, F_INT, NULL },
};

#define REPORT_READY(self) do { \
	if (!(self)->sb) { Py_RETURN_NONE; } \
	if ((self)->running) { \
		PyErr_SetString(PyExc_AssertionError, \
		                "the statistics are read after the run"); \
		return NULL; } } while (0)

/* stat() -> dict: every sandbox_stat_t field, `syscall` as a dict (or
 * None), and the binding's own view: result_override (the verdict of a
 * classic policy on the exit, or None), exec_rc, failed_step. */
static PyObject *m_stat(SbSandbox *self, PyObject *unused)
{
	sandbox_stat_t st;
	REPORT_READY(self);
	sandbox_get_stat(self->sb, &st, sizeof(st));
	PyObject *d = fields_dict(&st, stat_fields), *v;
	if (!d)
		return NULL;
	v = st.has_syscall ? syscall_dict(&st.syscall) : Py_NewRef(Py_None);
	if (!v || PyDict_SetItemString(d, "syscall", v) < 0)
		goto fail;
	Py_DECREF(v);
	const char *step = sandbox_failed_step(self->sb);
	v = Py_BuildValue("{s:i,s:z}", "exec_rc", self->ran ? self->exec_rc : 0,
	                  "failed_step", self->exec_rc < 0 ? step : NULL);
	if (!v || PyDict_Update(d, v) < 0)
		goto fail;
	Py_DECREF(v);
	v = self->result_override >= 0 && self->exec_rc == 0
	    ? PyLong_FromLong(self->result_override) : Py_NewRef(Py_None);
	if (!v || PyDict_SetItemString(d, "result_override", v) < 0)
		goto fail;
	Py_DECREF(v);
	return d;
fail:
	Py_XDECREF(v);
	Py_DECREF(d);
	return NULL;
}

static struct field binary_fields[] = {
	FIELD(sandbox_binary_info_t, elf_class, F_INT),
	FIELD(sandbox_binary_info_t, machine, F_INT),
	FIELD(sandbox_binary_info_t, abi, F_INT),
	FIELD(sandbox_binary_info_t, is_static, F_BOOL),
	FIELD(sandbox_binary_info_t, is_pie, F_BOOL),
	FIELD(sandbox_binary_info_t, is_script, F_BOOL),
	FIELD(sandbox_binary_info_t, interpreter, F_STR),
	{ NULL, 0, F_INT, NULL },
};

static PyObject *m_binary_info(SbSandbox *self, PyObject *unused)
{
	sandbox_binary_info_t bi;
	REPORT_READY(self);
	if (sandbox_get_binary_info(self->sb, &bi, sizeof(bi)) < 0)
		Py_RETURN_NONE;
	bi.interpreter[sizeof(bi.interpreter) - 1] = '\0';
	return fields_dict(&bi, binary_fields);
}

static struct field iso_fields[] = {
	FIELD(sandbox_iso_stat_t, requested, F_UNS),
	FIELD(sandbox_iso_stat_t, in_effect, F_UNS),
	FIELD(sandbox_iso_stat_t, cgroup_version, F_INT),
	FIELD(sandbox_iso_stat_t, cg_memory_peak, F_I64),
	FIELD(sandbox_iso_stat_t, cg_oom_kills, F_I64),
	FIELD(sandbox_iso_stat_t, cg_pids_refused, F_I64),
	FIELD(sandbox_iso_stat_t, cg_cpu_throttled_us, F_I64),
	FIELD(sandbox_iso_stat_t, init_signal, F_INT),
	FIELD(sandbox_iso_stat_t, box_bytes, F_I64),
	FIELD(sandbox_iso_stat_t, box_peak_bytes, F_I64),
	FIELD(sandbox_iso_stat_t, box_limit, F_I64),
	FIELD(sandbox_iso_stat_t, box_limit_quota, F_INT),
	FIELD(sandbox_iso_stat_t, box_missing, F_INT),
	FIELD(sandbox_iso_stat_t, box_error, F_INT),
	FIELD(sandbox_iso_stat_t, box_refused, F_INT),
	{ NULL, 0, F_INT, NULL },
};

static PyObject *m_isolation_stat(SbSandbox *self, PyObject *unused)
{
	sandbox_iso_stat_t is;
	REPORT_READY(self);
	int rc = sandbox_get_isolation_stat(self->sb, &is, sizeof(is));
	if (rc < 0)
		return sbpy_err(rc, "isolation_stat", NULL);
	return fields_dict(&is, iso_fields);
}

static struct field bt_fields[] = {
	FIELD(sandbox_backtrace_info_t, reason, F_UNS),
	FIELD(sandbox_backtrace_info_t, signal, F_INT),
	FIELD(sandbox_backtrace_info_t, partial, F_BOOL),
	FIELD(sandbox_backtrace_info_t, frame_pointers, F_BOOL),
	FIELD(sandbox_backtrace_info_t, elapsed_us, F_I64),
	FIELD(sandbox_backtrace_info_t, stack_scan, F_BOOL),
	{ NULL, 0, F_INT, NULL },
};

static PyObject *m_backtrace_info(SbSandbox *self, PyObject *unused)
{
	sandbox_backtrace_info_t bi;
	REPORT_READY(self);
	int rc = sandbox_get_backtrace_info(self->sb, &bi, sizeof(bi));
	if (rc < 0)
		return sbpy_err(rc, "backtrace_info", NULL);
	return fields_dict(&bi, bt_fields);
}

/* The library's array getters, one adapter each (the one place to change
 * when their signatures do): copy at most max elements, return how many
 * there are, or -errno. */
typedef ssize_t (*array_get)(const sandbox_t *sb, void *out, size_t max,
                             void *ctx);
typedef PyObject *(*item_value)(void *item);

static ssize_t get_frames(const sandbox_t *sb, void *out, size_t max, void *c)
{
	return sandbox_get_backtrace(sb, out, max, sizeof(sandbox_frame_t));
}

static ssize_t get_counts(const sandbox_t *sb, void *out, size_t max, void *c)
{
	return sandbox_get_syscall_counts(sb, out, max,
	                                  sizeof(sandbox_syscall_count_t), c);
}

static ssize_t get_tasks(const sandbox_t *sb, void *out, size_t max, void *c)
{
	return sandbox_get_task_counts(sb, out, max, sizeof(sandbox_task_count_t));
}

static ssize_t get_samples(const sandbox_t *sb, void *out, size_t max, void *c)
{
	return sandbox_get_samples(sb, out, max, sizeof(sandbox_sample_t));
}

/* A list of item(element) for every element of an array getter. */
static PyObject *array_list(const sandbox_t *sb, array_get get, size_t size,
                            item_value item, void *ctx, const char *what)
{
	ssize_t n = get(sb, NULL, 0, ctx);
	if (n < 0)
		return sbpy_err((int)n, what, NULL);
	char *v = n ? PyMem_Calloc((size_t)n, size) : NULL;
	if (n && !v)
		return PyErr_NoMemory();
	if (n && (n = get(sb, v, (size_t)n, ctx)) < 0) {
		PyMem_Free(v);
		return sbpy_err((int)n, what, NULL);
	}
	PyObject *l = PyList_New(0);
	for (ssize_t i = 0; l && i < n; i++) {
		PyObject *e = item(v + (size_t)i * size);
		if (!e || PyList_Append(l, e) < 0)
			Py_CLEAR(l);
		Py_XDECREF(e);
	}
	PyMem_Free(v);
	return l;
}

static PyObject *frame_value(void *p)
{
	sandbox_frame_t *f = p;
	f->module[sizeof(f->module) - 1] = '\0';
	f->symbol[sizeof(f->symbol) - 1] = '\0';
	return Py_BuildValue("{s:K,s:N,s:N,s:K}",
		"pc", (unsigned long long)f->pc,
		"module", PyUnicode_DecodeFSDefault(f->module),
		"symbol", PyUnicode_DecodeUTF8(f->symbol, (Py_ssize_t)strlen(f->symbol),
		                               "replace"),
		"offset", (unsigned long long)f->offset);
}

static PyObject *count_value(void *p)
{
	sandbox_syscall_count_t *c = p;
	c->name[sizeof(c->name) - 1] = '\0';
	return Py_BuildValue("{s:i,s:s,s:l,s:s,s:K,s:K}",
		"abi", c->abi, "abi_name", sandbox_abi_name(c->abi), "nr", c->nr,
		"name", c->name, "count", (unsigned long long)c->count,
		"stopped_ns", (unsigned long long)c->stopped_ns);
}

static PyObject *task_value(void *p)
{
	const sandbox_task_count_t *t = p;
	return Py_BuildValue("{s:i,s:i,s:K}", "tid", (int)t->tid,
	                     "tgid", (int)t->tgid,
	                     "syscalls", (unsigned long long)t->syscalls);
}

static PyObject *sample_value(void *p)
{
	const sandbox_sample_t *s = p;
	return Py_BuildValue("(LLLLLL)", (long long)s->t_us, (long long)s->cpu_us,
	                     (long long)s->user_us, (long long)s->sys_us,
	                     (long long)s->rss, (long long)s->vm);
}

static PyObject *m_backtrace(SbSandbox *self, PyObject *unused)
{
	REPORT_READY(self);
	return array_list(self->sb, get_frames, sizeof(sandbox_frame_t),
	                  frame_value, NULL, "backtrace");
}

static PyObject *m_syscall_counts(SbSandbox *self, PyObject *unused)
{
	bool all = false;
	REPORT_READY(self);
	PyObject *l = array_list(self->sb, get_counts,
	                         sizeof(sandbox_syscall_count_t), count_value,
	                         &all, "syscall_counts");
	if (!l)
		return NULL;
	return Py_BuildValue("(NO)", l, all ? Py_True : Py_False);
}

static PyObject *m_task_counts(SbSandbox *self, PyObject *unused)
{
	REPORT_READY(self);
	return array_list(self->sb, get_tasks, sizeof(sandbox_task_count_t),
	                  task_value, NULL, "task_counts");
}

static PyObject *m_samples(SbSandbox *self, PyObject *unused)
{
	REPORT_READY(self);
	return array_list(self->sb, get_samples, sizeof(sandbox_sample_t),
	                  sample_value, NULL, "samples");
}

static int bt_fn(const void *sb, int fd)
{
	return sandbox_print_backtrace(sb, fd);
}

static PyObject *m_backtrace_text(SbSandbox *self, PyObject *unused)
{
	REPORT_READY(self);
	return sbpy_capture_text(bt_fn, self->sb);
}

static PyObject *str_or_none(const char *s)
{
	if (!s)
		Py_RETURN_NONE;
	return PyUnicode_FromString(s);
}

static PyObject *m_check_message(SbSandbox *self, PyObject *unused)
{
	REPORT_READY(self);
	return str_or_none(sandbox_check_message(self->sb));
}

static PyObject *m_isolation_message(SbSandbox *self, PyObject *unused)
{
	REPORT_READY(self);
	return str_or_none(sandbox_isolation_message(self->sb));
}

static PyObject *m_isolation_in_effect(SbSandbox *self, PyObject *unused)
{
	REPORT_READY(self);
	return PyLong_FromUnsignedLong(sandbox_isolation_in_effect(self->sb));
}

/* captured(which) -> bytes of a stream captured into memory, or None. */
static PyObject *m_captured(SbSandbox *self, PyObject *args)
{
	int which;
	if (!PyArg_ParseTuple(args, "i:captured", &which))
		return NULL;
	if (which != 1 && which != 2) {
		PyErr_SetString(PyExc_ValueError, "stream must be 1 or 2");
		return NULL;
	}
	REPORT_READY(self);
	struct sbpy_capture *c = &self->cap[which];
	if (!c->on)
		Py_RETURN_NONE;
	pthread_mutex_lock(&c->lock);
	PyObject *b = PyBytes_FromStringAndSize(c->buf ? c->buf : "",
	                                        (Py_ssize_t)c->len);
	pthread_mutex_unlock(&c->lock);
	return b;
}

static PyObject *m_capture_truncated(SbSandbox *self, PyObject *args)
{
	int which;
	if (!PyArg_ParseTuple(args, "i:capture_truncated", &which))
		return NULL;
	if (which != 1 && which != 2) {
		PyErr_SetString(PyExc_ValueError, "stream must be 1 or 2");
		return NULL;
	}
	return PyBool_FromLong(self->cap[which].truncated);
}

/* _release_captured(): the captured output's memory freed (captured()
 * then gives b''); sandbox.run() does it before keeping a sandbox idle. */
static PyObject *m_release_captured(SbSandbox *self, PyObject *unused)
{
	REPORT_READY(self);
	for (int i = 1; i < 3; i++)
		sbpy_capture_release(&self->cap[i]);
	Py_RETURN_NONE;
}

static PyObject *m_captured_bytes(SbSandbox *self, PyObject *args)
{
	int which;
	if (!PyArg_ParseTuple(args, "i:captured_bytes", &which))
		return NULL;
	REPORT_READY(self);
	return PyLong_FromLongLong(sandbox_captured_bytes(self->sb, which));
}

#define M(name, fn, flags, doc) { name, (PyCFunction)(void (*)(void))fn, flags, doc }

PyMethodDef sbpy_report_methods[] = {
	M("stat", m_stat, METH_NOARGS,
	  "stat() -> dict: sandbox_stat_t of the last run (figures -1 when\n"
	  "unknown), plus exec_rc, failed_step and result_override"),
	M("binary_info", m_binary_info, METH_NOARGS,
	  "binary_info() -> dict or None: ELF facts found by the check"),
	M("isolation_stat", m_isolation_stat, METH_NOARGS,
	  "isolation_stat() -> dict: sandbox_iso_stat_t of the last run"),
	M("isolation_in_effect", m_isolation_in_effect, METH_NOARGS,
	  "isolation_in_effect() -> int: mask of S_NS_* | S_ISO_*"),
	M("isolation_message", m_isolation_message, METH_NOARGS,
	  "isolation_message() -> str or None: what is missing and how to fix it"),
	M("check_message", m_check_message, METH_NOARGS,
	  "check_message() -> str or None: why the check refused the program"),
	M("backtrace_info", m_backtrace_info, METH_NOARGS,
	  "backtrace_info() -> dict: reason (S_BT_*), signal, partial, ..."),
	M("backtrace", m_backtrace, METH_NOARGS,
	  "backtrace() -> list of dict(pc, module, symbol, offset)"),
	M("backtrace_text", m_backtrace_text, METH_NOARGS,
	  "backtrace_text() -> str: one line per frame"),
	M("syscall_counts", m_syscall_counts, METH_NOARGS,
	  "syscall_counts() -> (list of dict, all_syscalls)"),
	M("task_counts", m_task_counts, METH_NOARGS,
	  "task_counts() -> list of {tid, tgid, syscalls}: each task of the last\n"
	  "run in the order they ended (with profiling of syscalls)"),
	M("samples", m_samples, METH_NOARGS,
	  "samples() -> list of (t_us, cpu_us, user_us, sys_us, rss, vm)"),
	M("captured", m_captured, METH_VARARGS,
	  "captured(which) -> bytes or None: a stream captured into memory"),
	M("capture_truncated", m_capture_truncated, METH_VARARGS,
	  "capture_truncated(which) -> bool: memory capture hit its limit"),
	M("_release_captured", m_release_captured, METH_NOARGS,
	  "_release_captured(): the memory of the captured output freed"),
	M("captured_bytes", m_captured_bytes, METH_VARARGS,
	  "captured_bytes(which) -> int: bytes passed on (-1 not captured)"),
	{ NULL, NULL, 0, NULL },
};
