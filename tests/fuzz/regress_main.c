/*
 * `make check` driver of the fuzz target: runs every file of the seed
 * corpus (FUZZ_CORPUS_DIR, or the directories given as arguments) through
 * LLVMFuzzerTestOneInput once. Exit 0 when all of them pass; a crash or
 * abort fails the test.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (n == cap) {
			char *b = realloc(buf, cap = cap ? 2 * cap : 4096);
			if (!b) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = b;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	free(buf);
	return 0;
}

static int run_dir(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), done = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		if (ents[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
			if (run_file(path) < 0)
				return -1;
			done++;
		}
		free(ents[i]);
	}
	free(ents);
	printf("%s: %d inputs\n", dir, done);
	return done > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return run_dir(FUZZ_CORPUS_DIR) < 0 ? 1 : 0;
	for (int i = 1; i < argc; i++)
		if (run_dir(argv[i]) < 0)
			return 1;
	return 0;
}
