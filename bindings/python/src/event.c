/*
 * SandboxEvent and SandboxAction: what a policy sees and what it answers.
 *
 * An event keeps the classic pysandbox view (type, data, ext0..ext6: for a
 * syscall data is its number and ext0 its ABI, 0 x86_64 and 1 i386 as in
 * 0.3.5, ext1..ext6 its arguments; for a syscall return ext1 is the
 * return value; for a signal data is the signal and ext1 its si_code;
 * for a quota data is the S_QUOTA_*; for an error data is the errno) and
 * a named view of the library event (abi, nr, args, ret, ip, pid,
 * disposition, signal, sig_code, name).
 */
#include "sbpy.h"

#include <limits.h>

#include <structmember.h>

/* ---------------------------------------------------------------- events */

static void event_set_raw(SbEvent *e)
{
	const sandbox_event_t *ev = &e->lib;
	memset(e->raw, 0, sizeof(e->raw));
	switch (ev->type) {
	case S_EVENT_SYSCALL:
	case S_EVENT_SYSRET:
		e->raw[0] = (long)(((unsigned long)(unsigned)ev->syscall.abi << 32) |
		                   ((unsigned long)ev->syscall.nr & 0xffffffffUL));
		if (ev->type == S_EVENT_SYSRET) {
			e->raw[1] = (long)ev->syscall.ret;
		} else {
			for (int i = 0; i < 6; i++)
				e->raw[i + 1] = (long)ev->syscall.args[i];
		}
		break;
	case S_EVENT_SIGNAL:
		/* 0.3.5: data the signal, ext1 its si_code */
		e->raw[0] = ev->data;
		e->raw[1] = ev->sig_code;
		break;
	default:
		e->raw[0] = ev->data;
		break;
	}
}

void sbpy_event_fill(SbEvent *e, const sandbox_event_t *ev)
{
	e->type = ev->type;
	e->lib = *ev;
	e->has_lib = true;
	e->live = true;
	event_set_raw(e);
}

SbEvent *sbpy_event_new(const sandbox_event_t *ev)
{
	SbEvent *e = PyObject_New(SbEvent, &SbEvent_Type);
	if (e)
		sbpy_event_fill(e, ev);
	return e;
}

SbEvent *sbpy_event_classic(int type, long a0)
{
	SbEvent *e = PyObject_New(SbEvent, &SbEvent_Type);
	if (!e)
		return NULL;
	e->type = type;
	memset(e->raw, 0, sizeof(e->raw));
	e->raw[0] = a0;
	e->has_lib = false;
	e->live = false;
	memset(&e->lib, 0, sizeof(e->lib));
	return e;
}

static PyObject *event_new(PyTypeObject *t, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "type", "a", "b", "c", "d", "e", "f", "g", NULL };
	int type;
	long r[7] = { 0 };
	if (!PyArg_ParseTupleAndKeywords(args, kw, "i|lllllll:SandboxEvent",
	                                 kwlist, &type, &r[0], &r[1], &r[2],
	                                 &r[3], &r[4], &r[5], &r[6]))
		return NULL;
	SbEvent *e = (SbEvent *)t->tp_alloc(t, 0);
	if (!e)
		return NULL;
	e->type = type;
	memcpy(e->raw, r, sizeof(r));
	return (PyObject *)e;
}

static void event_dealloc(PyObject *o)
{
	Py_TYPE(o)->tp_free(o);
}

static PyObject *ev_data(SbEvent *e, void *c)
{
	return PyLong_FromLong((int)(unsigned)((unsigned long)e->raw[0] & 0xffffffffUL));
}

static PyObject *ev_ext0(SbEvent *e, void *c)
{
	return PyLong_FromLong((int)(unsigned)((unsigned long)e->raw[0] >> 32));
}

static PyObject *ev_ext(SbEvent *e, void *c)
{
	return PyLong_FromLong(e->raw[(intptr_t)c]);
}

static bool is_syscall(const SbEvent *e)
{
	return e->type == S_EVENT_SYSCALL || e->type == S_EVENT_SYSRET;
}

static int ev_abi_of(const SbEvent *e)
{
	return e->has_lib ? e->lib.syscall.abi
	                  : (int)(unsigned)((unsigned long)e->raw[0] >> 32);
}

