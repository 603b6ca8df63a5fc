/*
 * The module sandbox._sandbox: types, the classic constants (on the module
 * and, as pysandbox had them, on Sandbox, SandboxEvent and SandboxAction),
 * the library's constants, and module-level functions over sandbox.h.
 */
#include "sbpy.h"

#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>

#define C(x) { #x, x }

static const struct sbpy_const event_consts[] = {
	C(S_EVENT_ERROR), C(S_EVENT_EXIT), C(S_EVENT_SIGNAL), C(S_EVENT_SYSCALL),
	C(S_EVENT_SYSRET), C(S_EVENT_QUOTA), { NULL, 0 },
};

static const struct sbpy_const action_consts[] = {
	C(S_ACTION_CONT), C(S_ACTION_FINI), C(S_ACTION_KILL), C(S_ACTION_DENY),
	C(S_ACTION_FLAG_BACKTRACE), { NULL, 0 },
};

static const struct sbpy_const sandbox_consts[] = {
	C(S_QUOTA_WALLCLOCK), C(S_QUOTA_CPU), C(S_QUOTA_MEMORY), C(S_QUOTA_DISK), C(S_QUOTA_STACK), C(S_QUOTA_TASKS),
	C(S_STATUS_PRE), C(S_STATUS_RDY), C(S_STATUS_EXE), C(S_STATUS_BLK),
	C(S_STATUS_FIN),
	C(S_RESULT_PD), C(S_RESULT_OK), C(S_RESULT_RF), C(S_RESULT_ML),
	C(S_RESULT_OL), C(S_RESULT_TL), C(S_RESULT_RT), C(S_RESULT_AT),
	C(S_RESULT_IE), C(S_RESULT_BP),
	{ "S_RESULT_R0", SBPY_RESULT_R0 }, { "S_RESULT_R1", SBPY_RESULT_R0 + 1 },
	{ "S_RESULT_R2", SBPY_RESULT_R0 + 2 }, { "S_RESULT_R3", SBPY_RESULT_R0 + 3 },
	{ "S_RESULT_R4", SBPY_RESULT_R0 + 4 }, { "S_RESULT_R5", SBPY_RESULT_R0 + 5 },
	{ "T_BYTE", SBPY_T_BYTE }, { "T_SHORT", SBPY_T_SHORT },
	{ "T_INT", SBPY_T_INT }, { "T_LONG", SBPY_T_LONG },
	{ "T_UBYTE", SBPY_T_UBYTE }, { "T_USHORT", SBPY_T_USHORT },
	{ "T_UINT", SBPY_T_UINT }, { "T_ULONG", SBPY_T_ULONG },
	{ "T_FLOAT", SBPY_T_FLOAT }, { "T_DOUBLE", SBPY_T_DOUBLE },
	{ "T_CHAR", SBPY_T_CHAR }, { "T_STRING", SBPY_T_STRING },
	{ NULL, 0 },
};

