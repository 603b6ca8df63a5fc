/*
 * A program that looks around, for the identity and isolation tests:
 *   peer ids           "uid U gid G groups N"
 *   peer wait          "pid P" (as it sees itself), then reads stdin to
 *                      its end and exits 0: alive as long as the test wants
 *   peer peek PID      tries the /proc entries of PID that give another
 *                      process away (environ, fd/0, cwd, mem, cmdline,
 *                      status), one line each: "NAME ok" or "NAME ERRNO"
 *   peer stat PATH     "size N" or "stat ERRNO"
 *   peer read PATH     "read N" (bytes) or "read ERRNO"
 *   peer write PATH    writes "peer\n" into PATH (no O_CREAT): "write ok"
 *                      or "write ERRNO"
 *   peer plant TARGET NAME   symlink NAME -> TARGET, and a hard link
 *                      NAME.hard to TARGET: "symlink ok|ERRNO",
 *                      "link ok|ERRNO"
 *   peer pdeathsig     "pdeathsig N": the signal it gets when its parent
 *                      (the supervisor) dies (prctl must be allowed)
 *   peer sparse NAME MIB   NAME made MIB MiB long without data (one byte
 *                      at its start): "sparse ok|ERRNO"
 *   peer print MIB     MIB MiB of 'x' to stdout (nothing else)
 *   peer make NAME KIND    NAME made a fifo, a dir or a symlink to
 *                      /etc/passwd: "make ok|ERRNO"
 *   peer connect PORT  a TCP connection to 127.0.0.1:PORT: "connect ok"
 *                      (after sending "peer\n") or "connect ERRNO"
 *   peer spend INPUT MIB   tries to free its copied-in INPUT (truncate,
 *                      then unlink: "trunc ok|ERRNO", "unlink ok|ERRNO"),
 *                      then writes up to MIB MiB in files of 256 KiB
 *                      (spent0, ...), whatever fails: "wrote N"
 *   peer fillfree      files of 256 KiB (g0, g1, ...) until a write
 *                      fails, then removes them all: "filled N, freed"
 *   peer fillfree unlinked|tmpfile   the same with files removed right
 *                      after their open (or made O_TMPFILE), freed by
 *                      closing them at the end: no path call after the fill
 *   peer update PATH   "read N" (its bytes), then PATH rewritten (O_TRUNC)
 *                      to "updated\n": "update ok|ERRNO"
 *   peer fdpaths       reads one byte of stdin, then "fd N -> PATH" for
 *                      0, 1, 2 (readlink of /proc/self/fd/N) and "byte C"
 *   peer caps [PATH]   "bnd B prm P eff E inh I amb A nnp N uid U" (hex
 *                      capability sets and NoNewPrivs from
 *                      /proc/self/status, the effective uid); then, with
 *                      PATH, execs PATH caps (a copy of peer with file
 *                      capabilities): "exec ERRNO" if that fails
 * Exit status 0, or 2 for bad arguments.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void result(const char *what, int ok)
{
	if (ok)
		printf("%s ok\n", what);
	else
		printf("%s %d\n", what, errno);
}

/* Open, and read a little: /proc files can open and still refuse. */
static int try_read(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf));
	int e = errno;
	close(fd);
	errno = e;
	return n >= 0;
}

/* /proc/PID/mem: readable only where the process maps something; its
 * stack start comes from /proc/PID/stat (field 28), which itself may be
 * refused. Reading at offset 0 fails with EIO on any process, so an open
 * that works counts: the kernel's access check is done at open. */
static int try_mem(const char *pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%s/mem", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static void peek(const char *pid)
{
	static const char *const files[] = { "environ", "cmdline", "status" };
	char path[64], link[256];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "/proc/%s/%s", pid, files[i]);
		result(files[i], try_read(path));
	}
	snprintf(path, sizeof(path), "/proc/%s/fd/0", pid);
	result("fd0", readlink(path, link, sizeof(link)) >= 0 || try_read(path));
	snprintf(path, sizeof(path), "/proc/%s/cwd", pid);
	result("cwd", readlink(path, link, sizeof(link)) >= 0);
	result("mem", try_mem(pid));
}

/* The value of status line `key` (with its colon) into v, or "?". */
static void status_field(const char *text, const char *key, char *v,
                         size_t len)
{
	const char *p = strstr(text, key);

	snprintf(v, len, "?");
	if (p)
		sscanf(p + strlen(key), " %31s", v);
}