static long ev_nr_of(const SbEvent *e)
{
	return e->has_lib ? e->lib.syscall.nr
	                  : (int)(unsigned)((unsigned long)e->raw[0] & 0xffffffffUL);
}

static PyObject *ev_abi(SbEvent *e, void *c)
{
	if (!is_syscall(e))
		Py_RETURN_NONE;
	return PyLong_FromLong(ev_abi_of(e));
}

static PyObject *ev_nr(SbEvent *e, void *c)
{
	if (!is_syscall(e))
		Py_RETURN_NONE;
	return PyLong_FromLong(ev_nr_of(e));
}

static PyObject *ev_name(SbEvent *e, void *c)
{
	if (!is_syscall(e))
		Py_RETURN_NONE;
	return sbpy_syscall_name(ev_abi_of(e), ev_nr_of(e));
}

static PyObject *ev_args(SbEvent *e, void *c)
{
	if (e->type != S_EVENT_SYSCALL && !(e->has_lib && is_syscall(e)))
		Py_RETURN_NONE;
	PyObject *t = PyTuple_New(6);
	for (int i = 0; t && i < 6; i++) {
		PyObject *v = e->has_lib
		              ? PyLong_FromUnsignedLongLong(e->lib.syscall.args[i])
		              : PyLong_FromUnsignedLong((unsigned long)e->raw[i + 1]);
		if (!v) {
			Py_DECREF(t);
			return NULL;
		}
		PyTuple_SET_ITEM(t, i, v);
	}
	return t;
}

static PyObject *ev_ret(SbEvent *e, void *c)
{
	if (e->type != S_EVENT_SYSRET)
		Py_RETURN_NONE;
	return PyLong_FromLongLong(e->has_lib ? e->lib.syscall.ret : e->raw[1]);
}

static PyObject *ev_ip(SbEvent *e, void *c)
{
	if (!e->has_lib || !is_syscall(e))
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLongLong(e->lib.syscall.ip);
}

static PyObject *ev_pid(SbEvent *e, void *c)
{
	if (!e->has_lib)
		Py_RETURN_NONE;
	return PyLong_FromLong(e->lib.pid);
}

static PyObject *ev_disposition(SbEvent *e, void *c)
{
	if (!e->has_lib || e->type != S_EVENT_SYSCALL)
		Py_RETURN_NONE;
	return PyLong_FromLong(e->lib.disposition);
}

static PyObject *ev_signal(SbEvent *e, void *c)
{
	if (e->type != S_EVENT_SIGNAL)
		Py_RETURN_NONE;
	return PyLong_FromLong(e->has_lib ? e->lib.data : (int)e->raw[0]);
}

static PyObject *ev_sig_code(SbEvent *e, void *c)
{
	if (e->type != S_EVENT_SIGNAL)
		Py_RETURN_NONE;
	return PyLong_FromLong(e->has_lib ? e->lib.sig_code : (int)e->raw[1]);
}

static PyObject *ev_format(SbEvent *e, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "json", NULL };
	int json = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:format", kwlist, &json))
		return NULL;
	if (!e->has_lib || !is_syscall(e))
		return PyUnicode_FromString("");
	sandbox_event_t ev = e->lib;
	int flags = json ? SANDBOX_FORMAT_JSON : 0;
	if (!e->live) {
		/* After its callback the program may be gone: never read it. */
		ev.sandbox = NULL;
		flags |= SANDBOX_FORMAT_NO_MEMORY;
	}
	char small[512];
	size_t n = sandbox_format_syscall(&ev, small, sizeof(small), flags);
	if (n < sizeof(small))
		return PyUnicode_DecodeUTF8(small, (Py_ssize_t)n, "replace");
	char *big = PyMem_Malloc(n + 1);
	if (!big)
		return PyErr_NoMemory();
	sandbox_format_syscall(&ev, big, n + 1, flags);
	PyObject *s = PyUnicode_DecodeUTF8(big, (Py_ssize_t)n, "replace");
	PyMem_Free(big);
	return s;
}