/* Constants of sandbox.h beyond the classic set (module level only). */
static const struct sbpy_const library_consts[] = {
	C(S_MEMORY_VSIZE), C(S_MEMORY_RSS), C(S_MODE_FAST), C(S_MODE_CLASSIC),
	C(SANDBOX_OPEN_READ), C(SANDBOX_OPEN_WRITE), C(SANDBOX_OPEN_APPEND),
	C(SANDBOX_OPEN_DIR), C(SANDBOX_BOX_FIRST_UID), C(SANDBOX_BOX_FIRST_GID),
	C(SANDBOX_BOX_COUNT),
	C(S_ABI_X86_64), C(S_ABI_I386), C(S_ABI_X32),
	C(S_DISP_ALLOW), C(S_DISP_TRACE), C(S_DISP_ERRNO), C(S_DISP_KILL),
	C(S_DISP_FLAG_EXIT),
	C(S_CMP_NE), C(S_CMP_LT), C(S_CMP_LE), C(S_CMP_EQ), C(S_CMP_GE),
	C(S_CMP_GT), C(S_CMP_MASKED_EQ), C(S_ARG_SELF_PID),
	C(S_AFFINITY_AUTO), C(S_AFFINITY_NONE),
	C(S_TL_NONE), C(S_TL_CPU), C(S_TL_WALL),
	C(S_VERDICT_PD), C(S_VERDICT_OK), C(S_VERDICT_RF), C(S_VERDICT_ML),
	C(S_VERDICT_OL), C(S_VERDICT_TL), C(S_VERDICT_RT), C(S_VERDICT_AT),
	C(S_VERDICT_IE), C(S_VERDICT_BP), C(S_VERDICT_WA), C(S_VERDICT_PE),
	C(S_VERDICT_PT), C(S_VERDICT_JF),
	C(S_NS_PID), C(S_NS_IPC), C(S_NS_UTS), C(S_NS_NET), C(S_NS_MOUNT),
	C(S_NS_USER), C(S_NS_ALL),
	C(S_ISO_FS), C(S_ISO_PIVOT), C(S_ISO_CG_MEMORY), C(S_ISO_CG_PIDS),
	C(S_ISO_CG_CPU), C(S_ISO_CAPS), C(S_ISO_ENV_STRIP), C(S_ISO_BOX),
	C(S_DIR_RO), C(S_DIR_RW), C(S_DIR_TMP), C(S_ISO_LANDLOCK),
	C(S_FILES_NONE), C(S_FILES_LANDLOCK), C(S_FILES_MOUNT_VIEW),
	C(S_FILES_NOT_ENFORCED), C(S_LL_FS), C(S_LL_REFER), C(S_LL_TRUNCATE),
	C(S_LL_NET_TCP), C(S_LL_IOCTL_DEV), C(S_LL_SCOPE_SIGNAL),
	C(S_LL_SCOPE_ABSTRACT_UNIX), C(S_FILE_READ), C(S_FILE_WRITE),
	C(S_FILE_EXEC), C(S_FILE_OPTIONAL),
	C(S_BT_RF), C(S_BT_SIGNAL), C(S_BT_MARKED), C(S_BT_DEFAULT),
	C(SANDBOX_PROFILE_CSV), C(SANDBOX_PROFILE_JSONL),
	C(SANDBOX_PROFILE_SYSCALLS),
	C(SANDBOX_FORMAT_JSON), C(SANDBOX_FORMAT_NO_MEMORY),
	C(SANDBOX_BACKTRACE_MAX),
	{ NULL, 0 },
};

/* ---------------------------------------------------------------- functions */

static PyObject *f_version(PyObject *m, PyObject *unused)
{
	return PyUnicode_FromString(sandbox_version());
}

/* f(int) -> static string, as str. */
static PyObject *int_text(PyObject *args, const char *fmt,
                          const char *(*fn)(int))
{
	int v;
	if (!PyArg_ParseTuple(args, fmt, &v))
		return NULL;
	return PyUnicode_FromString(fn(v));
}

static PyObject *f_abi_name(PyObject *m, PyObject *args)
{
	return int_text(args, "i:abi_name", sandbox_abi_name);
}

static PyObject *f_signal_code_name(PyObject *m, PyObject *args)
{
	int sig, code;
	const char *name;
	if (!PyArg_ParseTuple(args, "ii:signal_code_name", &sig, &code))
		return NULL;
	name = sandbox_signal_code_name(sig, code);
	if (!name)
		Py_RETURN_NONE;
	return PyUnicode_FromString(name);
}

static PyObject *f_result_name(PyObject *m, PyObject *args)
{
	return int_text(args, "i:result_name", sandbox_result_name);
}

static PyObject *f_result_text(PyObject *m, PyObject *args)
{
	return int_text(args, "i:result_text", sandbox_result_text);
}

static PyObject *f_verdict_name(PyObject *m, PyObject *args)
{
	return int_text(args, "i:verdict_name", sandbox_verdict_name);
}

static PyObject *f_verdict_text(PyObject *m, PyObject *args)
{
	return int_text(args, "i:verdict_text", sandbox_verdict_text);
}

static PyObject *f_strerror(PyObject *m, PyObject *args)
{
	return int_text(args, "i:strerror", sandbox_strerror);
}

