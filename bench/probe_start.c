/* bench/probe_start -- the program of bench/child-steps: writes the time
 * stamp counter's value at its main() (8 bytes, binary) to stdout, so the
 * probes can see when the execve had finished. Static: no loader. */
#include <stdint.h>
#include <unistd.h>

int main(void)
{
#if defined(__x86_64__) || defined(__i386__)
	uint64_t t = __builtin_ia32_rdtsc();
#else
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
	return write(1, &t, sizeof(t)) == (ssize_t)sizeof(t) ? 0 : 1;
}
