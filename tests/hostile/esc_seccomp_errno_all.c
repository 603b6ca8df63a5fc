/* seccomp(2) installing a filter of its own that fails every syscall with
 * EPERM (hoping the supervisor's view and the kernel's disagree): RF. */
#include "hostile.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
int main(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
	};
	struct sock_fprog prog = { .len = 1, .filter = f };
	MUST_NOT_RETURN(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
}
