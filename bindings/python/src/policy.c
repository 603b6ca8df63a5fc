/*
 * Policies in Python.
 *
 * SandboxPolicy is the classic base class. An instance whose __call__ is
 * the base class's own stands for the library's built-in "default" policy
 * (nothing runs in Python). A subclass overriding __call__ is a Python
 * policy with the classic authority: every syscall of every ABI, its
 * return and every signal go to it (sbpy_policy_trace_all), and its answer
 * decides. The base __call__ gives the classic baseline decision for any
 * event, the syscall part taken from the built-in "default" rule table.
 *
 * Policy wraps a library sandbox_policy_t: built-ins, policy files and
 * modules, rules added one by one, and optionally a Python callback asked
 * for the syscalls the rules TRACE.
 *
 * sbpy_trampoline() is the one C callback behind both: it finds the run in
 * progress in this thread, takes the GIL with the run's thread state,
 * calls Python, turns the answer into a sandbox_action_t, and keeps any
 * exception (verdict BP, traceback on the sandbox).
 */
#include "sbpy.h"

#include <errno.h>
#include <signal.h>

static sandbox_policy_t *default_table; /* built-in "default", for the base */

/* ---------------------------------------------------------------- base */

static void base_syscall(const SbEvent *e, SbAction *a)
{
	uint64_t args[6] = { 0 };
	int abi, err = 0;
	long nr;

	if (e->has_lib) {
		abi = e->lib.syscall.abi;
		nr = e->lib.syscall.nr;
		memcpy(args, e->lib.syscall.args, sizeof(args));
	} else {
		abi = (int)(unsigned)((unsigned long)e->raw[0] >> 32);
		nr = (int)(unsigned)((unsigned long)e->raw[0] & 0xffffffffUL);
		for (int i = 0; i < 6; i++)
			args[i] = (uint64_t)e->raw[i + 1];
	}
	int disp = default_table
	           ? sandbox_policy_evaluate(default_table, abi, nr, args,
	                                     e->has_lib ? e->lib.pid : 0, &err)
	           : S_DISP_KILL;
	switch (disp < 0 ? S_DISP_KILL : disp & ~S_DISP_FLAG_EXIT) {
	case S_DISP_ALLOW:
		a->type = S_ACTION_CONT;
		a->data = 0;
		break;
	case S_DISP_ERRNO:
		a->type = S_ACTION_DENY;
		a->data = err;
		break;
	case S_DISP_TRACE:
		/* The default policy examines these calls (files opened for
		 * writing, limits being set) in its own C callback, which the
		 * public API cannot call: refuse them. */
		a->type = S_ACTION_DENY;
		a->data = EACCES;
		break;
	default:
		a->type = S_ACTION_KILL;
		a->data = S_RESULT_RF;
		break;
	}
}

void sbpy_base_decide(const SbEvent *e, SbAction *a)
{
	switch (e->type) {
	case S_EVENT_SYSCALL:
		base_syscall(e, a);
		break;
	case S_EVENT_SYSRET:
	case S_EVENT_SIGNAL:
		/* A signal is delivered: a fatal one ends the run with RT and
		 * the real signal in the statistics, a handled one is handled. */
		a->type = S_ACTION_CONT;
		a->data = 0;
		break;
	case S_EVENT_EXIT:
		a->type = S_ACTION_FINI;
		a->data = (int)e->raw[0] == 0 ? S_RESULT_OK : S_RESULT_AT;
		break;
	case S_EVENT_QUOTA:
		a->type = S_ACTION_KILL;
		a->data = e->raw[0] == S_QUOTA_MEMORY ? S_RESULT_ML
		        : e->raw[0] == S_QUOTA_DISK ? S_RESULT_OL : S_RESULT_TL;
		break;
	default: /* ERROR and anything unknown */
		a->type = S_ACTION_KILL;
		a->data = S_RESULT_IE;
		break;
	}
}

static PyObject *base_call(PyObject *self, PyObject *args, PyObject *kw)
{
	PyObject *e, *a;
	if (kw && PyDict_GET_SIZE(kw)) {
		PyErr_SetString(PyExc_TypeError,
		                "SandboxPolicy() takes no keyword arguments");
		return NULL;
	}
	if (!PyArg_UnpackTuple(args, "__call__", 2, 2, &e, &a))
		return NULL;
	if (!PyObject_TypeCheck(e, &SbEvent_Type) ||
	    !PyObject_TypeCheck(a, &SbAction_Type)) {
		PyErr_SetString(PyExc_AssertionError,
		                "policy failed to determine action: expected "
		                "(SandboxEvent, SandboxAction)");
		return NULL;
	}
	sbpy_base_decide((SbEvent *)e, (SbAction *)a);
	Py_INCREF(a);
	return a;
}

bool sbpy_is_base_policy(PyObject *obj)
{
	return PyObject_TypeCheck(obj, &SbClassicPolicy_Type) &&
	       Py_TYPE(obj)->tp_call == base_call;
}

