# make bench: the performance suite (see docs/PERFORMANCE.md).
#
# Nothing here is built by `make`, `make check` or installed: the programs
# are EXTRA_PROGRAMS, built only as prerequisites of the phony `bench`
# target. Options of the driver can be passed with BENCH_FLAGS, e.g.
#   make bench BENCH_FLAGS='-s syscall,judge -r 7 -v'

bench_helpers = \
	bench/big_array \
	bench/big_array_static \
	bench/getppid_loop \
	bench/open_files \
	bench/judge_solution \
	bench/spin_cpu \
	bench/static_hello \
	bench/threads_loop \
	bench/touch_mem \
	bench/write_out
bench_programs = bench/bench-driver bench/bench-runs bench/sandbox-run \
	$(bench_helpers)
EXTRA_PROGRAMS += $(bench_programs)
CLEANFILES += $(bench_programs) bench/bench.log

# The driver links the library; -no-install gives a real binary with an
# rpath to libsandbox/.libs (no libtool wrapper script in the timings).
bench_bench_driver_SOURCES = bench/bench.c bench/bench.h bench/cli.c
bench_bench_driver_LDADD = libsandbox/libsandbox.la $(PTHREAD_LIBS)
bench_bench_driver_CFLAGS = $(AM_CFLAGS) -Wno-format-truncation
bench_bench_driver_LDFLAGS = $(AM_LDFLAGS) -no-install

# The C side of the Python binding's section (bench/python_bench.py).
bench_bench_runs_SOURCES = bench/runs_c.c
bench_bench_runs_LDADD = libsandbox/libsandbox.la
bench_bench_runs_LDFLAGS = $(AM_LDFLAGS) -no-install

# sandbox-run as installed: the same sources as cli/sandbox-run, but a
# real binary (no libtool wrapper script in the CLI section's timings).
bench_sandbox_run_SOURCES = $(cli_sandbox_run_SOURCES)
bench_sandbox_run_LDADD = $(cli_sandbox_run_LDADD)
bench_sandbox_run_LDFLAGS = $(cli_sandbox_run_LDFLAGS) -no-install
EXTRA_bench_sandbox_run_DEPENDENCIES = $(EXTRA_cli_sandbox_run_DEPENDENCIES)

# The helpers are the programs being measured: plain -O2 C, never built
# with the sanitizers (they would distort every figure and trip quotas).
bench_helper_cflags = $(WARN_CFLAGS) -O2
bench_big_array_SOURCES = bench/big_array.c
bench_big_array_CFLAGS = $(bench_helper_cflags)
bench_big_array_LDFLAGS =
bench_big_array_static_SOURCES = bench/big_array.c
bench_big_array_static_CFLAGS = $(bench_helper_cflags)
bench_big_array_static_LDFLAGS = -all-static
bench_getppid_loop_SOURCES = bench/getppid_loop.c
bench_getppid_loop_CFLAGS = $(bench_helper_cflags)
bench_getppid_loop_LDFLAGS =
bench_open_files_SOURCES = bench/open_files.c
bench_open_files_CFLAGS = $(bench_helper_cflags)
bench_open_files_LDFLAGS =
bench_judge_solution_SOURCES = bench/judge_solution.c
bench_judge_solution_CFLAGS = $(bench_helper_cflags)
bench_judge_solution_LDFLAGS =
bench_spin_cpu_SOURCES = bench/spin_cpu.c
bench_spin_cpu_CFLAGS = $(bench_helper_cflags)
bench_spin_cpu_LDFLAGS =
bench_static_hello_SOURCES = bench/static_hello.c
bench_static_hello_CFLAGS = $(bench_helper_cflags)
bench_static_hello_LDFLAGS = -all-static
bench_threads_loop_SOURCES = bench/threads_loop.c
bench_threads_loop_CFLAGS = $(bench_helper_cflags) -pthread
bench_threads_loop_LDFLAGS =
bench_threads_loop_LDADD = $(PTHREAD_LIBS)
bench_touch_mem_SOURCES = bench/touch_mem.c
bench_touch_mem_CFLAGS = $(bench_helper_cflags)
bench_touch_mem_LDFLAGS =
bench_write_out_SOURCES = bench/write_out.c
bench_write_out_CFLAGS = $(bench_helper_cflags)
bench_write_out_LDFLAGS =

EXTRA_DIST += bench/run-bench.sh bench/python_bench.py

# The Python section runs after the driver when the binding is built
# (PYBENCH_FLAGS: -r REPS -n RUNS -c CALLS -v).
BENCH_FLAGS =
PYBENCH_FLAGS =
if HAVE_PYTHON_DEV
bench_python_deps = bindings/python/stage/.stamp
bench_python_cmd = $(PYTHON) $(top_srcdir)/bench/python_bench.py $(abs_top_builddir) $(PYBENCH_FLAGS) | tee -a $(top_builddir)/bench/bench.log
else
bench_python_deps =
bench_python_cmd = echo "Python section skipped: the binding is not built (no Python headers)"
endif
bench: $(bench_programs) $(bench_python_deps)
	$(AM_V_at)$(SHELL) $(top_srcdir)/bench/run-bench.sh $(top_builddir)/bench $(BENCH_FLAGS); \
	rc=$$?; $(bench_python_cmd) || rc=1; exit $$rc

.PHONY: bench

# The child's steps timed (docs/PERFORMANCE.md, "The child's life, step
# by step"): `make probes` builds bench/child-steps, which links its own
# copies of core/spawn.c, child.c and tracer.c compiled with -DSB_CHILD_PROBES
# ahead of the library's objects (the library itself has no probe), and
# bench/probe_start, the program it runs.
probe_programs = bench/child-steps bench/probe_start
EXTRA_PROGRAMS += $(probe_programs)
CLEANFILES += $(probe_programs)
bench_child_steps_SOURCES = bench/child_steps.c libsandbox/core/spawn.c \
	libsandbox/core/child.c libsandbox/core/tracer.c
bench_child_steps_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSB_CHILD_PROBES -DPROBE_START=\"$(abs_top_builddir)/bench/probe_start\"
bench_child_steps_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
bench_child_steps_LDADD = libsandbox/libsandbox_all.la $(PTHREAD_LIBS)
bench_child_steps_LDFLAGS = $(AM_LDFLAGS) -no-install
bench_probe_start_SOURCES = bench/probe_start.c
bench_probe_start_CFLAGS = $(bench_helper_cflags)
bench_probe_start_LDFLAGS = -all-static
probes: $(probe_programs)
.PHONY: probes
