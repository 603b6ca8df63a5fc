lib_LTLIBRARIES += libsandbox/libsandbox.la
libsandboxincludedir = $(includedir)/libsandbox
libsandboxinclude_HEADERS = libsandbox/sandbox.h
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = libsandbox/libsandbox.pc

libsandbox_libsandbox_core_la_SOURCES = \
	libsandbox/api/api.h \
	libsandbox/api/sandbox.c \
	libsandbox/api/interact.c \
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
	libsandbox/core/tasktab.c \
	libsandbox/core/procs.c \
	libsandbox/core/decide.c \
	libsandbox/core/child.c \
	libsandbox/core/spawn.c \
	libsandbox/core/manager.c \
	libsandbox/core/verdict.c \
	libsandbox/core/capture.c \
	libsandbox/core/affinity.c \
	libsandbox/core/exec_image.c \
	libsandbox/core/confine.c \
	libsandbox/core/relay.c \
	libsandbox/core/combine.c \
	libsandbox/core/identity.c \
	libsandbox/policy/policy.h \
	libsandbox/policy/object.c \
	libsandbox/policy/rules.c \
	libsandbox/policy/narrow.c \
	libsandbox/policy/explain.c \
	libsandbox/policy/filter.c \
	libsandbox/policy/filter_cache.c \
	libsandbox/policy/filter_tree.c \
	libsandbox/policy/verify.c \
	libsandbox/policy/tasks.c \
	libsandbox/policy/files.c \
	libsandbox/policy/landlock.c \
	libsandbox/policy/effective.c \
	libsandbox/policy/stack.c \
	libsandbox/util/util.h \
	libsandbox/util/strings.c \
	libsandbox/util/names.c \
	libsandbox/util/syscalls.c \
	libsandbox/util/time.c \
	libsandbox/util/procfs.c \
	libsandbox/util/io.c \
	libsandbox/util/child.c \
	libsandbox/util/rawsys.h \
	libsandbox/util/cpus.c \
	libsandbox/util/claims.c \
	libsandbox/util/files.c \
	libsandbox/util/landlock.c \
	libsandbox/util/spawn.c \
	libsandbox/util/bpfsim.h \
	libsandbox/util/bpfsim.c \
	policies/builtin.h \
	policies/builtin.c \
	policies/helpers.c \
	policies/default.c
libsandbox_libsandbox_core_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden $(SECCOMP_CFLAGS) $(LIBELF_CFLAGS) $(LIBUNWIND_CFLAGS)
libsandbox_libsandbox_core_la_LIBADD = $(SECCOMP_LIBS) $(PTHREAD_LIBS) -ldl

# The library is its objects (libsandbox_core.la, a convenience library:
# add sources to libsandbox_libsandbox_core_la_SOURCES) and the compiled
# filters of the built-in policies, which tools/gen-filters -- linked with
# the same objects and an empty table -- writes when the library is built
# (policy/filter_cache.c uses them; an empty table when cross-compiling).
#
# libsandbox_all.la is both together, a convenience library too: the
# shared library is made of it, and sandbox-run links it in (cli/local.mk),
# so that a judged run does not pay for loading and relocating
# libsandbox.so at every start (docs/PERFORMANCE.md).
noinst_LTLIBRARIES += libsandbox/libsandbox_core.la libsandbox/libsandbox_all.la
nodist_libsandbox_libsandbox_all_la_SOURCES = libsandbox/policy/filters_builtin.c
libsandbox_libsandbox_all_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
libsandbox_libsandbox_all_la_LIBADD = libsandbox/libsandbox_core.la
libsandbox_libsandbox_la_SOURCES =
libsandbox_libsandbox_la_LIBADD = libsandbox/libsandbox_all.la
noinst_PROGRAMS += tools/gen-filters
tools_gen_filters_SOURCES = tools/gen_filters.c tools/filters_none.c
tools_gen_filters_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
tools_gen_filters_LDADD = libsandbox/libsandbox_core.la
CLEANFILES += libsandbox/policy/filters_builtin.c
if CROSS_COMPILING
libsandbox/policy/filters_builtin.c: $(srcdir)/tools/filters_none.c
	$(AM_V_GEN)$(MKDIR_P) libsandbox/policy && cp $(srcdir)/tools/filters_none.c $@
else
libsandbox/policy/filters_builtin.c: tools/gen-filters$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) libsandbox/policy && \
	tools/gen-filters$(EXEEXT) > $@.tmp && mv $@.tmp $@
endif
libsandbox_libsandbox_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(SANDBOX_LT_VERSION) \
	-Wl,--version-script=$(top_srcdir)/libsandbox/libsandbox.sym
EXTRA_libsandbox_libsandbox_la_DEPENDENCIES = libsandbox/libsandbox.sym
EXTRA_DIST += libsandbox/libsandbox.sym libsandbox/libsandbox.pc.in libsandbox/LAYERS
