# samples/: a small judge written against the API, and a sample solution
# with its tests. `make run-sample` is the README's main job.
noinst_PROGRAMS += samples/judge samples/sum
samples_judge_SOURCES = samples/judge.c
samples_judge_LDADD = libsandbox/libsandbox.la
samples_sum_SOURCES = samples/sum.c
# The same solution in the other languages docs/POLICIES.md judges (its
# examples compile and run them: tests/cli/docs.py).
EXTRA_DIST += samples/sum_threads.cpp samples/Main.java samples/sum.go \
	samples/sum.js samples/sum.py
EXTRA_DIST += samples/data/1.in samples/data/1.out samples/data/2.in \
	samples/data/2.out samples/data/3.in samples/data/3.out

.PHONY: run-sample
run-sample: samples/judge samples/sum
	$(builddir)/samples/judge -t 1000 -m 256 $(builddir)/samples/sum $(srcdir)/samples/data

# The sample policy module (policies/local.mk has its tests).
# samples/module_readonly.c: a complete policy module (docs/POLICIES.md).
# A libtool module, not installed; -rpath makes libtool build the .so
# (samples/.libs/module_readonly.so).
noinst_LTLIBRARIES += samples/module_readonly.la
samples_module_readonly_la_SOURCES = samples/module_readonly.c
samples_module_readonly_la_CFLAGS = $(WARN_CFLAGS) -fPIC
samples_module_readonly_la_LDFLAGS = -module -avoid-version -shared \
	-rpath /nowhere
