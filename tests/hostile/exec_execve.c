/* execve of a shell: RF (only the supervisor's own exec is allowed). */
#include "hostile.h"
int main(void)
{
	char *argv[] = { "/bin/sh", "-c", "echo ESCAPED: shell", NULL };
	char *envp[] = { NULL };
	MUST_NOT_RETURN(execve("/bin/sh", argv, envp));
}
