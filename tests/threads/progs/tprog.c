/*
 * One multi-threaded or multi-process behaviour per first argument, for
 * the task suites (tests/threads/). Prints what a test checks on stdout;
 * handshakes are pipes and files, never sleeps.
 *
 *   sum N          N threads sum a range each; prints the total
 *   forbidden      a second thread calls socket(2) (forbidden by judge
 *                  policies), the first waits in pthread_join
 *   spin N         N threads (the first included) spin forever
 *   exec_race N D  N threads execve tprog exec_race N D+1 at once; exit 0
 *                  at D = 20
 *   forkbomb       fork forever, every child too
 *   threadbomb N   every thread creates threads until N were made in all
 *                  (a bound, should the supervisor's cap fail), then
 *                  waits forever
 *   fork_wait N    N child processes, each burning ~50 ms of CPU, waited
 *   orphan         a child that spins forever; the parent exits at once
 *   exec_thread P  a second thread execs P while the others make syscalls
 *   exit_race N    N threads make syscalls; one calls exit_group(7)
 *   vfork_exec P   vfork + exec P, wait for it, exit with its status
 *   untraced       clone(CLONE_UNTRACED): a task the tracer would not see
 *   clone3         clone3(2) directly; prints its errno
 *   ptrace_sibling a thread tries PTRACE_ATTACH on another thread
 *   signals N      N threads; the first sends SIGUSR1 to each (caught)
 *   storm N        create and join N short threads, 8 at a time
 *   path_race F N  a thread flips a path between "race.ok" and F while
 *                  the first opens that path for writing N times; prints
 *                  how many opens worked
 *   loop N         4 threads, each making N getppid() calls
 *   burn N MS      N threads (not the first) burn MS ms of CPU each
 *   cpus           prints how many CPUs it may run on
 *   ticks N        N threads spin; the first prints, every 20 ms, the
 *                  process's CPU time as the kernel's ticks count it (the
 *                  clock RLIMIT_CPU is checked on) and its exact CPU
 *                  clock, in ms: "ticks T exact E"
 *   mem_procs N MB N child processes keep MB MiB each, touched; the
 *                  parent waits for them all, prints "ready" and pauses
 *   mem_threads N MB  N threads keep MB MiB each, touched; prints "kept"
 *   leader_exit MB the main thread leaves (pthread_exit); a second thread
 *                  keeps MB MiB, touched, prints "kept" and spins
 *   fork_leader_exit MS  a child process ends and is waited for; then a
 *                  second thread burns MS ms of CPU after the main thread
 *                  left (pthread_exit)
 *   leader_write N [K]  the main thread leaves (pthread_exit); a second
 *                  thread then writes N bytes to stdout and ends the
 *                  process -- after K more threads (default 0), let go
 *                  once the main thread has ended, have ended
 *   mem_shared N MB K  keeps MB MiB, touched, then N child processes
 *                  that share them (K "vm": clone(CLONE_VM), "fork":
 *                  copy-on-write pages never written) and pause; prints
 *                  "ready" once all run, then spins
 *   family         a child process and a thread spin; prints "ready"
 *                  once both run, then spins too
 *   live N         N child processes alive at once (each says so through
 *                  a pipe, then waits for its end of file); all reaped;
 *                  prints "reaped N"
 *   fork_exec N    a thread forks children (each exits at once) without
 *                  end while another, once N were made, execs tprog
 *                  reap: it waits for every child left, prints "reaped"
 *   thread_fork MB a second thread forks a child that maps MB MiB (not
 *                  touched) and exits at once; the child is waited for
 *   rolling K N    at most K threads besides the first: create one, join
 *                  the oldest, N times; prints "rolled"
 *   stop_signals H SIGTSTP, SIGTTIN, SIGTTOU sent to the process by a
 *                  second thread; H = catch: prints how many were caught
 *                  ("caught 3"); H = default: none stops it ("not
 *                  stopped")
 *   stop_family    every task stops itself or another: a child process
 *                  sent SIGSTOP at once by its parent (before or after
 *                  its first instruction); each process raises SIGSTOP
 *                  and sends itself SIGTSTP, and a thread of each raises
 *                  SIGSTOP; the parent waits for the child with
 *                  WUNTRACED: prints "not stopped" when it saw no stop,
 *                  "stopped" when it did
 *   odd_thread K   one thread made by clone(2) with the flags of
 *                  pthread_create plus CLONE_VFORK (K = vfork) or with
 *                  SIGCHLD as exit signal (K = sigchld): reported by the
 *                  kernel as a vfork or a fork; prints "thread ran"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_int go;
static char **g_argv;

static void *sum_part(void *arg)
{
	uint64_t k = (uint64_t)(uintptr_t)arg, s = 0;
	for (uint64_t i = k * 1000000; i < (k + 1) * 1000000; i++)
		s += i;
	return (void *)(uintptr_t)s;
}

static void *forbidden(void *arg)
{
	(void)arg;
	printf("tid %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	printf("socket returned %d\n", fd);
	return NULL;
}

static void *spin(void *arg)
{
	(void)arg;
	for (volatile unsigned long i = 0;; i++)
		;
	return NULL;
}

static void *syscalls(void *arg)
{
	(void)arg;
	while (!atomic_load(&go))
		syscall(SYS_getppid);
	for (;;)
		syscall(SYS_getppid);
	return NULL;
}

static void *exec_it(void *arg)
{
	char *const argv[] = { (char *)arg, NULL };
	atomic_store(&go, 1);
	execv((char *)arg, argv);
	_exit(99);
}

static void *exit_now(void *arg)
{
	(void)arg;
	atomic_store(&go, 1);
	syscall(SYS_exit_group, 7);
	return NULL;
}

static void burn(long ms)
{
	struct timespec a, b;
	/* A thread's CPU clock is a syscall (no vDSO): look at it only
	 * every ~0.1 ms of work, so that the supervisor's work for those
	 * calls (charged to the CPU quota in classic mode) stays small. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do {
		for (volatile int i = 0; i < 100000; i++)
			;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static pthread_t threads[64];
static atomic_int caught;

static void on_usr1(int sig)
{
	(void)sig;
	atomic_fetch_add(&caught, 1);
}

static void *wait_signal(void *arg)
{
	(void)arg;
	while (atomic_load(&caught) == 0 || !atomic_load(&go))
		syscall(SYS_getppid);
	return NULL;
}

static void *nothing(void *arg)
{
	return arg;
}

static char race_path[4096];
static const char *race_paths[2];

static void *flip_path(void *arg)
{
	(void)arg;
	for (unsigned i = 0; !atomic_load(&go); i++)
		strcpy(race_path, race_paths[i & 1]);
	return NULL;
}

static void *getppid_loop(void *arg)
{
	long n = (long)(intptr_t)arg;
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return NULL;
}

static void *burn_ms(void *arg)
{
	burn((long)(intptr_t)arg);
	return NULL;
}

static atomic_int running;

static void *spin_counted(void *arg)
{
	atomic_fetch_add(&running, 1);
	return spin(arg);
}

static char *keep(long mb)
{
	char *m = malloc((size_t)mb << 20);
	for (long i = 0; m && i < mb << 20; i += 4096)
		m[i] = 1;
	return m;
}

static void *keep_mb(void *arg)
{
	return keep((long)(intptr_t)arg);
}

static void *keep_and_spin(void *arg)
{
	if (!keep((long)(intptr_t)arg))
		exit(1);
	puts("kept");
	fflush(stdout);
	for (;;)
		atomic_fetch_add(&running, 1);
	return NULL;
}

static pthread_t main_thread;
static int n_idle; /* leader_write's idle threads: threads[1..n_idle] */
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static int idle_go;

