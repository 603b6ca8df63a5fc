lib_LTLIBRARIES += libsandbox/libsandbox.la
libsandboxincludedir = $(includedir)/libsandbox
libsandboxinclude_HEADERS = libsandbox/sandbox.h
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = libsandbox/libsandbox.pc

libsandbox_libsandbox_la_SOURCES = \
	libsandbox/api/sandbox.c \
	libsandbox/core/affinity.c \
	libsandbox/core/capture.c \
	libsandbox/core/core.h \
	libsandbox/util/names.c \
	libsandbox/util/strings.c \
	libsandbox/core/child.c \
	libsandbox/core/tracer.c \
	libsandbox/core/manager.c \
	libsandbox/core/verdict.c \
	libsandbox/util/procfs.c \
	libsandbox/policy/rules.c \
	libsandbox/policy/filter.c \
	libsandbox/policy/filter_cache.c \
	policies/builtin.c \
	policies/builtin.h \
	policies/default.c
libsandbox_libsandbox_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden $(SECCOMP_CFLAGS) $(LIBELF_CFLAGS) $(LIBUNWIND_CFLAGS)
libsandbox_libsandbox_la_LIBADD = $(SECCOMP_LIBS) $(LIBELF_LIBS) $(LIBUNWIND_LIBS) $(PTHREAD_LIBS)
libsandbox_libsandbox_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(SANDBOX_LT_VERSION) \
	-Wl,--version-script=$(top_srcdir)/libsandbox/libsandbox.sym
EXTRA_libsandbox_libsandbox_la_DEPENDENCIES = libsandbox/libsandbox.sym
EXTRA_DIST += libsandbox/libsandbox.sym libsandbox/libsandbox.pc.in
