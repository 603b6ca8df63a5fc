/* settimeofday(NULL, NULL) (a no-op if it ran). RF. The arguments are
 * chosen so that nothing harmful happens even if the call ran. */
#include "hostile.h"
#include <sys/time.h>
int main(void)
{
	MUST_NOT_RETURN(syscall(SYS_settimeofday, NULL, NULL));
}