/* Waits until the writer says the main thread has ended. */
static void *idle_after_leader(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&idle_lock);
	while (!idle_go)
		pthread_cond_wait(&idle_cond, &idle_lock);
	pthread_mutex_unlock(&idle_lock);
	return NULL;
}

static void *write_after_leader(void *arg)
{
	static char chunk[4096];
	long left = (long)(intptr_t)arg;

	memset(chunk, 'w', sizeof(chunk));
	/* the main thread's end (its tid cleared: past its exit stop) */
	if (pthread_join(main_thread, NULL) != 0)
		exit(1);
	/* the idle threads' ends: they come before a byte is written */
	pthread_mutex_lock(&idle_lock);
	idle_go = 1;
	pthread_cond_broadcast(&idle_cond);
	pthread_mutex_unlock(&idle_lock);
	for (int i = 1; i <= n_idle; i++)
		if (pthread_join(threads[i], NULL) != 0)
			exit(1);
	while (left > 0) {
		ssize_t k = write(1, chunk, left < 4096 ? (size_t)left : 4096);
		if (k <= 0)
			exit(1);
		left -= k;
	}
	return NULL;
}

static int shared_fds[2];

static int pause_shared(void *arg)
{
	(void)arg;
	if (write(shared_fds[1], "k", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* mem_shared: the children share the parent's memory one way or the
 * other; the parent spins once they all run (the run ends on its CPU). */
static int mem_shared(int n, long mb, const char *kind)
{
	static char stacks[64][16384];
	char c;

	if (!keep(mb) || pipe(shared_fds) < 0)
		return 1;
	for (int i = 0; i < n && i < 64; i++) {
		int pid = !strcmp(kind, "vm")
		          ? clone(pause_shared, stacks[i] + sizeof(stacks[i]),
		                  CLONE_VM | SIGCHLD, NULL)
		          : fork();
		if (pid == 0)
			_exit(pause_shared(NULL));
		if (pid < 0)
			return 1;
	}
	for (int i = 0; i < n && i < 64; i++)
		if (read(shared_fds[0], &c, 1) != 1)
			return 1;
	puts("ready");
	fflush(stdout);
	for (;;)
		atomic_fetch_add(&running, 1);
}

/* N threads execve this program at once, one level deeper each time; at
 * level 20 it exits 0. */
static void *exec_deeper(void *arg)
{
	char depth[16], n[16];
	snprintf(depth, sizeof(depth), "%d", atoi(g_argv[3]) + 1);
	snprintf(n, sizeof(n), "%s", g_argv[2]);
	char *const argv[] = { g_argv[0], "exec_race", n, depth, NULL };
	(void)arg;
	execv(g_argv[0], argv);
	_exit(99);
}

static atomic_int bomb_made;
static int bomb_max;

static void *bomb(void *arg)
{
	pthread_t t;

	(void)arg;
	while (atomic_fetch_add(&bomb_made, 1) < bomb_max)
		pthread_create(&t, NULL, bomb, NULL);
	for (;;)
		pause();
	return NULL;
}

static atomic_int odd_ran;
static char odd_stack[1 << 16] __attribute__((aligned(16)));

static int odd_thread(void *arg)
{
	(void)arg;
	atomic_store(&odd_ran, 1);
	syscall(SYS_exit, 0); /* this thread only */
	return 0;
}

static atomic_int forked;

static void *fork_forever(void *arg)
{
	(void)arg;
	for (;;) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		if (p > 0)
			atomic_fetch_add(&forked, 1);
	}
	return NULL;
}

static void *fork_toucher(void *arg)
{
	pid_t p = fork();
	if (p == 0)
		_exit(mmap(NULL, (size_t)(intptr_t)arg << 20, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	int st;
	waitpid(p, &st, 0);
	return (void *)(intptr_t)(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static atomic_int stop_caught;

static void on_stop_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&stop_caught, 1);
}

/* Three different signals, one each: none merges with another pending.
 * Each is handled before the thread it went to returns to the program
 * (the first one's pthread_join, or this one's kill). */
static void *send_stop_signals(void *arg)
{
	(void)arg;
	kill(getpid(), SIGTSTP);
	kill(getpid(), SIGTTIN);
	kill(getpid(), SIGTTOU);
	return NULL;
}

static void *stop_myself(void *arg)
{
	(void)arg;
	raise(SIGSTOP);
	return NULL;
}

/* A thread that stops itself (joined), SIGSTOP and SIGTSTP to the
 * process: each is discarded before the next line runs. */
static void stop_all_ways(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, stop_myself, NULL) == 0)
		pthread_join(t, NULL);
	raise(SIGSTOP);
	kill(getpid(), SIGTSTP);
}

static int stop_family(void)
{
	int st;
	pid_t child = fork();

	if (child < 0)
		return 3;
	if (child == 0) {
		stop_all_ways();
		_exit(0);
	}
	kill(child, SIGSTOP);
	stop_all_ways();
	if (waitpid(child, &st, WUNTRACED) != child)
		return 4;
	puts(WIFSTOPPED(st) ? "stopped" : "not stopped");
	if (WIFSTOPPED(st)) { /* let it end */
		kill(child, SIGCONT);
		waitpid(child, &st, 0);
	}
	return 0;
}

static int n_arg(int argc, char **argv, int dflt)
{
	return argc > 2 ? atoi(argv[2]) : dflt;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	int n = n_arg(argc, argv, 2);

	g_argv = argv;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(what, "sum")) {
		uint64_t total = 0;
		for (int i = 0; i < n && i < 64; i++)
			pthread_create(&threads[i], NULL, sum_part, (void *)(uintptr_t)i);
		for (int i = 0; i < n && i < 64; i++) {
			void *r;
			pthread_join(threads[i], &r);
			total += (uint64_t)(uintptr_t)r;
		}
		printf("%llu\n", (unsigned long long)total);
		return 0;
	}
	if (!strcmp(what, "forbidden")) {
		pthread_create(&threads[0], NULL, forbidden, NULL);
		pthread_join(threads[0], NULL);
		return 0;
	}
	if (!strcmp(what, "spin")) {
		for (int i = 1; i < n && i < 64; i++)
			pthread_create(&threads[i], NULL, spin, NULL);
		spin(NULL);
	}
	if (!strcmp(what, "forkbomb")) {
		for (;;)
			fork();
	}
	if (!strcmp(what, "threadbomb")) {
		bomb_max = n;
		bomb(NULL);
	}
	if (!strcmp(what, "fork_wait")) {
		for (int i = 0; i < n; i++) {
			pid_t p = fork();
			if (p == 0) {
				burn(50);
				_exit(0);
			}
		}
		while (wait(NULL) > 0)
			;
		puts("waited");
		return 0;
	}
	if (!strcmp(what, "orphan")) {
		if (fork() == 0)
			spin(NULL);
		puts("parent exits");
		return 0;
	}
	if (!strcmp(what, "exec_thread")) {
		for (int i = 0; i < 3; i++)
			pthread_create(&threads[i], NULL, syscalls, NULL);
		pthread_create(&threads[3], NULL, exec_it, argv[2]);
		for (;;)
			syscall(SYS_getppid);
	}
	if (!strcmp(what, "exec_race") && argc > 3) {
		if (atoi(argv[3]) >= 20)
			return 0;
		for (int i = 0; i < n - 1 && i < 64; i++)
			pthread_create(&threads[i], NULL, exec_deeper, NULL);
		exec_deeper(NULL);
	}
	if (!strcmp(what, "exit_race")) {
		for (int i = 0; i < n && i < 63; i++)
			pthread_create(&threads[i], NULL, syscalls, NULL);
		pthread_create(&threads[63], NULL, exit_now, NULL);
		for (;;)
			syscall(SYS_getppid);
	}
	if (!strcmp(what, "vfork_exec")) {
		pid_t p = vfork();
		if (p == 0) {
			execl(argv[2], argv[2], (char *)NULL);
			_exit(98);
		}
		int st;
		waitpid(p, &st, 0);
		printf("child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	if (!strcmp(what, "untraced")) {
		long r = syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, NULL, NULL,
		                 NULL, NULL);
		if (r == 0) {
			/* Escaped? Prove it by opening a socket. */
			int fd = socket(AF_INET, SOCK_STREAM, 0);
			printf("escaped: socket %d\n", fd);
			_exit(0);
		}
		printf("clone returned %ld errno %d\n", r, r < 0 ? errno : 0);
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		return 0;
	}
	if (!strcmp(what, "clone3")) {
		char args[88];
		memset(args, 0, sizeof(args));
		long r = syscall(435, args, sizeof(args));
		if (r == 0)
			_exit(0);
		printf("clone3 %ld errno %d\n", r, errno);
		return 0;
	}
	if (!strcmp(what, "ptrace_sibling")) {
		pthread_create(&threads[0], NULL, syscalls, NULL);
		long r = ptrace(PTRACE_ATTACH, getpid(), NULL, NULL);
		printf("ptrace %ld errno %d\n", r, errno);
		return 0;
	}
	if (!strcmp(what, "signals")) {
		signal(SIGUSR1, on_usr1);
		for (int i = 0; i < n && i < 64; i++)
			pthread_create(&threads[i], NULL, wait_signal, NULL);
		for (int i = 0; i < n && i < 64; i++)
			pthread_kill(threads[i], SIGUSR1);
		atomic_store(&go, 1);
		for (int i = 0; i < n && i < 64; i++)
			pthread_join(threads[i], NULL);
		printf("caught %d\n", atomic_load(&caught));
		return 0;
	}
	if (!strcmp(what, "storm")) {
		for (int done = 0; done < n;) {
			int k = n - done < 8 ? n - done : 8;
			for (int i = 0; i < k; i++)
				pthread_create(&threads[i], NULL, nothing, NULL);
			for (int i = 0; i < k; i++)
				pthread_join(threads[i], NULL);
			done += k;
		}
		printf("created %d\n", n);
		return 0;
	}
	if (!strcmp(what, "path_race") && argc > 3) {
		long worked = 0;
		race_paths[0] = "race.ok";
		race_paths[1] = argv[2];
		strcpy(race_path, race_paths[0]);
		pthread_create(&threads[0], NULL, flip_path, NULL);
		for (long i = 0; i < atol(argv[3]); i++) {
			int fd = open(race_path, O_WRONLY | O_CREAT, 0644);
			if (fd >= 0) {
				worked++;
				close(fd);
			}
		}
		atomic_store(&go, 1);
		pthread_join(threads[0], NULL);
		printf("opened %ld\n", worked);
		return 0;
	}
	if (!strcmp(what, "mem_procs") && argc > 3) {
		long mb = atol(argv[3]);
		int fds[2];
		char c;
		if (pipe(fds) < 0)
			return 1;
		for (int i = 0; i < n; i++)
			if (fork() == 0) {
				if (!keep(mb) || write(fds[1], "k", 1) != 1)
					_exit(1);
				for (;;)
					pause();
			}
		for (int i = 0; i < n; i++)
			if (read(fds[0], &c, 1) != 1)
				return 1;
		puts("ready");
		for (;;)
			pause();
	}
	if (!strcmp(what, "leader_exit") && argc > 2) {
		pthread_create(&threads[0], NULL, keep_and_spin,
		               (void *)(intptr_t)atol(argv[2]));
		pthread_exit(NULL);
	}
	if (!strcmp(what, "fork_leader_exit")) {
		pid_t child = fork();
		if (child == 0)
			_exit(0);
		if (child < 0 || waitpid(child, NULL, 0) != child)
			return 3;
		pthread_create(&threads[0], NULL, burn_ms, (void *)(intptr_t)n);
		pthread_exit(NULL);
	}
	if (!strcmp(what, "leader_write")) {
		main_thread = pthread_self();
		n_idle = argc > 3 ? atoi(argv[3]) : 0;
		if (n_idle < 0 || n_idle > 63)
			return 3;
		for (int i = 1; i <= n_idle; i++)
			pthread_create(&threads[i], NULL, idle_after_leader, NULL);
		pthread_create(&threads[0], NULL, write_after_leader,
		               (void *)(intptr_t)n);
		pthread_exit(NULL);
	}
	if (!strcmp(what, "mem_shared") && argc > 4)
		return mem_shared(n, atol(argv[3]), argv[4]);
	if (!strcmp(what, "mem_threads") && argc > 3) {
		for (int i = 0; i < n && i < 64; i++)
			pthread_create(&threads[i], NULL, keep_mb,
			               (void *)(intptr_t)atol(argv[3]));
		for (int i = 0; i < n && i < 64; i++)
			pthread_join(threads[i], NULL);
		puts("kept");
		return 0;
	}
	if (!strcmp(what, "loop")) {
		long iters = argc > 2 ? atol(argv[2]) : 100000;
		for (int i = 0; i < 4; i++)
			pthread_create(&threads[i], NULL, getppid_loop,
			               (void *)(intptr_t)iters);
		for (int i = 0; i < 4; i++)
			pthread_join(threads[i], NULL);
		return 0;
	}
	if (!strcmp(what, "burn")) {
		long ms = argc > 3 ? atol(argv[3]) : 100;
		for (int i = 0; i < n && i < 64; i++)
			pthread_create(&threads[i], NULL, burn_ms, (void *)(intptr_t)ms);
		for (int i = 0; i < n && i < 64; i++)
			pthread_join(threads[i], NULL);
		puts("burnt");
		return 0;
	}
	if (!strcmp(what, "ticks")) {
		/* CPUCLOCK_PROF of this process (linux/posix-timers.h) */
		clockid_t prof = (clockid_t)(~(unsigned)getpid() << 3);
		for (int i = 0; i < n && i < 64; i++)
			pthread_create(&threads[i], NULL, spin, NULL);
		for (;;) {
			struct timespec a, b, w = { 0, 20000000 };
			clock_gettime(prof, &a);
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
			printf("ticks %lld exact %lld\n",
			       (long long)a.tv_sec * 1000 + a.tv_nsec / 1000000,
			       (long long)b.tv_sec * 1000 + b.tv_nsec / 1000000);
			fflush(stdout);
			nanosleep(&w, NULL);
		}
	}
	if (!strcmp(what, "cpus")) {
		cpu_set_t set;
		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			printf("%d\n", CPU_COUNT(&set));
		return 0;
	}
	if (!strcmp(what, "family")) {
		int fd[2];
		char c;
		if (pipe(fd) < 0)
			return 1;
		if (fork() == 0) {
			close(fd[0]);
			if (write(fd[1], "x", 1) != 1)
				_exit(1);
			spin(NULL);
		}
		close(fd[1]);
		if (read(fd[0], &c, 1) != 1)
			return 1;
		pthread_create(&threads[0], NULL, spin_counted, NULL);
		while (!atomic_load(&running))
			sched_yield();
		puts("ready");
		spin(NULL);
	}
	if (!strcmp(what, "live")) {
		int up[2], hold[2], reaped = 0;
		char c;
		if (pipe(up) < 0 || pipe(hold) < 0)
			return 1;
		for (int i = 0; i < n; i++) {
			pid_t p = fork();
			if (p < 0)
				return 3;
			if (p == 0) {
				close(hold[1]);
				if (write(up[1], "u", 1) != 1)
					_exit(1);
				_exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
			}
		}
		for (int i = 0; i < n; i++)
			if (read(up[0], &c, 1) != 1)
				return 1;
		close(hold[1]);
		int st;
		while (wait(&st) > 0)
			reaped += WIFEXITED(st) && WEXITSTATUS(st) == 0;
		printf("reaped %d\n", reaped);
		return 0;
	}
	if (!strcmp(what, "fork_exec")) {
		char *const args[] = { argv[0], "reap", NULL };
		pthread_create(&threads[0], NULL, fork_forever, NULL);
		while (atomic_load(&forked) < n)
			sched_yield();
		execv(argv[0], args);
		return 3;
	}
	if (!strcmp(what, "reap")) {
		while (wait(NULL) > 0)
			;
		puts("reaped");
		return 0;
	}
	if (!strcmp(what, "child_kill_self")) {
		/* A forked child signals itself by its own pid: kill() and
		 * raise() (tgkill) with SIGUSR1 ignored. */
		int st = -1;
		pid_t p = fork();
		if (p == 0) {
			signal(SIGUSR1, SIG_IGN);
			int a = kill(getpid(), SIGUSR1), b = raise(SIGUSR1);
			_exit(a == 0 && b == 0 ? 0 : 3);
		}
		if (p < 0 || waitpid(p, &st, 0) != p)
			return 4;
		puts(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "child signalled itself"
		                                           : "child refused");
		return 0;
	}
	if (!strcmp(what, "thread_fork")) {
		void *ok;
		pthread_create(&threads[0], NULL, fork_toucher,
		               (void *)(intptr_t)n);
		pthread_join(threads[0], &ok);
		puts(ok ? "child done" : "child failed");
		return 0;
	}
	if (!strcmp(what, "rolling") && argc > 3) {
		int k = n < 64 ? n : 64, total = atoi(argv[3]);
		for (int i = 0; i < total; i++) {
			if (i >= k)
				pthread_join(threads[i % k], NULL);
			if (pthread_create(&threads[i % k], NULL, nothing, NULL))
				return 3;
		}
		for (int i = 0; i < k && i < total; i++)
			pthread_join(threads[i], NULL);
		puts("rolled");
		return 0;
	}
	if (!strcmp(what, "stop_signals") && argc > 2) {
		int catch = !strcmp(argv[2], "catch");
		if (catch) {
			signal(SIGTSTP, on_stop_signal);
			signal(SIGTTIN, on_stop_signal);
			signal(SIGTTOU, on_stop_signal);
		}
		pthread_create(&threads[0], NULL, send_stop_signals, NULL);
		pthread_join(threads[0], NULL);
		if (catch)
			printf("caught %d\n", atomic_load(&stop_caught));
		else
			puts("not stopped");
		return 0;
	}
	if (!strcmp(what, "stop_family"))
		return stop_family();
	if (!strcmp(what, "odd_thread") && argc > 2) {
		int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		            CLONE_THREAD | CLONE_SYSVSEM;
		flags |= !strcmp(argv[2], "vfork") ? CLONE_VFORK : SIGCHLD;
		int r = clone(odd_thread, odd_stack + sizeof(odd_stack), flags,
		              NULL);
		if (r < 0)
			return 3;
		while (!atomic_load(&odd_ran))
			sched_yield();
		puts("thread ran");
		return 0;
	}
	fprintf(stderr, "tprog: unknown behaviour '%s'\n", what);
	return 2;
}
