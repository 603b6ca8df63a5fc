/*
 * Conversions and errors shared by the binding's files.
 */
#include "sbpy.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

PyObject *SbError;

PyObject *sbpy_err(int rc, const char *what, const char *detail)
{
	int e = rc < 0 ? -rc : rc;
	PyObject *msg = detail && *detail
	        ? PyUnicode_FromFormat("%s: %s: %s", what, sandbox_strerror(-e),
	                               detail)
	        : PyUnicode_FromFormat("%s: %s", what, sandbox_strerror(-e));
	if (!msg)
		return NULL;
	PyObject *args = Py_BuildValue("(iN)", e, msg);
	if (args) {
		PyErr_SetObject(SbError, args);
		Py_DECREF(args);
	}
	return NULL;
}

int sbpy_erri(int rc, const char *what, const char *detail)
{
	sbpy_err(rc, what, detail);
	return -1;
}

PyObject *sbpy_take_exception(void)
{
	PyObject *type, *value, *tb;
	PyErr_Fetch(&type, &value, &tb);
	if (!type)
		return NULL;
	PyErr_NormalizeException(&type, &value, &tb);
	if (tb && value)
		PyException_SetTraceback(value, tb);
	Py_XDECREF(type);
	Py_XDECREF(tb);
	return value;
}

void sbpy_raise_exception(PyObject *exc)
{
	PyObject *tb = PyException_GetTraceback(exc);
	PyObject *type = (PyObject *)Py_TYPE(exc);
	Py_INCREF(type);
	PyErr_Restore(type, exc, tb);
}

PyObject *sbpy_fsbytes(PyObject *o)
{
	PyObject *b = NULL;
	if (!PyUnicode_FSConverter(o, &b))
		return NULL;
	return b;
}

const char **sbpy_strv(PyObject *seq, PyObject **keep, bool allow_empty,
                       const char *what)
{
	PyObject *list = NULL, *fast = NULL;
	const char **v = NULL;
	*keep = NULL;

	if (PyUnicode_Check(seq) || PyBytes_Check(seq) || PyObject_HasAttrString(seq, "__fspath__")) {
		fast = PyTuple_Pack(1, seq);
	} else {
		fast = PySequence_Fast(seq, "");
		if (!fast) {
			PyErr_Format(PyExc_TypeError,
			             "%s should be a str or a sequence of str", what);
			return NULL;
		}
	}
	if (!fast)
		return NULL;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
	if (n == 0 && !allow_empty) {
		PyErr_Format(PyExc_ValueError, "%s should not be empty", what);
		goto fail;
	}
	if (!(list = PyList_New(n)) ||
	    !(v = PyMem_Calloc((size_t)n + 1, sizeof(*v))))
		goto fail;
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *b = sbpy_fsbytes(PySequence_Fast_GET_ITEM(fast, i));
		if (!b) {
			/* The converter's TypeError (not a str, bytes or path)
			 * and ValueError (an embedded NUL) said in our words; a
			 * str the file system encoding cannot take keeps its
			 * UnicodeEncodeError. */
			if (PyErr_ExceptionMatches(PyExc_TypeError))
				PyErr_Format(PyExc_TypeError, "%s should be a str "
				             "or a sequence of str", what);
			else if (!PyErr_ExceptionMatches(PyExc_UnicodeError) &&
			         PyErr_ExceptionMatches(PyExc_ValueError))
				PyErr_Format(PyExc_ValueError, "%s: embedded NUL",
				             what);
			goto fail;
		}
		PyList_SET_ITEM(list, i, b);
		v[i] = PyBytes_AS_STRING(b);
	}
	Py_DECREF(fast);
	*keep = list;
	return v;
fail:
	Py_XDECREF(fast);
	Py_XDECREF(list);
	PyMem_Free(v);
	return NULL;
}

PyObject *sbpy_str_tuple(PyObject *bytes_list)
{
	Py_ssize_t n = PyList_GET_SIZE(bytes_list);
	PyObject *t = PyTuple_New(n);
	for (Py_ssize_t i = 0; t && i < n; i++) {
		PyObject *u = PyUnicode_DecodeFSDefault(
			PyBytes_AS_STRING(PyList_GET_ITEM(bytes_list, i)));
		if (!u) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, i, u);
	}
	return t;
}

int sbpy_u64(PyObject *o, uint64_t *out, const char *what)
{
	if (o == Py_None) {
		*out = SANDBOX_UNLIMITED;
		return 0;
	}
	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s should be an int", what);
		return -1;
	}
	int overflow = 0;
	long long sv = PyLong_AsLongLongAndOverflow(o, &overflow);
	if (sv == -1 && PyErr_Occurred())
		return -1;
	if (overflow < 0 || (overflow == 0 && sv < 0)) {
		PyErr_Format(PyExc_ValueError, "%s should not be negative", what);
		return -1;
	}
	unsigned long long v = PyLong_AsUnsignedLongLong(o);
	if (v == (unsigned long long)-1 && PyErr_Occurred()) {
		PyErr_Clear();
		PyErr_Format(PyExc_ValueError, "%s is too large", what);
		return -1;
	}
	*out = v;
	return 0;
}

int sbpy_id(PyObject *o, bool keep, unsigned *out, const char *what)
{
	int overflow = 0;
	long long v;

	if (keep && o == Py_None) {
		*out = (unsigned)-1;
		return 0;
	}
	if (!PyLong_Check(o)) {
		PyErr_Format(PyExc_TypeError, "%s should be an int", what);
		return -1;
	}
	v = PyLong_AsLongLongAndOverflow(o, &overflow);
	if (v == -1 && PyErr_Occurred())
		return -1;
	if (keep && !overflow && v == -1) {
		*out = (unsigned)-1;
		return 0;
	}
	/* (uid_t)-1 is "no id" to the kernel's set*id calls. */
	if (overflow || v < 0 || v >= (long long)UINT32_MAX) {
		PyErr_Format(PyExc_ValueError, "%s %R is not an id (0..%u)", what,
		             o, UINT32_MAX - 1);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

PyObject *sbpy_capture_text(int (*fn)(const void *obj, int fd), const void *obj)
{
	int fd = memfd_create("sandbox-text", MFD_CLOEXEC);
	if (fd < 0)
		return PyErr_SetFromErrno(PyExc_OSError);
	int rc = fn(obj, fd);
	if (rc < 0) {
		close(fd);
		return sbpy_err(rc, "cannot write the text", NULL);
	}
	off_t len = lseek(fd, 0, SEEK_END);
	char *buf = len > 0 ? PyMem_Malloc((size_t)len) : NULL;
	if (len > 0 && !buf) {
		close(fd);
		return PyErr_NoMemory();
	}
	ssize_t got = len > 0 ? pread(fd, buf, (size_t)len, 0) : 0;
	close(fd);
	PyObject *s = got < 0 ? PyErr_SetFromErrno(PyExc_OSError)
	              : PyUnicode_DecodeUTF8(buf ? buf : "", got, "replace");
	PyMem_Free(buf);
	return s;
}

PyObject *sbpy_syscall_name(int abi, long nr)
{
	char buf[64];
	return PyUnicode_FromString(sandbox_syscall_name(abi, nr, buf, sizeof(buf)));
}

int sbpy_add_consts(PyObject *dict, const struct sbpy_const *c)
{
	for (; c->name; c++) {
		PyObject *v = PyLong_FromLongLong(c->value);
		if (!v || PyDict_SetItemString(dict, c->name, v) < 0) {
			Py_XDECREF(v);
			return -1;
		}
		Py_DECREF(v);
	}
	return 0;
}