static PyObject *f_syscall_name(PyObject *m, PyObject *args)
{
	int abi;
	long nr;
	if (!PyArg_ParseTuple(args, "il:syscall_name", &abi, &nr))
		return NULL;
	return sbpy_syscall_name(abi, nr);
}

static PyObject *f_syscall_number(PyObject *m, PyObject *args)
{
	int abi;
	const char *name;
	if (!PyArg_ParseTuple(args, "is:syscall_number", &abi, &name))
		return NULL;
	long nr = sandbox_syscall_number(abi, name);
	if (nr < 0)
		return sbpy_err((int)nr, "no such syscall", name);
	return PyLong_FromLong(nr);
}

static PyObject *f_probe_host(PyObject *m, PyObject *unused)
{
	sandbox_probe_t p;
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = sandbox_probe(&p, sizeof(p));
	Py_END_ALLOW_THREADS
	if (rc < 0)
		return sbpy_err(rc, "probe", NULL);
	PyObject *missing = PyList_New(0);
	for (unsigned i = 0; missing && i < p.nmissing && i < SANDBOX_PROBE_MAX; i++) {
		PyObject *e = Py_BuildValue("{s:I,s:s,s:s,s:s}",
		                            "feature", p.missing[i].feature,
		                            "what", p.missing[i].what,
		                            "cause", p.missing[i].cause,
		                            "fix", p.missing[i].fix);
		if (!e || PyList_Append(missing, e) < 0)
			Py_CLEAR(missing);
		Py_XDECREF(e);
	}
	if (!missing)
		return NULL;
	return Py_BuildValue("{s:O,s:O,s:I,s:i,s:O,s:O,s:s,s:s,s:N}",
	                     "ptrace", p.ptrace ? Py_True : Py_False,
	                     "seccomp", p.seccomp ? Py_True : Py_False,
	                     "available", p.available,
	                     "cgroup_version", p.cgroup_version,
	                     "cgroup_v1", p.cgroup_v1 ? Py_True : Py_False,
	                     "cgroup_v2", p.cgroup_v2 ? Py_True : Py_False,
	                     "cgroup_root", p.cgroup_root,
	                     "strongest", p.strongest,
	                     "missing", missing);
}

static PyObject *f_cgroup_sweep(PyObject *m, PyObject *args)
{
	PyObject *o = Py_None, *b = NULL;
	if (!PyArg_ParseTuple(args, "|O:cgroup_sweep", &o))
		return NULL;
	if (o != Py_None && !(b = sbpy_fsbytes(o)))
		return NULL;
	int rc = sandbox_cgroup_sweep(b ? PyBytes_AS_STRING(b) : NULL);
	Py_XDECREF(b);
	if (rc < 0)
		return sbpy_err(rc, "cgroup_sweep", NULL);
	return PyLong_FromLong(rc);
}

static PyObject *f_block_term_signals(PyObject *m, PyObject *unused)
{
	int rc = sandbox_block_term_signals();
	if (rc < 0)
		return sbpy_err(rc, "block_term_signals", NULL);
	Py_RETURN_NONE;
}

static PyObject *f_open_file(PyObject *m, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "path", "how", "mode", NULL };
	PyObject *o, *b;
	int how = SANDBOX_OPEN_READ;
	unsigned mode = 0644;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|iI:open_file", kwlist, &o,
	                                 &how, &mode) ||
	    !(b = sbpy_fsbytes(o)))
		return NULL;
	int fd = sandbox_open_file(PyBytes_AS_STRING(b), how, (mode_t)mode);
	PyObject *r = fd < 0 ? sbpy_err(fd, "open_file", PyBytes_AS_STRING(b))
	                     : PyLong_FromLong(fd);
	Py_DECREF(b);
	return r;
}

