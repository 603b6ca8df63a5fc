/* A 512 MiB global array (bench: time to an ML verdict for an image over
 * the memory quota). Touches one page, prints "ok". */
#include <stdio.h>

static char big[512u << 20];

int main(int argc, char **argv)
{
	(void)argv;
	big[(unsigned)argc * 4096] = 1;
	puts(big[4096] ? "ok" : "?");
	return 0;
}
