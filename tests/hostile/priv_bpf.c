/* bpf(BPF_PROG_LOAD) with a NULL attribute. RF. The arguments are chosen
 * so that nothing harmful happens even if the call ran. */
#include "hostile.h"

int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_bpf, 5, NULL, 0));
}