static PyObject *f_open_file_as(PyObject *m, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "path", "how", "mode", "first_uid",
	                          "first_gid", "count", NULL };
	PyObject *o, *b;
	int how = SANDBOX_OPEN_READ;
	unsigned mode = 0644, count = SANDBOX_BOX_COUNT;
	unsigned long fu = SANDBOX_BOX_FIRST_UID, fg = SANDBOX_BOX_FIRST_GID;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|iIkkI:open_file_as", kwlist,
	                                 &o, &how, &mode, &fu, &fg, &count) ||
	    !(b = sbpy_fsbytes(o)))
		return NULL;
	int fd = sandbox_open_file_as(PyBytes_AS_STRING(b), how, (mode_t)mode,
	                              (uid_t)fu, (gid_t)fg, count);
	PyObject *r = fd < 0 ? sbpy_err(fd, "open_file_as", PyBytes_AS_STRING(b))
	                     : PyLong_FromLong(fd);
	Py_DECREF(b);
	return r;
}

static PyMethodDef module_methods[] = {
	{ "open_file", (PyCFunction)(void (*)(void))f_open_file,
	  METH_VARARGS | METH_KEYWORDS,
	  "open_file(path, how=SANDBOX_OPEN_READ, mode=0o644) -> int\n\n"
	  "A descriptor (close-on-exec, yours to close) opened as the supervisor\n"
	  "opens the program's files: no symbolic link followed, planted links\n"
	  "and second names refused (sandbox_open_file). how: SANDBOX_OPEN_READ,\n"
	  "_WRITE, _APPEND or _DIR." },
	{ "open_file_as", (PyCFunction)(void (*)(void))f_open_file_as,
	  METH_VARARGS | METH_KEYWORDS,
	  "open_file_as(path, how=SANDBOX_OPEN_READ, mode=0o644,\n"
	  "             first_uid=66000, first_gid=66000, count=1000) -> int\n\n"
	  "open_file() for a root judge whose programs run as those ids (the run\n"
	  "slots by default): a file is refused only where they could have\n"
	  "planted it (sandbox_open_file_as). Not root: as open_file()." },
	{ "version", f_version, METH_NOARGS,
	  "version() -> str: the libsandbox version" },
	{ "signal_code_name", f_signal_code_name, METH_VARARGS,
	  "signal_code_name(sig, code) -> 'SEGV_MAPERR', 'SI_USER', ... or None" },
	{ "abi_name", f_abi_name, METH_VARARGS,
	  "abi_name(abi) -> 'x86_64', 'i386', 'x32' or '?'" },
	{ "result_name", f_result_name, METH_VARARGS,
	  "result_name(result) -> 'OK', 'RF', ... (two question marks when unknown)" },
	{ "result_text", f_result_text, METH_VARARGS,
	  "result_text(result) -> str: a short description" },
	{ "verdict_name", f_verdict_name, METH_VARARGS,
	  "verdict_name(verdict) -> 'OK', 'WA', ...: an interaction's combined\n"
	  "verdict (S_VERDICT_*; a run's results keep their names)" },
	{ "verdict_text", f_verdict_text, METH_VARARGS,
	  "verdict_text(verdict) -> str: a short description" },
	{ "strerror", f_strerror, METH_VARARGS,
	  "strerror(err) -> str: text of a libsandbox error (negative errno)" },
	{ "syscall_name", f_syscall_name, METH_VARARGS,
	  "syscall_name(abi, nr) -> str" },
	{ "syscall_number", f_syscall_number, METH_VARARGS,
	  "syscall_number(abi, name) -> int (SandboxError if none)" },
	{ "probe_host", f_probe_host, METH_NOARGS,
	  "probe_host() -> dict: what this host supports for this caller" },
	{ "cgroup_sweep", f_cgroup_sweep, METH_VARARGS,
	  "cgroup_sweep(parent=None) -> int: remove groups of dead supervisors" },
	{ "block_term_signals", f_block_term_signals, METH_NOARGS,
	  "block_term_signals(): block SIGTERM/SIGINT/SIGQUIT in this thread" },
	{ "_signal_before_run", sbpy_signal_before_run, METH_O,
	  "_signal_before_run(signo): tests only -- the next run raises signo\n"
	  "in its thread just before the binding's signal handler is installed" },
	{ NULL, NULL, 0, NULL },
};

/* ---------------------------------------------------------------- init */

