/*
 * util/: the bottom layer of libsandbox. Small helpers every other layer
 * may use; they know nothing of a sandbox, a policy or a run (only the
 * public vocabulary of sandbox.h). Not installed.
 *
 *   strings.c  owned strings and string vectors, error messages
 *   names.c    ABI names, errno text, syscall names and numbers
 *              (libseccomp's tables), the names of the set-up steps
 *   syscalls.c what each syscall's arguments are (the decoder)
 *   time.c     monotonic clock and time differences
 *   procfs.c   the few /proc reads, and reading a stopped process's memory
 *   io.c       writing a whole buffer
 *   child.c    what the child does between fork and exec that several
 *              layers share: its error record, rlimits, the bounding set
 *   cpus.c     the cpulist syntax
 *   claims.c   host-wide claims on numbered resources (CPUs, uids)
 *   files.c    opening files around a run without following what the
 *              program may have planted (sandbox_open_file)
 *   landlock.c the Landlock syscalls and what the running kernel offers
 *   spawn.c    a trusted program started without supervision (an
 *              interactor the judge does not sandbox)
 */
#ifndef LIBSANDBOX_UTIL_H
#define LIBSANDBOX_UTIL_H

#include "sandbox.h"

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>

#define SB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ----------------------------------------------------------- strings.c */

/* Free a NULL-terminated vector of owned strings (NULL is fine). */
void sb_strv_free(char **v);
/* Copy a NULL-terminated vector (NULL in: none). An empty one becomes NULL
 * when empty_is_null, else an empty vector. 0 or -ENOMEM. */
int sb_strv_dup(const char *const *in, bool empty_is_null, char ***out);
/* Replace *dst with a copy of src (NULL clears); *dst is untouched on
 * -ENOMEM. */
int sb_set_str(char **dst, const char *src);
/* Format an error message into err (may be NULL / 0). */
void sb_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------- names.c */

/* "x86_64", "i386", "x32"; "?" for anything else. */
const char *sb_abi_name(int abi);
/* Text of a (negative or positive) errno value; static storage. */
const char *sb_strerror(int err);
/* Name of syscall nr of an ABI into buf ("syscall_<nr>" when unknown). */
const char *sb_syscall_name(int abi, long nr, char *buf, size_t len);
/* Number of a syscall name in an ABI; -ENOENT, -EINVAL. */
long sb_syscall_number(int abi, const char *name);
/* The syscalls that grow the address space, which a VSIZE quota watches:
 * sb_memory_syscall() says which one nr is in abi (SB_MEMSYS_NONE: none
 * of them). Cheap: the numbers are resolved once per process. */
enum {
	SB_MEMSYS_NONE = 0,
	SB_MEMSYS_BRK,
	SB_MEMSYS_MMAP,
	SB_MEMSYS_MMAP2,
	SB_MEMSYS_MREMAP,
	SB_MEMSYS_COUNT
};
int sb_memory_syscall(int abi, long nr);
/* Can syscall nr of abi free blocks of a file (unlink, rename, truncate,
 * fallocate, an open that may truncate)? Same caching. */
bool sb_space_syscall(int abi, long nr);
/* Can it shrink a file through a descriptor (truncate, ftruncate,
 * fallocate)? A subset of the above. */
bool sb_truncate_syscall(int abi, long nr);
/* Highest syscall number (+1) of an ABI we keep tables for. */
int sb_abi_nr_limit(int abi);
/* libseccomp architecture token of an ABI (0 for a bad one). */
uint32_t sb_abi_scmp_arch(int abi);

/* ---------------------------------------------------------- syscalls.c */

