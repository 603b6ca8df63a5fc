/* Wait on a futex nobody will wake. TL (wall). */
#include "hostile.h"
#include <linux/futex.h>
int main(void)
{
	static int word;
	for (;;)
		syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}
