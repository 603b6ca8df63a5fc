# isolation layer: namespaces, box root, cgroups, credentials, environment
libsandbox_libsandbox_core_la_SOURCES += \
	libsandbox/isolation/isolation.h \
	libsandbox/isolation/isolation.c \
	libsandbox/isolation/ns.c \
	libsandbox/isolation/mounts.c \
	libsandbox/isolation/box.c \
	libsandbox/isolation/hidepath.c \
	libsandbox/isolation/cgroup.c \
	libsandbox/isolation/cgroup_files.c \
	libsandbox/isolation/cgroup_v1.c \
	libsandbox/isolation/cgroup_v2.c \
	libsandbox/isolation/env.c \
	libsandbox/isolation/probe.c

# Tests: one Check suite for the live features, one for the cgroup v2 file
# formats against a fake cgroup tree. The test program is static so that a
# box root needs nothing but its own directory.
if HAVE_CHECK
check_PROGRAMS += tests/check_isolation tests/check_isolation_cgv2 \
	tests/isoprogs/cross
TESTS += tests/check_isolation tests/check_isolation_cgv2
tests_isoprogs_cross_SOURCES = tests/isoprogs/cross.c
tests_isoprogs_cross_CFLAGS = $(WARN_CFLAGS)
tests_isoprogs_cross_LDFLAGS = -all-static
tests_check_isolation_SOURCES = tests/check_isolation.c tests/testutil.c \
	tests/testutil.h
tests_check_isolation_CPPFLAGS = $(AM_CPPFLAGS) \
	-DPROGS_DIR='"$(abs_top_builddir)/tests/isoprogs"'
tests_check_isolation_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_isolation_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
tests_check_isolation_cgv2_SOURCES = tests/check_isolation_cgv2.c \
	libsandbox/isolation/cgroup.c libsandbox/isolation/cgroup_files.c \
	libsandbox/isolation/cgroup_v1.c \
	libsandbox/isolation/cgroup_v2.c libsandbox/util/io.c
tests_check_isolation_cgv2_CPPFLAGS = $(AM_CPPFLAGS)
tests_check_isolation_cgv2_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_isolation_cgv2_LDADD = $(CHECK_LIBS)
endif