/* What an argument is. */
enum sb_arg {
	SB_ARG_END = 0, SB_ARG_INT, SB_ARG_UINT, SB_ARG_HEX, SB_ARG_PTR,
	SB_ARG_FD, SB_ARG_DIRFD, SB_ARG_PATH, SB_ARG_OFLAGS, SB_ARG_MODE,
	SB_ARG_PROT, SB_ARG_MFLAGS, SB_ARG_SIG, SB_ARG_ATFLAGS, SB_ARG_WHENCE,
	SB_ARG_BUF,
};
/* One syscall's argument layout. */
struct sb_sysinfo {
	const char *name;
	bool ret_hex;         /* returns an address (mmap, brk) */
	unsigned char arg[6]; /* enum sb_arg; SB_ARG_END after the last */
};
extern const struct sb_sysinfo sb_systab[];
extern const size_t sb_systab_len;
/* The entry of a syscall name, or NULL. */
const struct sb_sysinfo *sb_sysinfo(const char *name);
/* The bits of argument `arg` (0..5) of syscall `name` the kernel runs
 * when it reads fewer than 64 (the register cast to an int, unsigned
 * int, pid_t... : 0xffffffff; to a umode_t: 0xffff), or 0: all 64 bits,
 * or not known here. */
uint64_t sb_arg_narrow_mask(const char *name, unsigned arg);

/* -------------------------------------------------------------- time.c */

int64_t sb_ts_ns(const struct timespec *t);
/* CLOCK_MONOTONIC in nanoseconds. */
int64_t sb_now_ns(void);
/* A timeout for ppoll(): the time left until deadline_ns (CLOCK_MONOTONIC,
 * 0 when past) in *ts, which is returned; NULL (wait for ever) when
 * deadline_ns is INT64_MAX. */
struct timespec *sb_ts_until(int64_t deadline_ns, struct timespec *ts);
/* CPU time of the calling thread in nanoseconds. */
int64_t sb_thread_cpu_ns(void);
int64_t sb_ts_diff_us(const struct timespec *a, const struct timespec *b);
int64_t sb_tv_us(const struct timeval *tv);

/* ------------------------------------------------------------ procfs.c */

/* Figures read at the exit stop (or just before a kill). */
struct sb_proc_exit {
	int64_t vm_peak, rss_peak, vm_size;
	int64_t rss, pte; /* VmRSS, VmPTE now (page tables), bytes, or -1 */
	uint64_t sig_pending; /* SigPnd | ShdPnd bitmask, bit (sig-1) */
	int64_t wchar;
};
int sb_proc_read_exit(pid_t pid, struct sb_proc_exit *out);
/* Bytes the process's threads passed to write-family calls (/proc/PID/io
 * wchar: the ended threads' and the live ones', read through the main
 * thread even when it is a zombie), or -1. */
int64_t sb_proc_wchar(pid_t pid);
/* A task of process pid that still has its memory: pid itself, or, once
 * its main thread has left (pthread_exit: a zombie without memory while
 * its other threads run), one of those threads; pid when none is found. */
pid_t sb_proc_mm_holder(pid_t pid);
/* current RSS / address space size in bytes (of sb_proc_mm_holder(pid)),
 * or -errno */
int64_t sb_proc_rss(pid_t pid);
int64_t sb_proc_vm_size(pid_t pid);
/* Current RSS (VmRSS) in bytes, and in *pte the page tables the kernel
 * holds for the address space (VmPTE, bytes; -1 when unknown), from one
 * read of status (of sb_proc_mm_holder(pid) when pid has left its memory
 * to its other threads); -errno when unreadable. */
int64_t sb_proc_rss_pte(pid_t pid, int64_t *pte);
/* Proportional set size (smaps_rollup's Pss: a page shared by k address
 * spaces counts 1/k in each) in bytes, or -errno. */
int64_t sb_proc_pss(pid_t pid);
/* Do processes a and b share one address space (CLONE_VM without
 * CLONE_THREAD, vfork)? kcmp(KCMP_VM): 0 same, -1 / 1 an order of the
 * kernel's, or -errno (ENOSYS without kcmp, ESRCH, EPERM). */
int sb_proc_cmp_vm(pid_t a, pid_t b);
/* The soft limit of resource `name` as /proc/PID/limits words it ("Max
 * stack size"), in its units; UINT64_MAX for "unlimited". 0 or -errno. */
int sb_proc_limit(pid_t pid, const char *name, uint64_t *soft);
/* Is addr below the stack mapping ([stack]) and above the mapping before
 * it, where the kernel would grow the stack down to reach it? Then
 * *grow is the growth in bytes (to addr's page) and *size the stack's
 * size after it. */
bool sb_proc_stack_growth(pid_t pid, uint64_t addr, int64_t *grow,
                          int64_t *size);
