/* Writes 4 KB blocks forever to the file argv[1] ("-" or none: stdout).
 * With a second argument "ignore", SIGXFSZ is ignored first, so writes
 * past RLIMIT_FSIZE fail with EFBIG instead of killing it: it keeps
 * trying. Safety net: stops after 1 GB (exit 0). */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[4096];
	int fd = 1;

	if (argc > 2 && strcmp(argv[2], "ignore") == 0)
		signal(SIGXFSZ, SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "-") != 0) {
		fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return 2;
	}
	memset(buf, 'x', sizeof(buf));
	for (long n = 0; n < 262144L; n++)
		(void)!write(fd, buf, sizeof(buf));
	return 0;
}
