/* prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT): RF at prctl. */
#include "hostile.h"
#include <linux/seccomp.h>
#include <sys/prctl.h>
int main(void)
{
	MUST_NOT_RETURN(prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0));
}
