# The file-rule suite (tests/check_file_rules.c): file rules enforced by the
# kernel -- races on the path string, symbolic-link and ".." walks against
# every built-in's trees, older Landlock versions and no Landlock at all
# (the library's test setting sb_test_landlock_abi), and the C/C++/python3 programs each
# built-in must still run. Its programs are built plain (no sanitizers).

if HAVE_CHECK

FILEPROG_FLAGS = $(WARN_CFLAGS) -O2
FILEPROGS = \
	tests/fileprogs/fsop \
	tests/fileprogs/race_map \
	tests/fileprogs/capture_race \
	tests/fileprogs/hello_c \
	tests/fileprogs/hello_c_static \
	tests/fileprogs/threads \
	tests/fileprogs/tasks
check_PROGRAMS += $(FILEPROGS)

tests_fileprogs_fsop_SOURCES = tests/fileprogs/fsop.c
tests_fileprogs_fsop_CFLAGS = $(FILEPROG_FLAGS)
tests_fileprogs_fsop_LDFLAGS = -all-static
tests_fileprogs_race_map_SOURCES = tests/fileprogs/race_map.c
tests_fileprogs_race_map_CFLAGS = $(FILEPROG_FLAGS)
tests_fileprogs_race_map_LDFLAGS =
tests_fileprogs_capture_race_SOURCES = tests/fileprogs/capture_race.c
tests_fileprogs_capture_race_CFLAGS = $(FILEPROG_FLAGS)
tests_fileprogs_capture_race_LDFLAGS =
tests_fileprogs_hello_c_SOURCES = tests/fileprogs/hello.c
tests_fileprogs_hello_c_CFLAGS = $(FILEPROG_FLAGS)
tests_fileprogs_hello_c_LDFLAGS =
tests_fileprogs_hello_c_LDADD = -lm
tests_fileprogs_hello_c_static_SOURCES = tests/fileprogs/hello.c
tests_fileprogs_hello_c_static_CFLAGS = $(FILEPROG_FLAGS)
tests_fileprogs_hello_c_static_LDFLAGS = -all-static
tests_fileprogs_hello_c_static_LDADD = -lm
tests_fileprogs_threads_SOURCES = tests/fileprogs/threads.c
tests_fileprogs_threads_CFLAGS = $(FILEPROG_FLAGS) -pthread
tests_fileprogs_threads_LDFLAGS =
tests_fileprogs_threads_LDADD = $(PTHREAD_LIBS)
tests_fileprogs_tasks_SOURCES = tests/fileprogs/tasks.c
tests_fileprogs_tasks_CFLAGS = $(FILEPROG_FLAGS) -pthread
tests_fileprogs_tasks_LDFLAGS =
tests_fileprogs_tasks_LDADD = $(PTHREAD_LIBS)

if HAVE_CXX
FILEPROG_CXXFLAGS = -Wall -Wextra -O2
check_PROGRAMS += tests/fileprogs/hello_cxx tests/fileprogs/hello_cxx_static
tests_fileprogs_hello_cxx_SOURCES = tests/fileprogs/hello.cc
tests_fileprogs_hello_cxx_CXXFLAGS = $(FILEPROG_CXXFLAGS)
tests_fileprogs_hello_cxx_LDFLAGS =
tests_fileprogs_hello_cxx_static_SOURCES = tests/fileprogs/hello.cc
tests_fileprogs_hello_cxx_static_CXXFLAGS = $(FILEPROG_CXXFLAGS)
tests_fileprogs_hello_cxx_static_LDFLAGS = -all-static
FILES_CXX_CPP = -DHAVE_CXX_PROGS=1
else
FILES_CXX_CPP =
endif

check_PROGRAMS += tests/check_file_rules
TESTS += tests/check_file_rules
tests_check_file_rules_SOURCES = tests/check_file_rules.c tests/testutil.c tests/testutil.h
tests_check_file_rules_CPPFLAGS = $(AM_CPPFLAGS) $(FILES_CXX_CPP) \
	-DPROGS_DIR=\"$(abs_top_builddir)/tests/fileprogs\"
tests_check_file_rules_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_file_rules_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS) $(PTHREAD_LIBS)
# Linked with the static library (libtool -static): it sets the library's
# test setting sb_test_landlock_abi (util/util.h), which no shared
# library or sandbox-run exports.
tests_check_file_rules_LDFLAGS = $(AM_LDFLAGS) -static

endif HAVE_CHECK
