/*
 * Sandbox.interact(): this sandbox's program wired to an interactor
 * (sandbox.h, "Interactive judging"), the combined verdict as a dict.
 * The interactor is another Sandbox (run by the library in a thread of
 * its own, so its policy must not call Python) or a trusted command.
 * The modern sandbox.interact() (_modern.py) builds on it.
 */
#include "sbpy.h"

#include <errno.h>

struct interaction {
	sandbox_interaction_t *ia;
	int rc;
};

/* Called by sbpy_do_run() with the GIL released. */
static int interaction_execute(SbSandbox *self, void *arg)
{
	struct interaction *in = arg;
	return in->rc = sandbox_interaction_run(in->ia, self->sb);
}

/* An interactor sandbox's policy and observer run in the library's own
 * thread, where no Python may run: only library policies. */
static int check_interactor(SbSandbox *self, SbSandbox *isb)
{
	if (isb == self) {
		PyErr_SetString(PyExc_ValueError,
		                "the interactor must be another sandbox");
		return -1;
	}
	if (sbpy_ready(isb) < 0 || sbpy_stream_check(isb) < 0 ||
	    sbpy_refresh_policy(isb) < 0)
		return -1;
	bool python = isb->classic_policy || isb->hook ||
	              (isb->policy &&
	               PyObject_TypeCheck(isb->policy, &SbPolicy_Type) &&
	               ((SbPolicy *)isb->policy)->callback);
	if (python) {
		PyErr_SetString(PyExc_ValueError,
		                "the interactor's sandbox runs in a thread of the "
		                "library: its policy and observer cannot be Python "
		                "code (give it a built-in, file or module policy)");
		return -1;
	}
	return 0;
}

static const char *side_name(int side)
{
	return side == S_SIDE_PROGRAM ? "program"
	     : side == S_SIDE_INTERACTOR ? "interactor" : NULL;
}

static const char *wait_name(int w)
{
	static const char *const names[] = {
		[S_WAIT_RUNNING] = "running", [S_WAIT_READING] = "reading",
		[S_WAIT_WRITING] = "writing", [S_WAIT_SLEEPING] = "sleeping",
		[S_WAIT_ENDED] = "ended",
	};
	return w > 0 && w <= S_WAIT_ENDED ? names[w] : NULL;
}

static int put(PyObject *d, const char *key, PyObject *v)
{
	if (!v)
		return -1;
	int rc = PyDict_SetItemString(d, key, v);
	Py_DECREF(v);
	return rc;
}

static PyObject *str_or_none(const char *s)
{
	if (s)
		return PyUnicode_FromString(s);
	Py_RETURN_NONE;
}

static PyObject *int_or_none(int64_t v)
{
	if (v >= 0)
		return PyLong_FromLongLong(v);
	Py_RETURN_NONE;
}

