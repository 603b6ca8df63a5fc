/* system(): RF at the process creation. */
#include "hostile.h"
#include <stdlib.h>
int main(void)
{
	int rc = system("echo ESCAPED: system ran a shell");
	escaped("system returned %d", rc);
}