PyTypeObject SbClassicPolicy_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "sandbox.SandboxPolicy",
	.tp_basicsize = sizeof(SbClassicPolicy),
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
	.tp_call = base_call,
	.tp_doc =
	"SandboxPolicy()\n\n"
	"Base class of classic policies. Subclass it and override\n"
	"__call__(self, e, a): look at the SandboxEvent e, set the\n"
	"SandboxAction a and return it. A subclass sees every syscall (entry\n"
	"and return), every signal and the program's exit, and decides them;\n"
	"SandboxPolicy.__call__(self, e, a) gives the baseline decision. An\n"
	"instance of SandboxPolicy itself (the default) runs the library's\n"
	"built-in \"default\" policy with no Python code per syscall.",
	.tp_new = PyType_GenericNew,
};

/* ---------------------------------------------------------------- the
 * library callback */

/* Keep the exception being handled as the policy's error: BP. */
void sbpy_keep_error(SbSandbox *self)
{
	PyObject *exc = sbpy_take_exception();
	if (!exc)
		return;
	if (!self->policy_error) {
		PyObject *tb = NULL, *mod = PyImport_ImportModule("traceback");
		if (mod) {
			PyObject *lines = PyObject_CallMethod(mod, "format_exception",
			                                      "O", exc);
			if (lines) {
				PyObject *empty = PyUnicode_FromString("");
				tb = empty ? PyUnicode_Join(empty, lines) : NULL;
				Py_XDECREF(empty);
				Py_DECREF(lines);
			}
			Py_DECREF(mod);
		}
		PyErr_Clear();
		self->policy_error = exc;
		self->policy_tb = tb;
	} else {
		Py_DECREF(exc);
	}
}

static void policy_fault(SbSandbox *self, PyObject *type, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	PyObject *msg = PyUnicode_FromFormatV(fmt, ap);
	va_end(ap);
	if (msg) {
		PyErr_SetObject(type, msg);
		Py_DECREF(msg);
	}
	sbpy_keep_error(self);
}

static bool valid_result(int r)
{
	return r > S_RESULT_PD && r < S_RESULT_COUNT;
}

/* The Python answer `a` as the library's action. Leaves act->type at -1
 * (BP) with the reason kept when the answer does not fit the event. */
static void translate(SbSandbox *self, const sandbox_event_t *ev,
                      const SbAction *a, sandbox_action_t *act)
{
	int flag = a->type >= 0 ? (a->type & S_ACTION_FLAG_BACKTRACE) : 0;
	int type = a->type >= 0 ? (a->type & ~S_ACTION_FLAG_BACKTRACE) : a->type;
	bool at_syscall = ev->type == S_EVENT_SYSCALL || ev->type == S_EVENT_SYSRET;

	switch (type) {
	case S_ACTION_CONT:
		act->type = S_ACTION_CONT | flag;
		act->data = 0;
		return;
	case S_ACTION_DENY:
		if (ev->type != S_EVENT_SYSCALL) {
			policy_fault(self, PyExc_ValueError,
			             "S_ACTION_DENY answers a syscall entry only");
			return;
		}
		if (a->data < 1 || a->data > 4095) {
			policy_fault(self, PyExc_ValueError,
			             "S_ACTION_DENY needs an errno in 1..4095, not %d",
			             a->data);
			return;
		}
		act->type = S_ACTION_DENY | flag;
		act->data = a->data;
		return;
	case S_ACTION_FINI:
		if (!valid_result(a->data)) {
			policy_fault(self, PyExc_ValueError,
			             "S_ACTION_FINI needs a result S_RESULT_OK..BP, not %d",
			             a->data);
			return;
		}
		act->type = S_ACTION_FINI | flag;
		act->data = a->data;
		return;
	case S_ACTION_KILL:
		if ((at_syscall && (a->data == 0 || a->data == S_RESULT_RF)) ||
		    (!at_syscall && (a->data == 0 || a->data == S_RESULT_RT))) {
			act->type = S_ACTION_KILL | flag;
			act->data = 0;
		} else if (valid_result(a->data)) {
			/* The library's KILL at a syscall is RF: another result
			 * is ending the run with it. */
			act->type = S_ACTION_FINI | flag;
			act->data = a->data;
		} else {
			policy_fault(self, PyExc_ValueError,
			             "S_ACTION_KILL with an unknown result %d", a->data);
		}
		return;
	default:
		policy_fault(self, PyExc_ValueError, "unknown action type %d",
		             a->type);
		return;
	}
}

static PyObject *policy_callable(SbSandbox *self)
{
	PyObject *p = self->policy;
	if (p && PyObject_TypeCheck(p, &SbPolicy_Type))
		return ((SbPolicy *)p)->callback;
	return p;
}

/* Cached event and action objects, new ones when the policy kept the
 * previous ones. */
static int prepare(SbSandbox *self, const sandbox_event_t *ev)
{
	if (self->event && Py_REFCNT(self->event) == 1) {
		sbpy_event_fill(self->event, ev);
	} else {
		Py_CLEAR(self->event);
		if (!(self->event = sbpy_event_new(ev)))
			return -1;
	}
	if (self->action && Py_REFCNT(self->action) == 1) {
		self->action->type = S_ACTION_CONT;
		self->action->data = 0;
	} else {
		Py_CLEAR(self->action);
		if (!(self->action = sbpy_action_new(S_ACTION_CONT, 0)))
			return -1;
	}
	return 0;
}

