/* Tries to cross one isolation boundary, chosen by argv[1], and prints
 * what it saw on stdout:
 *   pids            "self=<pid> count=<processes visible in /proc>"
 *   connect PORT    "connected" / "refused <errno>" (127.0.0.1:PORT)
 *   read PATH       "read ok" / "read fail <errno>"
 *   write PATH      "write ok" / "write fail <errno>"
 *   mem MB          touches MB mebibytes, then "mem ok"
 *   fork N          "forked <ok> failed <n>" (children exit at once)
 *   env NAME        "env <value>" or "env (unset)"
 *   id              "uid=<uid> gid=<gid> host=<hostname>"
 *   abort / term    abort() / kill(getpid(), SIGTERM), then exit 7
 *   wait [PATH]     "ready", then reads stdin to its end, then "done"
 *                   (a run that lasts exactly as long as a test wants),
 *                   or with PATH the same as read PATH */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int pids(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	if (!d)
		return printf("noproc\n"), 0;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			n++;
	closedir(d);
	printf("self=%d count=%d\n", (int)getpid(), n);
	return 0;
}

static int do_connect(const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return printf("refused %d\n", errno), 0;
	printf("connected\n");
	return 0;
}

static int do_fork(int n)
{
	int ok = 0, bad = 0;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			bad++;
		else
			ok++;
	}
	printf("forked %d failed %d\n", ok, bad);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	const char *a = argc > 2 ? argv[2] : "";
	char host[128] = "";
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(m, "pids"))
		return pids();
	if (!strcmp(m, "connect"))
		return do_connect(a);
	if (!strcmp(m, "wait")) {
		char c;
		printf("ready\n");
		while (read(0, &c, 1) > 0)
			;
		if (!*a)
			return printf("done\n"), 0;
		m = "read";
	}
	if (!strcmp(m, "read")) {
		fd = open(a, O_RDONLY);
		return printf(fd < 0 ? "read fail %d\n" : "read ok\n", errno), 0;
	}
	if (!strcmp(m, "write")) {
		fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		return printf(fd < 0 ? "write fail %d\n" : "write ok\n", errno), 0;
	}
	if (!strcmp(m, "mem")) {
		size_t n = (size_t)atoi(a) << 20;
		char *p = malloc(n);
		for (size_t i = 0; p && i < n; i += 4096)
			p[i] = 1;
		return printf(p ? "mem ok\n" : "mem fail\n"), 0;
	}
	if (!strcmp(m, "fork"))
		return do_fork(atoi(a));
	if (!strcmp(m, "env")) {
		const char *v = getenv(a);
		return printf("env %s\n", v ? v : "(unset)"), 0;
	}
	if (!strcmp(m, "id")) {
		gethostname(host, sizeof(host) - 1);
		return printf("uid=%d gid=%d host=%s\n", (int)getuid(),
		              (int)getgid(), host), 0;
	}
	if (!strcmp(m, "abort"))
		abort();
	if (!strcmp(m, "term"))
		kill(getpid(), SIGTERM);
	return 7;
}
