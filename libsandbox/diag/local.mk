# diagnostics: backtraces, ELF inspection, profiles, syscall text
libsandbox_libsandbox_core_la_SOURCES += \
	libsandbox/diag/diag.h \
	libsandbox/diag/backtrace.c \
	libsandbox/diag/ehframe.c \
	libsandbox/diag/elfinfo.c \
	libsandbox/diag/dynlibs.h \
	libsandbox/diag/dynlibs.c \
	libsandbox/diag/profile.c \
	libsandbox/diag/decode.c

# Tests: one Check suite per capability. The test programs have known call
# chains; they are built with and without frame pointers, static, and
# stripped. Explicit -f flags win over the -O level of CFLAGS.
DIAG_BT_FP = -g -fno-omit-frame-pointer -fno-inline -fno-optimize-sibling-calls
DIAG_BT_NOFP = -g -fomit-frame-pointer -fno-inline -fno-optimize-sibling-calls
DIAG_PROGS_CPPFLAGS = $(AM_CPPFLAGS) \
	-DPROGS_DIR='"$(abs_top_builddir)/tests/diagprogs"'
if HAVE_CHECK
check_PROGRAMS += tests/check_diag_backtrace \
	tests/diagprogs/bt_fp tests/diagprogs/bt_nofp tests/diagprogs/bt_static \
	tests/diagprogs/bt_stripped tests/diagprogs/trash tests/diagprogs/memgrow
TESTS += tests/check_diag_backtrace
tests_diagprogs_bt_fp_LDFLAGS =
tests_diagprogs_bt_fp_SOURCES = tests/diagprogs/bt.c
tests_diagprogs_bt_fp_CFLAGS = $(DIAG_BT_FP)
tests_diagprogs_bt_nofp_LDFLAGS =
tests_diagprogs_bt_nofp_SOURCES = tests/diagprogs/bt.c
tests_diagprogs_bt_nofp_CFLAGS = $(DIAG_BT_NOFP)
tests_diagprogs_bt_static_SOURCES = tests/diagprogs/bt.c
tests_diagprogs_bt_static_CFLAGS = $(DIAG_BT_NOFP)
tests_diagprogs_bt_static_LDFLAGS = -all-static
tests_diagprogs_bt_stripped_SOURCES = tests/diagprogs/bt.c
tests_diagprogs_bt_stripped_CFLAGS = $(DIAG_BT_NOFP)
tests_diagprogs_bt_stripped_LDFLAGS = -Wl,--strip-all
tests_diagprogs_trash_LDFLAGS =
tests_diagprogs_trash_SOURCES = tests/diagprogs/trash.c
tests_diagprogs_trash_CFLAGS = $(DIAG_BT_FP)
tests_diagprogs_memgrow_LDFLAGS =
tests_diagprogs_memgrow_SOURCES = tests/diagprogs/memgrow.c
tests_diagprogs_memgrow_CFLAGS = $(WARN_CFLAGS)
DIAG_TEST_SRC = tests/testutil.c tests/testutil.h
tests_check_diag_backtrace_SOURCES = tests/check_diag_backtrace.c $(DIAG_TEST_SRC)
tests_check_diag_backtrace_CPPFLAGS = $(DIAG_PROGS_CPPFLAGS)
tests_check_diag_backtrace_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_diag_backtrace_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
check_PROGRAMS += tests/check_diag_profile
TESTS += tests/check_diag_profile
tests_check_diag_profile_SOURCES = tests/check_diag_profile.c $(DIAG_TEST_SRC)
tests_check_diag_profile_CPPFLAGS = $(DIAG_PROGS_CPPFLAGS)
tests_check_diag_profile_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_diag_profile_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
check_PROGRAMS += tests/check_diag_decode
TESTS += tests/check_diag_decode
tests_check_diag_decode_SOURCES = tests/check_diag_decode.c $(DIAG_TEST_SRC)
tests_check_diag_decode_CPPFLAGS = $(DIAG_PROGS_CPPFLAGS)
tests_check_diag_decode_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_diag_decode_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
check_PROGRAMS += tests/check_diag_elf
TESTS += tests/check_diag_elf
tests_check_diag_elf_SOURCES = tests/check_diag_elf.c $(DIAG_TEST_SRC)
tests_check_diag_elf_CPPFLAGS = $(DIAG_PROGS_CPPFLAGS)
tests_check_diag_elf_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_diag_elf_LDADD = libsandbox/libsandbox.la $(CHECK_LIBS)
if HAVE_M32
# A 32-bit program for the ELF checks; without gcc -m32 the test says why
# it skips.
check_PROGRAMS += tests/diagprogs/hello32
tests_diagprogs_hello32_SOURCES = tests/diagprogs/hello32.c
tests_diagprogs_hello32_CFLAGS = -m32
tests_diagprogs_hello32_LDFLAGS = -m32
tests_check_diag_elf_CPPFLAGS += -DHAVE_HELLO32=1
endif
endif