static void note_event(SbSandbox *self, const sandbox_event_t *ev)
{
	self->pid = ev->pid;
	if (ev->type == S_EVENT_SYSCALL) {
		self->have_last_sc = true;
		self->last_sc_abi = ev->syscall.abi;
		self->last_sc_nr = ev->syscall.nr;
	} else if (ev->type == S_EVENT_SIGNAL) {
		self->last_signal = ev->data;
		self->last_sig_code = ev->sig_code;
	}
}

static void decide(SbSandbox *self, const sandbox_event_t *ev,
                   sandbox_action_t *act)
{
	PyObject *fn = policy_callable(self), *ret;

	note_event(self, ev);
	if (self->policy_error || self->pending)
		return; /* BP already, or interrupted: no more Python */
	if (!fn) {
		policy_fault(self, PyExc_RuntimeError, "the policy has no callback");
		return;
	}
	if (prepare(self, ev) < 0) {
		sbpy_keep_error(self);
		return;
	}
	Py_INCREF(fn);
	self->in_callback = true;
	ret = PyObject_CallFunctionObjArgs(fn, (PyObject *)self->event,
	                                   (PyObject *)self->action, NULL);
	self->in_callback = false;
	self->event->live = false;
	Py_DECREF(fn);
	if (!ret) {
		if (!PyErr_ExceptionMatches(PyExc_Exception)) {
			/* KeyboardInterrupt, SystemExit: end the run now, raise it
			 * from run(). */
			self->pending = sbpy_take_exception();
			sandbox_interrupt(self->sb, SIGINT);
			act->type = S_ACTION_KILL;
			act->data = 0;
			return;
		}
		sbpy_keep_error(self);
		return;
	}
	if (!PyObject_TypeCheck(ret, &SbAction_Type))
		policy_fault(self, PyExc_TypeError,
		             "the policy returned %.100s, not a SandboxAction",
		             Py_TYPE(ret)->tp_name);
	else
		translate(self, ev, (SbAction *)ret, act);
	Py_DECREF(ret);
}

void sbpy_trampoline(const sandbox_event_t *ev, sandbox_action_t *act,
                     void *data)
{
	struct sbpy_run *run = sbpy_current_run();
	(void)data;
	/* Not ours (cannot happen): leave the action unset, BP. */
	if (!run || !ev || run->self->sb != ev->sandbox)
		return;
	PyEval_RestoreThread(run->ts);
	decide(run->self, ev, act);
	run->ts = PyEval_SaveThread();
}

/* What a classic policy's answer to an end event (EXIT, QUOTA, ERROR)
 * makes the verdict: FINI or KILL with a result is that result; CONT
 * keeps the library's verdict after a QUOTA or an ERROR (the program is
 * already gone: nothing can let it run on) and is BP after an EXIT, as in
 * pysandbox, where a program that ended without a result was BP. */
static void end_answer(SbSandbox *self, int event, const SbAction *r)
{
	int type = r->type & ~S_ACTION_FLAG_BACKTRACE;
	if ((type == S_ACTION_FINI || type == S_ACTION_KILL) &&
	    valid_result(r->data))
		self->result_override = r->data;
	else if (type == S_ACTION_CONT && event != S_EVENT_EXIT)
		self->result_override = -1;
	else
		policy_fault(self, PyExc_ValueError,
		             "the policy answered the program's %s with action %d "
		             "(data %d): a classic policy ends the run with "
		             "S_ACTION_FINI and a result",
		             event == S_EVENT_EXIT ? "exit"
		             : event == S_EVENT_QUOTA ? "quota event" : "error",
		             r->type, r->data);
}

void sbpy_deliver_end(SbSandbox *self, int event, long data)
{
	PyObject *fn = policy_callable(self), *ret;
	SbEvent *e = sbpy_event_classic(event, data);
	SbAction *a = sbpy_action_new(S_ACTION_CONT, 0);

	self->result_override = S_RESULT_BP;
	if (!fn || !e || !a) {
		if (PyErr_Occurred())
			sbpy_keep_error(self);
		goto out;
	}
	Py_INCREF(fn);
	ret = PyObject_CallFunctionObjArgs(fn, (PyObject *)e, (PyObject *)a, NULL);
	Py_DECREF(fn);
	if (!ret) {
		if (!PyErr_ExceptionMatches(PyExc_Exception))
			self->pending = sbpy_take_exception();
		else
			sbpy_keep_error(self);
		goto out;
	}
	if (!PyObject_TypeCheck(ret, &SbAction_Type))
		policy_fault(self, PyExc_TypeError,
		             "the policy returned %.100s, not a SandboxAction",
		             Py_TYPE(ret)->tp_name);
	else
		end_answer(self, event, (const SbAction *)ret);
	Py_DECREF(ret);
out:
	Py_XDECREF(e);
	Py_XDECREF(a);
}

/* An observer sees the event and the decision, decides nothing; its
 * first exception is kept (hook_error) and it is not called again in
 * that run. */
