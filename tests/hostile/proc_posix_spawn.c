/* posix_spawn() (clone(CLONE_VM|CLONE_VFORK) in glibc): RF. */
#include "hostile.h"
#include <spawn.h>
int main(void)
{
	char *argv[] = { "/bin/true", NULL };
	char *envp[] = { NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, envp);
	escaped("posix_spawn returned %d", rc);
}