static PyObject *event_repr(SbEvent *e)
{
	static const char *const names[] = { "ERROR", "EXIT", "SIGNAL",
	                                     "SYSCALL", "SYSRET", "QUOTA" };
	const char *tn = e->type >= 0 && e->type < 6 ? names[e->type] : "?";
	if (is_syscall(e)) {
		PyObject *n = ev_name(e, NULL);
		PyObject *r = n ? PyUnicode_FromFormat(
			"<SandboxEvent %s %U abi=%d nr=%ld>", tn, n, ev_abi_of(e),
			ev_nr_of(e)) : NULL;
		Py_XDECREF(n);
		return r;
	}
	return PyUnicode_FromFormat("<SandboxEvent %s data=%ld>", tn, e->raw[0]);
}

static PyMemberDef event_members[] = {
	{ "type", T_INT, offsetof(SbEvent, type), READONLY,
	  "event type, one of S_EVENT_*" },
	{ NULL, 0, 0, 0, NULL },
};

#define EXT(n) { "ext" #n, (getter)ev_ext, NULL, \
	"classic raw word " #n " (syscall argument " #n ", or the return value for ext1 of SYSRET)", \
	(void *)(intptr_t)(n) }

static PyGetSetDef event_getset[] = {
	{ "data", (getter)ev_data, NULL,
	  "classic: syscall number, signal number or exit code", NULL },
	{ "ext0", (getter)ev_ext0, NULL,
	  "classic: syscall ABI (0 x86_64, 1 i386, 2 x32)", NULL },
	EXT(1), EXT(2), EXT(3), EXT(4), EXT(5), EXT(6),
	{ "abi", (getter)ev_abi, NULL, "syscall ABI (S_ABI_*), or None", NULL },
	{ "nr", (getter)ev_nr, NULL, "syscall number in its ABI, or None", NULL },
	{ "name", (getter)ev_name, NULL, "syscall name, or None", NULL },
	{ "args", (getter)ev_args, NULL,
	  "the six raw syscall arguments (SYSCALL), or None", NULL },
	{ "ret", (getter)ev_ret, NULL,
	  "return value (SYSRET; -errno on failure), or None", NULL },
	{ "ip", (getter)ev_ip, NULL, "instruction pointer at the stop", NULL },
	{ "pid", (getter)ev_pid, NULL, "the program's pid (host view)", NULL },
	{ "disposition", (getter)ev_disposition, NULL,
	  "what the rule table decided (S_DISP_*) before the callback", NULL },
	{ "signal", (getter)ev_signal, NULL, "signal number (SIGNAL), or None",
	  NULL },
	{ "sig_code", (getter)ev_sig_code, NULL,
	  "the signal's si_code (SIGNAL), or None", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyMethodDef event_methods[] = {
	{ "format", (PyCFunction)(void (*)(void))ev_format,
	  METH_VARARGS | METH_KEYWORDS,
	  "format(json=False) -> str\n\n"
	  "The syscall as strace would show it (paths read from the program\n"
	  "while the callback runs; addresses afterwards), or one JSON object." },
	{ NULL, NULL, 0, NULL },
};

PyTypeObject SbEvent_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "sandbox.SandboxEvent",
	.tp_basicsize = sizeof(SbEvent),
	.tp_dealloc = event_dealloc,
	.tp_repr = (reprfunc)event_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "SandboxEvent(type, a=0, b=0, c=0, d=0, e=0, f=0, g=0)\n\n"
	          "An event a policy sees. The library creates them; the\n"
	          "constructor exists for tests of policies (classic API).",
	.tp_members = event_members,
	.tp_getset = event_getset,
	.tp_methods = event_methods,
	.tp_new = event_new,
};

/* ---------------------------------------------------------------- actions */

SbAction *sbpy_action_new(int type, int data)
{
	SbAction *a = PyObject_New(SbAction, &SbAction_Type);
	if (a) {
		a->type = type;
		a->data = data;
	}
	return a;
}

static PyObject *action_new(PyTypeObject *t, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "type", "data", "b", NULL };
	int type = S_ACTION_CONT, data = 0;
	long b = 0;
	/* "i" refuses what does not fit an int (OverflowError): a value cut
	 * down to 32 bits would be another action (2**32 + 1 is EPERM). */
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|iil:SandboxAction", kwlist,
	                                 &type, &data, &b))
		return NULL;
	SbAction *a = (SbAction *)t->tp_alloc(t, 0);
	if (a) {
		a->type = type;
		a->data = data;
	}
	return (PyObject *)a;
}

