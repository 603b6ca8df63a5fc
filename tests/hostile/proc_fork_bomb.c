/* The classic fork bomb. RF at the first fork. Run only in a fresh PID
 * namespace (expected.tsv flag `ns`). */
#include "hostile.h"
int main(void)
{
	for (int i = 0; i < 64; i++)
		if (fork() == 0)
			for (;;)
				fork();
	escaped("forked 64 times");
}
