/* A global array of BSS_MB MiB, the most common over-quota submission:
 * its image needs that much address space before main() runs. Touches one
 * page, prints "bss ok"; built with TOUCH_ALL, it writes every byte first
 * (an array the program really uses: its resident memory is the array). */
#include <stdio.h>
#include <string.h>

#ifndef BSS_MB
#define BSS_MB 512
#endif

static char big[(size_t)BSS_MB << 20];

int main(int argc, char **argv)
{
	(void)argv;
#ifdef TOUCH_ALL
	memset(big, argc, sizeof(big));
#endif
	big[(size_t)argc * 4096] = 1;
	printf("bss %s\n", big[4096] ? "ok" : "?");
	return 0;
}