static int add_type(PyObject *m, PyTypeObject *t, const char *name,
                    const struct sbpy_const *consts)
{
	if (consts && !t->tp_dict && !(t->tp_dict = PyDict_New()))
		return -1;
	if (consts && sbpy_add_consts(t->tp_dict, consts) < 0)
		return -1;
	Py_INCREF(t);
	if (PyModule_AddObject(m, name, (PyObject *)t) < 0) {
		Py_DECREF(t);
		return -1;
	}
	return 0;
}

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT,
	.m_name = "sandbox._sandbox",
	.m_doc = "libsandbox for Python: the C extension (see the sandbox package).",
	.m_size = -1,
	.m_methods = module_methods,
};

/* Python opens extensions with RTLD_LOCAL, so libsandbox, loaded as our
 * dependency, is not in the global scope, and a C policy module (which
 * calls sandbox_* functions) could not be loaded. Promote it. */
static void promote_library(void)
{
	Dl_info info;
	if (dladdr((void *)sandbox_version, &info) && info.dli_fname)
		(void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
}

PyMODINIT_FUNC PyInit__sandbox(void);

PyMODINIT_FUNC PyInit__sandbox(void)
{
	PyObject *m = PyModule_Create(&module_def), *d;
	if (!m)
		return NULL;
	promote_library();
	d = PyModule_GetDict(m);
	SbError = PyErr_NewExceptionWithDoc(
		"sandbox.SandboxError",
		"A libsandbox call failed: errno is the error, strerror says what\n"
		"failed and why (the program could not be judged).",
		PyExc_OSError, NULL);
	if (!SbError || PyModule_AddObjectRef(m, "SandboxError", SbError) < 0 ||
	    PyType_Ready(&SbEvent_Type) < 0 || PyType_Ready(&SbAction_Type) < 0 ||
	    PyType_Ready(&SbClassicPolicy_Type) < 0 ||
	    PyType_Ready(&SbPolicy_Type) < 0 || sbpy_sandbox_type_ready() < 0)
		goto fail;
	/* Class constants go in before the types are published; the type
	 * caches are invalidated once for all. */
	if (sbpy_add_consts(SbEvent_Type.tp_dict, event_consts) < 0 ||
	    sbpy_add_consts(SbAction_Type.tp_dict, action_consts) < 0 ||
	    sbpy_add_consts(SbSandbox_Type.tp_dict, sandbox_consts) < 0)
		goto fail;
	PyType_Modified(&SbEvent_Type);
	PyType_Modified(&SbAction_Type);
	PyType_Modified(&SbSandbox_Type);
	if (add_type(m, &SbEvent_Type, "SandboxEvent", NULL) < 0 ||
	    add_type(m, &SbAction_Type, "SandboxAction", NULL) < 0 ||
	    add_type(m, &SbClassicPolicy_Type, "SandboxPolicy", NULL) < 0 ||
	    add_type(m, &SbPolicy_Type, "Policy", NULL) < 0 ||
	    add_type(m, &SbSandbox_Type, "Sandbox", NULL) < 0)
		goto fail;
	if (sbpy_add_consts(d, event_consts) < 0 ||
	    sbpy_add_consts(d, action_consts) < 0 ||
	    sbpy_add_consts(d, sandbox_consts) < 0 ||
	    sbpy_add_consts(d, library_consts) < 0 ||
	    PyModule_AddIntConstant(m, "SANDBOX_POLICY_ABI", SANDBOX_POLICY_ABI) < 0 ||
	    PyModule_AddObject(m, "SANDBOX_UNLIMITED",
	                       PyLong_FromUnsignedLongLong(SANDBOX_UNLIMITED)) < 0 ||
	    PyModule_AddIntConstant(m, "SANDBOX_DEFAULT_TASKS",
	                            SANDBOX_DEFAULT_TASKS) < 0 ||
	    PyModule_AddIntConstant(m, "DUMP_STRING_MAX", SBPY_STRING_MAX) < 0 ||
	    PyModule_AddStringConstant(m, "__version__", sandbox_version()) < 0 ||
	    PyModule_AddStringConstant(m, "__author__", "the libsandbox authors") < 0)
		goto fail;
	if (sbpy_policy_module_init(m) < 0 || sbpy_interrupt_init() < 0)
		goto fail;
	return m;
fail:
	Py_DECREF(m);
	return NULL;
}