static int caps(const char *path)
{
	static const char *const keys[] = { "CapBnd:", "CapPrm:", "CapEff:",
	                                    "CapInh:", "CapAmb:", "NoNewPrivs:" };
	static const char *const names[] = { "bnd", "prm", "eff", "inh", "amb",
	                                     "nnp" };
	char text[8192], v[32];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (n < 0)
		return 2;
	close(fd);
	text[n] = '\0';
	for (int i = 0; i < 6; i++) {
		status_field(text, keys[i], v, sizeof(v));
		printf("%s %s ", names[i], v);
	}
	printf("uid %d\n", (int)geteuid());
	if (path) {
		execl(path, path, "caps", (char *)NULL);
		printf("exec %d\n", errno);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char buf[4096];
	struct stat st;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "caps") == 0) {
		return caps(argc == 3 ? argv[2] : NULL);
	} else if (argc == 2 && strcmp(argv[1], "ids") == 0) {
		printf("uid %d gid %d groups %d\n", (int)getuid(), (int)getgid(),
		       getgroups(0, NULL));
	} else if (argc == 2 && strcmp(argv[1], "wait") == 0) {
		printf("pid %d\n", (int)getpid());
		while (read(0, buf, sizeof(buf)) > 0)
			;
	} else if (argc == 3 && strcmp(argv[1], "peek") == 0) {
		peek(argv[2]);
	} else if (argc == 3 && strcmp(argv[1], "stat") == 0) {
		if (stat(argv[2], &st) == 0)
			printf("size %lld\n", (long long)st.st_size);
		else
			printf("stat %d\n", errno);
	} else if (argc == 3 && strcmp(argv[1], "read") == 0) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		if (n >= 0)
			printf("read %zd\n", n);
		else
			printf("read %d\n", errno);
	} else if (argc == 3 && strcmp(argv[1], "write") == 0) {
		int fd = open(argv[2], O_WRONLY | O_CLOEXEC);
		result("write", fd >= 0 && write(fd, "peer\n", 5) == 5);
	} else if (argc == 4 && strcmp(argv[1], "plant") == 0) {
		char hard[4096];
		snprintf(hard, sizeof(hard), "%s.hard", argv[3]);
		result("symlink", symlink(argv[2], argv[3]) == 0);
		result("link", link(argv[2], hard) == 0);
	} else if (argc == 4 && strcmp(argv[1], "sparse") == 0) {
		int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		result("sparse", fd >= 0 && write(fd, "x", 1) == 1 &&
		                 ftruncate(fd, atol(argv[3]) << 20) == 0);
	} else if (argc == 3 && strcmp(argv[1], "print") == 0) {
		memset(buf, 'x', sizeof(buf));
		for (long i = 0; i < atol(argv[2]) * 256; i++)
			if (write(1, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				return 3;
	} else if (argc == 4 && strcmp(argv[1], "make") == 0) {
		const char *k = argv[3];
		result("make", strcmp(k, "fifo") == 0 ? mkfifo(argv[2], 0644) == 0
		             : strcmp(k, "dir") == 0 ? mkdir(argv[2], 0755) == 0
		             : symlink("/etc/passwd", argv[2]) == 0);
	} else if (argc == 3 && strcmp(argv[1], "connect") == 0) {
		struct sockaddr_in a = { .sin_family = AF_INET,
		                         .sin_port = htons((uint16_t)atoi(argv[2])),
		                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int ok = fd >= 0 &&
		         connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		         write(fd, "peer\n", 5) == 5;
		result("connect", ok);
	} else if (argc == 4 && strcmp(argv[1], "spend") == 0) {
		int fd = open(argv[2], O_WRONLY | O_TRUNC | O_CLOEXEC);
		result("trunc", fd >= 0);
		result("unlink", unlink(argv[2]) == 0);
		long long total = 0;
		memset(buf, 's', sizeof(buf));
		for (long i = 0; i < atol(argv[3]) * 4; i++) {
			char name[32];
			snprintf(name, sizeof(name), "spent%ld", i);
			fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			for (int k = 0; fd >= 0 && k < 64; k++) {
				ssize_t w = write(fd, buf, sizeof(buf));
				if (w <= 0)
					break;
				total += w;
			}
			if (fd >= 0)
				close(fd);
		}
		printf("wrote %lld\n", total);
	} else if ((argc == 2 || argc == 3) && strcmp(argv[1], "fillfree") == 0) {
		const char *how = argc == 3 ? argv[2] : "";
		bool tmp = strcmp(how, "tmpfile") == 0;
		bool unlinked = strcmp(how, "unlinked") == 0;
		static int held[4096];
		char name[32];
		long long total = 0;
		int n = 0, nheld = 0;
		memset(buf, 'f', sizeof(buf));
		for (int full = 0; !full && n < 4096; n++) {
			snprintf(name, sizeof(name), "g%d", n);
			int fd = tmp ? open(".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644)
			             : open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd < 0)
				break;
			if (unlinked)
				unlink(name);
			for (int k = 0; k < 64 && !full; k++) {
				ssize_t w = write(fd, buf, sizeof(buf));
				full = w < (ssize_t)sizeof(buf);
				total += w > 0 ? w : 0;
			}
			if (tmp || unlinked)
				held[nheld++] = fd;
			else
				close(fd);
		}
		for (int i = 0; i < nheld; i++)
			close(held[i]);
		for (int i = 0; i <= n; i++) {
			snprintf(name, sizeof(name), "g%d", i);
			unlink(name);
		}
		printf("filled %lld, freed\n", total);
	} else if (argc == 2 && strcmp(argv[1], "fdpaths") == 0) {
		char c = '?';
		if (read(0, &c, 1) != 1)
			c = '?';
		for (int i = 0; i < 3; i++) {
			char p[64];
			snprintf(p, sizeof(p), "/proc/self/fd/%d", i);
			ssize_t n = readlink(p, buf, sizeof(buf) - 1);
			buf[n < 0 ? 0 : n] = '\0';
			printf("fd %d -> %s\n", i, n < 0 ? strerror(errno) : buf);
		}
		printf("byte %c\n", c);
	} else if (argc == 3 && strcmp(argv[1], "update") == 0) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		if (fd >= 0)
			close(fd);
		printf("read %zd\n", n);
		fd = open(argv[2], O_WRONLY | O_TRUNC | O_CLOEXEC);
		result("update", fd >= 0 && write(fd, "updated\n", 8) == 8);
	} else if (argc == 2 && strcmp(argv[1], "pdeathsig") == 0) {
		int sig = -1;
		if (prctl(PR_GET_PDEATHSIG, &sig) < 0)
			printf("pdeathsig error %d\n", errno);
		else
			printf("pdeathsig %d\n", sig);
	} else {
		return 2;
	}
	return 0;
}
