/* Prints its working directory. */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char buf[PATH_MAX];

	if (getcwd(buf, sizeof(buf)) == NULL)
		return 1;
	puts(buf);
	return 0;
}
