/* clone3() as a raw syscall. The default policy answers ENOSYS (glibc then
 * falls back to clone, which is RF); the program itself stops there: exit 0
 * on ENOSYS, ESCAPED if a child was created. Verdict OK. */
#include "hostile.h"
#include <linux/sched.h>
#include <signal.h>
int main(int argc, char **argv)
{
	struct clone_args ca;
	long r;

	memset(&ca, 0, sizeof(ca));
	if (argc > 1 && strcmp(argv[1], "thread") == 0)
		ca.flags = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
	else
		ca.exit_signal = SIGCHLD;
	r = syscall(SYS_clone3, &ca, sizeof(ca));
	if (r == 0)
		_exit(0);
	if (r > 0)
		escaped("clone3 created %ld", r);
	if (errno != ENOSYS)
		escaped("clone3 failed with %s, not ENOSYS", strerror(errno));
	puts("clone3: ENOSYS");
	return 0;
}
