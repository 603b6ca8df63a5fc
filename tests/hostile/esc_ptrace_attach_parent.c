/* PTRACE_ATTACH to the supervisor: RF. */
#include "hostile.h"
#include <sys/ptrace.h>
int main(void)
{
	MUST_NOT_RETURN(ptrace(PTRACE_ATTACH, getppid(), NULL, NULL));
}