static void action_dealloc(PyObject *o)
{
	Py_TYPE(o)->tp_free(o);
}

static PyObject *act_set(SbAction *a, int type, int data)
{
	a->type = type;
	a->data = data;
	Py_INCREF(a);
	return (PyObject *)a;
}

static PyObject *act_cont(SbAction *a, PyObject *unused)
{
	return act_set(a, S_ACTION_CONT, 0);
}

static PyObject *act_kill(SbAction *a, PyObject *args)
{
	int r = 0;
	if (!PyArg_ParseTuple(args, "|i:kill", &r))
		return NULL;
	return act_set(a, S_ACTION_KILL, r);
}

static PyObject *act_fini(SbAction *a, PyObject *args)
{
	int r;
	if (!PyArg_ParseTuple(args, "i:fini", &r))
		return NULL;
	return act_set(a, S_ACTION_FINI, r);
}

static PyObject *act_deny(SbAction *a, PyObject *args)
{
	int err;
	if (!PyArg_ParseTuple(args, "i:deny", &err))
		return NULL;
	return act_set(a, S_ACTION_DENY, err);
}

static PyObject *action_repr(SbAction *a)
{
	return PyUnicode_FromFormat("<SandboxAction type=%d data=%d>", a->type,
	                            a->data);
}

/* type and data: ints, never truncated (a T_INT member cuts 2**32 + 1 to
 * 1 with only a warning). */
static PyObject *act_get(SbAction *a, void *c)
{
	return PyLong_FromLong(c ? a->data : a->type);
}

static int act_put(SbAction *a, PyObject *v, void *c)
{
	int overflow = 0;
	long x;
	if (!v) {
		PyErr_SetString(PyExc_TypeError, "cannot delete an action's field");
		return -1;
	}
	if (!PyLong_Check(v)) {
		PyErr_Format(PyExc_TypeError, "%s should be an int, not %.100s",
		             c ? "data" : "type", Py_TYPE(v)->tp_name);
		return -1;
	}
	x = PyLong_AsLongAndOverflow(v, &overflow);
	if (x == -1 && PyErr_Occurred())
		return -1;
	if (overflow || x < INT_MIN || x > INT_MAX) {
		PyErr_Format(PyExc_OverflowError, "%s %R does not fit an int",
		             c ? "data" : "type", v);
		return -1;
	}
	if (c)
		a->data = (int)x;
	else
		a->type = (int)x;
	return 0;
}

static PyGetSetDef action_getset[] = {
	{ "type", (getter)act_get, (setter)act_put,
	  "action type, one of S_ACTION_* (| S_ACTION_FLAG_BACKTRACE)", NULL },
	{ "data", (getter)act_get, (setter)act_put,
	  "FINI/KILL: the result (S_RESULT_*); DENY: the errno", (void *)1 },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyMethodDef action_methods[] = {
	{ "cont", (PyCFunction)act_cont, METH_NOARGS,
	  "cont() -> self: carry on (allow the syscall, deliver the signal)" },
	{ "kill", (PyCFunction)act_kill, METH_VARARGS,
	  "kill(result=0) -> self: kill the program (RF at a syscall, or the\n"
	  "result given)" },
	{ "fini", (PyCFunction)act_fini, METH_VARARGS,
	  "fini(result) -> self: end the run with this result" },
	{ "deny", (PyCFunction)act_deny, METH_VARARGS,
	  "deny(errno) -> self: fail this syscall with errno (1..4095)" },
	{ NULL, NULL, 0, NULL },
};

PyTypeObject SbAction_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "sandbox.SandboxAction",
	.tp_basicsize = sizeof(SbAction),
	.tp_dealloc = action_dealloc,
	.tp_repr = (reprfunc)action_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "SandboxAction(type=S_ACTION_CONT, data=0)\n\n"
	          "A policy's answer: set type and data (or call cont(), kill(),\n"
	          "fini(), deny()) and return it.",
	.tp_getset = action_getset,
	.tp_methods = action_methods,
	.tp_new = action_new,
};
