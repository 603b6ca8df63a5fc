/* Prints "argv[i]=..." for each argument, then "env=..." for each
 * environment entry, then "end". */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = environ; e && *e; e++)
		printf("env=%s\n", *e);
	puts("end");
	return 0;
}
