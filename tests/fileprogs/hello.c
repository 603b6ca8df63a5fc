/* The matrix's C program (tests/check_files.c): "hello" prints a line;
 * "fileio" reads numbers from in.txt, writes their sum to out.txt and to
 * stdout, and formats a local time (the runtime's zoneinfo and locale
 * reads happen here too). */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "fileio") != 0) {
		printf("hello from C\n");
		return 0;
	}
	FILE *in = fopen("in.txt", "r"), *out;
	long sum = 0, v;
	char when[64];
	time_t t = 0;

	if (!in)
		return 3;
	while (fscanf(in, "%ld", &v) == 1)
		sum += v;
	fclose(in);
	if (!(out = fopen("out.txt", "w")))
		return 4;
	fprintf(out, "%ld\n", sum);
	if (fclose(out) != 0)
		return 5;
	setlocale(LC_ALL, "");
	strftime(when, sizeof(when), "%Y", localtime(&t));
	printf("sum %ld sqrt %.0f epoch %s\n", sum, sqrt((double)sum * sum), when);
	return 0;
}