void sbpy_hook(const sandbox_event_t *ev, const sandbox_action_t *decision,
               void *data)
{
	struct sbpy_run *run = sbpy_current_run();
	(void)data;
	if (!run || !ev || (ev->sandbox && run->self->sb != ev->sandbox))
		return;
	SbSandbox *self = run->self;
	/* The errno of an ERROR, for a classic policy's S_EVENT_ERROR. */
	if (ev->type == S_EVENT_ERROR)
		self->lib_errno = ev->data;
	if (!self->hook)
		return;
	PyEval_RestoreThread(run->ts);
	PyObject *fn = self->hook;
	if (fn && !self->hook_error && !self->pending) {
		SbEvent *e = sbpy_event_new(ev);
		SbAction *a = sbpy_action_new(decision ? decision->type : -1,
		                              decision ? decision->data : 0);
		PyObject *ret = NULL;
		Py_INCREF(fn);
		bool was = self->in_callback;
		self->in_callback = e && a && ev->type != S_EVENT_EXIT &&
		                    ev->type != S_EVENT_QUOTA &&
		                    ev->type != S_EVENT_ERROR;
		if (e && a)
			ret = PyObject_CallFunctionObjArgs(fn, (PyObject *)e,
			                                   (PyObject *)a, NULL);
		self->in_callback = was;
		if (e)
			e->live = false;
		Py_DECREF(fn);
		if (!ret) {
			if (!PyErr_ExceptionMatches(PyExc_Exception)) {
				self->pending = sbpy_take_exception();
				sandbox_interrupt(self->sb, SIGINT);
			} else {
				self->hook_error = sbpy_take_exception();
			}
		}
		Py_XDECREF(ret);
		Py_XDECREF(e);
		Py_XDECREF(a);
	}
	run->ts = PyEval_SaveThread();
}

sandbox_policy_t *sbpy_policy_trace_all(void)
{
	sandbox_policy_t *p = sandbox_policy_new();
	int rc = p ? 0 : -ENOMEM;
	for (int abi = 0; rc == 0 && abi < S_ABI_COUNT; abi++)
		rc = sandbox_policy_set_default(p, abi, S_DISP_TRACE, 0);
	if (rc == 0)
		rc = sandbox_policy_set_callback(p, sbpy_trampoline, NULL, NULL);
	if (rc < 0) {
		sandbox_policy_unref(p);
		sbpy_err(rc, "cannot build the policy", NULL);
		return NULL;
	}
	return p;
}

/* ---------------------------------------------------------------- Policy */

static SbPolicy *policy_wrap(PyTypeObject *t, sandbox_policy_t *p,
                             PyObject *name)
{
	SbPolicy *self = (SbPolicy *)t->tp_alloc(t, 0);
	if (!self) {
		sandbox_policy_unref(p);
		return NULL;
	}
	self->p = p;
	Py_XINCREF(name);
	self->name = name;
	return self;
}

static int policy_mutable(SbPolicy *self)
{
	if (!self->p) {
		PyErr_SetString(PyExc_RuntimeError, "Policy not initialised");
		return -1;
	}
	if (self->busy) {
		PyErr_SetString(PyExc_RuntimeError,
		                "cannot change a policy while a run uses it");
		return -1;
	}
	self->generation++;
	return 0;
}

/* A Policy from what a loader returned (NULL: errno and msg say why),
 * named after the path (bytes) it was loaded from. */
static PyObject *loaded(PyTypeObject *t, sandbox_policy_t *p, int err,
                        const char *msg, PyObject *path)
{
	if (!p)
		return sbpy_err(-err, "cannot load the policy", msg[0] ? msg : NULL);
	PyObject *name = PyUnicode_DecodeFSDefault(PyBytes_AS_STRING(path));
	if (!name) {
		sandbox_policy_unref(p);
		return NULL;
	}
	PyObject *r = (PyObject *)policy_wrap(t, p, name);
	Py_DECREF(name);
	return r;
}

static PyObject *policy_new(PyTypeObject *t, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "spec", NULL };
	PyObject *spec = Py_None, *b, *r;
	char msg[512] = "";
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:Policy", kwlist, &spec))
		return NULL;
	if (spec == Py_None) {
		sandbox_policy_t *p = sandbox_policy_new();
		if (!p)
			return PyErr_NoMemory();
		return (PyObject *)policy_wrap(t, p, NULL);
	}
	if (!(b = sbpy_fsbytes(spec)))
		return NULL;
	sandbox_policy_t *p = sandbox_policy_load(PyBytes_AS_STRING(b), msg,
	                                          sizeof(msg));
	r = loaded(t, p, errno, msg, b);
	Py_DECREF(b);
	return r;
}

static PyObject *policy_builtin(PyObject *cls, PyObject *args)
{
	const char *name;
	if (!PyArg_ParseTuple(args, "s:builtin", &name))
		return NULL;
	sandbox_policy_t *p = sandbox_policy_builtin(name);
	if (!p)
		return sbpy_err(-errno, "no such built-in policy", name);
	PyObject *n = PyUnicode_FromString(name);
	PyObject *r = n ? (PyObject *)policy_wrap((PyTypeObject *)cls, p, n) : NULL;
	Py_XDECREF(n);
	return r;
}

