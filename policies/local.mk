# Built-in policies: one file each, linked into the library and listed by
# sandbox_policy_list() (policies/builtin.c holds the table). Also the
# tests of everything about policies (built-ins, path rules, loadable
# modules, policy files): their test programs, test modules and the
# policy-file fuzz target.
libsandbox_libsandbox_core_la_SOURCES += \
	policies/minimal.c \
	policies/io_heavy.c \
	policies/compute.c \
	policies/network.c \
	policies/unrestricted.c \
	policies/python3.c \
	policies/threads.c \
	policies/java.c \
	policies/go.c \
	policies/node.c

dist_man_MANS += man/sandbox-policy.5
EXTRA_DIST += docs/POLICIES.md

if HAVE_CHECK

# ------------------------------------------------------------ test programs
# Static, warnings only, no sanitizers (like tests/progs).
POLPROG_FLAGS = $(WARN_CFLAGS)
check_PROGRAMS += tests/polprogs/polprog
tests_polprogs_polprog_SOURCES = tests/polprogs/polprog.c
tests_polprogs_polprog_CFLAGS = $(POLPROG_FLAGS)
tests_polprogs_polprog_LDFLAGS = -all-static

# ------------------------------------------------------------ test modules
POLMOD_FLAGS = -module -avoid-version -shared -rpath /nowhere
check_LTLIBRARIES = \
	tests/modules/bad_abi.la \
	tests/modules/no_symbol.la \
	tests/modules/undefined.la \
	tests/modules/refuse.la \
	tests/modules/no_init.la \
	tests/modules/own_callback.la \
	tests/modules/counter.la
tests_modules_bad_abi_la_SOURCES = tests/modules/bad_abi.c
tests_modules_bad_abi_la_CFLAGS = $(WARN_CFLAGS)
tests_modules_bad_abi_la_LDFLAGS = $(POLMOD_FLAGS)
tests_modules_no_symbol_la_SOURCES = tests/modules/no_symbol.c
tests_modules_no_symbol_la_CFLAGS = $(WARN_CFLAGS)
tests_modules_no_symbol_la_LDFLAGS = $(POLMOD_FLAGS)
tests_modules_undefined_la_SOURCES = tests/modules/undefined.c
tests_modules_undefined_la_CFLAGS = $(WARN_CFLAGS)
tests_modules_undefined_la_LDFLAGS = $(POLMOD_FLAGS)
tests_modules_refuse_la_SOURCES = tests/modules/refuse.c
tests_modules_refuse_la_CFLAGS = $(WARN_CFLAGS)
tests_modules_refuse_la_LDFLAGS = $(POLMOD_FLAGS)
tests_modules_no_init_la_SOURCES = tests/modules/no_init.c
tests_modules_no_init_la_CFLAGS = $(WARN_CFLAGS)
tests_modules_no_init_la_LDFLAGS = $(POLMOD_FLAGS)
tests_modules_own_callback_la_SOURCES = tests/modules/own_callback.c
tests_modules_own_callback_la_CFLAGS = $(WARN_CFLAGS)
tests_modules_own_callback_la_LDFLAGS = $(POLMOD_FLAGS)
tests_modules_counter_la_SOURCES = tests/modules/counter.c
tests_modules_counter_la_CFLAGS = $(WARN_CFLAGS)
tests_modules_counter_la_LDFLAGS = $(POLMOD_FLAGS)

# ------------------------------------------------------------ suites
POLSUITE_CPP = $(AM_CPPFLAGS) \
	-DPROGS_DIR=\"$(abs_top_builddir)/tests/polprogs\" \
	-DMODULES_DIR=\"$(abs_top_builddir)/tests/modules/.libs\" \
	-DSAMPLES_DIR=\"$(abs_top_builddir)/samples/.libs\" \
	-DPOLICYFILES_DIR=\"$(abs_top_srcdir)/tests/policyfiles\"
POLSUITE_CC = $(AM_CFLAGS) $(CHECK_CFLAGS)
POLSUITE_LIBS = libsandbox/libsandbox.la $(CHECK_LIBS) $(PTHREAD_LIBS)

