/* PTRACE_TRACEME while already traced (would fail with EPERM, but must
 * not even be attempted): RF. */
#include "hostile.h"
#include <sys/ptrace.h>
int main(void)
{
	MUST_NOT_RETURN(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
}