static PyObject *policy_load_file(PyObject *cls, PyObject *args)
{
	PyObject *path, *b, *r;
	char msg[512] = "";
	if (!PyArg_ParseTuple(args, "O:load_file", &path) ||
	    !(b = sbpy_fsbytes(path)))
		return NULL;
	sandbox_policy_t *p = sandbox_policy_load_file(PyBytes_AS_STRING(b), msg,
	                                               sizeof(msg));
	r = loaded((PyTypeObject *)cls, p, errno, msg, b);
	Py_DECREF(b);
	return r;
}

static PyObject *policy_load_module(PyObject *cls, PyObject *args)
{
	PyObject *path, *b, *r;
	const char *arg = NULL;
	char msg[512] = "";
	if (!PyArg_ParseTuple(args, "O|z:load_module", &path, &arg) ||
	    !(b = sbpy_fsbytes(path)))
		return NULL;
	sandbox_policy_t *p = sandbox_policy_load_module(PyBytes_AS_STRING(b), arg,
	                                                 msg, sizeof(msg));
	r = loaded((PyTypeObject *)cls, p, errno, msg, b);
	Py_DECREF(b);
	return r;
}

static PyObject *policy_parse(PyObject *cls, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "text", "name", NULL };
	const char *text, *name = "<text>";
	Py_ssize_t len;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "s#|s:parse", kwlist, &text,
	                                 &len, &name))
		return NULL;
	char msg[512] = "";
	sandbox_policy_t *p = sandbox_policy_parse(text, (size_t)len, name, msg,
	                                           sizeof(msg));
	PyObject *b = PyBytes_FromString(name), *r;
	if (!b) {
		sandbox_policy_unref(p);
		return NULL;
	}
	r = loaded((PyTypeObject *)cls, p, errno, msg, b);
	Py_DECREF(b);
	return r;
}

static PyObject *policy_list(PyObject *cls, PyObject *unused)
{
	PyObject *l = PyList_New(0);
	for (const char *const *n = sandbox_policy_list(); l && n && *n; n++) {
		PyObject *s = PyUnicode_FromString(*n);
		if (!s || PyList_Append(l, s) < 0) {
			Py_XDECREF(s);
			Py_CLEAR(l);
			break;
		}
		Py_DECREF(s);
	}
	return l;
}

static PyObject *policy_describe(PyObject *cls, PyObject *args)
{
	const char *name;
	if (!PyArg_ParseTuple(args, "s:describe", &name))
		return NULL;
	const char *d = sandbox_policy_describe(name);
	if (!d)
		Py_RETURN_NONE;
	return PyUnicode_FromString(d);
}

/* An int, or a name of the table (NULL-terminated). */
struct name_value {
	const char *name;
	int value;
};

static int parse_named(PyObject *o, const struct name_value *t, int *out,
                       const char *what)
{
	if (PyLong_Check(o)) {
		*out = (int)PyLong_AsLong(o);
		return PyErr_Occurred() ? -1 : 0;
	}
	const char *s = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : NULL;
	for (; s && t->name; t++)
		if (strcmp(s, t->name) == 0) {
			*out = t->value;
			return 0;
		}
	if (!PyErr_Occurred())
		PyErr_Format(PyExc_ValueError, "%s, not %R", what, o);
	return -1;
}

static int parse_disp(PyObject *o, int *disp)
{
	static const struct name_value names[] = {
		{ "allow", S_DISP_ALLOW }, { "trace", S_DISP_TRACE },
		{ "errno", S_DISP_ERRNO }, { "deny", S_DISP_ERRNO },
		{ "kill", S_DISP_KILL }, { NULL, 0 },
	};
	return parse_named(o, names, disp, "disposition must be S_DISP_* or "
	                   "one of allow, trace, errno, kill");
}

static int parse_op(PyObject *o, int *op)
{
	static const struct name_value names[] = {
		{ "!=", S_CMP_NE }, { "<", S_CMP_LT }, { "<=", S_CMP_LE },
		{ "==", S_CMP_EQ }, { ">=", S_CMP_GE }, { ">", S_CMP_GT },
		{ "&==", S_CMP_MASKED_EQ }, { NULL, 0 },
	};
	return parse_named(o, names, op, "comparison must be S_CMP_* or one "
	                   "of != < <= == >= > &==");
}

/* conds: iterable of (arg, op, a[, b]). Returns the count or -1. */
static int parse_conds(PyObject *conds, sandbox_cond_t out[6])
{
	if (!conds || conds == Py_None)
		return 0;
	PyObject *seq = PySequence_Fast(conds, "conds must be a sequence");
	if (!seq)
		return -1;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
	if (n > 6) {
		Py_DECREF(seq);
		PyErr_SetString(PyExc_ValueError, "at most 6 conditions");
		return -1;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *c = PySequence_Fast_GET_ITEM(seq, i), *opo;
		unsigned long long a = 0, b = 0;
		unsigned arg;
		if (!PyArg_ParseTuple(c, "IOK|K;a condition is (arg, op, a[, b])",
		                      &arg, &opo, &a, &b) ||
		    parse_op(opo, &out[i].op) < 0) {
			Py_DECREF(seq);
			return -1;
		}
		out[i].arg = arg;
		out[i].a = a;
		out[i].b = b;
	}
	Py_DECREF(seq);
	return (int)n;
}

