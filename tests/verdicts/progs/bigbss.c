/* A global array of BSS_MB MiB, the most common over-quota submission:
 * its image needs that much address space before main() runs. Touches one
 * page, prints "bss ok". */
#include <stdio.h>

#ifndef BSS_MB
#define BSS_MB 512
#endif

static char big[(size_t)BSS_MB << 20];

int main(int argc, char **argv)
{
	(void)argv;
	big[(size_t)argc * 4096] = 1;
	printf("bss %s\n", big[4096] ? "ok" : "?");
	return 0;
}
