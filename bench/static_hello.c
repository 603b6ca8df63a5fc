/* bench/static_hello -- the solution of the CLI section (bench/cli.c):
 * prints one line and exits 0. Linked statically, so a run is a fork, an
 * execve and two syscalls, with no dynamic loader. */
#include <unistd.h>

int main(void)
{
	static const char msg[] = "hello\n";

	return write(1, msg, sizeof(msg) - 1) == (ssize_t)(sizeof(msg) - 1) ? 0 : 1;
}