/* Read the memory of a (stopped) process: process_vm_readv. Returns the
 * bytes read (short at the end of a mapping), or -errno. */
ssize_t sb_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
/* A NUL-terminated string of at most len-1 bytes: its length,
 * -ENAMETOOLONG when it does not fit, -EFAULT, -ESRCH. */
ssize_t sb_mem_read_string(pid_t pid, uint64_t addr, char *buf, size_t len);
/* Is the process ending: a zombie, reaped, or in do_exit (PF_EXITING, set
 * before it closes its descriptors)? */
bool sb_proc_exiting(pid_t pid);
/* The same of one task (a thread's tid has a /proc entry too, unlisted):
 * 1 ending or reaped, 0 not, -errno when /proc cannot say (EMFILE...). */
int sb_proc_task_ending(pid_t tid);
/* What signal sig does to task pid (SigCgt, SigIgn of its status):
 * SB_SIG_DEFAULT, SB_SIG_IGNORED, SB_SIG_CAUGHT, or -errno. */
enum { SB_SIG_DEFAULT, SB_SIG_IGNORED, SB_SIG_CAUGHT };
int sb_proc_sig_action(pid_t pid, int sig);
/* What a process's tasks wait for, from /proc/PID/task/TID/{stat,syscall}:
 * SB_WAIT_RUNNING when a task is running (or in uninterruptible sleep, or
 * stopped by its tracer); else SB_WAIT_READING when a task is blocked in
 * read(2)/readv(2) on descriptor 0, SB_WAIT_WRITING in write(2)/writev(2)
 * on descriptor 1; SB_WAIT_SLEEPING when blocked on anything else;
 * SB_WAIT_ENDED when no task is left. The values are sandbox_wait_t's. */
enum {
	SB_WAIT_UNKNOWN = S_WAIT_UNKNOWN, SB_WAIT_RUNNING = S_WAIT_RUNNING,
	SB_WAIT_READING = S_WAIT_READING, SB_WAIT_WRITING = S_WAIT_WRITING,
	SB_WAIT_SLEEPING = S_WAIT_SLEEPING, SB_WAIT_ENDED = S_WAIT_ENDED,
	SB_WAIT_COUNT
};
int sb_proc_stdio_wait(pid_t pid);

/* ---------------------------------------------------------------- io.c */

/* Write all of buf to fd (EINTR and short writes handled). 0 or -errno. */
int sb_write_all(int fd, const void *buf, size_t len);
/* One write of all of buf (a control file takes its text in one piece):
 * 0, -errno, or -EIO when it was short. */
int sb_write_once(int fd, const void *buf, size_t len);
/* Open an existing file for writing, sb_write_once() the text, close. */
int sb_write_file(const char *path, const char *text);
/* A descriptor that writes to fd's file and never blocks: a pipe, FIFO or
 * terminal in blocking mode is reopened through /proc/self/fd as a private
 * non-blocking open file description (*own set: the caller closes it; the
 * caller's description and its flags are left alone); anything else (and
 * without /proc) is fd itself. -errno when fd is not open. */
int sb_open_nonblocking(int fd, bool *own);
/* Are descriptors a and b one open file description (dup(), `2>&1`:
 * one offset, one set of flags)? kcmp(KCMP_FILE) says; where it cannot
 * (ENOSYS without CONFIG_KCMP, EPERM under a container's seccomp filter)
 * sb_same_description_guess() answers. */
bool sb_same_description(int a, int b);
/* Without kcmp: one file (device and inode), the same status flags and,
 * for a file with an offset, the same offset. Two descriptions opened
 * alike and never written (`> f 2> f`) are taken for one. */
bool sb_same_description_guess(int a, int b);
/* Do writes to a and b make one ordered stream, whatever the program
 * writes where: one description, or one pipe, FIFO, socket or terminal
 * (each keeps a single order), or one regular file both append to?
 * Not two descriptions of one regular file with offsets of their own
 * (they overwrite each other: `> f 2> f`). */
bool sb_same_stream(int a, int b);

/* ------------------------------------------------------------- steps */

/* Every step of starting a program, in the order they are taken: in the
 * supervisor, then in the child -- its namespace steps first when it is
 * isolated (isolation/), then the engine's (core/child.c) -- and the
 * supervisor itself. sandbox_failed_step() gives these names. */