/* The figures as a dict (keys: sandbox_interaction_stat_t's). */
static PyObject *stat_dict(const sandbox_interaction_stat_t *st, int rc,
                           const char *failed_step, const char *istep)
{
	PyObject *d = PyDict_New();
	bool judged = rc == 0 && st->verdict != S_VERDICT_PD;
	bool ran = judged && st->interactor_result != S_RESULT_PD;

	if (!d)
		return NULL;
	if (put(d, "rc", PyLong_FromLong(rc)) < 0 ||
	    put(d, "failed_step", str_or_none(failed_step)) < 0 ||
	    put(d, "interactor_failed_step", str_or_none(istep)) < 0 ||
	    put(d, "verdict", PyLong_FromLong(st->verdict)) < 0 ||
	    put(d, "verdict_name", str_or_none(judged
	            ? sandbox_verdict_name(st->verdict) : NULL)) < 0 ||
	    put(d, "decided_by", str_or_none(side_name(st->decided_by))) < 0 ||
	    put(d, "program_first", PyBool_FromLong(st->program_first)) < 0 ||
	    put(d, "idle", PyBool_FromLong(st->idle)) < 0 ||
	    put(d, "program_wait", str_or_none(wait_name(st->program_wait))) < 0 ||
	    put(d, "interactor_wait",
	        str_or_none(wait_name(st->interactor_wait))) < 0 ||
	    put(d, "interactor_result", str_or_none(ran
	            ? sandbox_result_name(st->interactor_result) : NULL)) < 0 ||
	    put(d, "interactor_exit_code",
	        int_or_none(ran ? st->interactor_exit_code : -1)) < 0 ||
	    put(d, "interactor_signal",
	        PyLong_FromLong(ran ? st->interactor_signal : 0)) < 0 ||
	    put(d, "interactor_error", PyLong_FromLong(-st->interactor_error)) < 0 ||
	    put(d, "interactor_cpu_time_us",
	        int_or_none(st->interactor_cpu_time_us)) < 0 ||
	    put(d, "interactor_wall_time_us",
	        int_or_none(st->interactor_wall_time_us)) < 0 ||
	    put(d, "interactor_memory_peak",
	        int_or_none(st->interactor_memory_peak)) < 0 ||
	    put(d, "points", st->points >= 0 ? PyFloat_FromDouble(st->points)
	                                     : (Py_INCREF(Py_None), Py_None)) < 0 ||
	    put(d, "message", PyUnicode_DecodeUTF8(st->message,
	            (Py_ssize_t)strnlen(st->message, sizeof(st->message)),
	            "replace")) < 0 ||
	    put(d, "message_bytes", int_or_none(st->message_bytes)) < 0 ||
	    put(d, "to_interactor_bytes",
	        int_or_none(st->to_interactor_bytes)) < 0 ||
	    put(d, "to_interactor_discarded",
	        int_or_none(st->to_interactor_discarded)) < 0 ||
	    put(d, "to_program_bytes", int_or_none(st->to_program_bytes)) < 0 ||
	    put(d, "to_program_discarded",
	        int_or_none(st->to_program_discarded)) < 0 ||
	    put(d, "log_bytes", int_or_none(st->log_bytes)) < 0 ||
	    put(d, "log_truncated", PyBool_FromLong(st->log_truncated)) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

/* Configure `in` from the arguments; 0, or -1 with an exception. */
static int configure(struct interaction *in, SbSandbox *self,
                     PyObject *interactor, PyObject *command, PyObject *env,
                     PyObject *wall, int log_fd)
{
	PyObject *keep_argv = NULL, *keep_env = NULL;
	const char **argv = NULL, **envp = NULL;
	uint64_t wall_ms;
	int rc = -1, lrc;

	if ((interactor == Py_None) == (command == Py_None)) {
		PyErr_SetString(PyExc_TypeError, "give either interactor (a "
		                "Sandbox) or command (a sequence of str)");
		return -1;
	}
	if (interactor != Py_None) {
		if (!PyObject_TypeCheck(interactor, &SbSandbox_Type)) {
			PyErr_SetString(PyExc_TypeError,
			                "interactor should be a Sandbox");
			return -1;
		}
		if (check_interactor(self, (SbSandbox *)interactor) < 0)
			return -1;
		lrc = sandbox_interaction_set_interactor(
			in->ia, ((SbSandbox *)interactor)->sb);
	} else {
		if (sbpy_u64(wall, &wall_ms, "wall") < 0 ||
		    !(argv = sbpy_strv(command, &keep_argv, false, "command")))
			goto out;
		if (env != Py_None &&
		    !(envp = sbpy_strv(env, &keep_env, true, "env")))
			goto out;
		lrc = sandbox_interaction_set_command(in->ia, argv, envp, wall_ms);
	}
	if (lrc == 0)
		lrc = sandbox_interaction_set_log(in->ia, log_fd);
	if (lrc < 0) {
		sbpy_erri(lrc, "cannot set up the interaction", NULL);
		goto out;
	}
	rc = 0;
out:
	PyMem_Free(argv);
	PyMem_Free(envp);
	Py_XDECREF(keep_argv);
	Py_XDECREF(keep_env);
	return rc;
}

static PyObject *sandbox_interact(SbSandbox *self, PyObject *args,
                                  PyObject *kw)
{
	static char *kwlist[] = { "interactor", "command", "env", "wall", "log",
	                          NULL };
	PyObject *interactor = Py_None, *command = Py_None, *env = Py_None;
	PyObject *wall = Py_None, *res = NULL;
	struct interaction in = { .rc = 0 };
	SbSandbox *isb = NULL;
	sandbox_interaction_stat_t st;
	int log_fd = -1, rc;
	bool raised;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|$OOOOi:interact", kwlist,
	                                 &interactor, &command, &env, &wall,
	                                 &log_fd))
		return NULL;
	if (sbpy_ready(self) < 0)
		return NULL;
	if (!(in.ia = sandbox_interaction_new()))
		return PyErr_NoMemory();
	if (configure(&in, self, interactor, command, env, wall, log_fd) < 0)
		goto out;
	if (interactor != Py_None) {
		isb = (SbSandbox *)interactor;
		if ((rc = sandbox_reset(isb->sb)) < 0) {
			sbpy_err(rc, "cannot reset the interactor's sandbox", NULL);
			goto out;
		}
		Py_INCREF(isb);
		isb->running = true; /* its methods refuse meanwhile */
		/* the library's interactor thread reads its policy */
		sbpy_policy_busy(isb->policy, 1);
	}
	rc = sbpy_do_run(self, &raised, interaction_execute, &in);
	if (isb) {
		sbpy_policy_busy(isb->policy, -1);
		isb->running = false;
		isb->ran = true;
		/* Its own run: 0 when it started (a verdict), else why not. */
		sandbox_interaction_get_stat(in.ia, &st, sizeof(st));
		isb->exec_rc = st.interactor_result != S_RESULT_PD ? 0
		             : st.interactor_error ? st.interactor_error
		             : -ECANCELED;
		Py_DECREF(isb);
	}
	if (raised)
		goto out;
	if (sandbox_interaction_get_stat(in.ia, &st, sizeof(st)) < 0) {
		sbpy_err(-EINVAL, "cannot read the interaction", NULL);
		goto out;
	}
	/* The command interactor's step apart: a program that could not
	 * start is the program's failure, not the interactor's. */
	const char *istep = sandbox_interaction_failed_step(in.ia);
	const char *step = istep;
	if (rc < 0 && !step)
		step = sandbox_failed_step(self->sb);
	res = stat_dict(&st, rc, step, istep);
out:
	sandbox_interaction_destroy(in.ia);
	return res;
}

PyMethodDef sbpy_interact_methods[] = {
	{ "interact", (PyCFunction)(void (*)(void))sandbox_interact,
	  METH_VARARGS | METH_KEYWORDS,
	  "interact(*, interactor=None, command=None, env=None, wall=None,\n"
	  "         log=-1) -> dict\n\n"
	  "Run the program wired to an interactor: its stdout to the\n"
	  "interactor's stdin and back (sandbox_interaction_run). The\n"
	  "interactor is another Sandbox (its policy must be a library one)\n"
	  "or a trusted command (argv[0] a path; env: None for ours; wall:\n"
	  "its bound in ms, None for none). log: a descriptor for the\n"
	  "transcript. Returns the figures: verdict (an S_VERDICT_*),\n"
	  "verdict_name ('WA'), decided_by, idle, points, message, the bytes\n"
	  "each way, ..., rc (0, or -errno when there is no verdict),\n"
	  "failed_step (the step that failed, either side's) and\n"
	  "interactor_failed_step (a command interactor's, else None). Each\n"
	  "side's own run: stat() of its sandbox." },
	{ NULL, NULL, 0, NULL },
};
