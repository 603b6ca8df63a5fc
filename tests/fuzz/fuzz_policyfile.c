/*
 * libFuzzer target for the policy-file parser: any bytes must either
 * parse into a policy that can be explained, or fail with errno set and a
 * one-line message of the form "NAME:LINE:COLUMN: ..." or "NAME: ...".
 * Never a crash, a leak or an unterminated message.
 *
 * Built two ways: by `make fuzz` with clang -fsanitize=fuzzer, and in
 * `make check` with regress_main.c, which runs the seed corpus through it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	sandbox_policy_t *p;

	memset(err, 'X', sizeof(err));
	errno = 0;
	p = sandbox_policy_parse((const char *)data, size, "fuzz", err,
	                         sizeof(err));
	if (p) {
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (sandbox_policy_explain(p, fd) < 0)
				abort();
			close(fd);
		}
		sandbox_policy_unref(p);
		return 0;
	}
	if (errno == 0 || !memchr(err, '\0', sizeof(err)) ||
	    strncmp(err, "fuzz:", 5) != 0 || strchr(err, '\n'))
		abort();
	return 0;
}