#define SB_STEPS(X)                                                        \
	/* supervisor, before the child exists */                        \
	X(STDIN, "stdin") X(STDOUT, "stdout") X(STDERR, "stderr")          \
	X(CAPTURE, "capture") X(CPUS, "cpus") X(BOX, "box")                \
	X(MOUNTS, "mounts")                                                \
	X(CGROUP, "cgroup") X(CLONE, "clone") X(ID_MAP, "id_map")          \
	/* child: die with the supervisor; namespaces, box root */        \
	X(PRCTL, "prctl") X(SETPGID, "setpgid") /* spawn.c */              \
	X(ISOLATION, "isolation") X(NS_IDS, "ns_ids")                      \
	X(SETHOSTNAME, "sethostname") X(LOOPBACK, "loopback")              \
	X(MKDIR, "mkdir") X(MKFILE, "mkfile") X(MOUNT, "mount")            \
	X(REMOUNT_RO, "remount_ro") X(SYMLINK, "symlink") X(CHOWN, "chown") \
	X(PIVOT_ROOT, "pivot_root") X(CAPBSET, "capbset")                  \
	/* child: the engine's steps (core/child.c; stdin.. again) */     \
	X(PTRACE, "ptrace") X(CLOSE_RANGE, "close_range")                  \
	X(SIGPROCMASK, "sigprocmask") X(CHROOT, "chroot") X(CHDIR, "chdir") \
	X(SETGROUPS, "setgroups") X(SETGID, "setgid") X(SETUID, "setuid")  \
	X(IDENTITY, "identity")                                            \
	X(SETRLIMIT, "setrlimit") X(CAPABILITIES, "capabilities")          \
	X(NO_NEW_PRIVS, "no_new_privs") X(RAISE, "raise")                  \
	X(LANDLOCK, "landlock") X(SECCOMP, "seccomp") X(EXECVE, "execve")  \
	/* the supervisor could not go on */                             \
	X(SUPERVISOR, "supervisor")

enum sb_step {
	SB_STEP_UNKNOWN = 0,
#define SB_STEP_ENUM(id, name) SB_STEP_##id,
	SB_STEPS(SB_STEP_ENUM)
#undef SB_STEP_ENUM
	SB_STEP_COUNT
};
/* The step's name; "setup" for one this table does not have. */
const char *sb_step_name(int step);

/* ------------------------------------------------------------- child.c */

/* What a child that failed before exec writes to its close-on-exec error
 * pipe: the errno of the step that failed, and the step. */
struct sb_child_error {
	int err;
	int step;  /* enum sb_step */
};
/* Child side, async-signal-safe: write {err, step} to errfd and _exit
 * (exit_group). sb_child_report only writes: for a child sharing its
 * parent's memory, which leaves by sb_raw_exit (util/rawsys.h). */
_Noreturn void sb_child_fail(int errfd, int err, int step);
void sb_child_report(int errfd, int err, int step);
/* setrlimit(res) to soft/hard (SANDBOX_UNLIMITED: RLIM_INFINITY). With
 * `clamp`, limits above the current hard limit, which this process may not
 * raise, are lowered to it (a quota never loosens what the caller already
 * has). 0 or -errno. Async-signal-safe. */
int sb_setrlimit(int res, uint64_t soft, uint64_t hard, bool clamp);
/* Empty the capability bounding set (no exec can gain a capability
 * again). EPERM (no CAP_SETPCAP: nothing to gain either) is not an error.
 * 0 or -errno. Async-signal-safe. */
int sb_drop_bounding_set(void);
/* Close every descriptor from 3 up but the n of keep (any order; those
 * below 3 or negative are ignored). 0 or -errno. Async-signal-safe. A
 * child made without CLONE_FILES starts with a copy of every descriptor
 * of the whole process -- another thread's files, pipes, locks -- and
 * holds them until it closes them: first thing, before any step that
 * can wait. */
int sb_close_fds_except(const int *keep, size_t n);

/* -------------------------------------------------------------- cpus.c */

/* "0-3,6": comma-separated CPU numbers and ranges, each below
 * CPU_SETSIZE, no blanks, no empty item. 0 or -EINVAL. */
