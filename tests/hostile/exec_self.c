/* Re-exec itself through /proc/self/exe (a fresh image would start
 * untraced if the tracer lost track of it): RF. */
#include "hostile.h"
int main(int argc, char **argv)
{
	char *nargv[] = { argv[0], "again", NULL };
	char *envp[] = { NULL };
	if (argc > 1)
		escaped("re-executed");
	MUST_NOT_RETURN(execve("/proc/self/exe", nargv, envp));
}
