/* process_vm_writev into the supervisor: RF. */
#include "hostile.h"
#include <sys/uio.h>
int main(void)
{
	char buf[8] = "ESCAPED";
	struct iovec l = { buf, sizeof(buf) }, r = { (void *)0x400000, sizeof(buf) };
	MUST_NOT_RETURN(process_vm_writev(getppid(), &l, 1, &r, 1, 0));
}
