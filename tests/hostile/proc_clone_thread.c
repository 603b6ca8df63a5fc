/* clone(CLONE_VM|CLONE_THREAD|...) through glibc's clone() with a stack of
 * our own: a second thread would break the single-thread assumption the
 * default policy's path checks rely on. RF at clone. */
#include "hostile.h"
#include <sched.h>
#include <signal.h>
static char stack[65536] __attribute__((aligned(16)));
static int child(void *arg)
{
	(void)arg;
	return 0;
}
int main(void)
{
	int pid = clone(child, stack + sizeof(stack),
	                CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
	                CLONE_THREAD | CLONE_SYSVSEM, NULL);
	MUST_NOT_RETURN(pid);
}
