/*
 * The cpulist syntax of the kernel ("0-3,6"): the CPUs a run may use
 * (sandbox_set_cpus). Host-wide claims on CPUs are in claims.c.
 */
#include "config.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>

/* "0-3,6": comma-separated CPU numbers and ranges, each below
 * CPU_SETSIZE, no blanks, no empty item. */
int sb_parse_cpulist(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	if (!*s)
		return -EINVAL;
	for (;;) {
		char *end;
		unsigned long lo, hi;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		lo = hi = strtoul(s, &end, 10);
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return -EINVAL;
			hi = strtoul(s, &end, 10);
		}
		if (lo > hi || hi >= CPU_SETSIZE)
			return -EINVAL;
		for (unsigned long c = lo; c <= hi; c++)
			CPU_SET(c, set);
		if (*end == '\0')
			return 0;
		if (*end != ',')
			return -EINVAL;
		s = end + 1;
	}
}
