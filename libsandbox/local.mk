lib_LTLIBRARIES += libsandbox/libsandbox.la
libsandboxincludedir = $(includedir)/libsandbox
libsandboxinclude_HEADERS = libsandbox/sandbox.h
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = libsandbox/libsandbox.pc

libsandbox_libsandbox_la_SOURCES = \
	libsandbox/api/api.h \
	libsandbox/api/sandbox.c \
	libsandbox/api/isolation.c \
	libsandbox/api/diag.c \
	libsandbox/api/sources.c \
	libsandbox/api/policy.c \
	libsandbox/api/event.c \
	libsandbox/api/names.c \
	libsandbox/sources/sources.h \
	libsandbox/sources/file.c \
	libsandbox/sources/module.c \
	libsandbox/core/core.h \
	libsandbox/core/run.c \
	libsandbox/core/tracer.c \
	libsandbox/core/decide.c \
	libsandbox/core/child.c \
	libsandbox/core/manager.c \
	libsandbox/core/verdict.c \
	libsandbox/core/capture.c \
	libsandbox/core/affinity.c \
	libsandbox/core/exec_image.c \
	libsandbox/policy/policy.h \
	libsandbox/policy/object.c \
	libsandbox/policy/rules.c \
	libsandbox/policy/explain.c \
	libsandbox/policy/filter.c \
	libsandbox/policy/filter_cache.c \
	libsandbox/policy/paths.c \
	libsandbox/policy/stack.c \
	libsandbox/util/util.h \
	libsandbox/util/strings.c \
	libsandbox/util/names.c \
	libsandbox/util/syscalls.c \
	libsandbox/util/time.c \
	libsandbox/util/procfs.c \
	libsandbox/util/io.c \
	libsandbox/util/child.c \
	libsandbox/util/cpus.c \
	libsandbox/util/files.c \
	policies/builtin.h \
	policies/builtin.c \
	policies/helpers.c \
	policies/default.c
libsandbox_libsandbox_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden $(SECCOMP_CFLAGS) $(LIBELF_CFLAGS) $(LIBUNWIND_CFLAGS)
libsandbox_libsandbox_la_LIBADD = $(SECCOMP_LIBS) $(LIBELF_LIBS) $(LIBUNWIND_LIBS) $(PTHREAD_LIBS)
libsandbox_libsandbox_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(SANDBOX_LT_VERSION) \
	-Wl,--version-script=$(top_srcdir)/libsandbox/libsandbox.sym
EXTRA_libsandbox_libsandbox_la_DEPENDENCIES = libsandbox/libsandbox.sym
EXTRA_DIST += libsandbox/libsandbox.sym libsandbox/libsandbox.pc.in libsandbox/LAYERS
