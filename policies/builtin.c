/*
 * The registry of built-in policies: their table, and making one by name
 * (api/sources.c exports the public calls). Above what it registers,
 * below its users (the sandbox object, policy files).
 */
#include "config.h"
#include "builtin.h"

#include <errno.h>
#include <string.h>

/* name, description, builder: one line per built-in, in listing order. */
#define SB_BUILTINS(X) \
	X("default", "online judge, compiled C/C++: start, read input, " \
	  "allocate, write output", sb_policy_default) \
	X("threads", "default + threads (C++ std::thread, pthreads), RSS " \
	  "memory: no processes, no exec, no write opens", sb_policy_threads) \
	X("java", "JVM (OpenJDK 17): threads, RSS memory, no processes, " \
	  "sockets or write opens", sb_policy_java) \
	X("go", "Go program (1.19): threads, RSS memory, no processes, " \
	  "sockets or write opens", sb_policy_go) \
	X("node", "Node.js (18, 20): threads, event loop, RSS memory, no " \
	  "processes, sockets or write opens", sb_policy_node) \
	X("minimal", "exit, read/write on open descriptors, and what a " \
	  "static program needs to start", sb_policy_minimal) \
	X("io-heavy", "minimal + file operations (open, stat, directories, " \
	  "rename, unlink)", sb_policy_io_heavy) \
	X("compute", "minimal + memory management (mmap, mremap, madvise), " \
	  "time, futex", sb_policy_compute) \
	X("network", "minimal + memory + TCP/UDP sockets (no unix " \
	  "sockets but connected pairs), " \
	  "poll/epoll/select", sb_policy_network) \
	X("python3", "CPython 3 script: stdlib read-only, writes in the " \
	  "working directory, no subprocesses", sb_policy_python3) \
	X("unrestricted", "every known syscall traced and logged to stderr, " \
	  "nothing denied (debugging)", sb_policy_unrestricted)

#define SB_ENTRY(name, description, build) { name, description, build },
#define SB_NAME(name, description, build) name,

static const struct sb_builtin sb_builtins[] = {
	SB_BUILTINS(SB_ENTRY)
	{ NULL, NULL, NULL },
};

static const char *const names[] = { SB_BUILTINS(SB_NAME) NULL };

const char *const *sb_builtin_names(void)
{
	return names;
}

const struct sb_builtin *sb_builtin_find(const char *name)
{
	for (const struct sb_builtin *b = sb_builtins; name && b->name; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

sandbox_policy_t *sb_builtin_new(const char *name)
{
	const struct sb_builtin *b = sb_builtin_find(name);
	if (!b) {
		errno = ENOENT;
		return NULL;
	}
	sandbox_policy_t *p = sandbox_policy_new();
	if (!p)
		return NULL;
	int rc = b->build(p);
	if (rc < 0) {
		sandbox_policy_unref(p);
		errno = -rc;
		return NULL;
	}
	return p;
}