POLICY_SUITES = \
	tests/check_policies \
	tests/check_events \
	tests/check_policy_module \
	tests/check_policy_file
check_PROGRAMS += $(POLICY_SUITES)
TESTS += $(POLICY_SUITES)

tests_check_policies_SOURCES = tests/check_policies.c tests/testutil.c tests/testutil.h
tests_check_policies_CPPFLAGS = $(POLSUITE_CPP)
tests_check_policies_CFLAGS = $(POLSUITE_CC)
tests_check_policies_LDADD = $(POLSUITE_LIBS)
# Linked with the static library (libtool -static): it sets the library's
# test hook sb_test_filter_allow (policy/policy.h), which no shared
# library or sandbox-run exports.
tests_check_policies_LDFLAGS = $(AM_LDFLAGS) -static
tests_check_events_SOURCES = tests/check_events.c tests/testutil.c tests/testutil.h
tests_check_events_CPPFLAGS = $(POLSUITE_CPP)
tests_check_events_CFLAGS = $(POLSUITE_CC)
tests_check_events_LDADD = $(POLSUITE_LIBS)
tests_check_policy_module_SOURCES = tests/check_policy_module.c tests/testutil.c tests/testutil.h
tests_check_policy_module_CPPFLAGS = $(POLSUITE_CPP)
tests_check_policy_module_CFLAGS = $(POLSUITE_CC)
tests_check_policy_module_LDADD = $(POLSUITE_LIBS)
tests_check_policy_file_SOURCES = tests/check_policy_file.c tests/testutil.c tests/testutil.h
tests_check_policy_file_CPPFLAGS = $(POLSUITE_CPP)
tests_check_policy_file_CFLAGS = $(POLSUITE_CC)
tests_check_policy_file_LDADD = $(POLSUITE_LIBS)

endif HAVE_CHECK

# ------------------------------------------------------------ fuzzing
# tests/fuzz/fuzz_policyfile.c is a libFuzzer target. In `make check` it is
# linked with a small main() that feeds it every file of the seed corpus
# (a regression test); `make fuzz` builds the real fuzzer with clang.
check_PROGRAMS += tests/fuzz/fuzz_policyfile_regress
TESTS += tests/fuzz/fuzz_policyfile_regress
tests_fuzz_fuzz_policyfile_regress_SOURCES = tests/fuzz/fuzz_policyfile.c \
	tests/fuzz/regress_main.c
tests_fuzz_fuzz_policyfile_regress_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS_DIR=\"$(abs_top_srcdir)/tests/fuzz/corpus\"
tests_fuzz_fuzz_policyfile_regress_LDADD = libsandbox/libsandbox.la
EXTRA_DIST += tests/fuzz/corpus tests/policyfiles

FUZZ_CC = clang
FUZZ_TIME = 60
.PHONY: fuzz
fuzz: libsandbox/libsandbox.la
	@if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
		echo "make fuzz: skipped: $(FUZZ_CC) not found (apt-get install clang)"; \
		exit 0; \
	fi; \
	set -e; \
	srcs=`echo $(libsandbox_libsandbox_core_la_SOURCES) tools/filters_none.c | tr ' ' '\n' | grep '\.c$$'`; \
	mkdir -p tests/fuzz/work; \
	$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined \
		-I$(top_srcdir)/libsandbox -I$(top_builddir) \
		$(SECCOMP_CFLAGS) $(LIBELF_CFLAGS) $(LIBUNWIND_CFLAGS) \
		$(srcdir)/tests/fuzz/fuzz_policyfile.c \
		`for f in $$srcs; do echo $(srcdir)/$$f; done` \
		-o tests/fuzz/fuzz_policyfile \
		$(SECCOMP_LIBS) $(LIBELF_LIBS) $(LIBUNWIND_LIBS) $(PTHREAD_LIBS); \
	tests/fuzz/fuzz_policyfile -max_total_time=$(FUZZ_TIME) \
		-dict=$(srcdir)/tests/fuzz/policyfile.dict \
		tests/fuzz/work $(srcdir)/tests/fuzz/corpus
EXTRA_DIST += tests/fuzz/policyfile.dict
CLEANFILES += tests/fuzz/fuzz_policyfile