/* abi argument: None (x86_64), an int ABI, or an iterable of them. */
static int parse_abis(PyObject *o, unsigned *mask)
{
	*mask = 0;
	if (!o || o == Py_None) {
		*mask = 1u << S_ABI_X86_64;
		return 0;
	}
	if (PyLong_Check(o)) {
		long v = PyLong_AsLong(o);
		if (v < 0 || v >= S_ABI_COUNT) {
			PyErr_Format(PyExc_ValueError, "bad ABI %ld", v);
			return -1;
		}
		*mask = 1u << v;
		return 0;
	}
	PyObject *it = PyObject_GetIter(o), *x;
	if (!it)
		return -1;
	while ((x = PyIter_Next(it))) {
		long v = PyLong_AsLong(x);
		Py_DECREF(x);
		if (v < 0 || v >= S_ABI_COUNT) {
			if (!PyErr_Occurred())
				PyErr_Format(PyExc_ValueError, "bad ABI %ld", v);
			Py_DECREF(it);
			return -1;
		}
		*mask |= 1u << v;
	}
	Py_DECREF(it);
	return PyErr_Occurred() ? -1 : 0;
}

static PyObject *policy_add_rule(SbPolicy *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "syscall", "action", "errno", "conds", "abi",
	                          "exit", NULL };
	PyObject *sc, *action, *conds = NULL, *abio = NULL;
	int err = 0, on_exit = 0, disp, rc;
	unsigned mask;
	sandbox_cond_t cv[6];
	if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|iOOp:add_rule", kwlist,
	                                 &sc, &action, &err, &conds, &abio,
	                                 &on_exit) ||
	    parse_disp(action, &disp) < 0 || parse_abis(abio, &mask) < 0)
		return NULL;
	int nc = parse_conds(conds, cv);
	if (nc < 0 || policy_mutable(self) < 0)
		return NULL;
	if (on_exit)
		disp |= S_DISP_FLAG_EXIT;
	if (PyUnicode_Check(sc)) {
		rc = sandbox_policy_add_rule_name(self->p, mask, PyUnicode_AsUTF8(sc),
		                                  disp, err, cv, (unsigned)nc);
	} else {
		long nr = PyLong_AsLong(sc);
		if (nr == -1 && PyErr_Occurred())
			return NULL;
		rc = 0;
		for (int abi = 0; rc == 0 && abi < S_ABI_COUNT; abi++)
			if (mask & (1u << abi))
				rc = sandbox_policy_add_rule(self->p, abi, nr, disp, err,
				                             cv, (unsigned)nc);
	}
	if (rc < 0)
		return sbpy_err(rc, "add_rule", NULL);
	Py_INCREF(self);
	return (PyObject *)self;
}

static PyObject *policy_set_default(SbPolicy *self, PyObject *args,
                                    PyObject *kw)
{
	static char *kwlist[] = { "action", "errno", "abi", NULL };
	PyObject *action, *abio = NULL;
	int err = 0, disp;
	unsigned mask;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|iO:set_default", kwlist,
	                                 &action, &err, &abio) ||
	    parse_disp(action, &disp) < 0 || parse_abis(abio, &mask) < 0 ||
	    policy_mutable(self) < 0)
		return NULL;
	for (int abi = 0; abi < S_ABI_COUNT; abi++) {
		if (!(mask & (1u << abi)))
			continue;
		int rc = sandbox_policy_set_default(self->p, abi, disp, err);
		if (rc < 0)
			return sbpy_err(rc, "set_default", NULL);
	}
	Py_INCREF(self);
	return (PyObject *)self;
}

static PyObject *policy_add_text(SbPolicy *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "text", "name", NULL };
	const char *text, *name = "<text>";
	Py_ssize_t len;
	char msg[512] = "";
	if (!PyArg_ParseTupleAndKeywords(args, kw, "s#|s:add_text", kwlist, &text,
	                                 &len, &name) ||
	    policy_mutable(self) < 0)
		return NULL;
	int rc = sandbox_policy_add_text(self->p, text, (size_t)len, name, msg,
	                                 sizeof(msg));
	if (rc < 0)
		return sbpy_err(rc, "add_text", msg[0] ? msg : NULL);
	Py_INCREF(self);
	return (PyObject *)self;
}

static PyObject *policy_add_path(SbPolicy *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "dir", "writable", NULL };
	PyObject *dir, *b;
	int writable = 0;
	char msg[512] = "";
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p:add_path", kwlist, &dir,
	                                 &writable) ||
	    policy_mutable(self) < 0 || !(b = sbpy_fsbytes(dir)))
		return NULL;
	int rc = sandbox_policy_add_path(self->p, PyBytes_AS_STRING(b),
	                                 writable != 0, msg, sizeof(msg));
	Py_DECREF(b);
	if (rc < 0)
		return sbpy_err(rc, "add_path", msg[0] ? msg : NULL);
	Py_INCREF(self);
	return (PyObject *)self;
}

