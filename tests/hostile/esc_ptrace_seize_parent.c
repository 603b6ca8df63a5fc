/* PTRACE_SEIZE of the supervisor (no stop, quieter than ATTACH): RF. */
#include "hostile.h"
#include <sys/ptrace.h>
int main(void)
{
	MUST_NOT_RETURN(ptrace(PTRACE_SEIZE, getppid(), NULL, NULL));
}
