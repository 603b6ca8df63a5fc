/* Prints "hello\n" (6 bytes, one write) and exits 0. Also built -static. */
#include <stdio.h>

int main(void)
{
	fputs("hello\n", stdout);
	return 0;
}