static PyObject *policy_evaluate(SbPolicy *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "syscall", "args", "abi", "pid", NULL };
	PyObject *sc, *argso = NULL;
	int abi = S_ABI_X86_64, pid = 0, err = 0;
	uint64_t av[6] = { 0 };
	long nr;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|Oii:evaluate", kwlist, &sc,
	                                 &argso, &abi, &pid))
		return NULL;
	if (!self->p) {
		PyErr_SetString(PyExc_RuntimeError, "Policy not initialised");
		return NULL;
	}
	if (PyUnicode_Check(sc)) {
		nr = sandbox_syscall_number(abi, PyUnicode_AsUTF8(sc));
		if (nr < 0)
			return sbpy_err((int)nr, "no such syscall", PyUnicode_AsUTF8(sc));
	} else if ((nr = PyLong_AsLong(sc)) == -1 && PyErr_Occurred()) {
		return NULL;
	}
	if (argso && argso != Py_None) {
		PyObject *seq = PySequence_Fast(argso, "args must be a sequence");
		if (!seq)
			return NULL;
		Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
		for (Py_ssize_t i = 0; i < n && i < 6; i++) {
			PyObject *x = PySequence_Fast_GET_ITEM(seq, i);
			av[i] = PyLong_AsUnsignedLongLongMask(x);
		}
		Py_DECREF(seq);
		if (PyErr_Occurred())
			return NULL;
	}
	int d = sandbox_policy_evaluate(self->p, abi, nr, av, pid, &err);
	if (d < 0)
		return sbpy_err(d, "evaluate", NULL);
	return Py_BuildValue("(ii)", d, err);
}

static int explain_fn(const void *p, int fd)
{
	return sandbox_policy_explain(p, fd);
}

static PyObject *policy_explain(SbPolicy *self, PyObject *unused)
{
	if (!self->p) {
		PyErr_SetString(PyExc_RuntimeError, "Policy not initialised");
		return NULL;
	}
	return sbpy_capture_text(explain_fn, self->p);
}

static PyObject *policy_get_callback(SbPolicy *self, void *c)
{
	PyObject *cb = self->callback ? self->callback : Py_None;
	Py_INCREF(cb);
	return cb;
}

static int policy_set_callback(SbPolicy *self, PyObject *v, void *c)
{
	if (v && v != Py_None && !PyCallable_Check(v)) {
		PyErr_SetString(PyExc_TypeError, "callback must be callable or None");
		return -1;
	}
	if (policy_mutable(self) < 0)
		return -1;
	bool on = v && v != Py_None;
	int rc = sandbox_policy_set_callback(self->p, on ? sbpy_trampoline : NULL,
	                                     NULL, NULL);
	if (rc < 0)
		return sbpy_erri(rc, "callback", NULL);
	Py_XINCREF(on ? v : NULL);
	Py_XSETREF(self->callback, on ? v : NULL);
	return 0;
}

static PyObject *policy_get_memory_mode(SbPolicy *self, void *c)
{
	int m = self->p ? sandbox_policy_memory_mode(self->p) : -1;
	if (m < 0)
		Py_RETURN_NONE;
	return PyLong_FromLong(m);
}

static int policy_set_memory_mode(SbPolicy *self, PyObject *v, void *c)
{
	int m = -1;
	if (v && v != Py_None) {
		const char *s = PyUnicode_Check(v) ? PyUnicode_AsUTF8(v) : NULL;
		if (s && strcmp(s, "vsize") == 0)
			m = S_MEMORY_VSIZE;
		else if (s && strcmp(s, "rss") == 0)
			m = S_MEMORY_RSS;
		else if (!s && (m = (int)PyLong_AsLong(v)) == -1 && PyErr_Occurred())
			return -1;
		else if (s) {
			PyErr_Format(PyExc_ValueError,
			             "memory_mode is 'vsize', 'rss', S_MEMORY_* or None, "
			             "not %R", v);
			return -1;
		}
	}
	if (policy_mutable(self) < 0)
		return -1;
	int rc = sandbox_policy_set_memory_mode(self->p, m);
	return rc < 0 ? sbpy_erri(rc, "memory_mode", NULL) : 0;
}

static PyObject *policy_get_name(SbPolicy *self, void *c)
{
	PyObject *n = self->name ? self->name : Py_None;
	Py_INCREF(n);
	return n;
}

static PyObject *policy_repr(SbPolicy *self)
{
	if (self->name)
		return PyUnicode_FromFormat("<sandbox.Policy %R>", self->name);
	return PyUnicode_FromString("<sandbox.Policy>");
}

static int policy_traverse(SbPolicy *self, visitproc visit, void *arg)
{
	Py_VISIT(self->callback);
	return 0;
}

static int policy_clear(SbPolicy *self)
{
	Py_CLEAR(self->callback);
	return 0;
}

static void policy_dealloc(SbPolicy *self)
{
	PyObject_GC_UnTrack(self);
	if (self->weakrefs)
		PyObject_ClearWeakRefs((PyObject *)self);
	policy_clear(self);
	Py_CLEAR(self->name);
	sandbox_policy_unref(self->p);
	self->p = NULL;
	Py_TYPE(self)->tp_free(self);
}

