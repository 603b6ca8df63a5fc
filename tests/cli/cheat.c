/*
 * The solution the documentation's examples run (tests/cli/docs.py): a
 * hostile one. Before it sums its input as samples/sum.c does, it tries
 * what a submission did to README's first --batch example (the program
 * ran in the judge's directory): read the answers of the test set and
 * print them, and rewrite the next test's input and the answers. Run as
 * the documents show, none of it may work; docs.py checks the fixture's
 * files and every output for the answer's text afterwards.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const answers[] = { "tests/2.ans", "../tests/2.ans", NULL };
static const char *const inputs[] = { "1.in", "tests/1.in", "tests/2.ans",
                                      "../1.in", "../tests/2.ans", NULL };

static void steal(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		printf("read %s: %s", path, buf);
	}
}

static void poison(const char *path)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1\n999\n", 6) == 6)
		printf("rewrote %s\n", path);
	close(fd);
}

int main(void)
{
	long long n, x, sum = 0;

	for (int i = 0; answers[i]; i++)
		steal(answers[i]);
	for (int i = 0; inputs[i]; i++)
		poison(inputs[i]);
	if (scanf("%lld", &n) != 1)
		return 1;
	for (long long i = 0; i < n; i++) {
		if (scanf("%lld", &x) != 1)
			return 1;
		sum += x;
	}
	printf("%lld\n", sum);
	return 0;
}
