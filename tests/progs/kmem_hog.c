/* Kernel memory no RSS shows, made from what the program may hold:
 *   kmem_hog pagetables GIB  map GIB GiB (64 GiB at a time, readable,
 *                            MAP_NORESERVE, no huge pages) and read one
 *                            byte per 2 MiB: each read maps the zero page
 *                            (no resident memory) but needs a page-table
 *                            page of its own (4 KiB per 2 MiB); exit 0
 *   kmem_hog pipes N         make up to N pipes, fill each (64 KiB),
 *                            close its write end; print "pipes K errno E"
 *                            (E: why the next one failed, 0 if none did)
 *   kmem_hog epoll           half of RLIMIT_NOFILE as pipe ends, the other
 *                            half as epoll instances each watching every
 *                            pipe end; print "fds F epolls E watches W"
 *   kmem_hog nofile          print "nofile SOFT HARD"
 *   kmem_hog tcp N           N loopback TCP connections whose client
 *                            writes until EAGAIN, nobody reading; print
 *                            "conns C queued MIB"
 * Needs pipe2 and epoll_create1 (the "go" and "node" policies); tcp needs
 * socket, bind, listen, getsockname, connect and accept. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#define GIB (1UL << 30)

static int page_tables(unsigned long gib)
{
	volatile unsigned long sum = 0;
	const unsigned long chunk = 64 * GIB;

	for (unsigned long done = 0; done < gib; done += 64) {
		char *p = mmap(NULL, chunk, PROT_READ,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			printf("mmap: %s\n", strerror(errno));
			return 1;
		}
		madvise(p, chunk, MADV_NOHUGEPAGE);
		for (unsigned long o = 0; o < chunk; o += 2UL << 20)
			sum += (unsigned char)p[o];
	}
	printf("read %lu GiB\n", gib);
	return 0;
}

static int pipes(long n)
{
	static char buf[65536];
	long k = 0;
	int err = 0;

	for (; k < n; k++) {
		int p[2];
		if (pipe2(p, O_NONBLOCK) < 0) {
			err = errno;
			break;
		}
		while (write(p[1], buf, sizeof(buf)) > 0)
			;
		close(p[1]);
	}
	printf("pipes %ld errno %d\n", k, err);
	return 0;
}

static int epolls(void)
{
	struct rlimit rl;
	long f = 0, e = 0, w = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1;
	long n = (long)(rl.rlim_cur > 1 << 20 ? 1 << 20 : rl.rlim_cur) - 8;
	int *fds = calloc((size_t)n, sizeof(int));
	if (!fds)
		return 1;
	for (; f + 2 <= n / 2; f += 2)
		if (pipe2(&fds[f], 0) < 0)
			break;
	for (; f + e < n; e++) {
		int ep = epoll_create1(0);
		if (ep < 0)
			break;
		for (long i = 0; i < f; i++, w++) {
			struct epoll_event ev = { .events = EPOLLIN };
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0)
				goto out;
		}
	}
out:
	printf("fds %ld epolls %ld watches %ld\n", f, e, w);
	return 0;
}

static int tcp(long n)
{
	static char buf[65536];
	struct sockaddr_in a = { .sin_family = AF_INET,
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	long c = 0;
	long long queued = 0;
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0 || bind(l, (void *)&a, sizeof(a)) < 0 || listen(l, 512) < 0 ||
	    getsockname(l, (void *)&a, &al) < 0) {
		printf("listen: %s\n", strerror(errno));
		return 1;
	}
	for (; c < n; c++) {
		int s = socket(AF_INET, SOCK_STREAM, 0), t;
		if (s < 0 || connect(s, (void *)&a, sizeof(a)) < 0 ||
		    (t = accept(l, NULL, NULL)) < 0 ||
		    fcntl(s, F_SETFL, O_NONBLOCK) < 0)
			break;
		ssize_t w;
		while ((w = write(s, buf, sizeof(buf))) > 0)
			queued += w;
	}
	printf("conns %ld queued %lld\n", c, queued >> 20);
	return 0;
}

int main(int argc, char **argv)
{
	struct rlimit rl;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 2 && strcmp(argv[1], "pagetables") == 0)
		return page_tables(strtoul(argv[2], NULL, 10));
	if (argc > 2 && strcmp(argv[1], "pipes") == 0)
		return pipes(atol(argv[2]));
	if (argc > 2 && strcmp(argv[1], "tcp") == 0)
		return tcp(atol(argv[2]));
	if (argc > 1 && strcmp(argv[1], "epoll") == 0)
		return epolls();
	if (argc > 1 && strcmp(argv[1], "nofile") == 0 &&
	    getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		printf("nofile %llu %llu\n", (unsigned long long)rl.rlim_cur,
		       (unsigned long long)rl.rlim_max);
		return 0;
	}
	return 2;
}