int sb_parse_cpulist(const char *s, cpu_set_t *set);

/* ------------------------------------------------------------ claims.c */

/* What a claim is on. */
enum { SB_CLAIM_CPU = 0, SB_CLAIM_UID,
       SB_CLAIM_UID_SHM, /* where 0.4's supervisors claim uids (identity.c) */
       SB_CLAIM_KINDS };
/* Claim resource n of a kind for a run, host-wide. Returns a descriptor
 * holding the claim (close-on-exec; a SB_CLAIM_UID one is open for
 * writing too, the file root's alone), -EBUSY when another run holds it,
 * -EEXIST when what lies at its lock file's path is no lock file (skip it
 * like a busy one), or another -errno when claims of that kind cannot be
 * made at all (-EPERM: the uid claims' directory is not root's alone). */
int sb_claim(int kind, unsigned long n);
/* The path of resource n's lock file (for messages). */
void sb_claim_path(int kind, unsigned long n, char *buf, size_t size);
/* The root-only directory of host-wide state (/run/libsandbox), made if
 * missing and checked to be root's alone (the claims' and the box
 * stages' home): its path, or NULL with errno (EPERM: not root's alone). */
const char *sb_root_dir(void);
/* Drop a claim (fd < 0: nothing). */
void sb_claim_release(int fd);

/* ------------------------------------------------------------- files.c */

/* The ids the caller's programs may run as: uids first_uid .. first_uid +
 * count - 1, gids first_gid .. likewise (a range of run slots, or count 1
 * for given credentials). What could have planted a file; count 0: any
 * id but root's. */
struct sb_planters {
	uid_t first_uid;
	gid_t first_gid;
	unsigned count;
};
/* sandbox_open_file() (sandbox.h): a descriptor or -errno. */
int sb_open_file(const char *path, int how, mode_t mode);
/* sandbox_open_file_as(): the same for a root caller whose programs run as
 * `who` (NULL: as sb_open_file). */
int sb_open_file_as(const char *path, int how, mode_t mode,
                    const struct sb_planters *who);
/* Files opened one after the other by one caller (a run's standard
 * streams): a directory they share is opened once, and the walk from it
 * up to the root that the checks make is made once for the same
 * questions. Set up by sb_open_batch_init(), its descriptor closed by
 * sb_open_batch_end(); the fields are files.c's. */
struct sb_open_batch {
	char dir[256];          /* the directory string dirfd resolved */
	int dirfd;              /* -1: none */
	bool walked;            /* the last walk, its questions and answers */
	dev_t dev;
	ino_t ino;
	uid_t self, trusted;
	struct sb_planters who;
	bool has_who;
	unsigned asked;         /* bit 0: anybody's; bit 1: who's */
	bool open[2];
};
void sb_open_batch_init(struct sb_open_batch *b);
void sb_open_batch_end(struct sb_open_batch *b);
/* sb_open_file_as(), one file of batch b (NULL: none). */
int sb_open_file_in(struct sb_open_batch *b, const char *path, int how,
                    mode_t mode, const struct sb_planters *who);
/* The directory `dir` resolved as sandbox_open_file() does (openat2, no
 * symbolic link on the way): an O_PATH descriptor, or -errno. */
int sb_open_dir(const char *dir);
/* The directory holding `path` (as sb_open_dir) and its last component
 * copied into base (len bytes): -EISDIR when there is none ("d/", ".."),
 * -ENAMETOOLONG. */
int sb_open_parent(const char *path, char *base, size_t len);
/* The checks of an opened file: a directory or not as wanted; when the
 * caller is root, a regular file none of `who` could have planted: not
 * theirs (-EPERM) and, when a directory of its path (from dirfd, the one
 * holding it, up to the root) is open to them -- or always when `who` is
 * NULL or dirfd < 0 -- root's own with one link (-EPERM, -EMLINK). */
int sb_check_opened(int fd, int dirfd, bool want_dir,
                    const struct sb_planters *who);
/* ---------------------------------------------------------- landlock.c */

