/*
 * bench/touch_mem MB -- allocate MB mebibytes with malloc() (default 64),
 * write every byte (memset), then print the process's own VmPeak and VmHWM
 * in bytes from /proc/self/status ("-1 -1" if it cannot be read, e.g. when
 * a policy refuses the open), and exit 0. The reference program of the
 * memory accuracy check of `make bench`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t klen = strlen(key);
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0) {
			v = atoll(line + klen);
			break;
		}
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 64;
	size_t len = (size_t)mb << 20;
	char *p = malloc(len);
	long long peak, hwm;

	if (!p)
		return 2;
	memset(p, 0x5a, len);
	peak = status_kb("VmPeak:");
	hwm = status_kb("VmHWM:");
	printf("%lld %lld\n", peak < 0 ? -1 : peak * 1024, hwm < 0 ? -1 : hwm * 1024);
	/* Use p after the reads so the allocation is live at the measure. */
	return p[len - 1] == 0x5a ? 0 : 3;
}
