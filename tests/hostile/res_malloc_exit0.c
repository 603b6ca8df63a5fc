/* malloc until it fails, then free everything and exit 0 as if all went
 * well. A refusal caused by the quota is ML whatever the program does
 * next. ML. */
#include "hostile.h"
#include <stdlib.h>
int main(void)
{
	for (;;)
		if (!malloc(1 << 20))
			break;
	puts("malloc failed; pretending nothing happened");
	return 0;
}