/* The kernel's Landlock ABI (include/uapi/linux/landlock.h), our names. */
#define SB_LL_ABI_KNOWN 7             /* the newest version we know */
#define SB_LL_RULE_PATH_BENEATH 1
#define SB_LL_FS_EXECUTE     (1ULL << 0)
#define SB_LL_FS_WRITE_FILE  (1ULL << 1)
#define SB_LL_FS_READ_FILE   (1ULL << 2)
#define SB_LL_FS_READ_DIR    (1ULL << 3)
#define SB_LL_FS_REMOVE_DIR  (1ULL << 4)
#define SB_LL_FS_REMOVE_FILE (1ULL << 5)
#define SB_LL_FS_MAKE_CHAR   (1ULL << 6)
#define SB_LL_FS_MAKE_DIR    (1ULL << 7)
#define SB_LL_FS_MAKE_REG    (1ULL << 8)
#define SB_LL_FS_MAKE_SOCK   (1ULL << 9)
#define SB_LL_FS_MAKE_FIFO   (1ULL << 10)
#define SB_LL_FS_MAKE_BLOCK  (1ULL << 11)
#define SB_LL_FS_MAKE_SYM    (1ULL << 12)
#define SB_LL_FS_REFER       (1ULL << 13) /* ABI 2 */
#define SB_LL_FS_TRUNCATE    (1ULL << 14) /* ABI 3 */
#define SB_LL_FS_IOCTL_DEV   (1ULL << 15) /* ABI 5 */
#define SB_LL_FS_ABI1        ((1ULL << 13) - 1)
/* The rights that apply to a file (not a directory) in a rule. */
#define SB_LL_FS_FILE_RIGHTS (SB_LL_FS_EXECUTE | SB_LL_FS_WRITE_FILE | \
                              SB_LL_FS_READ_FILE | SB_LL_FS_TRUNCATE | \
                              SB_LL_FS_IOCTL_DEV)
#define SB_LL_NET_BIND_TCP    (1ULL << 0) /* ABI 4 */
#define SB_LL_NET_CONNECT_TCP (1ULL << 1)
#define SB_LL_SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define SB_LL_SCOPE_SIGNAL        (1ULL << 1)

struct sb_ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4: pass sizes from here on */
	uint64_t scoped;             /* ABI 6 */
};
struct sb_ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/* The ABI version of the running kernel, 0 without Landlock. */
int sb_landlock_kernel_abi(void);
/* Test setting: use at most this Landlock ABI (0: none); -1, the
 * default, leaves the kernel's. Not exported by libsandbox.so: only a
 * test program linked with the static library sets it (landlock.c). */
extern int sb_test_landlock_abi;
/* sb_test_landlock_abi (at most SB_LL_ABI_KNOWN), or -1 unset. */
int sb_landlock_abi_override(void);
/* The version libsandbox uses: the kernel's, lowered by the override. */
int sb_landlock_abi(void);
/* The file access rights an ABI version handles. */
uint64_t sb_landlock_fs_rights(int abi);
/* S_LL_* of sandbox.h that an ABI version offers. */
unsigned sb_landlock_features(int abi);
/* The syscalls: a ruleset descriptor (close-on-exec) or -errno; a rule
 * for the file or directory behind parent_fd; restrict the caller
 * (async-signal-safe). size: how much of attr the kernel gets. */
int sb_landlock_create(const struct sb_ll_ruleset_attr *attr, size_t size);
int sb_landlock_add_path(int ruleset, int parent_fd, uint64_t access);
int sb_landlock_restrict(int ruleset);

/* ------------------------------------------------------------- spawn.c */

/* A plain child: pid, and a pidfd for it (close-on-exec). */
struct sb_spawned {
	pid_t pid;
	int pidfd;
};
/* Start argv[0] (a path, not looked up) with argv and envp (NULL: this
 * process's environment) as a child of the calling thread, without
 * supervision: it dies with that thread, leads its own process group
 * (pgid = pid), has fds[0..2] as its standard streams and nothing else,
 * default signal dispositions and an empty mask. 0 with *out filled, or
 * the -errno of the step that failed (*step: SB_STEP_*), the child reaped.
 * The caller reaps it (waitpid) and closes the pidfd. */
int sb_spawn_plain(char *const argv[], char *const envp[], const int fds[3],
                   struct sb_spawned *out, int *step);

#endif /* LIBSANDBOX_UTIL_H */
