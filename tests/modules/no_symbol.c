/* A shared object without the entry symbol: not a policy module. */
#include "sandbox.h"

int tm_no_symbol_marker(void);

int tm_no_symbol_marker(void)
{
	return 42;
}