static PyMethodDef policy_methods[] = {
	{ "builtin", (PyCFunction)policy_builtin, METH_VARARGS | METH_CLASS,
	  "Policy.builtin(name) -> Policy: a copy of a built-in policy" },
	{ "load", (PyCFunction)(void (*)(void))policy_new,
	  METH_VARARGS | METH_KEYWORDS | METH_CLASS,
	  "Policy.load(spec) -> Policy: a built-in name, a policy file, or\n"
	  "MODULE.so[:ARG] (what sandbox-run --policy takes)" },
	{ "load_file", (PyCFunction)policy_load_file, METH_VARARGS | METH_CLASS,
	  "Policy.load_file(path) -> Policy: parse a policy file" },
	{ "load_module", (PyCFunction)policy_load_module,
	  METH_VARARGS | METH_CLASS,
	  "Policy.load_module(path, arg=None) -> Policy: load a C policy module" },
	{ "parse", (PyCFunction)(void (*)(void))policy_parse,
	  METH_VARARGS | METH_KEYWORDS | METH_CLASS,
	  "Policy.parse(text, name='<text>') -> Policy: policy-file text" },
	{ "list", (PyCFunction)policy_list, METH_NOARGS | METH_STATIC,
	  "Policy.list() -> list of the built-in policy names" },
	{ "describe", (PyCFunction)policy_describe, METH_VARARGS | METH_STATIC,
	  "Policy.describe(name) -> str or None: one line about a built-in" },
	{ "add_rule", (PyCFunction)(void (*)(void))policy_add_rule,
	  METH_VARARGS | METH_KEYWORDS,
	  "add_rule(syscall, action, errno=0, conds=(), abi=None, exit=False)\n"
	  "-> self\n\n"
	  "syscall: a name or a number; action: 'allow', 'trace', 'errno' or\n"
	  "'kill' (or S_DISP_*); conds: (arg, op, a[, b]) tuples, op one of\n"
	  "'==', '!=', '<', '<=', '>', '>=', '&=='; abi: an S_ABI_* or a list\n"
	  "(default x86_64); exit: also deliver the syscall's return." },
	{ "set_default", (PyCFunction)(void (*)(void))policy_set_default,
	  METH_VARARGS | METH_KEYWORDS,
	  "set_default(action, errno=0, abi=None) -> self: the disposition of\n"
	  "syscalls without a rule" },
	{ "add_text", (PyCFunction)(void (*)(void))policy_add_text,
	  METH_VARARGS | METH_KEYWORDS,
	  "add_text(text, name='<text>') -> self: add policy-file lines" },
	{ "add_path", (PyCFunction)(void (*)(void))policy_add_path,
	  METH_VARARGS | METH_KEYWORDS,
	  "add_path(dir, writable=False) -> self: a directory whose files the\n"
	  "program may read (or write)" },
	{ "evaluate", (PyCFunction)(void (*)(void))policy_evaluate,
	  METH_VARARGS | METH_KEYWORDS,
	  "evaluate(syscall, args=(), abi=S_ABI_X86_64, pid=0)\n"
	  "-> (disposition, errno): what the rules decide for one call" },
	{ "explain", (PyCFunction)policy_explain, METH_NOARGS,
	  "explain() -> str: a readable listing of the rules" },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef policy_getset[] = {
	{ "callback", (getter)policy_get_callback, (setter)policy_set_callback,
	  "a callable f(event, action) -> SandboxAction asked for the syscalls\n"
	  "the rules TRACE (and signals), or None. Replaces the policy's own\n"
	  "C callback (built-ins such as default have one).", NULL },
	{ "memory_mode", (getter)policy_get_memory_mode,
	  (setter)policy_set_memory_mode,
	  "what the memory quota of this policy's runs is judged on:\n"
	  "S_MEMORY_RSS (runtimes reserving address space they never touch),\n"
	  "S_MEMORY_VSIZE, or None (no preference); set with 'rss', 'vsize',\n"
	  "S_MEMORY_* or None. A run's own memory_mode wins.", NULL },
	{ "name", (getter)policy_get_name, NULL,
	  "what the policy was made from (name, file, module), or None", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject SbPolicy_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "sandbox.Policy",
	.tp_basicsize = sizeof(SbPolicy),
	.tp_dealloc = (destructor)policy_dealloc,
	.tp_repr = (reprfunc)policy_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
	.tp_doc =
	"Policy(spec=None)\n\n"
	"A library policy: a rule table per ABI compiled into the kernel's\n"
	"seccomp filter, plus an optional callback for the syscalls it\n"
	"TRACEs. Policy() is empty (every ABI's default is kill); Policy(spec)\n"
	"loads a built-in name, a policy file or MODULE.so[:ARG].",
	.tp_traverse = (traverseproc)policy_traverse,
	.tp_clear = (inquiry)policy_clear,
	.tp_weaklistoffset = offsetof(SbPolicy, weakrefs),
	.tp_methods = policy_methods,
	.tp_getset = policy_getset,
	.tp_new = policy_new,
};

int sbpy_policy_module_init(PyObject *m)
{
	(void)m;
	default_table = sandbox_policy_builtin("default");
	if (!default_table) {
		sbpy_err(-errno, "cannot load the built-in default policy", NULL);
		return -1;
	}
	return 0;
}
